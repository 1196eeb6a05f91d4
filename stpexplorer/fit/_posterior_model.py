"""The posterior's log density: priors, transforms and the Gaussian likelihood of amplitude trains.

Mean amplitude at spike k of protocol p: ``μ_pk = W·u_k·x_k`` from the engine's exact recursion
(:func:`stpexplorer.engine.release_at_intervals`, as the least-squares fit). Models: "tm" (U, τf,
τd, W; f = U), "etm" (f free), "dep" (depression only: τf = 0).

Noise: ``"per_spike"``: every amplitude ``a ~ Normal(μ_pk, σ_pk)`` with ``σ_pk`` the sample SD
(ddof 1) over the sweeps of protocol p at spike k, fixed from the data (Costa et al. 2013);
``"shared"``: one σ, sampled. With the per-(p, k) statistics ``c`` (sweeps observed),
``s1 = Σa``, ``s2 = Σa²`` the log likelihood is
``Σ_pk −c/2·log(2πσ²) − (s2 − 2μ·s1 + c·μ²)/(2σ²)``.

Priors (defaults; ``priors=`` replaces any ``{name: (kind, lo, hi)}``, kind "uniform" or
"loguniform"): U, f ~ Uniform(1e-4, 1); τf, τd ~ LogUniform(0.5, 1e5) ms; W ~ LogUniform(1e-3·m,
1e3·m) with m the largest per-spike mean amplitude; σ ~ LogUniform(1e-4·m, 10·m). Sampling is in
unconstrained coordinates z: ``v = lo + (hi − lo)·sigmoid(z)`` (uniform) or ``log v = log lo +
(log hi − log lo)·sigmoid(z)`` (log-uniform), so a flat prior on v is the logistic density on z
(the Jacobian), and the sampler never leaves the prior's support. When U and W are both
sampled, W's coordinate is ``log(W·U)`` instead (the first amplitude, which the data pin), so
the U–W trade-off of a facilitating synapse lies along one axis.
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from stpexplorer.engine.stp import STPParams
from stpexplorer.engine.stp_sweep import release_at_intervals

__all__ = ["POSTERIOR_MODELS", "NOISE", "PSpec", "PData", "free_names", "default_priors", "pack", "log_density",
           "to_values", "to_z", "mean_amplitudes", "product_pair", "log_prior"]

POSTERIOR_MODELS = ("tm", "etm", "dep")
NOISE = ("per_spike", "shared")
ALL = ("U", "f", "tau_f", "tau_d", "W", "sigma")
PRIOR_KINDS = ("uniform", "loguniform")


class PSpec(NamedTuple):
    """Static: the sampled names (in ALL order), the model and the noise (part of the compiled sampler)."""

    free: tuple[str, ...]
    model: str
    noise: str


class PData(NamedTuple):
    """Per-(protocol, spike) statistics, each (P, N): intervals, count, Σa, Σa², σ (per_spike)."""

    isi: jax.Array
    c: jax.Array
    s1: jax.Array
    s2: jax.Array
    sd: jax.Array


def free_names(model: str, noise: str, fixed: dict) -> tuple[str, ...]:
    skip = set(fixed) | ({"f"} if model != "etm" else set()) | ({"tau_f"} if model == "dep" else set())
    skip |= {"sigma"} if noise == "per_spike" else set()
    return tuple(n for n in ALL if n not in skip)


def pack(data, noise: str) -> tuple[PData, float]:
    """``(PData, m)`` of an AmplitudeData, m the largest per-spike mean; errors for bad data."""
    isi, c, s1, s2 = data.spike_sums()
    sd = np.zeros_like(c)
    for i, p in enumerate(data.protocols):
        a, n = p.amplitudes, p.isi_ms.size
        if noise == "per_spike":
            bad = np.flatnonzero(c[i, :n] < 3)
            if bad.size:
                raise ValueError(f"noise='per_spike' needs >= 3 values at every spike to estimate its SD; protocol "
                                 f"{p.name!r} has {int(c[i, bad[0]])} at spike {int(bad[0])}: use noise='shared'")
            with np.errstate(invalid="ignore"):
                sd[i, :n] = np.nanstd(a, axis=0, ddof=1)
            if np.any(sd[i, :n] <= 0):
                k = int(np.flatnonzero(sd[i, :n] <= 0)[0])
                raise ValueError(f"noise='per_spike': protocol {p.name!r}, spike {k} has no scatter (SD 0); "
                                 "use noise='shared'")
    sd = np.where(c > 0, sd, 1.0)
    means = np.where(c > 0, s1 / np.where(c > 0, c, 1), 0.0)
    m = float(means.max())
    if not m > 0:
        raise ValueError("the amplitudes' per-spike means must be positive somewhere; got none > 0")
    return PData(isi, c, s1, s2, sd), m


def default_priors(m: float) -> dict:
    return {"U": ("uniform", 1e-4, 1.0), "f": ("uniform", 1e-4, 1.0), "tau_f": ("loguniform", 0.5, 1e5),
            "tau_d": ("loguniform", 0.5, 1e5), "W": ("loguniform", 1e-3 * m, 1e3 * m),
            "sigma": ("loguniform", 1e-4 * m, 10.0 * m)}


def check_priors(priors, m: float) -> dict:
    out = default_priors(m)
    for name, spec in dict(priors or {}).items():
        if name not in ALL:
            raise ValueError(f"priors: no parameter {name!r}; parameters are {list(ALL)}")
        try:
            kind, lo, hi = spec
            lo, hi = float(lo), float(hi)
        except (TypeError, ValueError):
            raise ValueError(f"priors[{name!r}]: must be (kind, lo, hi), got {spec!r}") from None
        if kind not in PRIOR_KINDS:
            raise ValueError(f"priors[{name!r}]: kind must be one of {list(PRIOR_KINDS)}, got {kind!r}")
        if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi and (kind == "uniform" or lo > 0)):
            raise ValueError(f"priors[{name!r}]: needs finite lo < hi (lo > 0 for loguniform), got ({lo:g}, {hi:g})")
        out[name] = (kind, lo, hi)
    return out


def bounds_arrays(free, priors) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(log?, lo, hi)`` per free name: log bounds for log-uniform priors."""
    is_log = np.array([priors[n][0] == "loguniform" for n in free], dtype=bool)
    lo = np.array([np.log(priors[n][1]) if g else priors[n][1] for n, g in zip(free, is_log)])
    hi = np.array([np.log(priors[n][2]) if g else priors[n][2] for n, g in zip(free, is_log)])
    return is_log, lo, hi


