"""Posteriors of many connections, in this process or on a Dask cluster: :func:`sample_many`.

Connections are cut into chunks of ``chunk`` (in the order of ``datasets``); a chunk is one task:
its connections are sampled one after another, each one vmapped call over its chains, and
connections of one data shape share the compiled sampler. With ``client`` (a
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

from stpexplorer.fit.posterior import Posterior, sample_posterior

__all__ = ["sample_many"]


def _chunk_task(items: list, kw: dict) -> list:
    """One chunk: ``[(name, data, seed)]`` -> ``[(name, Posterior)]`` (runs on a worker)."""
    return [(name, sample_posterior(data, seed=seed, **kw)) for name, data, seed in items]


def sample_many(datasets: Mapping, *, client=None, chunk: int = 50, seed: int = 0,
                progress: Callable[[int, int], None] | None = None, **kw) -> dict[str, Posterior]:
    """``{name: Posterior}`` of every AmplitudeData in ``datasets``; keywords (model, noise,
    chains, draws, warmup, fixed, priors) go to :func:`~stpexplorer.fit.sample_posterior`;
    ``progress(done, total)`` after each chunk."""
    if not isinstance(datasets, Mapping) or not datasets:
        raise ValueError("datasets: must be a non-empty {name: AmplitudeData}")
    if isinstance(chunk, bool) or int(chunk) != chunk or chunk < 1:
        raise ValueError(f"chunk: must be an integer >= 1, got {chunk!r}")
    items = [(str(name), data, int(seed) + i) for i, (name, data) in enumerate(datasets.items())]
    chunks = [items[i:i + int(chunk)] for i in range(0, len(items), int(chunk))]
    out, done = {}, 0
    if client is None:
        results = (_chunk_task(c, kw) for c in chunks)
    else:
        futures = client.map(_chunk_task, chunks, kw=kw, pure=False)
        results = (f.result() for f in futures)
    for res in results:
        out.update(res)
        done += len(res)
        if progress:
            progress(done, len(items))
    return {name: out[name] for name, _, _ in items}
