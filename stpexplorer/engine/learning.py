r"""Learning from correlated inputs: STDP onto one integrate-and-fire neuron (Song, Miller & Abbott 2000).

``n_inputs`` excitatory Poisson inputs at ``rate_hz`` drive a conductance-based leaky
integrate-and-fire neuron (Song, Miller & Abbott 2000, Nat Neurosci 3:919, Methods); their
weights ``w_i`` follow trace STDP through :func:`stdp_step` of :mod:`.stdp` (pair or triplet
rule, hard or soft bounds). Units: ms, mV, conductances in units of the leak conductance.

Neuron, with ``g_ex``, ``g_in`` decaying with τ_ex, τ_in (ms) and integrated exactly over
each step with the conductances held fixed (exponential Euler):

.. math::  \tau_m \dot V = V_{rest} - V + g_{ex}(E_{ex} - V) + g_{in}(E_{in} - V), \qquad
           V \ge V_{th} \Rightarrow \text{spike},\ V \leftarrow V_{reset}

A presynaptic spike of input i adds ``g_max · w_i`` to g_ex one step later (a synaptic delay of
``dt_ms``, so a spike that drives the neuron over threshold pairs causally, Δt = dt > 0).
Inhibition is a fixed Poisson background: ``inh_rate_hz`` spikes/s in total, each adding
``g_inh`` to g_in.

Correlated group: inputs ``0 .. n_corr−1`` share a source. In each step a shared Bernoulli
spike ``s`` (probability ``p = rate·dt``) is drawn; each group input takes ``s`` with
probability ``√c`` and otherwise an independent Bernoulli(p) spike of its own. Every input keeps
rate ``rate_hz``, and two group inputs have ``P(both) = c·p + (1 − c)·p²``: a zero-lag pairwise
correlation coefficient of exactly ``c`` for spike counts in bins of any size (the "mixing"
construction of Song & Abbott 2001, Neuron 32:339, and Gütig et al. 2003, J Neurosci 23:3697,
with a shared instead of a jittered source). Inputs ``n_corr ..`` are independent.

The run is a ``lax.scan`` over records (``record_every_ms``) of an inner scan over steps; each
record draws its own random numbers from the PRNG key, so memory holds one record of spikes,
never the whole run. Shapes: ``w`` (n_records, n_inputs); ``rate_hz``, ``t_ms`` (n_records,).

Example
-------
>>> import stpexplorer as stp
>>> tr = stp.simulate_learning(stp.LearningParams(n_corr=50.0, c=0.2), n_inputs=100,
...                            duration_ms=5000.0, dt_ms=1.0, seed=0)
>>> tr.w.shape, tr.rate_hz.shape
((5, 100), (5,))
"""

from __future__ import annotations

import dataclasses
import math
from functools import partial
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from stpexplorer.engine._params import (
    as_count,
    as_float_scalar,
    check_instance,
    check_range,
    float_dtype,
    params_class,
    trace_class,
)
from stpexplorer.engine.stdp import (
    STDPInputs,
    STDPParams,
    STDPState,
    stdp_decay,
    stdp_init,
    stdp_step,
)

__all__ = [
    "LearningParams",
    "LearningState",
    "LearningTrace",
    "correlated_inputs",
    "simulate_learning",
    "song2000_stdp",
]


def song2000_stdp(**changes) -> STDPParams:
    """The rule of Song, Miller & Abbott 2000: A+ = 0.005, A−/A+ = 1.05, τ± = 20 ms, hard bounds [0, 1]."""
    return STDPParams(**{"A_plus": 0.005, "A_minus": 0.00525, "tau_plus": 20.0, "tau_minus": 20.0,
                                "w_min": 0.0, "w_max": 1.0, "bounds": "hard", **changes})


