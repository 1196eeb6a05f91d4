r"""Tsodyks–Markram short-term plasticity: facilitation u, depression x, dynamic weight Wdyn.

Model (times in ms). Between spikes

.. math::  \tau_f \dot u = -u, \qquad \tau_d \dot x = 1 - x

and at a presynaptic spike (``u^-``, ``x^-`` just before it)

.. math::  u^+ = u^- + U (1 - u^-), \quad \mathrm{release} = W u^+ x^-, \quad x^+ = x^- - u^+ x^-

so u rests at 0 and the release uses u *after* its jump and x *before* depletion
(Tsodyks, Pawelzik & Markram 1998). The first spike from rest releases ``W·U``.
The equivalent "u rests at U" form uses ``\tilde u = U + u^-(1-U)``:
``\tau_f \dot{\tilde u} = U - \tilde u``, release ``= W \tilde u x^-``, then
``\tilde u \leftarrow \tilde u + U(1 - \tilde u)`` after the spike.

Between spikes ``n`` and ``n+1`` (interval Δ) this gives the exact event-driven recursion

.. math::  u_{n+1} = U + u_n (1-U) e^{-Δ/\tau_f}, \quad
           x_{n+1} = 1 + (x_n - u_n x_n - 1) e^{-Δ/\tau_d}, \quad
           \mathrm{release}_n = W u_n x_n.

**Facilitation increment f** (optional; the 4-parameter TM of Rossbroich et al. 2021 and the
extended TM of Costa et al. 2013). In the "u rests at U" form u jumps by ``f(1 − u)`` after each
release instead of ``U(1 − u)``, so the recursion becomes

.. math::  u_{n+1} = U + (u_n + f(1 - u_n) - U) e^{-Δ/\tau_f}

(x and release unchanged). ``f=None`` (default) means ``f = U``: the model above, computed by
exactly the same floating-point operations. In the traces' "rests at 0" form the state gets a
second jump right after the release, ``u ← u + g(1 − u)`` with ``g = (f − U)/(1 − U)``
(``g = 0`` for f = U or U = 1), so that the next spike releases ``U + u⁻(1 − U)`` as above.

``tau_f = 0`` switches facilitation off (u = U at every spike, and the u trace is
held at U); ``tau_d = 0`` switches depression off (x stays 1).

Methods
-------
``"exact"`` (default): event-driven, built on :mod:`.tm` (``tm_decay``, ``tm_relax``, ``tm_jump``,
the one implementation of the spike event). The recursion above runs over the spikes only, and
u and x at every step decay exactly from the last spike, ``exp(-(t - t_last)/τ)``, so the
release equals the recursion for any dt up to float round-off (no per-step product of
rounded decay factors, whose error grows with the number of steps).
``"euler"``: forward Euler in dt, the scheme of ngclearn and the Neuromatch tutorials::

    u <- u - (dt/τf) u + U (1 - u) s;  release = W u x s;  x <- x + (dt/τd)(1 - x) - u x s
    (with f: then u <- u + g (1 - u) s)

first order in dt; with ``dt_ms=1`` it reproduces ngclearn's STPDenseSynapse.

Unlike ngclearn (which ignores dt and mixes (batch, n_pre) with (n_pre, n_post)
shapes) and brainstate/brainpy (which start u at U and return u·x after depletion,
a first-spike efficacy of 0.20 instead of 0.15 for U = 0.15), dt is explicit here
and every array is per synapse.

Shapes: ``spikes`` is (n_steps,); traces are (n_steps,), with the parameters'
batch axes first when parameters are batched.

Example
-------
>>> import stpexplorer as stp
>>> spikes = stp.regular_train(20.0, 8, duration_ms=1000.0, dt_ms=0.1)
>>> tr = stp.simulate_stp(stp.STPParams(U=0.5, tau_f=0.0, tau_d=800.0), spikes, dt_ms=0.1)
>>> float(tr.release.max())
0.5
"""

