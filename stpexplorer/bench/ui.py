"""Kernel-side latency of the widget panels: ``python -m stpexplorer.bench.ui``.

Measures (``time.perf_counter``):

* slider -> all marks updated: the time of ``slider.value = v`` (observers run
  synchronously, so this covers validation, the simulation, decimation and the
  in-place mark updates with their serialisation), median and p95 over many changes,
  for STPPanel at its defaults (2 s at dt 0.1 ms) and the other panels;
* ``Explorer()`` build + first plots in a fresh Python process (JAX import and
  compilation included), and the same without the concurrent warm-up.

Goals: STP ≤ 5 ms median / ≤ 15 ms p95, synapse lab ≤ 30 ms median, Explorer ≤ 3 s.
Timings are reported, never asserted.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

from stpexplorer.experiments import EXPERIMENTS
from stpexplorer.ui.app.explorer import PANELS

GOALS = {"stp": (5.0, 15.0), "circuit": (30.0, None)}

_FRESH = """
import time, sys
t0 = time.perf_counter()
from stpexplorer.ui import Explorer
e = Explorer(warm={warm})
t1 = time.perf_counter() - t0  # built, visible tab plotted
e.wait_ready()
assert all(p.error == '' and p.result is not None for p in e.panels.values())
print(t1, time.perf_counter() - t0)
"""


def sweep_plan(key: str, n: int, n_controls: int = 3, seed: int = 0) -> list[tuple[str, float]]:
    """``n`` (control, value) moves for panel ``key``: its first ``n_controls`` continuous
    controls of the registry (linear or log sliders), values drawn uniformly (log-uniformly
    for log sliders) over each slider's range, so values move every time."""
    controls = [c for c in EXPERIMENTS[key].controls if c.kind in ("float", "log")][:n_controls]
    if not controls:
        raise ValueError(f"panel {key!r} has no continuous control to move")
    rng = np.random.default_rng(seed)
    plan = []
    for i in range(n):
        c = controls[i % len(controls)]
        if c.kind == "log":
            v = float(np.exp(rng.uniform(np.log(c.lo), np.log(c.hi))))
        else:
            v = float(rng.uniform(c.lo, c.hi))
        plan.append((c.name, v))
    return plan


def slider_latency(key: str, n: int = 120) -> np.ndarray:
    panel = PANELS[key]()
    plan = sweep_plan(key, n + 10)
    times = []
    for i, (name, v) in enumerate(plan):
        w = panel.sliders[name]
        t0 = time.perf_counter()
        w.value = v
        dt = time.perf_counter() - t0
        if i >= 10:  # the first few fill caches
            times.append(dt)
    if panel.error:
        raise RuntimeError(f"{key}: {panel.error}")
    return np.array(times) * 1000.0


def fresh_explorer(warm: bool = True, cache_dir: str | None = None) -> tuple[float, float]:
    """Seconds from a fresh interpreter to (Explorer shown with its visible tab plotted,
    every tab plotted)."""
    env = dict(os.environ)
    env.pop("STPX_JAX_CACHE", None)
    if cache_dir:
        env["STPX_JAX_CACHE"] = cache_dir
    out = subprocess.run([sys.executable, "-c", _FRESH.format(warm=warm)], capture_output=True, text=True,
                         check=True, env=env)
    shown, ready = out.stdout.strip().splitlines()[-1].split()
    return float(shown), float(ready)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=120, help="slider changes per panel (default 120)")
    ap.add_argument("--repeat", type=int, default=3, help="fresh-process Explorer builds (default 3)")
    args = ap.parse_args(argv)
    rows = []

    for key in EXPERIMENTS:
        ms = slider_latency(key, args.n)
        med, p95 = float(np.median(ms)), float(np.percentile(ms, 95))
        goal = GOALS.get(key)
        g = "" if goal is None else f"≤ {goal[0]:g} ms" + (f" / ≤ {goal[1]:g} ms" if goal[1] else "")
        ok = "" if goal is None else ("ok" if med <= goal[0] and (goal[1] is None or p95 <= goal[1]) else "MISS")
        rows.append((f"{key}: slider -> marks ({ms.size} changes)", f"{med:.2f} ms", f"{p95:.2f} ms", g, ok))
    ts = np.array([fresh_explorer(True) for _ in range(args.repeat)])
    med = np.median(ts, axis=0)
    rows.append(("Explorer() shown, visible tab plotted, fresh process", f"{med[0]:.2f} s",
                 f"max {ts[:, 0].max():.2f} s", "≤ 3 s", "ok" if med[0] <= 3.0 else "MISS"))
    rows.append(("  every tab plotted (background thread)", f"{med[1]:.2f} s", f"max {ts[:, 1].max():.2f} s",
                 "", ""))

    with tempfile.TemporaryDirectory(prefix="stpx-jax-cache-") as d:
        fresh_explorer(True, d)  # fills the persistent compile cache
        tc = np.array([fresh_explorer(True, d) for _ in range(args.repeat)])
    mc = np.median(tc, axis=0)
    rows.append(("  with STPX_JAX_CACHE filled (stpexplorer lab/app, Binder)", f"{mc[0]:.2f} s",
                 f"all tabs {mc[1]:.2f} s", "", ""))
    head = ("measurement", "median", "p95", "goal", "")
    widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(5)]
    for r in [head] + rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
