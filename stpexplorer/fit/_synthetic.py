"""Synthetic quantal amplitude trains from a Tsodyks–Markram synapse (for tests, benchmarks, teaching).

At spike n of a sweep, each of ``n_sites`` release sites releases with probability
``p_n = u_n x_n`` (the deterministic recursion of :mod:`stpexplorer.engine.stp_sweep`, W = 1),
so the number of quanta is ``m ~ Binomial(n_sites, p_n)``; each quantum has a gamma-distributed
size with mean ``quantal_size`` and coefficient of variation ``cv``. The amplitude is the sum::

    amplitude = Σ_{i<m} q_i,   q_i ~ Gamma(shape = 1/cv², scale = quantal_size·cv²)
    E[amplitude] = n_sites · quantal_size · u_n x_n        (W = n_sites · quantal_size)

``params.W`` is ignored. Depletion x follows its mean-field recursion (independent of the draws).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from stpexplorer.engine.stp import STPParams
from stpexplorer.fit._data import AmplitudeData, _protocol

__all__ = ["synthetic_amplitudes", "release_fraction"]


def release_fraction(params: STPParams, isi_ms) -> np.ndarray:
    """u_n x_n of one parameter set at spikes with intervals ``isi_ms`` (ms), float64 numpy, (n_spikes,)."""
    U, tf, td = (float(np.asarray(v)) for v in (params.U, params.tau_f, params.tau_d))
    f = U if params.f is None else float(np.asarray(params.f))
    isi = np.asarray(isi_ms, dtype=np.float64)
    u, x = U, 1.0
    out = np.empty(isi.size)
    for n in range(isi.size):
        if n:
            ef = np.exp(-isi[n] / tf) if tf > 0 else 0.0
            ed = np.exp(-isi[n] / td) if td > 0 else 0.0
            u_next = U + (u + f * (1 - u) - U) * ef
            x = 1.0 + (x - u * x - 1.0) * ed
            u = u_next
        out[n] = u * x
    return out


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
