"""The Recording view's marks and summary, without widgets.

:func:`shown_range` is the part of a sweep the figure shows (the train, 20 ms before its first
stimulus to ``tail_ms`` after its last); :func:`sweep_marks` the protocol's sweeps in that range
(min/max-decimated to ``max_points`` per sweep: no peak is lost), their mean, and the colours
and opacities that set the excluded sweeps apart; :func:`measure_marks` the stimulus ticks, the
baseline and peak windows under each stimulus and the measured peaks; :func:`amplitude_marks`
the amplitudes per spike (each sweep's dots, the mean of the method in use and of the other
one); :func:`summary_html` the paired-pulse ratio, failures, noise and decay.
"""

from __future__ import annotations

import html

import numpy as np

from stpexplorer.recordings.measure import DEFAULT_BLANK_MS
from stpexplorer.ui.plot.colors import COLORS
from stpexplorer.ui.plot.decimate import decimate_columns

__all__ = ["shown_range", "sweep_marks", "measure_marks", "amplitude_marks", "summary_html", "MAX_POINTS"]

MAX_POINTS = 1500   # points per drawn sweep
MAX_SWEEPS = 60     # sweeps drawn (more are thinned evenly; the summary says so)
INCLUDED, EXCLUDED = COLORS["blue"], "#b0b0b0"


def shown_range(rec, protocol: str, tail_ms: float = 60.0) -> tuple[float, float]:
    t = rec.stimuli_ms[protocol]
    end = float(rec.t_ms[-1])
    return max(0.0, float(t[0]) - 20.0), min(end, float(t[-1]) + tail_ms)