@params_class()
class LearningParams:
    """Parameters of the learning run (Song, Miller & Abbott 2000 values scaled to ~200 inputs).

    stdp:       :class:`STDPParams` of the plastic weights (w in units of g_max)
    rate_hz:    rate of every excitatory input, Hz, in [0, 1000/dt_ms]
    n_corr:     size of the correlated group (inputs 0 .. n_corr−1), in [0, n_inputs]
    c:          pairwise correlation coefficient within the group, in [0, 1]
    w0:         initial weight of every input
    g_max:      peak excitatory conductance per unit weight (× leak conductance), >= 0
    tau_m:      membrane time constant, ms, > 0
    v_rest, v_reset, v_th: resting, reset and threshold potentials, mV, v_reset < v_th
    e_ex, e_in: reversal potentials, mV
    tau_ex, tau_in: conductance decay time constants, ms, > 0
    inh_rate_hz: total rate of the inhibitory background, Hz, >= 0
    g_inh:      conductance added per inhibitory spike (× leak conductance), >= 0
    """

    stdp: STDPParams = dataclasses.field(default_factory=song2000_stdp)
    rate_hz: jax.Array = 30.0
    n_corr: jax.Array = 0.0
    c: jax.Array = 0.0
    w0: jax.Array = 1.0
    g_max: jax.Array = 0.04
    tau_m: jax.Array = 20.0
    v_rest: jax.Array = -70.0
    v_reset: jax.Array = -60.0
    v_th: jax.Array = -54.0
    e_ex: jax.Array = 0.0
    e_in: jax.Array = -70.0
    tau_ex: jax.Array = 5.0
    tau_in: jax.Array = 5.0
    inh_rate_hz: jax.Array = 2000.0
    g_inh: jax.Array = 0.05

    def _check(self):
        check_instance("stdp", self.stdp, STDPParams)
        check_range("rate_hz", self.rate_hz, lo=0.0, unit="Hz")
        check_range("n_corr", self.n_corr, lo=0.0)
        check_range("c", self.c, lo=0.0, hi=1.0)
        for name in ("w0", "v_rest", "v_reset", "v_th", "e_ex", "e_in"):
            check_range(name, getattr(self, name))
        for name in ("g_max", "g_inh"):
            check_range(name, getattr(self, name), lo=0.0)
        check_range("inh_rate_hz", self.inh_rate_hz, lo=0.0, unit="Hz")
        for name in ("tau_m", "tau_ex", "tau_in"):
            check_range(name, getattr(self, name), lo=0.0, lo_open=True, unit="ms")
        if not isinstance(self.v_th, jax.core.Tracer) and np.any(np.asarray(self.v_reset) >= self.v_th):
            raise ValueError(f"v_reset must be < v_th={float(np.min(self.v_th)):g} mV, "
                             f"got {float(np.max(self.v_reset)):g}")


@trace_class
class LearningTrace:
    """Sparse records of a learning run.

    t_ms:     (n_records,) time at the end of each record, ms
    w:        (n_records, n_inputs) weights at the end of each record
    rate_hz:  (n_records,) output firing rate during each record, Hz
    in_group: (n_inputs,) True for the inputs of the correlated group
    """

    t_ms: jax.Array
    w: jax.Array
    rate_hz: jax.Array
    in_group: jax.Array


class LearningState(NamedTuple):
    """Carry of the scan: STDP state, time (ms) since the last pre / post spike, neuron, PRNG key."""

    stdp: STDPState
    el_pre: jax.Array    # (n_inputs,)
    el_post: jax.Array   # ()
    v: jax.Array         # mV
    g_ex: jax.Array
    g_in: jax.Array
    key: jax.Array


def _mix(u, shared, sqrt_c, p_spike):
    """Spikes from one uniform per input: ``u < √c`` copies the shared spike, else an own Bernoulli(p)
    (``(u − √c)/(1 − √c)`` is uniform and independent of the choice)."""
    own = u < sqrt_c + p_spike * (1.0 - sqrt_c)
    return jnp.where(u < sqrt_c, shared, own)


