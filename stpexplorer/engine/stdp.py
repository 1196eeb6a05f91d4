r"""Trace-based spike-timing-dependent plasticity: the pair rule and the triplet rule.

Four traces (ms) decay exactly from their last spike (``a(t) = a(t_last^+) e^{-(t - t_last)/τ}``,
no per-step product of rounded factors): two of the presynaptic train, ``r1`` (τ+) and
``r2`` (τx), and two of the postsynaptic train, ``o1`` (τ−) and ``o2`` (τy):

.. math::  \tau_+ \dot r_1 = -r_1,\quad \tau_x \dot r_2 = -r_2,\quad
           \tau_- \dot o_1 = -o_1,\quad \tau_y \dot o_2 = -o_2

Weight updates (Pfister & Gerstner 2006, J Neurosci 26:9673, eqs. 3-4), with
``A2± = A_plus / A_minus`` and the triplet amplitudes ``A3± = A3_plus / A3_minus``:

.. math::  \text{post spike: } w \leftarrow w + r_1 \,(A_2^+ + A_3^+ o_2(t^-)), \qquad
           \text{pre spike: } w \leftarrow w - o_1 \,(A_2^- + A_3^- r_2(t^-))

``o2`` and ``r2`` are read *before* their own jump at that spike (the triplet term
counts earlier spikes of the same train). With ``A3_plus = A3_minus = 0`` (the default)
this is the pair rule ``Δw = A_+ a_pre`` / ``−A_- a_post``, bit for bit.

``rule="all_to_all"``: a spike adds 1 to its traces (every pre/post pair interacts);
``rule="nearest"``: a spike resets its traces to 1 (only the nearest spike counts).

``bounds="hard"`` clips to ``[w_min, w_max]``. ``bounds="soft"`` is multiplicative
(van Rossum, Bi & Turrigiano 2000): potentiation times ``(w_max - w)``, depression
times ``(w - w_min)``, so w approaches the bounds without reaching them (it is still
clipped, which matters only when ``A·a > 1``). ``bounds="none"`` is the unbounded
additive rule of Pfister & Gerstner (w0 is not clipped either).

An isolated pair with Δt = t_post − t_pre gives ``Δw = A_+ e^{-Δt/τ+}`` for Δt > 0 and
``Δw = −A_- e^{Δt/τ-}`` for Δt < 0 (Song, Miller & Abbott 2000; Bi & Poo 1998); the
triplet terms need a second spike of the same train and add nothing to it.

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
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from stpexplorer.engine._batch import run_batched
from stpexplorer.engine._events import elapsed_since_last_spike
from stpexplorer.engine._params import (
    as_float_scalar,
    check_instance,
    check_range,
    params_class,
    trace_class,
)
from stpexplorer.engine.protocols import check_spikes

__all__ = ["STDPParams", "STDPTrace", "STDPState", "STDPInputs", "simulate_stdp",
           "stdp_step", "stdp_decay", "stdp_init", "RULES", "BOUNDS"]

RULES = ("all_to_all", "nearest")
BOUNDS = ("hard", "soft", "none")


@params_class(meta=("rule", "bounds"))
class STDPParams:
    """Pair and triplet STDP parameters (Pfister & Gerstner 2006 names in brackets).

    A_plus:    pair potentiation amplitude [A2+], >= 0
    A_minus:   pair depression amplitude [A2-], >= 0
    tau_plus:  pre trace r1 time constant, ms, > 0
    tau_minus: post trace o1 time constant, ms, > 0
    w_min, w_max: weight bounds, w_max > w_min (unused with bounds="none")
    rule:   "all_to_all" (traces add 1) or "nearest" (traces reset to 1); static
    bounds: "hard" (additive, clipped), "soft" (multiplicative) or "none"; static
    A3_plus:  triplet potentiation amplitude [A3+], >= 0; 0 = pair rule
    A3_minus: triplet depression amplitude [A3-], >= 0; 0 = pair rule
    tau_x:    pre trace r2 time constant, ms, > 0 (101 ms: visual cortex, all-to-all)
    tau_y:    post trace o2 time constant, ms, > 0 (125 ms: visual cortex, all-to-all)
    """

    A_plus: jax.Array
    A_minus: jax.Array
    tau_plus: jax.Array
    tau_minus: jax.Array
    w_min: jax.Array = 0.0
    w_max: jax.Array = 1.0
    rule: str = "all_to_all"
    bounds: str = "hard"
    A3_plus: jax.Array = 0.0
    A3_minus: jax.Array = 0.0
    tau_x: jax.Array = 101.0
    tau_y: jax.Array = 125.0

    def _check(self):
        if self.rule not in RULES:
            raise ValueError(f"rule must be one of {RULES}, got {self.rule!r}")
        if self.bounds not in BOUNDS:
            raise ValueError(f"bounds must be one of {BOUNDS}, got {self.bounds!r}")
        for name in ("A_plus", "A_minus", "A3_plus", "A3_minus"):
            check_range(name, getattr(self, name), lo=0.0)
        for name in ("tau_plus", "tau_minus", "tau_x", "tau_y"):
            check_range(name, getattr(self, name), lo=0.0, lo_open=True, unit="ms")
        check_range("w_min", self.w_min)
        check_range("w_max", self.w_max)
        if not isinstance(self.w_min, jax.core.Tracer) and not isinstance(self.w_max, jax.core.Tracer):
            wmin, wmax = np.asarray(self.w_min), np.asarray(self.w_max)
            if np.any(wmax <= wmin):
                raise ValueError(
                    f"w_max must be > w_min={float(np.max(wmin)):g}, got {float(np.min(wmax)):g}")


@trace_class
class STDPTrace:
    """Weight and traces at the end of each step, shape (*batch, n_steps[, n]).

    pre_trace = r1 (τ+), post_trace = o1 (τ−), pre_trace_x = r2 (τx), post_trace_y = o2 (τy).
    """

    w: jax.Array
    pre_trace: jax.Array
    post_trace: jax.Array
    pre_trace_x: jax.Array
    post_trace_y: jax.Array


class STDPState(NamedTuple):
    """Weight and the four traces just after the last spike of their train (shape of w: () or (n,);
    in the circuit o1, o2 are () shared by all synapses)."""

    w: jax.Array
    r1: jax.Array
    r2: jax.Array
    o1: jax.Array
    o2: jax.Array


class STDPInputs(NamedTuple):
    """One step's input: ``pre``, ``post`` spikes (0/1) and the decay factors
    ``e_r1, e_r2`` (from the last pre spike) and ``e_o1, e_o2`` (from the last post spike),
    as returned by :func:`stdp_decay`. Shapes broadcast against the state's."""

    pre: jax.Array
    post: jax.Array
    e_r1: jax.Array
    e_r2: jax.Array
    e_o1: jax.Array
    e_o2: jax.Array


