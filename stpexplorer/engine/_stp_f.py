"""The facilitation increment f of :class:`~stpexplorer.engine.stp.STPParams` (optional leaf).

With f, u jumps by f(1 − u) after a release in the "u rests at U" form; in the engine's
"rests at 0" form this is a second jump ``u ← u + g(1 − u)``, ``g = (f − U)/(1 − U)``, after the
usual ``u ← u + U(1 − u)``. f = None (default) means f = U and adds no operation at all.
"""

from __future__ import annotations

import dataclasses

import jax
import jax.numpy as jnp
import numpy as np

from stpexplorer.engine._params import _as_leaf


def post_init_optional_f(self):
    """STPParams.__post_init__: params_class normalises every field; f may also stay None."""
    for name in ("U", "tau_f", "tau_d", "W"):
        object.__setattr__(self, name, _as_leaf(name, getattr(self, name)))
    if self.f is not None:
        object.__setattr__(self, "f", _as_leaf("f", self.f))
    self._check()


def _extra_jump(p):
    """g = (f − U)/(1 − U) of the second jump u ← u + g(1 − u), or None when f is None."""
    if p.f is None:
        return None
    below = p.U < 1.0
    return jnp.where(below, (p.f - p.U) / jnp.where(below, 1.0 - p.U, 1.0), 0.0)


def canonical(p):
    """f equal to U everywhere (concrete values) runs as f = None: the same compiled code, so the
    results are bit-identical to the 4-parameter model (an extra f path could differ by an ulp
    where the compiler fuses differently). Host-side; traced values pass through."""
    f = p.f
    if f is None or isinstance(f, jax.core.Tracer) or isinstance(p.U, jax.core.Tracer):
        return p
    if np.array_equal(*np.broadcast_arrays(np.asarray(f), np.asarray(p.U))):
        return dataclasses.replace(p, f=None)
    return p


def _after_release(u, g):
    """The state u carried from a spike: u itself (f = U) or u + g(1 − u)."""
    return u if g is None else u + g * (1.0 - u)