def product_pair(free) -> tuple[int, int] | None:
    """Indices of U and W when both are sampled: W's coordinate is then ``log(W·U)``, the first
    amplitude, which the data pin; U and W then trade off along an axis, not a curved ridge."""
    return (free.index("U"), free.index("W")) if "U" in free and "W" in free else None


def to_values(z, is_log, lo, hi, pair=None):
    """Parameter values from unconstrained ``z`` (..., k)."""
    t = lo + (hi - lo) * jax.nn.sigmoid(z)
    v = jnp.where(is_log, jnp.exp(t), t)
    if pair is not None:
        iu, iw = pair
        v = v.at[..., iw].set(jnp.exp(z[..., iw]) / v[..., iu])
    return v


def to_z(v, is_log, lo, hi, pair=None) -> np.ndarray:
    v = np.asarray(v, dtype=np.float64)
    w = np.where(is_log, np.log(np.maximum(v, 1e-300)), v)
    t = np.clip((w - lo) / (hi - lo), 1e-9, 1 - 1e-9)
    z = np.log(t) - np.log1p(-t)
    if pair is not None:
        iu, iw = pair
        z[..., iw] = np.log(v[..., iw] * v[..., iu])
    return z


def log_prior(z, is_log, lo, hi, pair=None):
    """Log prior density in z (the Jacobian of the transforms included); -inf outside W's bounds
    in the product coordinate."""
    s = jax.nn.sigmoid(z)
    each = jnp.log(hi - lo) + jnp.log(s) + jnp.log1p(-s)  # the logistic density of a flat prior
    if pair is None:
        return jnp.sum(each)
    iu, iw = pair
    v = to_values(z, is_log, lo, hi, pair)
    # (z_U, log W·U) -> (z_U, log W) has Jacobian 1: flat in log W (log-uniform W), or ∝ W (uniform W)
    x = jnp.where(is_log[iw], jnp.log(v[iw]), v[iw])
    inside = (x > lo[iw]) & (x < hi[iw])
    w_term = jnp.where(is_log[iw], 0.0, jnp.log(v[iw]))
    return jnp.where(inside, jnp.sum(each) - each[iw] + w_term, -jnp.inf)


def _vals(z, spec: PSpec, fixed_vals, is_log, lo, hi) -> dict:
    v = to_values(z, is_log, lo, hi, product_pair(spec.free))
    out = {n: fixed_vals[i] for i, n in enumerate(ALL)}
    for j, n in enumerate(spec.free):
        out[n] = v[j]
    if spec.model == "dep":
        out["tau_f"] = jnp.zeros(())
    if spec.model != "etm":
        out["f"] = None
    return out


def mean_amplitudes(vals: dict, isi):
    """W·u·x at every spike of every protocol: isi (P, N) -> (P, N)."""
    p = STPParams(U=vals["U"], tau_f=vals["tau_f"], tau_d=vals["tau_d"], W=1.0, f=vals["f"])
    return vals["W"] * jax.vmap(lambda iv: release_at_intervals(p, iv))(isi)


def log_density(z, d: PData, fixed_vals, is_log, lo, hi, spec: PSpec):
    """Log posterior (up to a constant) at unconstrained ``z`` (k,)."""
    vals = _vals(z, spec, fixed_vals, is_log, lo, hi)
    mu = mean_amplitudes(vals, d.isi)
    sd = d.sd if spec.noise == "per_spike" else vals["sigma"]
    var = sd * sd
    ll = -0.5 * d.c * jnp.log(2 * jnp.pi * var) - (d.s2 - 2 * mu * d.s1 + d.c * mu * mu) / (2 * var)
    return jnp.sum(jnp.where(d.c > 0, ll, 0.0)) + log_prior(z, is_log, lo, hi, product_pair(spec.free))