def stdp_decay(p: STDPParams, el_pre, el_post):
    """Decay factors ``(e_r1, e_r2, e_o1, e_o2)`` from the last pre / post spike (elapsed ms):
    ``exp(-el_pre/τ+), exp(-el_pre/τx), exp(-el_post/τ−), exp(-el_post/τy)``."""
    return (jnp.exp(-el_pre / p.tau_plus), jnp.exp(-el_pre / p.tau_x),
            jnp.exp(-el_post / p.tau_minus), jnp.exp(-el_post / p.tau_y))


def stdp_init(p: STDPParams, w0, shape, dtype) -> STDPState:
    """Initial state: traces 0, w0 broadcast to ``shape`` (clipped unless bounds="none")."""
    w = jnp.broadcast_to(w0, shape).astype(dtype)
    if p.bounds != "none":
        w = jnp.clip(w, p.w_min, p.w_max)
    z = jnp.zeros(shape, dtype)
    return STDPState(w, z, z, z, z)


def stdp_step(p: STDPParams, state: STDPState, inputs: STDPInputs):
    """One step: ``(state, (w, r1, r2, o1, o2))`` with the traces at the end of the step.

    ``inputs = STDPInputs(pre, post, *stdp_decay(p, el_pre, el_post))``: the traces decay
    exactly from the last spike of their train. Weight updates use the traces of earlier
    spikes (r2 and o2 before their jump); then this step's spikes are added to the traces.
    """
    pre_s, post_s = inputs.pre, inputs.post
    w = state.w
    r1, r2 = state.r1 * inputs.e_r1, state.r2 * inputs.e_r2
    o1, o2 = state.o1 * inputs.e_o1, state.o2 * inputs.e_o2
    # with A3 = 0 the factors are exactly A_plus / A_minus: the pair rule bit for bit
    pot = (p.A_plus + p.A3_plus * o2) * r1 * post_s
    dep = (p.A_minus + p.A3_minus * r2) * o1 * pre_s
    if p.bounds == "soft":
        w = w + pot * (p.w_max - w) - dep * (w - p.w_min)
    else:
        w = w + pot - dep
    if p.bounds != "none":
        w = jnp.clip(w, p.w_min, p.w_max)
    pre_on, post_on = pre_s > 0.5, post_s > 0.5
    if p.rule == "nearest":
        r1, r2 = jnp.where(pre_on, 1.0, r1), jnp.where(pre_on, 1.0, r2)
        o1, o2 = jnp.where(post_on, 1.0, o1), jnp.where(post_on, 1.0, o2)
    else:
        r1, r2 = r1 + pre_s, r2 + pre_s
        o1, o2 = o1 + post_s, o2 + post_s
    new = STDPState(w, jnp.where(pre_on, r1, state.r1), jnp.where(pre_on, r2, state.r2),
                    jnp.where(post_on, o1, state.o1), jnp.where(post_on, o2, state.o2))
    return new, (w, r1, r2, o1, o2)


