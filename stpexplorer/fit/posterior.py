"""Bayesian inference of short-term plasticity: NUTS over the closed-form recursion.

:func:`sample_posterior` draws from the posterior of :mod:`._posterior_model` (model, noise and
priors stated there) with the No-U-Turn sampler of **blackjax** (a pure-JAX library: its
kernels take our log density as it is, so the chains are one ``jax.vmap`` and a data shape
compiles once; numpyro would need the model rewritten in its primitives). Warm-up is blackjax's
window adaptation (Stan's: step size and a *dense* mass matrix, which follows the narrow U–W
ridge of a facilitating synapse); sampling is in unconstrained coordinates; everything runs in
float64. Each chain starts from ``fit_stp``'s estimate, jittered. Needs the ``posterior`` extra
(``pip install "stpexplorer[posterior]"``: blackjax, arviz-stats, pandas).

:func:`compare_models` compares "dep", "tm" and "etm" by PSIS-LOO (leave one *sweep* out: the
sweeps are the exchangeable units, as for the bootstrap).
"""

from __future__ import annotations

import functools

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
from stpexplorer.fit._posterior_model import log_density as _log_density
from stpexplorer.fit._posterior_result import Posterior, sweep_log_likelihood

__all__ = ["sample_posterior", "compare_models", "Posterior"]


def _blackjax():
    try:
        # optional dependency: the posterior extra
        import blackjax
    except ImportError:
        raise ImportError('sample_posterior needs blackjax: pip install "stpexplorer[posterior]"') from None
    return blackjax


@functools.lru_cache(maxsize=16)
def _sampler(spec: PSpec, chains: int, draws: int, warmup: int):
    """One jitted function per (model, noise, chains, draws, warmup); data are traced arguments."""
    bj = _blackjax()

    def one_chain(key, z0, d, fv, is_log, lo, hi):
        logdensity = functools.partial(_log_density, d=d, fixed_vals=fv, is_log=is_log, lo=lo, hi=hi, spec=spec)
        k_warm, k_draw = jax.random.split(key)
        adapt = bj.window_adaptation(bj.nuts, logdensity, is_mass_matrix_diagonal=False, target_acceptance_rate=0.85)
        (state, params), _ = adapt.run(k_warm, z0, num_steps=warmup)
        kernel = bj.nuts(logdensity, **params).step

        def step(state, k):
            state, info = kernel(k, state)
            return state, (state.position, info.is_divergent)

        _, (pos, div) = jax.lax.scan(step, state, jax.random.split(k_draw, draws))
        return pos, div, params["step_size"]

    return jax.jit(jax.vmap(one_chain, in_axes=(0, 0, None, None, None, None, None)))


def _start(data, model, fixed, free, priors, is_log, lo, hi, m, noise, rng, chains):
    fit_model = "etm" if model == "etm" else "tm"
    fit_fixed = {k: v for k, v in fixed.items() if k != "sigma"}
    if model == "dep":
        fit_fixed["tau_f"] = 0.0
    est = dict(fit_stp(data, model=fit_model, fixed=fit_fixed, n_boot=0, seed=0).values)
    if "sigma" in free:
        est["sigma"] = max(float(np.sqrt(np.nanmean([np.nanvar(p.amplitudes) for p in data.protocols]))), 1e-3 * m)
    v = np.array([np.clip(est[n], priors[n][1], priors[n][2]) for n in free])
    z = to_z(v, is_log, lo, hi, product_pair(free))
    return z[None, :] + 0.05 * rng.standard_normal((chains, z.size))


def _count(name, v, lo, hi):
    if isinstance(v, bool) or int(v) != v or not lo <= v <= hi:
        raise ValueError(f"{name}: must be an integer in [{lo}, {hi}], got {v!r}")
    return int(v)


