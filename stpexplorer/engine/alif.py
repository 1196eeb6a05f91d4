r"""Adaptive leaky integrate-and-fire neuron (adaptive threshold).

Membrane (ms, mV, MΩ, nA):

.. math::  \tau_m \dot v = -(v - v_{rest}) + R\,I(t), \qquad
           \tau_\theta \dot\theta = -\theta, \qquad \text{threshold } v_{th} + \theta

When ``v`` reaches the threshold the neuron spikes, ``v`` is reset to ``v_reset``
and held there for ``refract_ms``, and θ jumps by ``theta_plus`` (Diehl & Cook 2015;
the ALIF of Bellec et al. 2018 is the same with threshold ``v_th + β b``). Within a
step of ``dt_ms`` the input is constant and v and θ are integrated exactly.
Recorded ``v`` is the value at the end of each step (after a reset), ``thr`` the
threshold the step was tested against.

Shapes: current (n_steps,); ``v``, ``thr``, ``spikes`` are (*batch, n_steps).

Example
-------
>>> import numpy as np, stpexplorer as stp
>>> tr = stp.simulate_alif(stp.ALIFParams(theta_plus=0.0), np.full(1000, 2.0), dt_ms=0.1)
>>> int(tr.spikes.sum())  # v_inf = -50 mV: spikes at 20 ln 5 ≈ 32.2 ms, then every 34.2 ms
2
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from stpexplorer.engine._batch import run_batched
from stpexplorer.engine._params import (
    as_float_scalar,
    check_instance,
    check_range,
    params_class,
    trace_class,
)
from stpexplorer.engine.protocols import check_current

__all__ = ["ALIFParams", "ALIFTrace", "ALIFState", "ALIFInputs", "simulate_alif", "alif_step", "alif_init"]


@params_class()
class ALIFParams:
    """Adaptive LIF parameters.

    tau_m:      membrane time constant, ms, > 0
    v_rest:     resting potential, mV
    v_reset:    reset potential, mV, < v_th
    v_th:       base threshold, mV, > v_rest
    R:          membrane resistance, MΩ (R·I in mV for I in nA), >= 0
    theta_plus: threshold increment per spike, mV, >= 0
    tau_theta:  threshold relaxation time constant, ms, > 0
    refract_ms: absolute refractory period, ms, >= 0
    """

    tau_m: jax.Array = 20.0
    v_rest: jax.Array = -70.0
    v_reset: jax.Array = -70.0
    v_th: jax.Array = -54.0
    R: jax.Array = 10.0
    theta_plus: jax.Array = 2.0
    tau_theta: jax.Array = 200.0
    refract_ms: jax.Array = 2.0

    def _check(self):
        check_range("tau_m", self.tau_m, lo=0.0, lo_open=True, unit="ms")
        check_range("v_rest", self.v_rest, unit="mV")
        check_range("v_th", self.v_th, unit="mV")
        check_range("v_reset", self.v_reset, unit="mV")
        check_range("R", self.R, lo=0.0, unit="MΩ")
        check_range("theta_plus", self.theta_plus, lo=0.0, unit="mV")
        check_range("tau_theta", self.tau_theta, lo=0.0, lo_open=True, unit="ms")
        check_range("refract_ms", self.refract_ms, lo=0.0, unit="ms")
        if not isinstance(self.v_th, jax.core.Tracer):
            if np.any(np.asarray(self.v_th) <= np.asarray(self.v_rest)):
                raise ValueError(f"v_th must be > v_rest={float(np.max(self.v_rest)):g} mV, "
                                 f"got {float(np.min(self.v_th)):g}")
            if np.any(np.asarray(self.v_reset) >= np.asarray(self.v_th)):
                raise ValueError(f"v_reset must be < v_th={float(np.min(self.v_th)):g} mV, "
                                 f"got {float(np.max(self.v_reset)):g}")


@trace_class
class ALIFTrace:
    """``v`` (mV, end of step), ``thr`` (mV, the threshold tested) and ``spikes`` (0/1), (*batch, n_steps)."""

    v: jax.Array
    thr: jax.Array
    spikes: jax.Array


class ALIFState(NamedTuple):
    """Membrane potential ``v`` (mV), threshold increment ``theta`` (mV) and the refractory
    steps left ``ref`` (int32); scalars."""

    v: jax.Array
    theta: jax.Array
    ref: jax.Array


class ALIFInputs(NamedTuple):
    """One step's input: ``current`` (nA, constant over the step) and the step ``dt`` (ms)."""

    current: jax.Array
    dt: jax.Array


def alif_init(p: ALIFParams, dtype) -> ALIFState:
    """The resting state: v = v_rest, theta = 0, not refractory."""
    return ALIFState(jnp.zeros((), dtype) + p.v_rest, jnp.zeros((), dtype), jnp.zeros((), jnp.int32))


def alif_step(p: ALIFParams, state: ALIFState, inputs: ALIFInputs):
    """One exact step; returns ``(state, (v, thr, spike))``.

    theta decays by e^{-dt/τθ}; v relaxes exactly towards ``v_rest + R·current`` (e^{-dt/τm});
    a refractory neuron is held at v_reset; it spikes when v >= thr = v_th + theta, then
    v ← v_reset, theta ← theta + theta_plus, and it stays refractory round(refract_ms/dt) steps.
    """
    v, theta, ref = state
    dt = inputs.dt
    theta = theta * jnp.exp(-dt / p.tau_theta)
    v_inf = p.v_rest + p.R * inputs.current
    v = v_inf + (v - v_inf) * jnp.exp(-dt / p.tau_m)
    refractory = ref > 0
    v = jnp.where(refractory, p.v_reset, v)
    thr = p.v_th + theta
    spike = (v >= thr) & ~refractory
    v = jnp.where(spike, p.v_reset, v)
    theta = theta + p.theta_plus * spike
    n_ref = jnp.round(p.refract_ms / dt).astype(jnp.int32)
    ref = jnp.where(spike, n_ref, jnp.maximum(ref - 1, 0))
    return ALIFState(v, theta, ref), (v, thr, spike.astype(v.dtype))


def _simulate(p: ALIFParams, current, dt):
    def step(state, i):
        return alif_step(p, state, ALIFInputs(i, dt))

    _, (v, thr, s) = lax.scan(step, alif_init(p, current.dtype), current)
    return ALIFTrace(v=v, thr=thr, spikes=s)


_single = jax.jit(_simulate)
_batched = jax.jit(jax.vmap(_simulate, in_axes=(0, None, None)))


def simulate_alif(params: ALIFParams, current, *, dt_ms) -> ALIFTrace:
    """Simulate an adaptive LIF neuron driven by ``current`` (nA), shape (n_steps,).

    Returns :class:`ALIFTrace` with ``v`` (mV), ``thr`` (mV) and ``spikes``, each (*batch, n_steps).
    """
    check_instance("params", params, ALIFParams)
    dt = as_float_scalar("dt_ms", dt_ms, lo=0.0, lo_open=True, unit="ms")
    i = check_current("current", current)
    return run_batched(_single, _batched, params, i, dt)
