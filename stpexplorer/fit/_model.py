"""What the fit minimises: sufficient statistics of the data, parameter transforms, residuals.

Data of one connection are packed into per-(protocol, spike) statistics, shape (P, N) with P
protocols and N spikes (padded; padded entries have count 0)::

    c = number of observed sweeps,  s1 = Σ amplitude,  s2 = Σ amplitude²

so the weighted sum of squares of a prediction m (P, N) is
``Σ_p w_p Σ_n (s2 − 2 m s1 + c m²) = Σ r² + const`` with residuals ``r = sqrt(w_p c)(s1/c − m)``.
A bootstrap replicate only changes c, s1, s2 (sweeps drawn with replacement), never the shapes.

Parameters live in an unconstrained vector z; transforms keep them in range:
``U, f = lo + (1 − lo)·σ(z)`` and ``log τ = log τ_lo + (log τ_hi − log τ_lo)·σ(z)`` (BOUNDS). W is
not in z: for given (U, f, τf, τd) the best W ≥ 0 is linear least squares (variable projection),
``W = max(Σ w s1 m₁ / Σ w c m₁², 0)`` with m₁ the prediction at W = 1. Amplitudes are divided by
a data scale first so that every connection is O(1) to the solver.
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from stpexplorer.engine.stp import STPParams
from stpexplorer.engine.stp_sweep import release_at_intervals

NAMES = ("U", "f", "tau_f", "tau_d", "W")
# ranges the transforms map onto (closed at the fixed points only); an interval that reaches a
# bound means the data do not determine the parameter beyond it
BOUNDS = {"U": (1e-4, 1.0), "f": (1e-4, 1.0), "tau_f": (0.5, 1e5), "tau_d": (0.5, 1e5), "W": (0.0, np.inf)}
# where the multi-start design puts its points (inside BOUNDS)
DESIGN = {"U": (0.02, 0.95), "f": (0.02, 0.95), "tau_f": (5.0, 3000.0), "tau_d": (5.0, 3000.0)}


class Spec(NamedTuple):
    """Static model description (hashable: part of the compiled solver).

    free: names in z, in NAMES order; tied_f: f = U (model "tm"); fit_w: W projected (not fixed).
    """

    free: tuple[str, ...]
    tied_f: bool
    fit_w: bool


class Stats(NamedTuple):
    """Per-(protocol, spike) statistics, each (..., P, N); w: per-protocol weights (..., P)."""

    isi: jax.Array
    c: jax.Array
    s1: jax.Array
    s2: jax.Array
    w: jax.Array


def make_spec(model: str, fixed: dict) -> Spec:
    free = tuple(n for n in NAMES[:4] if n not in fixed and not (n == "f" and model == "tm"))
    return Spec(free=free, tied_f=model == "tm", fit_w="W" not in fixed)


def _sigmoid_range(z, lo, hi):
    return lo + (hi - lo) * jax.nn.sigmoid(z)


def to_value(name: str, z):
    lo, hi = BOUNDS[name]
    if name.startswith("tau"):
        return jnp.exp(_sigmoid_range(z, np.log(lo), np.log(hi)))
    return _sigmoid_range(z, lo, hi)


def to_z(name: str, v) -> np.ndarray:
    """Inverse transform (numpy), clipped just inside the bounds."""
    lo, hi = BOUNDS[name]
    v = np.asarray(v, dtype=np.float64)
    if name.startswith("tau"):
        lo, hi, v = np.log(lo), np.log(hi), np.log(np.clip(v, lo, hi))
    t = np.clip((v - lo) / (hi - lo), 1e-12, 1 - 1e-12)
    return np.log(t) - np.log1p(-t)


def unpack(z, fixed_vals, spec: Spec) -> dict:
    """Parameter values (dict of scalars) from z (k,) and fixed_vals (5,) in NAMES order."""
    out = {n: fixed_vals[i] for i, n in enumerate(NAMES)}
    for j, n in enumerate(spec.free):
        out[n] = to_value(n, z[j])
    if spec.tied_f:
        out["f"] = None
    return out


def predict_unit(vals: dict, isi):
    """u_n x_n (W = 1) for every protocol: isi (P, N) -> (P, N)."""
    p = STPParams(U=vals["U"], tau_f=vals["tau_f"], tau_d=vals["tau_d"], W=1.0, f=vals["f"])
    return jax.vmap(lambda iv: release_at_intervals(p, iv))(isi)


def best_w(m1, st: Stats):
    num = jnp.sum(st.w[:, None] * st.s1 * m1)
    den = jnp.sum(st.w[:, None] * st.c * m1 * m1)
    return jnp.maximum(num / jnp.where(den > 0, den, 1.0), 0.0)


def residuals(z, st: Stats, fixed_vals, spec: Spec):
    """Residual vector (P·N,) whose squared norm is the objective minus its constant part."""
    vals = unpack(z, fixed_vals, spec)
    m1 = predict_unit(vals, st.isi)
    w = best_w(m1, st) if spec.fit_w else vals["W"]
    mean = st.s1 / jnp.where(st.c > 0, st.c, 1.0)
    return (jnp.sqrt(st.w[:, None] * st.c) * (mean - w * m1)).ravel()


def params_of(z, st: Stats, fixed_vals, spec: Spec):
    """All five values (NAMES order, f = U for "tm") for one z: shape (5,)."""
    vals = unpack(z, fixed_vals, spec)
    m1 = predict_unit(vals, st.isi)
    w = best_w(m1, st) if spec.fit_w else vals["W"]
    f = vals["U"] if spec.tied_f else vals["f"]
    return jnp.stack([vals["U"], f, vals["tau_f"], vals["tau_d"], w])


def constant(st: Stats):
    """The objective's constant part Σ w (s2 − s1²/c) (within-spike scatter)."""
    c = np.asarray(st.c)
    mean_sq = np.where(c > 0, np.asarray(st.s1) ** 2 / np.where(c > 0, c, 1.0), 0.0)
    return np.sum(np.asarray(st.w)[..., None] * (np.asarray(st.s2) - mean_sq), axis=(-2, -1))


def halton(n: int, d: int, seed: int) -> np.ndarray:
    """n points of a randomly shifted Halton sequence in [0, 1)^d (space filling)."""
    primes = [2, 3, 5, 7, 11][:d]
    out = np.empty((n, d))
    for j, b in enumerate(primes):
        for i in range(n):
            f, r, k = 1.0, 0.0, i + 1
            while k:
                f /= b
                r += f * (k % b)
                k //= b
            out[i, j] = r
    return (out + np.random.default_rng(seed).random(d)) % 1.0


def design(spec: Spec, n_starts: int, seed: int) -> np.ndarray:
    """Starting points z (n_starts, k) spread over DESIGN (log-uniform for the time constants)."""
    h = halton(n_starts, max(len(spec.free), 1), seed)
    cols = []
    for j, n in enumerate(spec.free):
        lo, hi = DESIGN[n]
        v = np.exp(np.log(lo) + (np.log(hi) - np.log(lo)) * h[:, j]) if n.startswith("tau") else lo + (hi - lo) * h[:, j]
        cols.append(to_z(n, v))
    return np.stack(cols, axis=1) if cols else np.zeros((n_starts, 0))
