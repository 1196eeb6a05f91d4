r"""The Tsodyks–Markram spike event, written once: decay between spikes and the jump at a spike.

Every exact TM computation of the engine (the per-step trace of :func:`~.stp.simulate_stp`, the
event-driven :func:`~.stp_sweep.sweep_stp` and :func:`~.stp_sweep.release_at_intervals` used by the
fit, and the synapses of the circuit) composes these three functions. Times in ms.

Between spikes (elapsed time Δ since the last spike), with ``tm_decay(Δ, τ) = e^{−Δ/τ}``:

.. math::  u^- = u^+_{last}\, e^{-Δ/\tau_f}, \qquad x^- = 1 + (x^+_{last} - 1)\, e^{-Δ/\tau_d}

At a spike (:func:`tm_jump`), u rests at 0 ("rests at 0" form, see :mod:`.stp`):

.. math::  u^+ = u^- + U (1 - u^-), \quad \mathrm{frac} = u^+ x^-, \quad x^+ = x^- - \mathrm{frac}

and, when the facilitation increment f is given, a second jump ``u^+ ← u^+ + g(1 − u^+)`` with
``g = (f − U)/(1 − U)``. ``frac`` is the released fraction (release = W·frac).

:func:`stp_step` is the per-step form ``(params, state, inputs) -> (state, record)`` that
``lax.scan`` loops (the circuit runs one per synapse). Shapes: any; every argument broadcasts.

Example: the first spike from rest releases U, then depression recovers with τd
>>> import stpexplorer as stp
>>> p = stp.STPParams(U=0.5, tau_f=0.0, tau_d=100.0)
>>> u, x, frac = stp.tm_jump(p, 0.0, 1.0)
>>> float(u), float(x), float(frac)
(0.5, 0.5, 0.5)
>>> _, x_pre = stp.tm_relax(u, x, stp.tm_decay(100.0, p.tau_f), stp.tm_decay(100.0, p.tau_d))
>>> round(float(x_pre), 4)  # 1 - 0.5 e^{-1}
0.8161
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp

from stpexplorer.engine._stp_f import _after_release, _extra_jump

__all__ = ["tm_decay", "tm_relax", "tm_jump", "STPState", "STPInputs", "stp_step", "stp_init"]


def tm_decay(elapsed_ms, tau_ms):
    """``exp(-elapsed_ms / tau_ms)``; ``tau_ms = 0`` means instantaneous decay (factor 0)."""
    on = tau_ms > 0
    return jnp.where(on, jnp.exp(-elapsed_ms / jnp.where(on, tau_ms, 1.0)), 0.0)


def tm_relax(u, x, e_f, e_d):
    """u and x just before a spike from their values after the last one: ``(u e_f, 1 + (x − 1) e_d)``,
    with the decay factors ``e_f = tm_decay(Δ, τf)``, ``e_d = tm_decay(Δ, τd)``."""
    return u * e_f, 1.0 + (x - 1.0) * e_d


def tm_jump(p, u_pre, x_pre):
    """The spike: ``(u_plus, x_plus, frac)`` from u⁻, x⁻ just before it (p: STPParams).

    ``u_plus = u⁻ + U(1 − u⁻)`` (then ``+ g(1 − u)`` when ``p.f`` is given) is the u carried to
    the next spike, ``frac = (u⁻ + U(1 − u⁻))·x⁻`` the released fraction (u after its jump, x
    before depletion) and ``x_plus = x⁻ − frac`` x after depletion."""
    u_jump = u_pre + p.U * (1.0 - u_pre)
    frac = u_jump * x_pre
    return _after_release(u_jump, _extra_jump(p)), x_pre - frac, frac


class STPState(NamedTuple):
    """u and x just after the last spike (u = 0, x = 1 at rest); shape (n_syn,) or ()."""

    u: jax.Array
    x: jax.Array


class STPInputs(NamedTuple):
    """One step's input: ``spike`` (0/1) and the decay factors ``e_f``, ``e_d`` from the last
    spike strictly before this step to this step (``tm_decay(elapsed, τ)``)."""

    spike: jax.Array
    e_f: jax.Array
    e_d: jax.Array


def stp_init(shape=(), dtype=jnp.float32) -> STPState:
    """The resting state u = 0, x = 1."""
    z = jnp.zeros(shape, dtype)
    return STPState(z, z + 1.0)


def stp_step(p, state: STPState, inputs: STPInputs):
    """One step of the exact model: ``(state, (u, x, release_fraction))``.

    u, x in the record are their values at the end of the step (after this step's spike, if
    any); the release fraction is ``frac · spike`` (multiply by W for the release)."""
    s = inputs.spike
    u_pre, x_pre = tm_relax(state.u, state.x, inputs.e_f, inputs.e_d)
    u_jump, x_dep, frac = tm_jump(p, u_pre, x_pre)
    spk = s > 0.5
    new = STPState(jnp.where(spk, u_jump, state.u), jnp.where(spk, x_dep, state.x))
    return new, (jnp.where(spk, u_jump, u_pre), jnp.where(spk, x_dep, x_pre), frac * s)
