r"""Trace-based spike-timing-dependent plasticity (pair rule).

Traces (ms) decay exactly from their last spike (``a(t) = a(t_last^+) e^{-(t - t_last)/τ}``,
no per-step product of rounded factors) and jump at spikes:

.. math::  \tau_+ \dot a_{pre} = -a_{pre}, \qquad \tau_- \dot a_{post} = -a_{post}

``rule="all_to_all"``: a spike adds 1 to its trace (every pre/post pair interacts);
``rule="nearest"``: a spike resets its trace to 1 (only the nearest spike counts).

Weight updates (hard bounds, additive):

.. math::  \text{post spike: } w \leftarrow w + A_+ a_{pre}, \qquad
           \text{pre spike: } w \leftarrow w - A_- a_{post}, \qquad w \in [w_{min}, w_{max}]

``bounds="hard"`` clips to ``[w_min, w_max]``. ``bounds="soft"`` is multiplicative
(van Rossum, Bi & Turrigiano 2000): potentiation ``A_+ a_pre (w_max - w)``, depression
``A_- a_post (w - w_min)``, so w approaches the bounds without reaching them (it is
still clipped, which matters only when ``A·a > 1``).

An isolated pair with Δt = t_post − t_pre gives ``Δw = A_+ e^{-Δt/τ+}`` for Δt > 0 and
``Δw = −A_- e^{Δt/τ-}`` for Δt < 0 (Song, Miller & Abbott 2000; Bi & Poo 1998).

Same-step spikes: within a step the traces first decay, then both weight updates
use the traces from *earlier* steps, then this step's spikes are added to the traces.
A pre and a post spike in the same step therefore do not pair with each other
(Δt = 0 gives Δw = 0); each still pairs with all earlier spikes.

Shapes: ``pre`` and ``post`` are (n_steps,) (or (n_steps, n) for n synapses onto
one neuron in the circuit); traces are (*batch, n_steps).

Example
-------
>>> import stpexplorer as stp
>>> p = stp.STDPParams(A_plus=0.01, A_minus=0.0105, tau_plus=20.0, tau_minus=20.0)
>>> round(float(stp.stdp_window(p, 20.0, dt_ms=0.1)), 5)  # A+ e^{-1}
0.00368
"""

from __future__ import annotations

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from ._batch import run_batched
from ._params import as_float_scalar, check_range, params_class, trace_class
from .protocols import check_spikes
from .stp import elapsed_since_last_spike

__all__ = ["STDPParams", "STDPTrace", "simulate_stdp", "stdp_window", "stdp_step", "RULES", "BOUNDS"]

RULES = ("all_to_all", "nearest")
BOUNDS = ("hard", "soft")


@params_class(meta=("rule", "bounds"))
class STDPParams:
    """Pair-based STDP parameters.

    A_plus:    potentiation amplitude, >= 0
    A_minus:   depression amplitude, >= 0
    tau_plus:  pre-trace time constant, ms, > 0
    tau_minus: post-trace time constant, ms, > 0
    w_min, w_max: weight bounds, w_max > w_min
    rule:   "all_to_all" (traces add 1) or "nearest" (traces reset to 1); static
    bounds: "hard" (additive, clipped) or "soft" (multiplicative); static
    """

    A_plus: jax.Array
    A_minus: jax.Array
    tau_plus: jax.Array
    tau_minus: jax.Array
    w_min: jax.Array = 0.0
    w_max: jax.Array = 1.0
    rule: str = "all_to_all"
    bounds: str = "hard"

    def _check(self):
        if self.rule not in RULES:
            raise ValueError(f"rule must be one of {RULES}, got {self.rule!r}")
        if self.bounds not in BOUNDS:
            raise ValueError(f"bounds must be one of {BOUNDS}, got {self.bounds!r}")
        check_range("A_plus", self.A_plus, lo=0.0)
        check_range("A_minus", self.A_minus, lo=0.0)
        check_range("tau_plus", self.tau_plus, lo=0.0, lo_open=True, unit="ms")
        check_range("tau_minus", self.tau_minus, lo=0.0, lo_open=True, unit="ms")
        check_range("w_min", self.w_min)
        check_range("w_max", self.w_max)
        if not isinstance(self.w_min, jax.core.Tracer) and not isinstance(self.w_max, jax.core.Tracer):
            wmin, wmax = np.asarray(self.w_min), np.asarray(self.w_max)
            if np.any(wmax <= wmin):
                raise ValueError(
                    f"w_max must be > w_min={float(np.max(wmin)):g}, got {float(np.min(wmax)):g}")


@trace_class
class STDPTrace:
    """Weight and traces at the end of each step, shape (*batch, n_steps[, n])."""

    w: jax.Array
    pre_trace: jax.Array
    post_trace: jax.Array


