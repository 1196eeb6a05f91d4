"""Event-driven per-spike release of many Tsodyks–Markram parameter sets, and steady states.

The exact recursion over inter-spike intervals Δ_n = t_n − t_{n−1} (ms), first spike from rest::

    u_0 = U,  x_0 = 1
    u_{n+1} = U + (u_n + f(1 − u_n) − U) e^{−Δ/τf}     (f = U when params.f is None)
    x_{n+1} = 1 + (x_n − u_n x_n − 1) e^{−Δ/τd}
    release_n = W u_n x_n

Its cost is O(n_sets · n_spikes), independent of dt. ``sweep_stp`` takes a 0/1 train on a
time grid; ``release_at_intervals`` takes the intervals directly (used by the fit).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from ._batch import run_batched
from ._params import as_float_scalar, check_range
from .protocols import check_spikes
from ._stp_f import _after_release, _extra_jump, canonical
from .stp import STPParams, STPSweep, _check_params, _decay

__all__ = ["sweep_stp", "steady_state", "spike_intervals", "release_at_intervals"]


def release_at_intervals(p: STPParams, intervals):
    """Per-spike release (n_spikes,) for one parameter set; ``intervals`` (n_spikes,) in ms,
    ``intervals[0]`` ignored (the first spike is from rest). Pure JAX, differentiable in p."""
    e_f = _decay(intervals, p.tau_f)
    e_d = _decay(intervals, p.tau_d)
    g = _extra_jump(p)

    def step(carry, e):
        u, x = carry  # u carried from the previous spike, x after the previous depletion
        ef, ed = e
        u_pre = u * ef
        x_pre = 1.0 + (x - 1.0) * ed
        u_new = u_pre + p.U * (1.0 - u_pre)
        frac = u_new * x_pre
        return (_after_release(u_new, g), x_pre - frac), frac

    zero = jnp.zeros((), intervals.dtype)
    _, frac = lax.scan(step, (zero, zero + 1.0), (e_f, e_d))
    return p.W * frac


def _sweep_one(p: STPParams, intervals):
    return STPSweep(release=release_at_intervals(p, intervals))


_sweep_single = jax.jit(_sweep_one)
_sweep_batched = jax.jit(jax.vmap(_sweep_one, in_axes=(0, None)))


def spike_intervals(spikes, dt) -> np.ndarray:
    """Inter-spike intervals (ms) of a 0/1 train; the first entry is 0 (from rest)."""
    idx = np.flatnonzero(np.asarray(spikes) > 0.5)
    d = np.diff(idx, prepend=idx[:1] if idx.size else idx).astype(np.float64) * float(dt)
    return d


def sweep_stp(params: STPParams, spikes, *, dt_ms) -> STPSweep:
    """Per-spike release for many parameter sets, event-driven (work only at spikes).

    Uses the exact recursion over inter-spike intervals, so its cost is
    O(n_sets · n_spikes) instead of O(n_sets · n_steps). The number of spikes is
    padded to a power of two (≥ 16), so trains of similar length share one
    compiled function.

    Returns:
        :class:`STPSweep` with ``release`` of shape (*batch, n_spikes).
    """
    _check_params(params, STPParams)
    params = canonical(params)
    dt = as_float_scalar("dt_ms", dt_ms, lo=0.0, lo_open=True, unit="ms")
    s = check_spikes("spikes", spikes, ndim=1)
    d = spike_intervals(s, dt)
    n = d.size
    padded = max(16, 1 << max(0, int(n - 1).bit_length()))
    iv = np.zeros(padded, dtype=s.dtype)
    iv[:n] = d
    out = run_batched(_sweep_single, _sweep_batched, params, iv)
    return STPSweep(release=out.release[..., :n])


def steady_state(params: STPParams, rate_hz):
    """Steady state of a regular train at ``rate_hz``: ``(u_star, x_star, release_star)``.

    Fixed point of the exact recursion with Δ = 1000 / rate_hz ms::

        u* = U / (1 - (1-U) e^{-Δ/τf})                       (f = U, params.f None)
        u* = (U (1 - e^{-Δ/τf}) + f e^{-Δ/τf}) / (1 - (1-f) e^{-Δ/τf})   (f given)
        x* = (1 - e^{-Δ/τd}) / (1 - (1-u*) e^{-Δ/τd})
        release* = W u* x*

    ``u*`` is the release fraction u at each spike and ``x*`` x just before depletion.
    For τf = 0 and rates above r_lim = 1/(U τd), release* ≈ W / (r τd) (the 1/r law).
    Works elementwise on batched parameters and rate arrays.
    """
    _check_params(params, STPParams)
    params = canonical(params)
    check_range("rate_hz", rate_hz, lo=0.0, lo_open=True, unit="Hz")
    rate = np.asarray(rate_hz, dtype=np.asarray(params.U).dtype) if not isinstance(rate_hz, jax.Array) else rate_hz
    return _steady(params, rate)


@jax.jit
def _steady(p: STPParams, rate):
    delta = 1000.0 / rate
    e_f = _decay(delta, p.tau_f)
    e_d = _decay(delta, p.tau_d)
    if p.f is None:
        u = p.U / (1.0 - (1.0 - p.U) * e_f)
    else:
        u = (p.U * (1.0 - e_f) + p.f * e_f) / (1.0 - (1.0 - p.f) * e_f)
    x = (1.0 - e_d) / (1.0 - (1.0 - u) * e_d)
    return u, x, p.W * u * x
