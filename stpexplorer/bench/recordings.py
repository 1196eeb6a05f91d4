"""Recordings to amplitudes: ``python -m stpexplorer.bench.recordings``.

Writes an ABF file (pyabf's ABF1 writer, in a temporary folder removed afterwards) of
``--sweeps`` sweeps × ``--seconds`` s at 20 kHz holding 10-pulse 20 Hz trains of EPSCs with
stimulus artefacts, then times (``time.perf_counter``, best of ``--repeats``): reading it
(:func:`~stpexplorer.recordings.read_recording`, which finds no stimulus channel and detects the
artefacts) and measuring every response (``Recording.amplitudes``, "tail" and "local").
Goal: read + detect + measure <= 1 s for 20 sweeps × 10 s. Then the Recording view of the Fit
tab, kernel side: the file loaded from its bytes, and the median time of a peak-window change
(measurement with both methods, the windows, peaks, amplitudes and summary redrawn). Goal:
<= 100 ms. Timings are reported, never asserted.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from stpexplorer.recordings import read_recording
from stpexplorer.recordings.example import epsc

GOAL_READ_S, GOAL_REDRAW_MS = 1.0, 100.0


def write_abf(path: Path, n_sweeps: int, seconds: float, seed: int = 0) -> np.ndarray:
    """An ABF1 file of EPSC trains (10 pulses at 20 Hz from 100 ms) with artefacts; the stimulus times."""
    # optional dependency: pyabf (the recordings extra) writes the file
    import pyabf

    dt = 0.05
    t = np.arange(int(seconds * 1000 / dt)) * dt
    times = 100.0 + 50.0 * np.arange(10)
    rng = np.random.default_rng(seed)
    amps = 80.0 * (0.6 ** np.minimum(np.arange(10), 3)) * (1 + 0.2 * rng.standard_normal((n_sweeps, 10)))
    near = t < times[-1] + 300.0
    y = np.full((n_sweeps, t.size), -20.0) + 2.0 * rng.standard_normal((n_sweeps, t.size))
    y[:, near] -= amps @ np.stack([epsc(t[near] - tk) for tk in times])
    for tk in times:
        i = int(round(tk / dt))
        y[:, i] += 400.0
        y[:, i + 1] -= 240.0
    pyabf.abfWriter.writeABF1(y.astype(np.float32), str(path), 1000.0 / dt, units="pA")
    return times


def read_measure(path: Path, repeats: int) -> dict:
    best = {}
    for _ in range(repeats):
        t0 = time.perf_counter()
        rec = read_recording(path)
        t1 = time.perf_counter()
        rec.amplitudes("tail")
        t2 = time.perf_counter()
        rec.amplitudes("local")
        t3 = time.perf_counter()
        for k, v in (("read + detect", t1 - t0), ("measure tail", t2 - t1), ("measure local", t3 - t2)):
            best[k] = min(best.get(k, np.inf), v)
    best["read + detect + measure (tail)"] = best["read + detect"] + best["measure tail"]
    return best


def redraw_times(path: Path, moves: int) -> tuple[float, list[float]]:
    # lazy UI: the view imports ipywidgets and bqplot, which the first part never needs
    from stpexplorer.ui.panels.fit.recording import RecordingView

    view = RecordingView(lambda data, name: None)
    t0 = time.perf_counter()
    view.load_bytes(path.read_bytes(), path.name)
    load = time.perf_counter() - t0
    if view.message.value:
        raise SystemExit(f"the view did not load the file: {view.message.value}")
    ts = []
    for i in range(moves):
        t0 = time.perf_counter()
        view.window.value = (0.25, 3.0 + (i % 20) * 0.1)
        ts.append(time.perf_counter() - t0)
    return load, ts


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sweeps", type=int, default=20, help="sweeps (default 20)")
    ap.add_argument("--seconds", type=float, default=10.0, help="sweep length in s (default 10)")
    ap.add_argument("--repeats", type=int, default=5, help="repeats of the read and measurement (default 5)")
    ap.add_argument("--moves", type=int, default=30, help="window changes in the Recording view (default 30)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.abf"
        write_abf(path, args.sweeps, args.seconds)
        mb = path.stat().st_size / 1e6
        best = read_measure(path, args.repeats)
        load, ts = redraw_times(path, args.moves)
    print(f"ABF of {args.sweeps} sweeps x {args.seconds:g} s at 20 kHz ({mb:.1f} MB), best of {args.repeats}:")
    for k, v in best.items():
        goal = f"  (goal <= {GOAL_READ_S:g} s: {'ok' if v <= GOAL_READ_S else 'OVER GOAL'})" if "+ measure" in k else ""
        print(f"  {k:<32} {v * 1e3:8.1f} ms{goal}")
    med, p95 = np.median(ts) * 1e3, np.percentile(ts, 95) * 1e3
    print(f"Recording view (kernel side): load from bytes {load * 1e3:.0f} ms; peak-window change over "
          f"{args.moves} moves: median {med:.1f} ms, p95 {p95:.1f} ms "
          f"(goal <= {GOAL_REDRAW_MS:g} ms: {'ok' if med <= GOAL_REDRAW_MS else 'OVER GOAL'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