from __future__ import annotations

from functools import partial

import jax
import jax.numpy as jnp
from jax import lax

from stpexplorer.engine._batch import run_batched
from stpexplorer.engine._events import elapsed_since_last_spike, spike_index  # noqa: F401 (re-exported: were defined here)
from stpexplorer.engine._params import (
    as_float_scalar,
    check_instance,
    check_range,
    params_class,
    trace_class,
)
from stpexplorer.engine._stp_f import _extra_jump, canonical, post_init_optional_f
from stpexplorer.engine.protocols import check_spikes
from stpexplorer.engine.tm import (
    STPInputs,
    STPState,
    stp_init,
    stp_step,
    tm_decay,
    tm_jump,
    tm_relax,
)

__all__ = ["STPParams", "STPTrace", "STPSweep", "STPState", "STPInputs", "simulate_stp",
           "stp_step", "stp_init", "METHODS"]

METHODS = ("exact", "euler")


@params_class()
class STPParams:
    """Tsodyks–Markram synapse parameters (scalars, or arrays with leading batch axes).

    U:     baseline release fraction (utilisation), in (0, 1]
    tau_f: facilitation time constant, ms, >= 0 (0 disables facilitation)
    tau_d: depression (recovery) time constant, ms, >= 0 (0 disables depression)
    W:     absolute synaptic efficacy (weight), >= 0; release = W·u·x
    f:     facilitation increment in [0, 1] (u jumps by f(1−u) after a release), or None
           (default) for f = U. None is an empty pytree node: parameter sets without f keep
           the 4-leaf tree and its compiled functions; sets with f have a 5th leaf. simulate_stp,
           sweep_stp and steady_state run f equal to U (every element) as f = None: bit-identical.
    """

    U: jax.Array
    tau_f: jax.Array
    tau_d: jax.Array
    W: jax.Array = 1.0
    f: jax.Array | None = None

    def _check(self):
        check_range("U", self.U, lo=0.0, lo_open=True, hi=1.0)
        check_range("tau_f", self.tau_f, lo=0.0, unit="ms", note="0 disables facilitation")
        check_range("tau_d", self.tau_d, lo=0.0, unit="ms", note="0 disables depression")
        check_range("W", self.W, lo=0.0)
        if self.f is not None:
            check_range("f", self.f, lo=0.0, hi=1.0, note="facilitation increment; None means f = U")


STPParams.__post_init__ = post_init_optional_f  # as params_class's, but f may stay None



@trace_class
class STPTrace:
    """Per-step traces: u and x at the end of each step (after that step's spike),
    ``release`` = W·u·x released at each spike step (0 elsewhere) and ``wdyn`` = the
    last release, held between spikes (0 before the first spike)."""

    u: jax.Array
    x: jax.Array
    wdyn: jax.Array
    release: jax.Array


@trace_class
class STPSweep:
    """Per-spike release for a batch of parameter sets: shape (*batch, n_spikes)."""

    release: jax.Array


