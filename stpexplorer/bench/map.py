"""Kernel-side redraw time of the parameter map: ``python -m stpexplorer.bench.map``.

Moves one of the sliders that are not on the map's axes (τd, the rate, U on a τf × τd map)
``--moves`` times with ``MapPanel.set_values`` and times each full update
(``time.perf_counter``): validation, the 64 × 64-cell sweep, the level line and the in-place
updates of the heat map, colour bar, marker and line with their serialisation for the
widgets' comm. Also counts XLA compilations during the moves (goal: none) and the time of
the simulation alone. Goal: median <= 30 ms. Timings are reported, never asserted.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from stpexplorer.engine import count_compilations
from stpexplorer.experiments import EXPERIMENTS
from stpexplorer.ui.panels.map import MapPanel

GOAL_MS = 30.0

#: (map axes, the control moved, its range): one move plan per layout
PLANS = (
    ({"x_param": "U", "y_param": "tau_f", "summary": "ppr"}, "tau_d", (20.0, 2000.0)),
    ({"x_param": "U", "y_param": "tau_f", "summary": "last_first"}, "rate_hz", (1.0, 100.0)),
    ({"x_param": "tau_f", "y_param": "tau_d", "summary": "steady_state"}, "U", (0.05, 0.9)),
    ({"x_param": "rate_hz", "y_param": "tau_d", "summary": "total"}, "tau_f", (10.0, 1000.0)),
)


def redraw_times(moves: int = 30, seed: int = 0) -> dict:
    """``{plan label: (times of set_values in s, times of the simulation alone in s, compilations)}``."""
    rng = np.random.default_rng(seed)
    out = {}
    for axes, name, (lo, hi) in PLANS:
        p = MapPanel(**axes)
        p.set_values(**{name: lo})  # warm: every shape compiled once
        vals = np.exp(rng.uniform(np.log(lo), np.log(hi), moves))
        vals = [float(p._snap(name, v)) for v in vals]
        ts, sim = [], []
        with count_compilations() as c:
            for v in vals:
                t0 = time.perf_counter()
                p.set_values(**{name: v})
                ts.append(time.perf_counter() - t0)
                checked = EXPERIMENTS["map"].validate(dict(p.values))
                t0 = time.perf_counter()
                EXPERIMENTS["map"].simulate(checked)
                sim.append(time.perf_counter() - t0)
        assert p.error == "", p.error
        out[f"{axes['x_param']}×{axes['y_param']} {axes['summary']}, move {name}"] = (np.array(ts), np.array(sim), c.n)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--moves", type=int, default=30, help="slider moves per layout (default 30)")
    args = ap.parse_args(argv)
    res = redraw_times(args.moves)
    print(f"parameter map redraw after a slider move ({args.moves} moves each; goal: median <= {GOAL_MS:g} ms)")
    for label, (ts, sim, n_comp) in res.items():
        med, p95 = np.median(ts) * 1e3, np.percentile(ts, 95) * 1e3
        ok = "ok" if med <= GOAL_MS else "OVER GOAL"
        print(f"  {label:<45} median {med:6.2f} ms  p95 {p95:6.2f} ms  "
              f"(simulation alone {np.median(sim) * 1e3:5.2f} ms)  compilations {n_comp}  {ok}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
