"""Browser latency benchmark: real keydown on a slider -> the watched plot path redrawn.

Run from the repository root (it is a benchmark, not a test; nothing is asserted):

    python -m tests.e2e.bench_latency            # or: python tests/e2e/bench_latency.py
    python -m tests.e2e.bench_latency --moves 40 --servers voila --targets minimal,stp

For every (server, target) it starts Voila / JupyterLab on 127.0.0.1 (same harness as
the e2e tests), opens the page in headless system chromium, focuses the slider handle and
presses ArrowRight/ArrowLeft (5 one way, 5 back, ...).  A MutationObserver installed with
``page.evaluate`` on the watched path (first Lines mark of the first figure of the panel,
docs/ui_contract.md) records ``performance.now()`` at the first ``d`` change after the
keydown, and a capture-phase keydown listener records it at dispatch.  Reports median and
p95 per target, prints a table and writes JSON to tests/e2e/artifacts/latency.json.

Targets: ``minimal`` (fixtures/minimal.ipynb: a FloatSlider + a 1,000-point bqplot line,
the baseline), ``stp`` (STPPanel) and ``circuit`` (CircuitPanel) in notebooks/explorer.ipynb.
Goals (issue): STPPanel <= 50 ms median and <= 100 ms p95; CircuitPanel <= 100 ms median;
the baseline measured 34 ms (Voila) / 47 ms (JupyterLab) on the reference machine.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import e2e_harness as H

GOALS = {  # target -> (median ms, p95 ms) ; None = no goal
    "minimal": (None, None),
    "stp": (50.0, 100.0),
    "circuit": (100.0, None),
}
REFERENCE = {("minimal", "voila"): 34.0, ("minimal", "lab"): 47.0}


def _percentile(xs, q):
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * q / 100.0
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def _target_panel(page, target: str, slider: str | None) -> tuple[str, str]:
    if target == "minimal":
        return ".stpx-panel-minimal", slider or "freq"
    panel = H.panel_sel(target)
    H.click_tab(page, H.TITLE_OF[target])
    H.wait_widgets(page, panel, timeout=120_000)
    names = H.slider_names(page, panel)
    if not names:
        raise RuntimeError(f"{panel}: no stpx-slider-* widgets")
    return panel, slider or names[0]


def measure(page, panel: str, name: str, moves: int, warmup: int, pause_s: float) -> dict:
    H.wait_stable(page, panel, quiet_ms=500, timeout=60_000)
    page.evaluate(H.LATENCY_INSTALL_JS, H.first_path_sel(panel))
    H.focus_slider(page, panel, name)
    samples, misses, key = [], 0, "ArrowRight"
    i = 0
    while len(samples) < moves + warmup and i < 3 * (moves + warmup):
        if i and i % 5 == 0:
            key = H.OPPOSITE[key]
        i += 1
        try:
            ms = H.measure_key_latency(page, panel, name, key, timeout=10_000)
        except Exception:
            misses += 1                  # end of range or no redraw: turn around
            key = H.OPPOSITE[key]
            page.evaluate("() => { window.__stpxLat.armed = false; }")
            continue
        samples.append(ms)
        time.sleep(pause_s)              # let the kernel go idle: one move at a time
    kept = samples[warmup:]
    return {
        "slider": name, "n": len(kept), "misses": misses,
        "median_ms": round(_percentile(kept, 50), 1), "p95_ms": round(_percentile(kept, 95), 1),
        "min_ms": round(min(kept), 1) if kept else None,
        "max_ms": round(max(kept), 1) if kept else None,
        "samples_ms": [round(x, 1) for x in kept],
    }


def run(args) -> dict:
    from playwright.sync_api import sync_playwright

    ok, reason = H.chromium_available()
    if not ok:
        raise SystemExit(f"cannot run the benchmark: {reason}")
    targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    servers = [s.strip() for s in args.servers.split(",") if s.strip()]
    sliders = dict(kv.split("=", 1) for kv in args.slider)
    ui_ok, ui_reason = H.ui_importable()
    scratch = Path(tempfile.mkdtemp(prefix="stpx-bench-"))
    results, started = [], []
    with sync_playwright() as pw:
        ctx = H.launch_context(pw, str(scratch / "chromium"))
        try:
            for kind in servers:
                for nb in ("minimal", "explorer"):
                    wanted = [t for t in targets if (t == "minimal") == (nb == "minimal")]
                    if not wanted:
                        continue
                    if nb == "explorer" and not ui_ok:
                        for t in wanted:
                            results.append({"target": t, "server": kind, "skipped": ui_reason})
                        continue
                    if kind == "voila":
                        srv = H.start_voila(H.NOTEBOOKS[nb], scratch / f"voila-{nb}")
                    else:
                        srv = H.start_lab({nb: H.NOTEBOOKS[nb]}, scratch / f"lab-{nb}")
                    started.append(srv)
                    page = ctx.new_page()
                    errors = H.PageErrors(page)
                    first = ".stpx-panel-minimal" if nb == "minimal" else H.panel_sel("stp")
                    try:
                        if kind == "voila":
                            H.open_voila(page, srv, first, timeout=240_000)
                        else:
                            H.open_lab_notebook(page, srv, f"{nb}.ipynb", first,
                                                timeout=240_000)
                        for t in wanted:
                            panel, name = _target_panel(page, t, sliders.get(t))
                            r = measure(page, panel, name, args.moves, args.warmup, args.pause)
                            med_goal, p95_goal = GOALS.get(t, (None, None))
                            r.update(target=t, server=kind, command=srv.source,
                                     goal_median_ms=med_goal, goal_p95_ms=p95_goal,
                                     reference_median_ms=REFERENCE.get((t, kind)))
                            r["meets_goal"] = (
                                None if med_goal is None and p95_goal is None else
                                (med_goal is None or r["median_ms"] <= med_goal)
                                and (p95_goal is None or r["p95_ms"] <= p95_goal))
                            results.append(r)
                            print(f"  {kind:5s} {t:8s} {name:10s} median {r['median_ms']:7.1f} ms"
                                  f"  p95 {r['p95_ms']:7.1f} ms  (n={r['n']})", flush=True)
                        bad = errors.unexpected()
                        if bad:
                            print("  page errors:", *bad, sep="\n    ")
                    finally:
                        H.close_page(page)
                        srv.stop()
        finally:
            ctx.close()
            for srv in started:
                srv.stop()
    return {
        "meta": {
            "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "machine": f"{platform.node()} {platform.machine()} {os.cpu_count()} cpu",
            "python": sys.version.split()[0], "chromium": H.CHROMIUM,
            "moves": args.moves, "warmup": args.warmup, "pause_s": args.pause,
            "method": "capture keydown performance.now() -> MutationObserver on the first "
                      "Lines path's d attribute (first change after the keydown)",
        },
        "results": results,
    }


def table(report: dict) -> str:
    head = (f"{'server':6s} {'target':8s} {'slider':10s} {'n':>3s} {'median':>8s} {'p95':>8s}"
            f" {'goal':>14s} {'ok':>4s}")
    lines = [head, "-" * len(head)]
    for r in report["results"]:
        if "skipped" in r:
            lines.append(f"{r['server']:6s} {r['target']:8s} skipped: {r['skipped']}")
            continue
        goal = "/".join("-" if g is None else f"{g:.0f}"
                        for g in (r["goal_median_ms"], r["goal_p95_ms"]))
        ok = {None: "", True: "yes", False: "NO"}[r["meets_goal"]]
        lines.append(f"{r['server']:6s} {r['target']:8s} {r['slider']:10s} {r['n']:3d} "
                     f"{r['median_ms']:8.1f} {r['p95_ms']:8.1f} {goal:>14s} {ok:>4s}")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--moves", type=int, default=25, help="timed moves per target (default 25)")
    ap.add_argument("--warmup", type=int, default=3, help="untimed first moves (default 3)")
    ap.add_argument("--pause", type=float, default=0.15,
                    help="seconds between moves (default 0.15)")
    ap.add_argument("--servers", default="voila,lab", help="voila,lab")
    ap.add_argument("--targets", default="minimal,stp,circuit", help="minimal,stp,circuit")
    ap.add_argument("--slider", action="append", default=[],
                    help="target=slider name to move (default: the panel's first slider)")
    ap.add_argument("--out", default=str(H.ARTIFACTS / "latency.json"))
    args = ap.parse_args(argv)
    t0 = time.monotonic()
    report = run(args)
    report["meta"]["wall_s"] = round(time.monotonic() - t0, 1)
    print()
    print(table(report))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1) + "\n")
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
