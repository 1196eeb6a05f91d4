r"""Winner-take-all spiking (WTAS) cells with homeostatic adaptive thresholds.

The cell of ngclearn's WTASCell (Tavanaei, Masquelier & Maida 2018). At each step
of ``dt_ms`` with input current ``j`` (n_units,):

.. math::  v = R\,j\,m, \qquad p = \mathrm{softmax}(v), \qquad s_i = [p_i > \theta_i]\,m_i,
           \qquad \theta \leftarrow \max(\theta + g_\theta(\textstyle\sum_i s_i - 1),\ 0.025)

where ``m_i = 1`` unless unit i is refractory (less than ``refract_ms`` since its
last spike, counting the spike step as ``dt_ms``). The thresholds rise when more
than one unit fires and fall when none does, so they settle where exactly one
unit wins per step. Because Σ p = 1, thresholds all ≥ 0.5 allow at most one
spike per step and thresholds all < 1/n force at least one (the reason for
1/n < θ0 ≪ 0.5, eq. 26 of the paper).

Initial thresholds: ``thr_base + uniform(-thr_jitter, thr_jitter)`` drawn with
``jax.random.key(seed)``.

Difference from ngclearn: there, a refractory unit has v = 0 but still gets a
softmax probability and can fire; here a refractory unit cannot fire. With
``refract_ms = 0`` the two agree spike for spike.

Shapes: current (n_steps, n_units); ``v``, ``p``, ``spikes``, ``thr`` are
(*batch, n_steps, n_units) with ``thr`` after each step's update.

Example
-------
>>> import numpy as np, stpexplorer as stp
>>> p = stp.WTASParams(n_units=4, thr_base=0.6, thr_gain=0.0, refract_ms=0.0, thr_jitter=0.0)
>>> tr = stp.simulate_wtas(p, np.tile([3.0, 0.0, 0.0, 0.0], (5, 1)), dt_ms=1.0, seed=0)
>>> tr.spikes.sum(axis=0).tolist()  # one winner, every step
[5.0, 0.0, 0.0, 0.0]
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
from stpexplorer.engine.protocols import _as_count, check_current

__all__ = ["WTASParams", "WTASTrace", "WTASState", "WTASInputs", "simulate_wtas", "wtas_step", "wtas_init",
           "initial_thresholds", "THR_FLOOR"]

THR_FLOOR = 0.025


@params_class(meta=("n_units",))
class WTASParams:
    """WTAS cell parameters.

    n_units:    number of units (static), >= 1
    thr_base:   base threshold (a probability level), in (0, 1]
    thr_gain:   threshold increment per extra spike, >= 0
    refract_ms: refractory period, ms, >= 0
    thr_jitter: half-width of the uniform jitter of the initial thresholds, >= 0
    R:          membrane resistance scaling the current, >= 0
    """

    n_units: int
    thr_base: jax.Array
    thr_gain: jax.Array
    refract_ms: jax.Array
    thr_jitter: jax.Array
    R: jax.Array = 1.0

    def _check(self):
        if isinstance(self.n_units, bool) or not isinstance(self.n_units, (int, np.integer)) or self.n_units < 1:
            raise ValueError(f"n_units must be an integer >= 1, got {self.n_units!r}")
        object.__setattr__(self, "n_units", int(self.n_units))
        check_range("thr_base", self.thr_base, lo=0.0, lo_open=True, hi=1.0)
        check_range("thr_gain", self.thr_gain, lo=0.0)
        check_range("refract_ms", self.refract_ms, lo=0.0, unit="ms")
        check_range("thr_jitter", self.thr_jitter, lo=0.0)
        check_range("R", self.R, lo=0.0)


@trace_class
class WTASTrace:
    """``v`` (R·j, 0 when refractory), ``p`` (softmax), ``spikes`` and ``thr`` (after the step),
    each (*batch, n_steps, n_units)."""

    v: jax.Array
    p: jax.Array
    spikes: jax.Array
    thr: jax.Array


def initial_thresholds(p: WTASParams, key):
    """``thr_base + thr_jitter·uniform(−1, 1)``, shape (n_units,)."""
    u = jax.random.uniform(key, (p.n_units,), dtype=jnp.asarray(p.thr_base).dtype, minval=-1.0, maxval=1.0)
    return p.thr_base + p.thr_jitter * u


class WTASState(NamedTuple):
    """Thresholds ``thr`` and time since each unit's last spike ``rfr`` (ms), each (n_units,)."""

    thr: jax.Array
    rfr: jax.Array


