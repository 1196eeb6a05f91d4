"""Speed of the stochastic synapse: ``python -m stpexplorer.bench.release``.

simulate_release, 10,000 trials x 10 spikes after compilation (goal <= 5 ms); binomial_loglik,
N = 50 and 2,000 amplitudes (200 sweeps x 10 spikes) after compilation (goal <= 20 ms); fit_quantal,
200 sweeps x 10 spikes (two conditions), N = 1..N_max (``--n-max``, default 50; goal <= 10 s), first
call (compiles) and second call. For scale: the Allen Institute's aisynphys stochastic release
model evaluates a 6.2-million-point parameter grid, 88 CPUs x 2 h per synapse. Timings are
reported, never asserted.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from stpexplorer.engine import BinomialParams, simulate_release
from stpexplorer.fit import AmplitudeData, binomial_loglik, fit_quantal

ISI = np.r_[0.0, [20.0] * 9]


def _best(fn, repeat: int) -> float:
    fn()  # compile
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times) * 1e3


def data(n_sweeps: int, N: int = 8) -> AmplitudeData:
    out = {}
    for i, (c, U) in enumerate((("low Ca", 0.2), ("high Ca", 0.6))):
        p = BinomialParams(N=N, U=U, tau_f=50.0, tau_d=200.0, q=1.0, sigma=0.15)
        out[c] = (ISI, np.asarray(simulate_release(p, ISI, n_trials=n_sweeps, seed=i).amplitudes, np.float64), c)
    return AmplitudeData.from_dict(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n-max", type=int, default=50, help="largest N of fit_quantal (default 50)")
    ap.add_argument("--repeat", type=int, default=10)
    args = ap.parse_args(argv)
    p = BinomialParams(N=50, U=0.3, tau_f=100.0, tau_d=300.0, q=0.5, sigma=0.2)
    ms = _best(lambda: simulate_release(p, ISI, n_trials=10_000, seed=1).amplitudes.block_until_ready(), args.repeat)
    print(f"simulate_release 10,000 trials x 10 spikes, N = 50: {ms:7.2f} ms (goal 5 ms)")
    one = {"x": (ISI, np.asarray(simulate_release(p, ISI, n_trials=200, seed=2).amplitudes, np.float64))}
    d = AmplitudeData.from_dict(one)
    ms = _best(lambda: binomial_loglik(p, d), args.repeat)
    print(f"binomial_loglik N = 50, 2,000 amplitudes:          {ms:7.2f} ms (goal 20 ms)")
    d2 = data(100)
    for label in ("first call (compiles)", "second call"):
        t0 = time.perf_counter()
        fit = fit_quantal(d2, N_max=args.n_max)
        s = time.perf_counter() - t0
        print(f"fit_quantal 200 sweeps x 10 spikes, N = 1..{args.n_max}, {label}: {s:6.1f} s (goal 10 s; "
              f"aisynphys: 88 CPUs x 2 h); N by BIC {fit.N} (true 8)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