def _simulate(p: STDPParams, pre, post, el_pre, el_post, w0, dt):
    inputs = STDPInputs(pre, post, *stdp_decay(p, el_pre, el_post))
    init = stdp_init(p, w0, pre.shape[1:], pre.dtype)
    _, (w, r1, r2, o1, o2) = lax.scan(partial(stdp_step, p), init, inputs)
    return STDPTrace(w=w, pre_trace=r1, post_trace=o1, pre_trace_x=r2, post_trace_y=o2)


_single = jax.jit(_simulate)
_batched = jax.jit(jax.vmap(_simulate, in_axes=(0, None, None, None, None, None, None)))


def _check_w0(w0):
    return as_float_scalar("w0", w0)


def simulate_stdp(params: STDPParams, pre, post, *, w0, dt_ms) -> STDPTrace:
    """Simulate one plastic synapse driven by presynaptic and postsynaptic spike trains.

    Args:
        params: :class:`STDPParams` (leaves may carry leading batch axes).
        pre, post: (n_steps,) arrays of 0/1.
        w0: initial weight (clipped into [w_min, w_max] unless bounds="none").
        dt_ms: time step, ms.

    Returns:
        :class:`STDPTrace` with ``w`` and the traces r1, o1, r2, o2, each (*batch, n_steps).
    """
    check_instance("params", params, STDPParams)
    dt = as_float_scalar("dt_ms", dt_ms, lo=0.0, lo_open=True, unit="ms")
    a = check_spikes("pre", pre, ndim=1)
    b = check_spikes("post", post, ndim=1)
    if a.shape != b.shape:
        raise ValueError(f"post must have the shape of pre {a.shape}, got shape {b.shape}")
    w = _check_w0(w0)
    el = (elapsed_since_last_spike(a, dt), elapsed_since_last_spike(b, dt))
    return run_batched(_single, _batched, params, a, b, *el, w, dt)