def stdp_step(p: STDPParams, carry, pre_s, post_s, e_pre, e_post):
    """One step. carry = (w, a_pre+, a_post+) with the traces just after their last spike;
    e_pre / e_post = exp(-(time since that spike)/tau): the traces decay exactly from the
    last spike (no per-step product of rounded factors). Weight updates use the traces of
    earlier spikes; then this step's spikes are added. Returns (carry, (w, a_pre, a_post))."""
    w, pre_last, post_last = carry
    a_pre = pre_last * e_pre
    a_post = post_last * e_post
    pot = p.A_plus * a_pre * post_s
    dep = p.A_minus * a_post * pre_s
    if p.bounds == "soft":
        w = w + pot * (p.w_max - w) - dep * (w - p.w_min)
    else:
        w = w + pot - dep
    w = jnp.clip(w, p.w_min, p.w_max)
    if p.rule == "nearest":
        a_pre = jnp.where(pre_s > 0.5, 1.0, a_pre)
        a_post = jnp.where(post_s > 0.5, 1.0, a_post)
    else:
        a_pre = a_pre + pre_s
        a_post = a_post + post_s
    pre_last = jnp.where(pre_s > 0.5, a_pre, pre_last)
    post_last = jnp.where(post_s > 0.5, a_post, post_last)
    return (w, pre_last, post_last), (w, a_pre, a_post)


def _simulate(p: STDPParams, pre, post, el_pre, el_post, w0, dt):
    e_pre = jnp.exp(-el_pre / p.tau_plus)
    e_post = jnp.exp(-el_post / p.tau_minus)

    def step(carry, s):
        return stdp_step(p, carry, *s)

    zero = jnp.zeros(pre.shape[1:], pre.dtype)
    w_init = jnp.clip(jnp.broadcast_to(w0, pre.shape[1:]).astype(pre.dtype), p.w_min, p.w_max)
    _, (w, a_pre, a_post) = lax.scan(step, (w_init, zero, zero), (pre, post, e_pre, e_post))
    return STDPTrace(w=w, pre_trace=a_pre, post_trace=a_post)


_single = jax.jit(_simulate)
_batched = jax.jit(jax.vmap(_simulate, in_axes=(0, None, None, None, None, None, None)))


def _check_w0(w0):
    return as_float_scalar("w0", w0)


def simulate_stdp(params: STDPParams, pre, post, *, w0, dt_ms) -> STDPTrace:
    """Simulate one plastic synapse driven by presynaptic and postsynaptic spike trains.

    Args:
        params: :class:`STDPParams` (leaves may carry leading batch axes).
        pre, post: (n_steps,) arrays of 0/1.
        w0: initial weight (clipped into [w_min, w_max]).
        dt_ms: time step, ms.

    Returns:
        :class:`STDPTrace` with ``w``, ``pre_trace``, ``post_trace``, each (*batch, n_steps).
    """
    if not isinstance(params, STDPParams):
        raise ValueError(f"params must be a STDPParams, got {type(params).__name__}")
    dt = as_float_scalar("dt_ms", dt_ms, lo=0.0, lo_open=True, unit="ms")
    a = check_spikes("pre", pre, ndim=1)
    b = check_spikes("post", post, ndim=1)
    if a.shape != b.shape:
        raise ValueError(f"post must have the shape of pre {a.shape}, got shape {b.shape}")
    w = _check_w0(w0)
    el = (elapsed_since_last_spike(a, dt), elapsed_since_last_spike(b, dt))
    return run_batched(_single, _batched, params, a, b, *el, w, dt)


def _window(p: STDPParams, pre, post, el_pre, el_post, w0, dt):
    tr = jax.vmap(_simulate, in_axes=(None, 0, 0, 0, 0, None, None))(p, pre, post, el_pre, el_post, w0, dt)
    return tr.w[:, -1] - jnp.clip(w0, p.w_min, p.w_max)


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
    (*batch, n_dt) (``(*batch,)`` for a scalar Δt). With hard bounds and w0 away from
    the bounds it equals ``A_plus e^{-Δt/τ+}`` (Δt > 0), ``-A_minus e^{Δt/τ-}`` (Δt < 0), 0 at Δt = 0.
    """
    if not isinstance(params, STDPParams):
        raise ValueError(f"params must be a STDPParams, got {type(params).__name__}")
    dt = as_float_scalar("dt_ms", dt_ms, lo=0.0, lo_open=True, unit="ms")
    w = _check_w0(w0)
    pre, post, _ = window_trains(delta_t_ms, dt)
    dtype = dt.dtype
    pre, post = pre.T.astype(dtype), post.T.astype(dtype)  # (n_steps, n_dt): time first for the host index
    el = (elapsed_since_last_spike(pre, dt).T, elapsed_since_last_spike(post, dt).T)
    out = run_batched(_window_single, _window_batched, params, pre.T, post.T, *el, w, dt)
    return out if np.ndim(delta_t_ms) else out[..., 0]
