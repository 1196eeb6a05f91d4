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

import jax
import jax.numpy as jnp
from jax import lax

from ._batch import run_batched
from ._params import as_float_scalar, check_range, params_class, trace_class
from .alif import ALIFParams, alif_init, alif_step
from .protocols import check_spikes
from .stdp import STDPParams, stdp_init, stdp_step
from .stp import STPParams, _decay, elapsed_since_last_spike, exact_step

__all__ = ["CircuitParams", "CircuitTrace", "simulate_circuit"]


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
    u: jax.Array
    x: jax.Array
    wdyn: jax.Array
    w: jax.Array
    v: jax.Array
    thr: jax.Array
    spikes: jax.Array
    current: jax.Array


def _simulate(p: CircuitParams, pre, el, w0, dt):
    e_f = _decay(el, p.stp.tau_f)
    e_d = _decay(el, p.stp.tau_d)
    e_syn = jnp.exp(-dt / p.tau_syn)
    n_syn = pre.shape[1]
    zeros = jnp.zeros(n_syn, pre.dtype)
    plastic = stdp_init(p.stdp, w0, (n_syn,), pre.dtype)
    # the post traces are one value for all synapses: o1, o2 of the single neuron
    plastic = plastic._replace(o1=jnp.zeros((), pre.dtype), o2=jnp.zeros((), pre.dtype))

    e_r1 = jnp.exp(-el / p.stdp.tau_plus)
    e_r2 = jnp.exp(-el / p.stdp.tau_x)

    def step(carry, inp):
        stp_state, wdyn, current, neuron, plastic, k_post = carry
        s, ef, ed, er1, er2 = inp
        stp_state, (u, x, frac) = exact_step(p.stp, stp_state, (s, ef, ed))
        eff = p.stp.W * plastic.w * frac
        wdyn = jnp.where(s > 0.5, eff, wdyn)
        current = current * e_syn + p.gain * jnp.sum(eff)
        neuron, (v, thr, spike) = alif_step(p.neuron, dt, neuron, current + p.i_ext)
        # the post traces decay from the neuron's last spike, k_post steps ago
        el_post = (k_post + 1).astype(dt.dtype) * dt
        decay = (er1, er2, jnp.exp(-el_post / p.stdp.tau_minus), jnp.exp(-el_post / p.stdp.tau_y))
        plastic, _ = stdp_step(p.stdp, plastic, s, spike, decay)
        k_post = jnp.where(spike > 0.5, 0, k_post + 1)
        carry = (stp_state, wdyn, current, neuron, plastic, k_post)
        return carry, (u, x, wdyn, plastic.w, v, thr, spike, current)

    init = ((zeros, zeros + 1.0), zeros, jnp.zeros((), pre.dtype), alif_init(p.neuron, pre.dtype),
            plastic, jnp.zeros((), jnp.int32))
    _, (u, x, wdyn, w, v, thr, spk, cur) = lax.scan(step, init, (pre, e_f, e_d, e_r1, e_r2))
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
    if not isinstance(params, CircuitParams):
        raise ValueError(f"params must be a CircuitParams, got {type(params).__name__}")
    dt = as_float_scalar("dt_ms", dt_ms, lo=0.0, lo_open=True, unit="ms")
    s = check_spikes("pre_spikes", pre_spikes, ndim=2)
    import numpy as np

    w = np.asarray(w0, dtype=s.dtype)
    if w.ndim > 1 or (w.ndim == 1 and w.shape[0] != s.shape[1]):
        raise ValueError(f"w0 must be a scalar or have shape (n_syn={s.shape[1]},), got shape {w.shape}")
    check_range("w0", w)
    return run_batched(_single, _batched, params, s, elapsed_since_last_spike(s, dt), w, dt)
