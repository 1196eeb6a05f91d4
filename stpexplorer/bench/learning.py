"""``python -m stpexplorer.bench.learning``: speed of the learning mode (Song, Miller & Abbott 2000).

Measured in this run, with the default :class:`LearningParams` (200 inputs, a correlated group of
50 at c = 0.2):

* first call (compilation included) of a 200 s run, 200 inputs, records every 1 s;
* the same run after compilation, with a new seed and new parameter values each time (no
  recompilation), at dt = 0.5 ms and at dt = 1 ms (the target is <= 2 s);
* the final weights: fraction near 0 and near w_max, mean of the correlated group and of the rest.
"""

from __future__ import annotations

import argparse
import statistics
import time

import jax
import numpy as np

from stpexplorer.engine import compile_count
from stpexplorer.engine.learning import LearningParams, simulate_learning

GOAL_S = 2.0


def _run(p, dt, seed, duration_ms):
    tr = simulate_learning(p, n_inputs=200, duration_ms=duration_ms, dt_ms=dt, seed=seed)
    jax.block_until_ready(tr.w)
    return tr


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="timed runs per figure (median reported)")
    ap.add_argument("--duration-ms", type=float, default=200_000.0, help="simulated time per run, ms")
    args = ap.parse_args(argv)
    p = LearningParams(n_corr=50.0, c=0.2)
    out = {}
    print(f"learning mode: {args.duration_ms / 1000:g} s of simulated time, 200 inputs (50 correlated, c = 0.2)")
    for dt in (0.5, 1.0):
        t = time.perf_counter()
        tr = _run(p, dt, 0, args.duration_ms)
        first = time.perf_counter() - t
        n_compiled = compile_count()
        ts = []
        for i in range(args.repeat):
            q = p.replace(c=0.2 + 0.01 * i, rate_hz=30.0 + i)
            t = time.perf_counter()
            _run(q, dt, i + 1, args.duration_ms)
            ts.append(time.perf_counter() - t)
        warm = statistics.median(ts)
        recompiled = compile_count() != n_compiled
        w, g = np.asarray(tr.w[-1]), np.asarray(tr.in_group)
        print(f"  dt = {dt:g} ms: first call (compile) {first:6.2f} s; after compilation {warm:6.2f} s "
              f"(goal <= {GOAL_S:g} s: {'met' if warm <= GOAL_S else 'NOT met'}; "
              f"recompiled on new values: {'yes' if recompiled else 'no'})")
        print(f"      final weights: {np.mean(w < 0.1):.0%} near 0, {np.mean(w > 0.9):.0%} near w_max; "
              f"group mean {w[g].mean():.2f}, others {w[~g].mean():.2f}; output rate "
              f"{float(tr.rate_hz[0]):.0f} Hz -> {float(tr.rate_hz[-1]):.0f} Hz")
        out[dt] = {"first_s": first, "warm_s": warm, "recompiled": recompiled}
    return out


if __name__ == "__main__":
    main()
