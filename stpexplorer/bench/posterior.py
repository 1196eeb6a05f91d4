"""Speed of Bayesian inference: ``python -m stpexplorer.bench.posterior``.

The fitting benchmark's recording-like dataset (7 protocols, 2,000 sweeps) sampled with
:func:`stpexplorer.fit.sample_posterior` (NUTS, ``--chains`` × ``--draws`` after ``--warmup``),
model ``--model`` (default "etm"): wall time of the first call (compilation included) and of a
second call with another seed, the worst R-hat, the smallest bulk ESS and the divergences.
Goals: first call <= 10 s, then <= 3 s; R-hat <= 1.01, ESS bulk >= 400. With ``--many N``:
N small connections (two protocols, 10 sweeps) with :func:`~stpexplorer.fit.sample_many`, in
this process (and, for reference, :func:`~stpexplorer.fit.sample_posterior` one connection
after another) and on a 2-worker Dask ``LocalCluster`` (127.0.0.1, stopped afterwards): both
times and the speed-up. Timings are reported, never asserted.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from stpexplorer.bench.fit import recording_like
from stpexplorer.engine import STPParams
from stpexplorer.fit import sample_many, sample_posterior, synthetic_amplitudes


def many_connections(n: int) -> dict:
    isi = {"20 Hz": np.r_[0, [50.0] * 9], "50 Hz": np.r_[0, [20.0] * 7, 500.0]}
    rng = np.random.default_rng(0)
    return {f"c{i}": synthetic_amplitudes(STPParams(U=rng.uniform(0.1, 0.7), tau_f=rng.uniform(20, 300),
                                                    tau_d=rng.uniform(50, 800), W=1.0),
                                          isi, n_sweeps=10, n_sites=50, quantal_size=2.0, cv=0.3, seed=i)
            for i in range(n)}


def bench_many(n: int, chains: int, draws: int, warmup: int) -> None:
    # optional dependency: dask.distributed runs the cluster half
    import distributed

    conns = many_connections(n)
    kw = dict(model="tm", chains=chains, draws=draws, warmup=warmup, chunk=min(50, max(1, n // 4)))
    n_loop = min(n, 40)
    sample_posterior(conns["c0"], model="tm", chains=chains, draws=draws, warmup=warmup)  # compile
    t0 = time.perf_counter()
    for i, data in enumerate(list(conns.values())[:n_loop]):
        sample_posterior(data, model="tm", chains=chains, draws=draws, warmup=warmup, seed=i)
    loop = (time.perf_counter() - t0) / n_loop * n
    t0 = time.perf_counter()
    sample_many(conns, **kw)
    here = time.perf_counter() - t0
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                       dashboard_address=None)
    try:
        with distributed.Client(cluster) as client:
            t0 = time.perf_counter()
            sample_many(conns, client=client, **kw)
            there = time.perf_counter() - t0
    finally:
        cluster.close()
    print(f"{n} connections ({chains} chains x {draws} draws after {warmup}): sample_posterior one after another "
          f"{loop:.1f} s (compiled; {n_loop} timed, scaled to {n}); sample_many (chunks of {kw['chunk']}, one vmapped call each) in one process {here:.1f} s (compilation included) "
          f"({loop / here:.2f}x); on a 2-worker LocalCluster {there:.1f} s (workers compile once each): "
          f"{here / there:.2f}x over one process, {loop / there:.2f}x over one after another")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="etm", choices=("tm", "etm", "dep"))
    ap.add_argument("--chains", type=int, default=4)
    ap.add_argument("--draws", type=int, default=1000)
    ap.add_argument("--warmup", type=int, default=1000)
    ap.add_argument("--many", type=int, default=0, metavar="N", help="also time sample_many on N connections")
    args = ap.parse_args(argv)
    data = recording_like()
    n_sweeps = sum(p.amplitudes.shape[0] for p in data.protocols)
    print(f"posterior of {len(data)} protocols, {n_sweeps} sweeps, model {args.model}: "
          f"{args.chains} chains x {args.draws} draws after {args.warmup} warm-up (goals: 10 s first, 3 s after)")
    for label, seed in (("first call (compiles)", 0), ("second call", 1)):
        t0 = time.perf_counter()
        post = sample_posterior(data, model=args.model, chains=args.chains, draws=args.draws,
                                warmup=args.warmup, seed=seed)
        dt = time.perf_counter() - t0
        s = post.summary()
        print(f"  {label:<22} {dt:6.2f} s   max r_hat {s['r_hat'].max():.4f}   min ess_bulk {s['ess_bulk'].min():7.0f}"
              f"   divergences {post.divergences}")
    print(s.round(4).to_string())
    if args.many:
        bench_many(args.many, args.chains, args.draws, args.warmup)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