def _exact(p: STPParams, spikes, index, dt):
    """Event-driven exact solution: the recursion runs over the spikes only (a loop with a
    traced trip count, so trains with different spike counts share one compiled function);
    the per-step traces then decay from the last spike, all steps at once."""
    n = spikes.shape[0]
    idx, count, n_sp = index[:n], index[n: 2 * n], index[2 * n]
    dtype = spikes.dtype

    def at_spike(k, c):
        u, x, us, xs, fs = c
        interval = (idx[k] - idx[jnp.maximum(k - 1, 0)]).astype(dtype) * dt
        u_pre, x_pre = tm_relax(u, x, tm_decay(interval, p.tau_f), tm_decay(interval, p.tau_d))
        u_jump, x_dep, frac = tm_jump(p, u_pre, x_pre)
        return u_jump, x_dep, us.at[k].set(u_jump), xs.at[k].set(x_dep), fs.at[k].set(frac)

    zero = jnp.zeros((), dtype)
    buf = jnp.zeros(n, dtype)
    _, _, us, xs, fs = lax.fori_loop(0, n_sp, at_spike, (zero, zero + 1.0, buf, buf + 1.0, buf))
    k = jnp.maximum(count - 1, 0)  # the last spike at or before each step
    seen = count > 0
    since = (jnp.arange(n, dtype=jnp.int32) - idx[k]).astype(dtype) * dt
    u_since, x_since = tm_relax(us[k], xs[k], tm_decay(since, p.tau_f), tm_decay(since, p.tau_d))
    u = jnp.where(seen, u_since, 0.0)
    x = jnp.where(seen, x_since, 1.0)
    wdyn = jnp.where(seen, p.W * fs[k], 0.0)
    u = jnp.where(p.tau_f > 0, u, p.U)  # facilitation off: u is held at U
    x = jnp.where(p.tau_d > 0, x, 1.0)  # depression off: x stays 1
    return STPTrace(u=u, x=x, wdyn=wdyn, release=wdyn * spikes)


def _euler(p: STPParams, spikes, index, dt):
    # ngclearn's discretisation, kept as its own scheme: the jump U(1 − u) uses u *before* this
    # step's decay and sits inside the Euler update, so it is not tm_jump (the exact event)
    del index
    a_f = jnp.where(p.tau_f > 0, dt / jnp.where(p.tau_f > 0, p.tau_f, 1.0), 0.0)
    a_d = jnp.where(p.tau_d > 0, dt / jnp.where(p.tau_d > 0, p.tau_d, 1.0), 0.0)
    g = _extra_jump(p)

    def step(carry, s):
        u, x, wdyn = carry
        u = jnp.where(p.tau_f > 0, u - a_f * u + p.U * (1.0 - u) * s, p.U)
        rel = p.W * u * x * s
        wdyn = jnp.where(s > 0.5, rel, wdyn)
        x = jnp.where(p.tau_d > 0, x + a_d * (1.0 - x) - u * x * s, x)
        if g is not None:  # the second jump after a release (f given)
            u = jnp.where(p.tau_f > 0, u + g * (1.0 - u) * s, p.U)
        return (u, x, wdyn), (u, x, wdyn, rel)

    zero = jnp.zeros((), spikes.dtype)
    _, (u, x, wdyn, rel) = lax.scan(step, (zero, zero + 1.0, zero), spikes)
    return STPTrace(u=u, x=x, wdyn=wdyn, release=rel)


def _simulate(p: STPParams, spikes, index, dt, method: str) -> STPTrace:
    return (_exact if method == "exact" else _euler)(p, spikes, index, dt)


_single = {m: jax.jit(partial(_simulate, method=m)) for m in METHODS}
_batched = {m: jax.jit(jax.vmap(partial(_simulate, method=m), in_axes=(0, None, None, None))) for m in METHODS}


def _check_params(params, cls, name="params"):
    check_instance(name, params, cls)


def simulate_stp(params: STPParams, spikes, *, dt_ms, method: str = "exact") -> STPTrace:
    """Simulate one Tsodyks–Markram synapse (or a batch of parameter sets) on a spike train.

    Args:
        params: :class:`STPParams`; leaves may carry leading batch axes.
        spikes: (n_steps,) array of 0/1, one entry per step of ``dt_ms``.
        dt_ms: time step in ms, > 0.
        method: ``"exact"`` (default) or ``"euler"``.

    Returns:
        :class:`STPTrace` with ``u``, ``x``, ``wdyn``, ``release`` of shape (*batch, n_steps).
    """
    _check_params(params, STPParams)
    params = canonical(params)
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    dt = as_float_scalar("dt_ms", dt_ms, lo=0.0, lo_open=True, unit="ms")
    s = check_spikes("spikes", spikes, ndim=1)
    return run_batched(_single[method], _batched[method], params, s, spike_index(s), dt)