def _draw(key, n_steps, n_inputs, p_spike, dtype):
    k_u, k_s = jax.random.split(key)
    u = jax.random.uniform(k_u, (n_steps, n_inputs), dtype)
    shared = jax.random.uniform(k_s, (n_steps, 1), dtype) < p_spike
    return u, shared


def _sqrt_c(n_corr, c, n_inputs, dtype):
    in_group = jnp.arange(n_inputs, dtype=dtype) < n_corr
    return in_group, jnp.where(in_group, jnp.sqrt(c), 0.0).astype(dtype)


def _neuron(p: LearningParams, v, g_ex, g_in, dt):
    g = 1.0 + g_ex + g_in
    v_inf = (p.v_rest + g_ex * p.e_ex + g_in * p.e_in) / g
    v = v_inf + (v - v_inf) * jnp.exp(-dt * g / p.tau_m)
    spike = v >= p.v_th
    return jnp.where(spike, p.v_reset, v), spike


def _step(p: LearningParams, dt, sqrt_c, p_spike, s: LearningState, xs):
    u, shared, n_inh = xs
    pre = _mix(u, shared, sqrt_c, p_spike).astype(u.dtype)
    # the neuron sees the inputs of earlier steps (one step of synaptic delay), then fires
    v, spike = _neuron(p, s.v, s.g_ex, s.g_in, dt)
    post = spike.astype(u.dtype)
    st, _ = stdp_step(p.stdp, s.stdp, STDPInputs(pre, post, *stdp_decay(p.stdp, s.el_pre, s.el_post)))
    g_ex = s.g_ex * jnp.exp(-dt / p.tau_ex) + p.g_max * jnp.dot(s.stdp.w, pre)
    g_in = s.g_in * jnp.exp(-dt / p.tau_in) + p.g_inh * n_inh
    el_pre = jnp.where(pre > 0.5, 0.0, s.el_pre) + dt
    el_post = jnp.where(spike, 0.0, s.el_post) + dt
    return LearningState(st, el_pre, el_post, v, g_ex, g_in, s.key), post


def _record(p, dt, n_steps, n_inputs, sqrt_c, s: LearningState, _):
    key, k_draw, k_inh = jax.random.split(s.key, 3)
    p_spike = p.rate_hz * dt / 1000.0
    u, shared = _draw(k_draw, n_steps, n_inputs, p_spike, dt.dtype)
    n_inh = jax.random.poisson(k_inh, p.inh_rate_hz * dt / 1000.0, (n_steps,)).astype(dt.dtype)
    s, post = lax.scan(partial(_step, p, dt, sqrt_c, p_spike), s._replace(key=key), (u, shared, n_inh))
    return s, (s.stdp.w, jnp.sum(post) * (1000.0 / (n_steps * dt)))


@partial(jax.jit, static_argnames=("n_inputs", "n_records", "n_steps"))
def _simulate(p: LearningParams, key, dt, *, n_inputs, n_records, n_steps):
    dtype = dt.dtype
    in_group, sqrt_c = _sqrt_c(p.n_corr, p.c, n_inputs, dtype)
    zero = jnp.zeros((), dtype)
    init = LearningState(stdp_init(p.stdp, p.w0, (n_inputs,), dtype), jnp.zeros((n_inputs,), dtype), zero,
                         zero + p.v_rest, zero, zero, key)
    _, (w, rate) = lax.scan(partial(_record, p, dt, n_steps, n_inputs, sqrt_c), init, None, length=n_records)
    t = (jnp.arange(1, n_records + 1, dtype=dtype) * (n_steps * dt))
    return LearningTrace(t_ms=t, w=w, rate_hz=rate, in_group=in_group)


