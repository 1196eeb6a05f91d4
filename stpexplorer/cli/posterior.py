"""``stpexplorer fit DATA --posterior``: posteriors instead of least squares (:mod:`.fit` calls it).

Every connection is sampled with :func:`stpexplorer.fit.sample_many` (NUTS; ``--chains``,
``--draws``, ``--warmup``; the model of ``--model``, or "dep"); ``--scheduler ADDRESS`` sends the
chunks to a running Dask scheduler (``tcp://host:8786``). The CSV has one row per connection:
for each sampled parameter its median and 95 % interval (``U``, ``U_lo``, ``U_hi``, ...), and the
worst R-hat, the smallest bulk ESS and the divergences; ``.json`` holds each connection's
summary table (``{"connections": {name: {"model", "divergences", "summary": {param: {...}}}}}``).
"""

from __future__ import annotations

import math

__all__ = ["add_options", "sample", "posterior_rows", "posterior_json"]


def add_options(p) -> None:
    g = p.add_argument_group("posterior (--posterior)")
    g.add_argument("--posterior", action="store_true", help="sample the posterior (NUTS) instead of least squares")
    g.add_argument("--chains", type=int, default=4, help="chains per connection (default 4)")
    g.add_argument("--draws", type=int, default=1000, help="draws per chain after warm-up (default 1000)")
    g.add_argument("--warmup", type=int, default=1000, help="warm-up steps per chain (default 1000)")
    g.add_argument("--scheduler", default=None, metavar="ADDRESS", help="a Dask scheduler to spread connections over")


def sample(conns: dict, args, progress) -> dict:
    # deferred: the sampler imports JAX (and dask when asked), which `stpexplorer --help` never needs
    from stpexplorer.fit import sample_many

    model = args.model if args.model in ("tm", "etm", "dep") else "tm"
    kw = dict(model=model, chains=args.chains, draws=args.draws, warmup=args.warmup, seed=args.seed,
              fixed=args.fixed or None, chunk=args.chunk, progress=progress)
    if args.scheduler is None:
        return sample_many(conns, **kw)
    try:
        # optional dependency: the dask extra
        from distributed import Client
    except ImportError:
        raise ImportError('--scheduler needs dask.distributed: pip install "stpexplorer[dask]"') from None
    with Client(args.scheduler) as client:
        return sample_many(conns, client=client, **kw)


def _num(x):
    x = float(x)
    return x if math.isfinite(x) else None


def posterior_rows(posts: dict) -> list[dict]:
    out = []
    for name, post in posts.items():
        s = post.summary()
        row = {"connection": name, "model": post.model}
        for k in s.index:
            row[k], row[f"{k}_lo"], row[f"{k}_hi"] = s.loc[k, "50%"], s.loc[k, "2.5%"], s.loc[k, "97.5%"]
        row.update(max_r_hat=float(s["r_hat"].max()), min_ess_bulk=float(s["ess_bulk"].min()),
                   divergences=post.divergences)
        out.append(row)
    return out


def posterior_json(posts: dict) -> dict:
    return {"connections": {name: {"model": p.model, "divergences": p.divergences,
                                   "summary": {k: {c: _num(v) for c, v in r.items()}
                                               for k, r in p.summary().to_dict(orient="index").items()}}
                            for name, p in posts.items()}}
