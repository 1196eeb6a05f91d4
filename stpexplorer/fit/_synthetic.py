"""Synthetic quantal amplitude trains from a Tsodyks–Markram synapse (for tests, benchmarks, teaching).

At spike n of a sweep, each of ``n_sites`` release sites releases with probability
``p_n = u_n x_n`` (the engine's deterministic recursion, :func:`release_fraction`, W = 1),
so the number of quanta is ``m ~ Binomial(n_sites, p_n)``; each quantum has a gamma-distributed
size with mean ``quantal_size`` and coefficient of variation ``cv``. The amplitude is the sum::

    amplitude = Σ_{i<m} q_i,   q_i ~ Gamma(shape = 1/cv², scale = quantal_size·cv²)
    E[amplitude] = n_sites · quantal_size · u_n x_n        (W = n_sites · quantal_size)

``params.W`` is ignored. Depletion x follows its mean-field recursion (independent of the draws).
"""

from __future__ import annotations

from collections.abc import Mapping

import jax
import numpy as np

from stpexplorer.engine._params import float_dtype
from stpexplorer.engine.stp import STPParams
from stpexplorer.engine.stp_sweep import release_at_intervals
from stpexplorer.fit._data import AmplitudeData, _protocol

__all__ = ["synthetic_amplitudes", "release_fraction"]


def release_fraction(params: STPParams, isi_ms) -> np.ndarray:
    """u_n x_n of one parameter set at spikes with intervals ``isi_ms`` (ms; the first entry is
    ignored), as float64 numpy (n_spikes,). The engine's recursion
    (:func:`stpexplorer.engine.release_at_intervals`, W = 1): the fit, its predictions, the Fit
    tab's line and its SSE all compute the model here or there, never with a copy. The
    intervals are padded to a power of two (>= 16) so trains of similar length share one
    compiled function, and the parameters are normalised to the engine's dtype so that a new
    slider value never recompiles."""
    isi = np.asarray(isi_ms, dtype=np.float64).ravel()
    n = isi.size
    if n == 0:
        return np.empty(0)
    dt = float_dtype()
    padded = np.zeros(max(16, 1 << (n - 1).bit_length()), dtype=dt)
    padded[:n] = isi
    U, tf, td = (np.asarray(v, dtype=dt) for v in (params.U, params.tau_f, params.tau_d))
    f = U if params.f is None else np.asarray(params.f, dtype=dt)
    p = STPParams(U=U, tau_f=tf, tau_d=td, W=np.asarray(1.0, dtype=dt), f=f)
    return np.asarray(_release(p, padded), dtype=np.float64)[:n]


_release = jax.jit(release_at_intervals)


def _count(name, v, lo):
    if isinstance(v, bool) or not float(v) == int(v) or int(v) < lo:
        raise ValueError(f"{name} must be an integer >= {lo}, got {v!r}")
    return int(v)


def synthetic_amplitudes(params: STPParams, protocols: Mapping, *, n_sweeps, n_sites, quantal_size,
                         cv, seed) -> AmplitudeData:
    """Quantal amplitude trains for ``protocols`` = ``{name: isi_ms}`` (ms, first entry 0).

    ``n_sweeps`` is an int or ``{name: int}``; ``n_sites`` >= 1; ``quantal_size`` > 0;
    ``cv`` >= 0 (0: every quantum has size ``quantal_size``); reproducible for a ``seed``.
    Returns :class:`AmplitudeData` with amplitudes (n_sweeps, n_spikes) per protocol.
    """
    if not isinstance(params, STPParams):
        raise ValueError(f"params must be an STPParams, got {type(params).__name__}")
    if np.ndim(params.U) or np.ndim(params.tau_f) or np.ndim(params.tau_d):
        raise ValueError("params must be one parameter set (scalar leaves), got batched leaves")
    if not isinstance(protocols, Mapping) or not protocols:
        raise ValueError(f"protocols must be a non-empty dict {{name: isi_ms}}, got {protocols!r}")
    sites = _count("n_sites", n_sites, 1)
    q = float(quantal_size)
    if not (np.isfinite(q) and q > 0):
        raise ValueError(f"quantal_size must be > 0, got {quantal_size!r}")
    cv = float(cv)
    if not (np.isfinite(cv) and cv >= 0):
        raise ValueError(f"cv must be >= 0 (0: identical quanta), got {cv!r}")
    rng = np.random.default_rng(_count("seed", seed, 0))
    out = {}
    for name, isi in protocols.items():
        ns = _count(f"n_sweeps[{name!r}]", n_sweeps[name] if isinstance(n_sweeps, Mapping) else n_sweeps, 1)
        prot = _protocol(name, isi, np.zeros(np.size(isi)))  # validates the intervals
        p = np.clip(release_fraction(params, prot.isi_ms), 0.0, 1.0)
        m = rng.binomial(sites, p, size=(ns, p.size))
        if cv == 0:
            amps = q * m
        else:
            k = 1.0 / cv**2
            amps = np.where(m > 0, rng.gamma(np.maximum(m, 1) * k, q * cv**2), 0.0)
        out[name] = (prot.isi_ms, amps)
    return AmplitudeData.from_dict(out)
