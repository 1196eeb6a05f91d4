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
import numpy as np
from jax import lax

from stpexplorer.engine._batch import run_batched
from stpexplorer.engine._events import spike_intervals
from stpexplorer.engine._params import as_float_scalar, check_range
from stpexplorer.engine._stp_f import canonical
from stpexplorer.engine.protocols import check_spikes
from stpexplorer.engine.stp import STPParams, STPSweep, _check_params
from stpexplorer.engine.tm import STPState, stp_init, tm_decay, tm_jump, tm_relax

__all__ = ["sweep_stp", "steady_state", "spike_intervals", "release_at_intervals"]


def release_at_intervals(p: STPParams, intervals):
    """Per-spike release (n_spikes,) for one parameter set; ``intervals`` (n_spikes,) in ms,
    ``intervals[0]`` ignored (the first spike is from rest). Pure JAX, differentiable in p."""
    e_f = tm_decay(intervals, p.tau_f)
    e_d = tm_decay(intervals, p.tau_d)

    def step(state: STPState, e):
        # u carried from the previous spike, x after the previous depletion
        u_pre, x_pre = tm_relax(state.u, state.x, *e)
        u_next, x_next, frac = tm_jump(p, u_pre, x_pre)
        return STPState(u_next, x_next), frac

    _, frac = lax.scan(step, stp_init((), intervals.dtype), (e_f, e_d))
    return p.W * frac


def _sweep_one(p: STPParams, intervals):
    return STPSweep(release=release_at_intervals(p, intervals))


_sweep_single = jax.jit(_sweep_one)
_sweep_batched = jax.jit(jax.vmap(_sweep_one, in_axes=(0, None)))


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
    e_f = tm_decay(delta, p.tau_f)
    e_d = tm_decay(delta, p.tau_d)
    if p.f is None:
        u = p.U / (1.0 - (1.0 - p.U) * e_f)
    else:
        u = (p.U * (1.0 - e_f) + p.f * e_f) / (1.0 - (1.0 - p.f) * e_f)
    x = (1.0 - e_d) / (1.0 - (1.0 - u) * e_d)
    return u, x, p.W * u * x
