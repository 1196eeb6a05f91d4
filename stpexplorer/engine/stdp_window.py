r"""The STDP window: Δw of one isolated pre/post pair against Δt = t_post − t_pre (ms).

:func:`stdp_window` simulates the pair on the dt grid; :func:`stdp_window_analytic` is its closed
form. With ``w̄ = clip(w0, w_min, w_max)`` (w0 itself for bounds="none")

.. math::  Δw_{raw}(Δt) = A_+ e^{-Δt/\tau_+} \ (Δt > 0), \quad -A_- e^{Δt/\tau_-} \ (Δt < 0), \quad 0 \ (Δt = 0)

``bounds="soft"`` multiplies potentiation by ``(w_max − w̄)`` and depression by ``(w̄ − w_min)``;
``"hard"`` and ``"soft"`` then clip ``w̄ + Δw`` into ``[w_min, w_max]``; ``"none"`` keeps Δw_raw.
The triplet terms (A3±) need an earlier spike of the same train, so they add nothing to an
isolated pair; ``rule`` makes no difference either (each train has one spike).
"""

from __future__ import annotations

import jax
import numpy as np

from stpexplorer.engine._batch import batch_shape, run_batched
from stpexplorer.engine._events import elapsed_since_last_spike
from stpexplorer.engine._params import as_float_scalar, check_instance, check_range
from stpexplorer.engine.stdp import STDPParams, _check_w0, _simulate, stdp_init

__all__ = ["stdp_window", "stdp_window_analytic", "window_trains"]


def _window(p: STDPParams, pre, post, el_pre, el_post, w0, dt):
    tr = jax.vmap(_simulate, in_axes=(None, 0, 0, 0, 0, None, None))(p, pre, post, el_pre, el_post, w0, dt)
    return tr.w[:, -1] - stdp_init(p, w0, (), pre.dtype).w


_window_single = jax.jit(_window)
_window_batched = jax.jit(jax.vmap(_window, in_axes=(0, None, None, None, None, None, None)))


def window_trains(delta_t_ms, dt_ms):
    """One isolated pair per Δt on a common window: pre/post arrays of shape (n_dt, n_steps).

    Δt is snapped to the grid; the earlier spike of each pair sits at step 1.
    """
    dt = float(dt_ms)
    d = np.atleast_1d(np.asarray(delta_t_ms, dtype=np.float64))
    check_range("delta_t_ms", d, unit="ms")
    k = np.floor(d / dt + 0.5).astype(np.int64)
    n_steps = int(np.max(np.abs(k))) + 3
    rows = np.arange(d.size)
    t_pre = 1 + np.maximum(0, -k)
    pre = np.zeros((d.size, n_steps))
    post = np.zeros((d.size, n_steps))
    pre[rows, t_pre] = 1.0
    post[rows, t_pre + k] = 1.0
    return pre, post, k * dt


def stdp_window(params: STDPParams, delta_t_ms, *, dt_ms, w0=0.5):
    """Δw of one isolated pre/post pair for each Δt = t_post − t_pre (ms), by simulation.

    ``delta_t_ms`` is snapped to the dt grid. Returns an array of shape
    (*batch, n_dt) (``(*batch,)`` for a scalar Δt). It equals :func:`stdp_window_analytic`
    at the snapped Δt up to float round-off, for the pair and the triplet rule alike.
    """
    check_instance("params", params, STDPParams)
    dt = as_float_scalar("dt_ms", dt_ms, lo=0.0, lo_open=True, unit="ms")
    w = _check_w0(w0)
    pre, post, _ = window_trains(delta_t_ms, dt)
    dtype = dt.dtype
    pre, post = pre.T.astype(dtype), post.T.astype(dtype)  # (n_steps, n_dt): time first for the host index
    el = (elapsed_since_last_spike(pre, dt).T, elapsed_since_last_spike(post, dt).T)
    out = run_batched(_window_single, _window_batched, params, pre.T, post.T, *el, w, dt)
    return out if np.ndim(delta_t_ms) else out[..., 0]


def stdp_window_analytic(params: STDPParams, delta_t_ms, *, w0=0.5) -> np.ndarray:
    """Closed-form Δw of one isolated pair (equations in the module docstring), numpy float64.

    Args:
        params: :class:`STDPParams` (leaves may carry batch axes).
        delta_t_ms: Δt = t_post − t_pre in ms, scalar or array (not snapped to any grid).
        w0: initial weight.

    Returns:
        Δw of shape (*batch, *delta_t_ms.shape).

    >>> p = STDPParams(A_plus=0.01, A_minus=0.0105, tau_plus=20.0, tau_minus=20.0)
    >>> stdp_window_analytic(p, [-20.0, 0.0, 20.0]).round(5).tolist()
    [-0.00386, 0.0, 0.00368]
    """
    check_instance("params", params, STDPParams)
    w0 = float(as_float_scalar("w0", w0))
    d = np.asarray(delta_t_ms, dtype=np.float64)
    check_range("delta_t_ms", d, unit="ms")
    shape = batch_shape(params)

    def leaf(name):
        return np.broadcast_to(np.asarray(getattr(params, name), np.float64), shape).reshape(shape + (1,) * d.ndim)

    a_p, a_m, t_p, t_m, lo, hi = (leaf(n) for n in ("A_plus", "A_minus", "tau_plus", "tau_minus", "w_min", "w_max"))
    w = np.full_like(lo, w0) if params.bounds == "none" else np.clip(w0, lo, hi)
    pot = a_p * np.exp(-np.abs(d) / t_p)
    dep = a_m * np.exp(-np.abs(d) / t_m)
    if params.bounds == "soft":
        pot, dep = pot * (hi - w), dep * (w - lo)
    dw = np.where(d > 0, pot, np.where(d < 0, -dep, 0.0))
    if params.bounds == "none":
        return dw
    return np.clip(w + dw, lo, hi) - w
