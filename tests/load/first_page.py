"""Stress the first page of the dashboard: fresh Voila server + one page load, N times.

    python -m tests.load.first_page --runs 30 --cache cold      # empty JAX cache each run
    python -m tests.load.first_page --runs 30 --cache warm      # a cache filled beforehand
    python -m tests.load.first_page --repo /path/to/other/checkout ...   # measure another tree
    python -m tests.load.first_page --busy 2 ...       # with two busy CPUs, as on a loaded CI machine

Each run starts ``stpexplorer app``'s Voila command (pre-heated kernel, culling) on a free
loopback port, opens the dashboard in headless Chromium and waits (``--timeout`` s) until
the STP panel shows a drawn line and a slider. Failures keep the console and the server
log under tests/e2e/artifacts/first-page/. Prints one JSON line:
``{"runs", "cache", "failures", "first_plot_s_p50", "first_plot_s_max", "problems"}``.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
import e2e_harness as H  # noqa: E402


def _fallbacks(errors) -> int:
    """Console notes that the page could not get the widgets' state in one request
    (ipywidgets' control comm) and fetched every model separately."""
    return sum("jupyter.widget.control" in m for _, m in errors.console)


def one_run(ctx, repo: Path, scratch: Path, timeout_s: float, artifacts: Path, i: int) -> dict:
    srv = H.start_voila(repo / "notebooks" / "explorer.ipynb", scratch)
    page = ctx.new_page()
    errors = H.PageErrors(page)
    t0 = time.monotonic()
    try:
        H.open_voila(page, srv, H.panel_sel("stp"), timeout=timeout_s * 1000)
        page.wait_for_timeout(500)
        return {"ok": True, "s": time.monotonic() - t0, "fallbacks": _fallbacks(errors)}
    except Exception as e:  # noqa: BLE001 - recorded, the stress goes on
        artifacts.mkdir(parents=True, exist_ok=True)
        stem = artifacts / f"run{i:02d}"
        try:
            page.screenshot(path=f"{stem}.png", full_page=True)
        except Exception:  # noqa: BLE001
            pass
        Path(f"{stem}.txt").write_text(f"{e!r}\n--- console ---\n{errors.report()}\n"
                                       f"--- server ---\n{srv.log_tail(20000)}")
        return {"ok": False, "s": time.monotonic() - t0, "problem": repr(e)[:300],
                "fallbacks": _fallbacks(errors)}
    finally:
        H.close_page(page)
        srv.stop()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--cache", choices=("cold", "warm"), default="cold")
    ap.add_argument("--timeout", type=float, default=180.0, help="seconds a page may take")
    ap.add_argument("--busy", type=int, default=0, help="busy-loop processes to run alongside (a loaded CI machine)")
    ap.add_argument("--repo", type=Path, default=H.REPO, help="checkout whose notebook and package are served")
    args = ap.parse_args(argv)
    repo = args.repo.resolve()
    H.REPO = repo  # servers put this checkout first on the kernel's PYTHONPATH
    ok, why = H.chromium_available()
    if not ok:
        print(json.dumps({"error": why}))
        return 2
    from playwright.sync_api import sync_playwright

    root = Path(tempfile.mkdtemp(prefix="stpx-first-page-"))
    artifacts = H.ARTIFACTS / "first-page" / f"{args.cache}-{int(time.time())}"
    warm_cache = root / "warm-cache"
    results = []
    import subprocess

    busy = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(args.busy)]
    with sync_playwright() as pw:
        ctx = H.launch_context(pw, str(root / "chromium"))
        try:
            if args.cache == "warm":  # fill the cache once, unmeasured
                os.environ["STPX_JAX_CACHE"] = str(warm_cache)
                one_run(ctx, repo, root / "fill", args.timeout, artifacts, -1)
            for i in range(args.runs):
                cache = warm_cache if args.cache == "warm" else root / f"cold-cache-{i}"
                os.environ["STPX_JAX_CACHE"] = str(cache)
                r = one_run(ctx, repo, root / f"run{i}", args.timeout, artifacts, i)
                results.append(r)
                print(f"run {i + 1}/{args.runs}: {'ok' if r['ok'] else 'FAILED'} in {r['s']:.1f} s",
                      file=sys.stderr, flush=True)
        finally:
            ctx.close()
            H.stop_all_servers()
            for b in busy:
                b.kill()
    times = [r["s"] for r in results if r["ok"]]
    print(json.dumps({
        "runs": len(results), "cache": args.cache, "busy": args.busy, "repo": str(repo),
        "failures": sum(not r["ok"] for r in results),
        "first_plot_s_p50": round(statistics.median(times), 2) if times else None,
        "first_plot_s_max": round(max(times), 2) if times else None,
        "problems": [r["problem"] for r in results if not r["ok"]],
        "control_comm_fallbacks": sum(r.get("fallbacks", 0) for r in results),
        "times_s": [round(r["s"], 1) for r in results],
        "artifacts": str(artifacts),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