def sample_posterior(data, *, model="tm", noise="per_spike", chains=4, draws=1000, warmup=1000, seed=0,
                     fixed=None, priors=None, progress=None) -> Posterior:
    """Posterior draws of the Tsodyks–Markram parameters of ``data`` (an AmplitudeData); see the
    module's docstring. ``fixed``: {name: value} held (not sampled); ``priors``: {name: (kind, lo,
    hi)}; ``progress(fraction, stage)`` is called before warm-up and after sampling."""
    if model not in POSTERIOR_MODELS:
        raise ValueError(f"model: must be one of {list(POSTERIOR_MODELS)}, got {model!r}")
    if noise not in NOISE:
        raise ValueError(f"noise: must be one of {list(NOISE)}, got {noise!r}")
    chains, draws = _count("chains", chains, 1, 64), _count("draws", draws, 10, 100_000)
    warmup = _count("warmup", warmup, 10, 100_000)
    fixed = {str(k): float(v) for k, v in dict(fixed or {}).items()}
    bad = [k for k in fixed if k not in ALL]
    if bad:
        raise ValueError(f"fixed: no parameter {bad[0]!r}; parameters are {list(ALL)}")
    d, m = pack(data, noise)
    pri = check_priors(priors, m)
    free = free_names(model, noise, fixed)
    if not free:
        raise ValueError("fixed: every parameter is fixed; nothing to sample")
    is_log, lo, hi = bounds_arrays(free, pri)
    fv = np.array([fixed.get(n, {"f": 0.5, "sigma": 1.0, "tau_f": 0.0}.get(n, 1.0)) for n in ALL])
    rng = np.random.default_rng(seed)
    if progress:
        progress(0.0, "warm-up and sampling (compiles on the first run of a data shape)")
    with jax.enable_x64(True):
        z0 = _start(data, model, fixed, free, pri, is_log, lo, hi, m, noise, rng, chains)
        keys = jax.random.split(jax.random.key(seed), chains)
        spec = PSpec(free, model, noise)
        run = _sampler(spec, chains, draws, warmup)
        args = (jnp.asarray(z0), PData(*(jnp.asarray(x) for x in d)), jnp.asarray(fv), jnp.asarray(is_log),
                jnp.asarray(lo), jnp.asarray(hi))
        pos, div, step = run(keys, *args)
        pos, div = np.asarray(pos), np.asarray(div)
        vals = np.asarray(to_values(jnp.asarray(pos), jnp.asarray(is_log), jnp.asarray(lo), jnp.asarray(hi),
                                    product_pair(free)))
        samples = {n: vals[..., j] for j, n in enumerate(free)}
        ll = sweep_log_likelihood(data, spec, samples, fixed, d)
    if progress:
        progress(1.0, "done")
    return Posterior(samples=samples, model=model, noise=noise, fixed=fixed, priors=pri, data=data,
                     divergences=int(div.sum()), log_likelihood=ll, step_size=np.asarray(step))


def compare_models(data, models=("dep", "tm", "etm"), **kw):
    """PSIS-LOO of each model (a pandas DataFrame, best first: ``elpd_loo``, ``se``, ``p_loo``,
    ``d_elpd`` and its ``d_se`` against the best, ``weight`` (pseudo-BMA: exp(elpd) normalised),
    ``max_khat`` (Pareto k̂: above 0.7 the estimate is unreliable), ``divergences``), computed by
    arviz-stats' ``loo``; keywords go to :func:`sample_posterior`."""
    # optional dependencies: the posterior extra
    import pandas as pd

    # optional dependency: the posterior extra
    from arviz_stats.base import array_stats

    rows, pointwise = [], {}
    for name in models:
        post = sample_posterior(data, model=name, **kw)
        ll = np.moveaxis(post.log_likelihood, -1, 0)  # (sweeps, chains, draws)
        elpd_i, khat, p_i = array_stats.loo(ll, chain_axis=-2, draw_axis=-1)
        pointwise[name] = elpd_i
        rows.append({"model": name, "elpd_loo": float(elpd_i.sum()),
                     "se": float(np.sqrt(elpd_i.size * np.var(elpd_i))), "p_loo": float(np.sum(p_i)),
                     "max_khat": float(np.max(khat)), "divergences": post.divergences})
    df = pd.DataFrame(rows).set_index("model").sort_values("elpd_loo", ascending=False)
    best = df.index[0]
    df["d_elpd"] = df["elpd_loo"] - df.loc[best, "elpd_loo"]
    df["d_se"] = [float(np.sqrt(pointwise[best].size * np.var(pointwise[best] - pointwise[n]))) for n in df.index]
    w = np.exp(df["elpd_loo"] - df["elpd_loo"].max())
    df["weight"] = w / w.sum()
    return df