class WTASInputs(NamedTuple):
    """One step's input: ``current`` (n_units,), ``dt`` (ms) and the ``active`` mask (n_units,) of 0/1."""

    current: jax.Array
    dt: jax.Array
    active: jax.Array


def wtas_init(p: WTASParams, key, dtype) -> WTASState:
    """Jittered initial thresholds (:func:`initial_thresholds`), no unit refractory."""
    return WTASState(initial_thresholds(p, key), jnp.zeros(p.n_units, dtype) + p.refract_ms)


def wtas_step(p: WTASParams, state: WTASState, inputs: WTASInputs):
    """One step (equations in the module docstring); returns ``(state, (v, prob, spikes, thr))``."""
    thr, rfr = state
    j, dt = inputs.current, inputs.dt
    on = inputs.active > 0.5
    m = (rfr >= p.refract_ms).astype(j.dtype)
    v = p.R * j * m
    prob = jax.nn.softmax(jnp.where(on, v, -jnp.inf))  # inactive units take no part
    s = (prob > thr).astype(j.dtype) * m  # a refractory unit cannot fire
    thr = jnp.where(on, jnp.maximum(thr + p.thr_gain * (jnp.sum(s) - 1.0), THR_FLOOR), thr)
    rfr = jnp.where(s > 0.5, dt, rfr + dt)
    return WTASState(thr, rfr), (v, prob, s, thr)


def _simulate(p: WTASParams, current, dt, seed, active):
    def step(state, j):
        return wtas_step(p, state, WTASInputs(j, dt, active))

    init = wtas_init(p, jax.random.key(seed), current.dtype)
    _, (v, prob, s, thr) = lax.scan(step, init, current)
    return WTASTrace(v=v, p=prob, spikes=s, thr=thr)


_single = jax.jit(_simulate)
_batched = jax.jit(jax.vmap(_simulate, in_axes=(0, None, None, None, None)))


def simulate_wtas(params: WTASParams, current, *, dt_ms, seed=0, active=None) -> WTASTrace:
    """Simulate a WTAS layer driven by ``current`` of shape (n_steps, n_units).

    ``active`` (optional, (n_units,) of 0/1, at least one 1) lets a panel keep a fixed
    ``n_units`` (one compiled function) while using fewer units: inactive units get
    probability 0, never fire, and keep their thresholds.

    Returns :class:`WTASTrace` with ``v``, ``p`` (softmax probabilities), ``spikes`` and
    ``thr``, each (*batch, n_steps, n_units). ``seed`` draws the threshold jitter.
    """
    check_instance("params", params, WTASParams)
    dt = as_float_scalar("dt_ms", dt_ms, lo=0.0, lo_open=True, unit="ms")
    j = check_current("current", current, n_units=params.n_units)
    key_seed = np.asarray(_as_count("seed", seed, lo=0), dtype=np.uint32)
    if active is None:
        mask = np.ones(params.n_units, dtype=j.dtype)
    else:
        mask = np.asarray(active, dtype=j.dtype)
        if mask.shape != (params.n_units,) or not np.all((mask == 0) | (mask == 1)) or mask.sum() < 1:
            raise ValueError(f"active must be a (n_units={params.n_units},) array of 0/1 with at least one 1, "
                             f"got {np.asarray(active)!r}")
    return run_batched(_single, _batched, params, j, dt, key_seed, mask)
