r"""The synapse lab: presynaptic trains → STP synapses → adaptive LIF neuron → STDP.

N presynaptic spike trains drive N Tsodyks–Markram synapses (exact method, see
:mod:`stpexplorer.engine.stp`) onto one adaptive-threshold LIF neuron
(:mod:`stpexplorer.engine.alif`); the plastic weights ``w_i`` follow trace STDP
(:mod:`stpexplorer.engine.stdp`, pair or triplet rule: each synapse keeps its own
presynaptic traces r1, r2; the neuron's o1, o2 are shared) driven by the pre spikes
and the neuron's spikes.
At each step of ``dt_ms``:

.. math::
    \mathrm{rel}_i = u_i^+ x_i^- s_i, \qquad
    \mathrm{Wdyn}_i = w_i\,\mathrm{rel}_i \ \text{(held between spikes)}, \qquad
    I \leftarrow I e^{-dt/\tau_{syn}} + g \textstyle\sum_i w_i\,\mathrm{rel}_i

then the neuron integrates ``I + I_ext`` (nA) for the step and STDP updates ``w``
with the pre spikes and the neuron's spike of this step. The STP weight ``W`` of
``params.stp`` scales every synapse (efficacy ``W·w_i·u·x``).

Shapes: ``pre_spikes`` (n_steps, n_syn); ``w0`` scalar or (n_syn,). Outputs
``u``, ``x``, ``wdyn``, ``w`` are (*batch, n_steps, n_syn); ``v``, ``thr``,
``spikes``, ``current`` are (*batch, n_steps).

Example
-------
>>> import stpexplorer as stp
>>> pre = stp.poisson_train(20.0, duration_ms=500.0, dt_ms=0.5, seed=0, n_trains=40)
>>> p = stp.CircuitParams(stp=stp.STPParams(U=0.2, tau_f=200.0, tau_d=300.0), neuron=stp.ALIFParams(),
...                       stdp=stp.STDPParams(A_plus=0.01, A_minus=0.0105, tau_plus=20.0, tau_minus=20.0),
...                       gain=8.0)
>>> tr = stp.simulate_circuit(p, pre, w0=0.5, dt_ms=0.5)
>>> tr.w.shape, tr.v.shape
((1000, 40), (1000,))
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
from stpexplorer.engine.alif import (
    ALIFInputs,
    ALIFParams,
    ALIFState,
    alif_init,
    alif_step,
)
from stpexplorer.engine.protocols import check_spikes
from stpexplorer.engine.stdp import (
    STDPInputs,
    STDPParams,
    STDPState,
    stdp_init,
    stdp_step,
)
from stpexplorer.engine.stp import STPParams
from stpexplorer.engine.tm import STPInputs, STPState, stp_step, tm_decay

__all__ = ["CircuitParams", "CircuitTrace", "CircuitState", "CircuitInputs", "simulate_circuit", "circuit_step",
           "circuit_init"]


@params_class()
class CircuitParams:
    """Parameters of the synapse lab.

    stp:     :class:`STPParams` shared by all synapses
    neuron:  :class:`ALIFParams` of the postsynaptic neuron
    stdp:    :class:`STDPParams` of the plastic weights
    tau_syn: synaptic current decay, ms, > 0
    gain:    current (nA) injected per unit of W·w·u·x released, >= 0
    i_ext:   constant external current, nA
    """

    stp: STPParams
    neuron: ALIFParams
    stdp: STDPParams
    tau_syn: jax.Array = 5.0
    gain: jax.Array = 1.0
    i_ext: jax.Array = 0.0

    def _check(self):
        for name, cls in (("stp", STPParams), ("neuron", ALIFParams), ("stdp", STDPParams)):
            if not isinstance(getattr(self, name), cls):
                raise ValueError(f"{name} must be a {cls.__name__}, got {type(getattr(self, name)).__name__}")
        check_range("tau_syn", self.tau_syn, lo=0.0, lo_open=True, unit="ms")
        check_range("gain", self.gain, lo=0.0, unit="nA")
        check_range("i_ext", self.i_ext, unit="nA")


@trace_class
class CircuitTrace:
    """u, x, wdyn, w: (*batch, n_steps, n_syn); v, thr (mV), spikes, current (nA): (*batch, n_steps)."""

    u: jax.Array
    x: jax.Array
    wdyn: jax.Array
    w: jax.Array
    v: jax.Array
    thr: jax.Array
    spikes: jax.Array
    current: jax.Array


class CircuitState(NamedTuple):
    """State of the synapse lab after a step.

    stp:     :class:`STPState`, u and x of each synapse after its last spike, (n_syn,)
    wdyn:    last efficacy W·w·frac of each synapse (held between its spikes), (n_syn,)
    current: synaptic current, nA, ()
    neuron:  :class:`ALIFState` of the postsynaptic neuron
    plastic: :class:`STDPState`: w, r1, r2 (n_syn,); o1, o2 () of the one neuron
    k_post:  steps since the neuron's last spike, int32 ()
    """

    stp: STPState
    wdyn: jax.Array
    current: jax.Array
    neuron: ALIFState
    plastic: STDPState
    k_post: jax.Array


class CircuitInputs(NamedTuple):
    """One step's input: ``pre`` spikes (n_syn,), the decay factors from each synapse's last
    pre spike ``e_f, e_d`` (STP, :func:`tm_decay`) and ``e_r1, e_r2`` (STDP), and ``dt`` (ms)."""

    pre: jax.Array
    e_f: jax.Array
    e_d: jax.Array
    e_r1: jax.Array
    e_r2: jax.Array
    dt: jax.Array


def circuit_init(p: CircuitParams, w0, n_syn: int, dtype) -> CircuitState:
    """Rest: u = 0, x = 1, no current, the neuron at rest, weights w0 (clipped), traces 0."""
    zeros = jnp.zeros(n_syn, dtype)
    plastic = stdp_init(p.stdp, w0, (n_syn,), dtype)
    # the post traces are one value for all synapses: o1, o2 of the single neuron
    plastic = plastic._replace(o1=jnp.zeros((), dtype), o2=jnp.zeros((), dtype))
    return CircuitState(STPState(zeros, zeros + 1.0), zeros, jnp.zeros((), dtype), alif_init(p.neuron, dtype),
                        plastic, jnp.zeros((), jnp.int32))


def circuit_step(p: CircuitParams, state: CircuitState, inputs: CircuitInputs):
    """One step (equations in the module docstring): STP at the pre spikes, the current, the
    neuron, then STDP with this step's pre spikes and the neuron's spike.
    Returns ``(state, (u, x, wdyn, w, v, thr, spike, current))``."""
    s, dt = inputs.pre, inputs.dt
    stp_state, (u, x, frac) = stp_step(p.stp, state.stp, STPInputs(s, inputs.e_f, inputs.e_d))
    plastic = state.plastic
    eff = p.stp.W * plastic.w * frac
    wdyn = jnp.where(s > 0.5, eff, state.wdyn)
    current = state.current * jnp.exp(-dt / p.tau_syn) + p.gain * jnp.sum(eff)
    neuron, (v, thr, spike) = alif_step(p.neuron, state.neuron, ALIFInputs(current + p.i_ext, dt))
    # the post traces decay from the neuron's last spike, k_post steps ago
    el_post = (state.k_post + 1).astype(dt.dtype) * dt
    decay = STDPInputs(s, spike, inputs.e_r1, inputs.e_r2,
                       jnp.exp(-el_post / p.stdp.tau_minus), jnp.exp(-el_post / p.stdp.tau_y))
    plastic, _ = stdp_step(p.stdp, plastic, decay)
    k_post = jnp.where(spike > 0.5, 0, state.k_post + 1)
    new = CircuitState(stp_state, wdyn, current, neuron, plastic, k_post)
    return new, (u, x, wdyn, plastic.w, v, thr, spike, current)


def _simulate(p: CircuitParams, pre, el, w0, dt):
    dts = jnp.broadcast_to(dt, pre.shape[:1])
    inputs = CircuitInputs(pre, tm_decay(el, p.stp.tau_f), tm_decay(el, p.stp.tau_d),
                           jnp.exp(-el / p.stdp.tau_plus), jnp.exp(-el / p.stdp.tau_x), dts)
    init = circuit_init(p, w0, pre.shape[1], pre.dtype)
    _, (u, x, wdyn, w, v, thr, spk, cur) = lax.scan(partial(circuit_step, p), init, inputs)
    u = jnp.where(p.stp.tau_f > 0, u, p.stp.U)
    x = jnp.where(p.stp.tau_d > 0, x, 1.0)
    return CircuitTrace(u=u, x=x, wdyn=wdyn, w=w, v=v, thr=thr, spikes=spk, current=cur)


_single = jax.jit(_simulate)
_batched = jax.jit(jax.vmap(_simulate, in_axes=(0, None, None, None, None)))


def simulate_circuit(params: CircuitParams, pre_spikes, *, w0, dt_ms) -> CircuitTrace:
    """Simulate the synapse lab.

    Args:
        params: :class:`CircuitParams` (leaves may carry leading batch axes).
        pre_spikes: (n_steps, n_syn) 0/1 presynaptic trains (e.g. ``poisson_train(..., n_trains=n_syn)``).
        w0: initial plastic weights, scalar or (n_syn,), clipped into [w_min, w_max] (unless bounds="none").
        dt_ms: time step, ms.

    Returns:
        :class:`CircuitTrace`.
    """
    check_instance("params", params, CircuitParams)
    dt = as_float_scalar("dt_ms", dt_ms, lo=0.0, lo_open=True, unit="ms")
    s = check_spikes("pre_spikes", pre_spikes, ndim=2)
    w = np.asarray(w0, dtype=s.dtype)
    if w.ndim > 1 or (w.ndim == 1 and w.shape[0] != s.shape[1]):
        raise ValueError(f"w0 must be a scalar or have shape (n_syn={s.shape[1]},), got shape {w.shape}")
    check_range("w0", w)
    return run_batched(_single, _batched, params, s, elapsed_since_last_spike(s, dt), w, dt)