@partial(jax.jit, static_argnames=("n_inputs", "n_steps"))
def _inputs(key, rate_hz, n_corr, c, dt, *, n_inputs, n_steps):
    _, sqrt_c = _sqrt_c(n_corr, c, n_inputs, dt.dtype)
    p_spike = rate_hz * dt / 1000.0
    u, shared = _draw(key, n_steps, n_inputs, p_spike, dt.dtype)
    return _mix(u, shared, sqrt_c, p_spike).astype(dt.dtype)


def _check_common(rate_hz, n_inputs, dt_ms):
    dt = as_float_scalar("dt_ms", dt_ms, lo=0.0, lo_open=True, unit="ms")
    n = as_count("n_inputs", n_inputs, lo=1)
    check_range("rate_hz", rate_hz, lo=0.0, hi=1000.0 / float(dt), unit="Hz",
                note="at most one spike per step of dt_ms")
    return dt, n


def correlated_inputs(rate_hz, *, n_inputs, n_corr, c, duration_ms, dt_ms, seed):
    """The input spikes :func:`simulate_learning` draws, as a (n_steps, n_inputs) 0/1 array
    (for checks and plots of short stretches; the learning run never stores them).
    Same construction (see the module docstring) and the same rate for every input."""
    dt, n = _check_common(rate_hz, n_inputs, dt_ms)
    check_range("n_corr", n_corr, lo=0.0, hi=float(n))
    check_range("c", c, lo=0.0, hi=1.0)
    n_steps = as_count("duration_ms / dt_ms", math.floor(float(duration_ms) / float(dt) + 0.5), lo=1)
    f = float_dtype()
    return _inputs(jax.random.key(int(seed)), np.asarray(rate_hz, f), np.asarray(n_corr, f), np.asarray(c, f),
                   dt, n_inputs=n, n_steps=n_steps)


def simulate_learning(params: LearningParams, *, n_inputs=200, duration_ms=200_000.0, dt_ms=1.0, seed=0,
                      record_every_ms=1000.0) -> LearningTrace:
    """Run STDP learning for ``duration_ms`` and keep the weights every ``record_every_ms``.

    Args:
        params: :class:`LearningParams` (one parameter set; values never recompile).
        n_inputs: number of excitatory inputs (static: a new value compiles once).
        duration_ms: simulated time, ms, a whole number of records (rounded to the nearest).
        dt_ms: time step, ms; 1 ms (the default) resolves the 20 ms STDP windows and keeps a 200 s run
            with 200 inputs near 1 s on a laptop CPU; rate_hz·dt_ms/1000 is the spike probability per step.
        seed: integer seed of the PRNG key (new seeds do not recompile).
        record_every_ms: record interval, ms, a whole number of steps, in [dt_ms, duration_ms].

    Returns:
        :class:`LearningTrace`: ``w`` (n_records, n_inputs), ``rate_hz`` and ``t_ms`` (n_records,).
    """
    check_instance("params", params, LearningParams)
    dt, n = _check_common(params.rate_hz, n_inputs, dt_ms)
    check_range("n_corr", params.n_corr, lo=0.0, hi=float(n), note="the group is part of the n_inputs")
    if any(np.ndim(leaf) for leaf in jax.tree_util.tree_leaves(params)):
        raise ValueError("params must hold one parameter set (scalar leaves), got array leaves")
    rec = as_float_scalar("record_every_ms", record_every_ms, lo=float(dt), unit="ms",
                          note="at least one step of dt_ms")
    dur = as_float_scalar("duration_ms", duration_ms, lo=float(rec), unit="ms", note="at least one record")
    n_steps = math.floor(float(rec) / float(dt) + 0.5)
    if abs(n_steps * float(dt) - float(rec)) > 1e-6 * float(rec):
        raise ValueError(f"record_every_ms must be a whole number of steps of dt_ms={float(dt):g}, "
                         f"got {float(rec):g}")
    n_records = math.floor(float(dur) / float(rec) + 0.5)
    return _simulate(params, jax.random.key(int(seed)), dt, n_inputs=n, n_records=n_records, n_steps=n_steps)
