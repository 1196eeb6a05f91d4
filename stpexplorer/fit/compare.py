"""Model comparison of posteriors: :func:`compare_models`.

Two tests, both over sweeps, the exchangeable units (as for the bootstrap):

- **PSIS-LOO** (arviz-stats' ``loo``): leave one *sweep* out, estimated from one posterior per
  model by Pareto-smoothed importance sampling; elpd ± se, the difference to the best model and
  its se, pseudo-BMA weights, Pareto k̂.
- **held-out protocols** (srplasticity's test, Rossbroich et al. 2021): for each protocol, the
  posterior of the *other* protocols predicts it; its elpd is ``Σ_sweeps log mean_draws p(sweep |
  draw)`` (per-spike SDs as in the model: the held-out protocol's own). This asks whether a model
  generalises to a train it has not seen, which LOO over sweeps of known trains does not.
"""

from __future__ import annotations

import numpy as np

from stpexplorer.fit._data import AmplitudeData
from stpexplorer.fit._posterior_model import PSpec, pack
from stpexplorer.fit._posterior_result import sweep_log_likelihood
from stpexplorer.fit.posterior import sample_posterior

__all__ = ["compare_models", "held_out_elpd"]


def _logmeanexp(ll: np.ndarray, axis: int) -> np.ndarray:
    m = ll.max(axis=axis, keepdims=True)
    return (m + np.log(np.mean(np.exp(ll - m), axis=axis, keepdims=True))).squeeze(axis)


def held_out_elpd(post, protocol) -> float:
    """elpd of ``protocol`` (a :class:`Protocol`, not in ``post``'s data) under the posterior
    ``post``: the sum over its sweeps of log mean over draws of the sweep's likelihood."""
    one = AmplitudeData((protocol,))
    spec = PSpec(tuple(post.samples), post.model, post.noise)
    ll = sweep_log_likelihood(one, spec, post.samples, post.fixed, pack(one, post.noise)[0])
    return float(_logmeanexp(ll.reshape(-1, ll.shape[-1]), 0).sum())


def compare_models(data, models=("dep", "tm", "etm"), *, held_out: bool = True, progress=None, **kw):
    """Compare models on ``data`` (an AmplitudeData); keywords go to :func:`sample_posterior`.

    Returns a pandas DataFrame, one row per model, best (highest ``elpd_loo``) first: ``elpd_loo``,
    ``se``, ``p_loo``, ``max_khat`` (Pareto k̂: above 0.7 the estimate is unreliable),
    ``divergences``, ``d_elpd`` and its ``d_se`` against the best, ``weight`` (pseudo-BMA:
    exp(elpd) normalised), computed by arviz-stats' ``loo``. With ``held_out`` (and at least two
    protocols) also ``elpd_held_out`` (each protocol predicted by the others' posterior, summed)
    and, in ``df.attrs["held_out"]``, a DataFrame of that elpd per protocol (rows) and model
    (columns). Costs one posterior per model, plus one per model and protocol when held out.
    ``progress(fraction, stage)`` is called before each model; an exception it raises stops there."""
    # optional dependencies: the posterior extra
    import pandas as pd

    # optional dependency: the posterior extra
    from arviz_stats.base import array_stats

    if not isinstance(data, AmplitudeData):
        raise ValueError(f"data: must be an AmplitudeData, got {type(data).__name__}")
    models = tuple(models)
    if not models:
        raise ValueError("models: give at least one of 'dep', 'tm', 'etm'")
    rows, pointwise, per_protocol = [], {}, {}
    for i, name in enumerate(models):
        if progress:
            progress(i / len(models), f"model {name} ({i + 1} of {len(models)})")
        post = sample_posterior(data, model=name, **kw)
        ll = np.moveaxis(post.log_likelihood, -1, 0)  # (sweeps, chains, draws)
        elpd_i, khat, p_i = array_stats.loo(ll, chain_axis=-2, draw_axis=-1)
        pointwise[name] = elpd_i
        row = {"model": name, "elpd_loo": float(elpd_i.sum()), "se": float(np.sqrt(elpd_i.size * np.var(elpd_i))),
               "p_loo": float(np.sum(p_i)), "max_khat": float(np.max(khat)), "divergences": post.divergences}
        if held_out and len(data) > 1:
            per_protocol[name] = {
                p.name: held_out_elpd(sample_posterior(AmplitudeData(tuple(q for q in data.protocols if q is not p)),
                                                       model=name, **kw), p)
                for p in data.protocols}
            row["elpd_held_out"] = float(sum(per_protocol[name].values()))
        rows.append(row)
    df = pd.DataFrame(rows).set_index("model").sort_values("elpd_loo", ascending=False)
    best = df.index[0]
    df["d_elpd"] = df["elpd_loo"] - df.loc[best, "elpd_loo"]
    df["d_se"] = [float(np.sqrt(pointwise[best].size * np.var(pointwise[best] - pointwise[n]))) for n in df.index]
    w = np.exp(df["elpd_loo"] - df["elpd_loo"].max())
    df["weight"] = w / w.sum()
    if per_protocol:
        df.attrs["held_out"] = pd.DataFrame(per_protocol).loc[list(data.names)]
    if progress:
        progress(1.0, "done")
    return df