def sweep_marks(rec, protocol: str, excluded: set) -> tuple[dict, np.ndarray]:
    """``({mark: {trait: value}}, drawn sweep indices)`` for the sweeps figure."""
    idx = rec.sweep_indices(protocol)
    drawn = idx[:: max(1, -(-idx.size // MAX_SWEEPS))]
    lo, hi = shown_range(rec, protocol)
    a, b = int(lo / rec.dt_ms), int(hi / rec.dt_ms) + 1
    t = rec.t_ms[a:b]
    y = rec.sweeps[drawn, a:b]
    x, yd = decimate_columns(t, y.T, MAX_POINTS)  # (drawn, points) each
    kept = [i for i in idx if i not in excluded]
    mean = np.nanmean(rec.sweeps[kept, a:b], axis=0) if kept else np.zeros(t.size)
    keep = np.ones(t.size, bool)  # the artefacts (the measurement's blank, a sample more each side)
    b0, b1 = DEFAULT_BLANK_MS
    for tk in rec.stimuli_ms[protocol]:
        keep &= ~((t >= tk + b0 - rec.dt_ms) & (t <= tk + b1 + rec.dt_ms))
    mean = np.interp(t, t[keep], np.nan_to_num(mean)[keep]) if keep.any() else mean  # blanked as measured
    mx, my = decimate_columns(t, mean[:, None], MAX_POINTS)
    out = {"sweeps": {"x": x, "y": yd,
                      "colors": [EXCLUDED if i in excluded else INCLUDED for i in drawn],
                      "opacities": [0.35 if i in excluded else 0.55 for i in drawn]},
           "mean": {"x": mx[0], "y": my[0]},
           "_x": {"min": lo, "max": hi}}
    # the y range holds every sample but the artefacts': the responses are never cut, the
    # artefacts' spikes are
    finite = y[:, keep][np.isfinite(y[:, keep])]
    if finite.size:
        lo_y, hi_y = float(finite.min()), float(finite.max())
        pad = 0.06 * max(hi_y - lo_y, 1e-9)
        out["_y"] = {"min": lo_y - pad, "max": hi_y + 2 * pad}
    return out, drawn


def measure_marks(rec, protocol: str, data, y_range) -> dict:
    """Stimulus ticks at the top, the baseline (grey) and peak (orange) windows at the bottom,
    and the measured peaks of the kept sweeps (dots on the traces)."""
    m = data.measurement if data is not None else None
    t = rec.stimuli_ms[protocol]
    ylo, yhi = y_range
    span = yhi - ylo
    sx = np.stack([t, t, np.full(t.size, np.nan)], 1).ravel()[:-1]
    sy = np.tile([yhi - 0.06 * span, yhi, np.nan], t.size)[:-1]
    out = {"stimuli": {"x": sx.astype(np.float32), "y": sy.astype(np.float32)}}
    if m is None or protocol not in data.names:
        empty = {"x": np.zeros(1, np.float32), "y": np.full(1, np.nan, np.float32)}
        return {**out, "baseline": empty, "window": dict(empty), "peaks": dict(empty)}
    for key, (a, b), level in (("baseline", m.baseline_ms, 0.03), ("window", m.window_ms, 0.03)):
        wx = np.stack([t + a, t + b, np.full(t.size, np.nan)], 1).ravel()[:-1]
        wy = np.tile([ylo + level * span, ylo + level * span, np.nan], t.size)[:-1]
        out[key] = {"x": wx.astype(np.float32), "y": wy.astype(np.float32)}
    pk = m.peaks_ms[protocol]
    rows = np.asarray(m.sweeps[protocol], dtype=np.int64)
    j = np.clip(np.round(np.nan_to_num(pk) / rec.dt_ms).astype(np.int64), 0, rec.sweeps.shape[1] - 1)
    py = rec.sweeps[rows[:, None], j]
    ok = np.isfinite(pk)
    out["peaks"] = {"x": pk[ok].astype(np.float32), "y": py[ok].astype(np.float32)}
    return out


def amplitude_marks(data, other, protocol: str) -> dict:
    """Amplitudes against spike number: each kept sweep's (dots), the mean of the method in use
    (solid) and of the other method (dashed)."""
    p = data[protocol]
    k = np.arange(1, p.isi_ms.size + 1, dtype=np.float32)
    a = p.amplitudes
    dots = np.broadcast_to(k, a.shape)
    ok = np.isfinite(a)
    mean = np.nanmean(a, axis=0)
    o = np.nanmean(other[protocol].amplitudes, axis=0) if other is not None else mean
    fail = p.failures if p.failures is not None else np.zeros(a.shape, bool)
    colors = [COLORS["red"] if f else COLORS["blue"] for f in fail[ok]]
    top = float(np.nanmax([np.nanmax(a), np.nanmax(o), 1e-9]))
    return {"dots": {"x": dots[ok].astype(np.float32), "y": a[ok].astype(np.float32), "colors": colors},
            "amp_mean": {"x": k, "y": mean.astype(np.float32)}, "amp_other": {"x": k, "y": o.astype(np.float32)},
            "_ya": {"min": 0.0, "max": top * 1.08}, "_xa": {"min": 0.5, "max": p.isi_ms.size + 0.5}}


def summary_html(rec, data, protocol: str, n_drawn: int) -> str:
    """One line: sweeps kept, paired-pulse ratio, failures, noise, the decay used."""
    p, m = data[protocol], data.measurement
    n_all = rec.sweep_indices(protocol).size
    mean = np.nanmean(p.amplitudes, axis=0)
    ppr = f"PPR A2/A1 {mean[1] / mean[0]:.2f}" if mean.size > 1 and mean[0] > 0 else "one stimulus: no PPR"
    fails = float(np.mean(p.failures[np.isfinite(p.amplitudes)])) if p.failures is not None else 0.0
    noise = float(np.nanmedian(p.noise_sd)) if p.noise_sd is not None else float("nan")
    thin = f" ({n_drawn} drawn)" if n_drawn < n_all else ""
    parts = [f"{p.amplitudes.shape[0]} of {n_all} sweeps{thin}", ppr, f"failures {fails:.0%}",
             f"noise SD {noise:.3g} {rec.units}", m.describe()]
    return "<span class='stpx-rec-summary'>" + html.escape(" · ".join(parts)) + "</span>"
