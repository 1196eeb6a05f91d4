"""Posteriors of many connections, in this process or on a Dask cluster: :func:`sample_many`.

Connections are cut into chunks of ``chunk`` (in the order of ``datasets``); a chunk is one task
and one vmapped call over its connections and their chains (their per-spike statistics padded to
the chunk's largest shape, which is exact: padded entries have count 0; the last chunk is padded
with copies of its last connection, so that chunks of one data shape share one compiled call), after one batched
``fit_many`` for the chains' starting points. With ``client`` (a
``dask.distributed.Client``) the chunks are spread over the workers (``client.map``; each
worker compiles once per data shape); without, they run here. Connection ``i`` is sampled with
seed ``seed + i`` either way, so the results are identical. On a cluster, e.g. SLURM::

    from dask_jobqueue import SLURMCluster
    from dask.distributed import Client
    cluster = SLURMCluster(cores=8, memory="16GB", walltime="01:00:00"); cluster.scale(jobs=10)
    posts = sample_many(connections, client=Client(cluster))
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import jax
import jax.numpy as jnp
import numpy as np

from stpexplorer.fit._fit import fit_many
from stpexplorer.fit._posterior_sampler import pad_pdata, run_chains
from stpexplorer.fit.posterior import Posterior, check_args, fit_args, prepare, result, start

__all__ = ["sample_many"]


def _chunk_task(items: list, kw: dict, size: int) -> list:
    """One chunk: ``[(name, data, seed)]`` -> ``[(name, Posterior)]`` (runs on a worker), padded
    to ``size`` connections (one compiled shape for every chunk)."""
    model, noise = kw.get("model", "tm"), kw.get("noise", "per_spike")
    chains, draws, warmup, fixed = check_args(model, noise, kw.get("chains", 4), kw.get("draws", 1000),
                                              kw.get("warmup", 1000), kw.get("fixed"))
    full = items + [items[-1]] * (size - len(items))
    preps = [prepare(data, model, noise, fixed, kw.get("priors")) for _, data, _ in full]
    if len({p.free for p in preps}) != 1:
        raise ValueError("sample_many: every connection must sample the same parameters")
    ests = fit_many({str(i): data for i, (_, data, _) in enumerate(full)}, **fit_args(model, fixed))
    with jax.enable_x64(True):
        z0 = np.stack([start(data, ests[str(i)].values, p, np.random.default_rng(sd), chains)
                       for i, ((_, data, sd), p) in enumerate(zip(full, preps))])
        keys = jnp.stack([jax.random.split(jax.random.key(sd), chains) for _, _, sd in full])
        stack = [np.stack([getattr(p, f) for p in preps]) for f in ("fv", "is_log", "lo", "hi")]
        pos, div, step = run_chains(preps[0].spec, keys, z0, pad_pdata([p.d for p in preps]), *stack,
                                    draws=draws, warmup=warmup, batched=True)
        return [(name, result(data, preps[i], fixed, pos[i], div[i], step[i]))
                for i, (name, data, _) in enumerate(items)]


def sample_many(datasets: Mapping, *, client=None, chunk: int = 50, seed: int = 0,
                progress: Callable[[int, int], None] | None = None, **kw) -> dict[str, Posterior]:
    """``{name: Posterior}`` of every AmplitudeData in ``datasets``; keywords (model, noise,
    chains, draws, warmup, fixed, priors) go to :func:`~stpexplorer.fit.sample_posterior`;
    ``progress(done, total)`` after each chunk."""
    if not isinstance(datasets, Mapping) or not datasets:
        raise ValueError("datasets: must be a non-empty {name: AmplitudeData}")
    if isinstance(chunk, bool) or int(chunk) != chunk or chunk < 1:
        raise ValueError(f"chunk: must be an integer >= 1, got {chunk!r}")
    unknown = set(kw) - {"model", "noise", "chains", "draws", "warmup", "fixed", "priors"}
    if unknown:
        raise ValueError(f"sample_many: unknown argument(s) {sorted(unknown)}")
    items = [(str(name), data, int(seed) + i) for i, (name, data) in enumerate(datasets.items())]
    size = min(int(chunk), len(items))
    chunks = [items[i:i + size] for i in range(0, len(items), size)]
    out, done = {}, 0
    if client is None:
        results = (_chunk_task(c, kw, size) for c in chunks)
    else:
        futures = client.map(_chunk_task, chunks, kw=kw, size=size, pure=False)
        results = (f.result() for f in futures)
    for res in results:
        out.update(res)
        done += len(res)
        if progress:
            progress(done, len(items))
    return {name: out[name] for name, _, _ in items}
