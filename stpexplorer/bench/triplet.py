"""``python -m stpexplorer.bench.triplet``: speed of the triplet-STDP frequency curve.

Measured in this run, with the minimal visual-cortex rule of Pfister & Gerstner (2006):

* first call (compilation included) of ``stdp_frequency_curve`` on the Sjöström protocol,
  5 rates × 2 lags × 60 pairs (the target after compilation is <= 20 ms);
* the same call after compilation, with new parameter values each time (no recompilation);
* a Δw map of 40 rates × 41 lags × 60 pairs (the frequency × Δt view), after compilation.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from stpexplorer import engine as eng
from stpexplorer.experiments.datasets import SJOSTROM_2001

GOAL_MS = 20.0


def _rule(a3_plus=6.5e-3):
    return eng.STDPParams(A_plus=0.0, A_minus=7.1e-3, A3_plus=a3_plus, A3_minus=0.0, tau_plus=16.8,
                          tau_minus=33.7, tau_y=114.0, bounds="none")


def _median_ms(fn, repeat: int) -> float:
    ts = []
    for i in range(repeat):
        t = time.perf_counter()
        fn(i)
        ts.append(time.perf_counter() - t)
    return statistics.median(ts) * 1e3


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=50, help="timed calls per figure (median reported)")
    args = ap.parse_args(argv)
    d = SJOSTROM_2001
    rates, lags = d.rates_hz, d.delta_t_ms

    t = time.perf_counter()
    dw = np.asarray(eng.stdp_frequency_curve(_rule(), rates, lags, n_pairs=60))
    first = (time.perf_counter() - t) * 1e3
    n_compiled = eng.compile_count()

    def curve(i):
        np.asarray(eng.stdp_frequency_curve(_rule(6.5e-3 * (1 + 0.01 * i)), rates, lags, n_pairs=60))

    warm = _median_ms(curve, args.repeat)
    recompiled = eng.compile_count() != n_compiled

    map_rates, map_lags = np.geomspace(0.1, 100.0, 40), np.linspace(-50.0, 50.0, 41)
    np.asarray(eng.stdp_frequency_curve(_rule(), map_rates, map_lags))

    def grid(i):
        np.asarray(eng.stdp_frequency_curve(_rule(6.5e-3 * (1 + 0.01 * i)), map_rates, map_lags))

    map_ms = _median_ms(grid, max(5, args.repeat // 5))

    print("triplet STDP frequency curve (minimal visual-cortex rule, Pfister & Gerstner 2006)")
    print(f"  5 rates x 2 lags x 60 pairs, first call (compile): {first:8.1f} ms")
    print(f"  5 rates x 2 lags x 60 pairs, after compilation:    {warm:8.2f} ms  "
          f"(goal <= {GOAL_MS:g} ms: {'met' if warm <= GOAL_MS else 'NOT met'}; "
          f"recompiled on new values: {'yes' if recompiled else 'no'})")
    print(f"  40 rates x 41 lags x 60 pairs (Δw map):          {map_ms:8.2f} ms")
    print("  Δw (rows: rates " + ", ".join(f"{r:g}" for r in rates) + " Hz; columns: Δt "
          + ", ".join(f"{x:+g}" for x in lags) + " ms), Sjöström 2001 mean in brackets:")
    for i, r in enumerate(rates):
        cells = "  ".join(f"{dw[i, j]:+.2f} [{d.mean[i, j]:+.2f}]" for j in range(lags.size))
        print(f"    {r:5g} Hz  {cells}")
    return dict(first_ms=first, warm_ms=warm, map_ms=map_ms, recompiled=recompiled)


if __name__ == "__main__":
    main()
