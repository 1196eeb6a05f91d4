"""Speed of Bayesian inference: ``python -m stpexplorer.bench.posterior``.

The fitting benchmark's recording-like dataset (7 protocols, 2,000 sweeps) sampled with
:func:`stpexplorer.fit.sample_posterior` (NUTS, ``--chains`` × ``--draws`` after ``--warmup``),
model ``--model`` (default "etm"): wall time of the first call (compilation included) and of a
second call with another seed, the worst R-hat, the smallest bulk ESS and the divergences.
Goals: first call <= 10 s, then <= 3 s; R-hat <= 1.01, ESS bulk >= 400. Timings are reported,
never asserted.
"""

from __future__ import annotations

import argparse
import time

from stpexplorer.bench.fit import recording_like
from stpexplorer.fit import sample_posterior


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="etm", choices=("tm", "etm", "dep"))
    ap.add_argument("--chains", type=int, default=4)
    ap.add_argument("--draws", type=int, default=1000)
    ap.add_argument("--warmup", type=int, default=1000)
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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
