"""Bayesian inference of short-term plasticity: NUTS over the closed-form recursion.

:func:`sample_posterior` draws from the posterior of :mod:`._posterior_model` (model, noise and
priors stated there) with the No-U-Turn sampler of **blackjax** (a pure-JAX library: its
kernels take our log density as it is, so the chains are one ``jax.vmap`` and a data shape
compiles once; numpyro would need the model rewritten in its primitives). Warm-up is blackjax's
window adaptation (Stan's: step size and a *dense* mass matrix, which follows the narrow U–W
ridge of a facilitating synapse); sampling is in unconstrained coordinates; everything runs in
float64. Each chain starts from ``fit_stp``'s estimate, jittered. Needs the ``posterior`` extra
(``pip install "stpexplorer[posterior]"``: blackjax, arviz-stats, pandas).

:func:`~stpexplorer.fit.compare_models` (:mod:`.compare`) compares "dep", "tm" and "etm".
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from stpexplorer.fit._fit import fit_stp
from stpexplorer.fit._posterior_model import (
    ALL,
    NOISE,
    POSTERIOR_MODELS,
    PData,
    PSpec,
    bounds_arrays,
    check_priors,
    free_names,
    pack,
    product_pair,
    to_values,
    to_z,
)
from stpexplorer.fit._posterior_result import Posterior, sweep_log_likelihood
from stpexplorer.fit._posterior_sampler import run_chains

__all__ = ["Posterior", "sample_posterior"]


def fit_args(model, fixed) -> dict:
    """The least-squares fit that starts the chains: its model and fixed parameters."""
    fit_fixed = {k: v for k, v in fixed.items() if k != "sigma"}
    if model == "dep":
        fit_fixed["tau_f"] = 0.0
    return {"model": "etm" if model == "etm" else "tm", "fixed": fit_fixed, "n_boot": 0, "seed": 0}


def start(data, est: dict, prep, rng, chains):
    """Initial z (chains, k): the estimate ``est`` (fit_stp's values) inside the priors, jittered."""
    est = dict(est)
    if "sigma" in prep.free:
        est["sigma"] = max(float(np.sqrt(np.nanmean([np.nanvar(p.amplitudes) for p in data.protocols]))),
                           1e-3 * prep.m)
    v = np.array([np.clip(est[n], prep.priors[n][1], prep.priors[n][2]) for n in prep.free])
    z = to_z(v, prep.is_log, prep.lo, prep.hi, product_pair(prep.free))
    return z[None, :] + 0.05 * rng.standard_normal((chains, z.size))


def _count(name, v, lo, hi):
    if isinstance(v, bool) or int(v) != v or not lo <= v <= hi:
        raise ValueError(f"{name}: must be an integer in [{lo}, {hi}], got {v!r}")
    return int(v)


class Prep(NamedTuple):
    """One connection, checked and packed for the sampler."""

    d: PData
    m: float
    priors: dict
    free: tuple
    is_log: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    fv: np.ndarray
    spec: PSpec


def check_args(model, noise, chains, draws, warmup, fixed):
    if model not in POSTERIOR_MODELS:
        raise ValueError(f"model: must be one of {list(POSTERIOR_MODELS)}, got {model!r}")
    if noise not in NOISE:
        raise ValueError(f"noise: must be one of {list(NOISE)}, got {noise!r}")
    counts = (_count("chains", chains, 1, 64), _count("draws", draws, 10, 100_000),
              _count("warmup", warmup, 10, 100_000))
    fixed = {str(k): float(v) for k, v in dict(fixed or {}).items()}
    bad = [k for k in fixed if k not in ALL]
    if bad:
        raise ValueError(f"fixed: no parameter {bad[0]!r}; parameters are {list(ALL)}")
    return (*counts, fixed)


def prepare(data, model, noise, fixed, priors) -> Prep:
    d, m = pack(data, noise)
    pri = check_priors(priors, m)
    free = free_names(model, noise, fixed)
    if not free:
        raise ValueError("fixed: every parameter is fixed; nothing to sample")
    is_log, lo, hi = bounds_arrays(free, pri)
    fv = np.array([fixed.get(n, {"f": 0.5, "sigma": 1.0, "tau_f": 0.0}.get(n, 1.0)) for n in ALL])
    return Prep(d, m, pri, free, is_log, lo, hi, fv, PSpec(free, model, noise))


def result(data, prep: Prep, fixed, pos, div, step) -> Posterior:
    """A Posterior from one connection's positions (chains, draws, k) (inside enable_x64)."""
    vals = np.asarray(to_values(jnp.asarray(pos), jnp.asarray(prep.is_log), jnp.asarray(prep.lo),
                                jnp.asarray(prep.hi), product_pair(prep.free)))
    samples = {n: vals[..., j] for j, n in enumerate(prep.free)}
    ll = sweep_log_likelihood(data, prep.spec, samples, fixed, prep.d)
    return Posterior(samples=samples, model=prep.spec.model, noise=prep.spec.noise, fixed=fixed,
                     priors=prep.priors, data=data, divergences=int(div.sum()), log_likelihood=ll,
                     step_size=np.asarray(step), diverging=np.asarray(div, dtype=bool))


def sample_posterior(data, *, model="tm", noise="per_spike", chains=4, draws=1000, warmup=1000, seed=0,
                     fixed=None, priors=None, progress=None) -> Posterior:
    """Posterior draws of the Tsodyks–Markram parameters of ``data`` (an AmplitudeData); see the
    module's docstring. ``fixed``: {name: value} held (not sampled); ``priors``: {name: (kind, lo,
    hi)}; ``progress(fraction, stage)`` is called before the warm-up, after it and after each
    tenth of the draws; an exception it raises stops the sampling there (how a background job
    cancels: :class:`~stpexplorer.fit.PosteriorJob`)."""
    chains, draws, warmup, fixed = check_args(model, noise, chains, draws, warmup, fixed)
    prep = prepare(data, model, noise, fixed, priors)
    rng = np.random.default_rng(seed)
    if progress:
        progress(0.0, "warm-up (compiles on the first run of a data shape)")
    with jax.enable_x64(True):
        z0 = start(data, fit_stp(data, **fit_args(model, fixed)).values, prep, rng, chains)
        keys = jax.random.split(jax.random.key(seed), chains)
        pos, div, step = run_chains(prep.spec, keys, z0, prep.d, prep.fv, prep.is_log, prep.lo, prep.hi,
                                    draws=draws, warmup=warmup, progress=progress)
        post = result(data, prep, fixed, pos, div, step)
    if progress:
        progress(1.0, "done")
    return post
