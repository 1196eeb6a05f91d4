"""Views of the Fit panel, without widgets: the data of its marks, the intervals table (HTML),
the predictions CSV, and the padding of unequal protocol rows for one multi-line mark."""

from __future__ import annotations

import csv
import html
import io
import json
import math

import numpy as np

from stpexplorer.ui.plot.colors import CYCLE

__all__ = ["LABEL", "PARAMS", "nice_ticks", "pad_rows", "fit_json", "plot_data", "predictions_csv", "slider_values", "table_html"]

PARAMS = ("U", "f", "tau_f", "tau_d", "W")
LABEL = {"U": "U", "f": "f", "tau_f": "τf (ms)", "tau_d": "τd (ms)", "W": "W"}


def pad_rows(rows_x, rows_y):
    """Rows of unequal length as 2-D float32 arrays, each padded by repeating its last point
    (a path that ends on a NaN logs SVG errors in the browser; a repeated point draws nothing)."""
    n = max(max(len(x) for x in rows_x), 1)
    X = np.zeros((len(rows_x), n), np.float32)
    Y = np.zeros((len(rows_x), n), np.float32)
    for i, (x, y) in enumerate(zip(rows_x, rows_y)):
        if len(x) == 0:
            x, y = np.zeros(1), np.zeros(1)
        X[i, :len(x)], Y[i, :len(y)] = x, y
        X[i, len(x):], Y[i, len(y):] = x[-1], y[-1]
    return X, Y


def nice_ticks(lo: float, hi: float, n: int = 5) -> np.ndarray:
    """At most ``n + 1`` round ticks in [lo, hi], spaced 1, 2, 2.5 or 5 × 10^k (explicit values:
    bqplot's ``num_ticks`` spaces ticks evenly over the domain, which reads 87.0434)."""
    span = max(float(hi) - float(lo), 1e-9)
    e = np.floor(np.log10(span / n))
    step = next(m * 10.0 ** e for m in (1, 2, 2.5, 5, 10) if span / (m * 10.0 ** e) <= n)
    return np.round(np.arange(np.ceil(lo / step - 1e-9) * step, hi + 1e-9 * span, step), 10) + 0.0  # no -0


def plot_data(data, r, max_points: int):
    """Marks' data for ``r`` (a FitViewResult of ``data``): ``({mark: {trait: value}}, legend
    HTML, thinning step)``. Sweeps beyond ``max_points`` dots are thinned to every step-th."""
    K = len(data)
    cols = [CYCLE[i % len(CYCLE)] for i in range(K)]
    idx = [np.flatnonzero(r.protocol == i) for i in range(K)]
    t = [r.time_ms[j] for j in idx]
    d = {"prediction": dict(zip(("x", "y"), pad_rows(t, [r.prediction[j] for j in idx])), colors=cols)}
    sx, sy = [], []
    for i, j in enumerate(idx):
        m, s = r.mean[j], r.sem[j]
        ok = np.isfinite(m)
        tt, lo, hi = t[i][ok], (m - s)[ok], (m + s)[ok]
        sx.append(np.stack([tt, tt, np.full(tt.size, np.nan)], 1).ravel()[:-1])
        sy.append(np.stack([lo, hi, np.full(tt.size, np.nan)], 1).ravel()[:-1])
    d["sem"] = dict(zip(("x", "y"), pad_rows(sx, sy)), colors=cols)
    mok = np.isfinite(r.mean)
    d["mean"] = {"x": r.time_ms[mok].astype(np.float32), "y": r.mean[mok].astype(np.float32),
                 "colors": [cols[int(k)] for k in r.protocol[mok]]}
    total = sum(p.amplitudes.shape[0] for p in data.protocols)
    step = max(1, math.ceil(total * max(p.isi_ms.size for p in data.protocols) / max_points))
    px, py, pc = [], [], []
    for i, p in enumerate(data.protocols):
        a = p.amplitudes[::step]
        tt = np.broadcast_to(p.times_ms, a.shape)
        ok = np.isfinite(a)
        px.append(tt[ok])
        py.append(a[ok])
        pc += [cols[i]] * int(ok.sum())
    d["sweeps"] = {"x": np.concatenate(px).astype(np.float32), "y": np.concatenate(py).astype(np.float32),
                   "colors": pc}
    ys = np.concatenate([np.concatenate(py), r.prediction, (r.mean + r.sem)[mok]])
    lo, hi = float(np.nanmin(ys)), float(np.nanmax(ys))
    d["_y"] = {"min": min(0.0, lo * 1.05), "max": max(hi * 1.05, 1e-9)}
    d["_y_axis"] = {"tick_values": nice_ticks(d["_y"]["min"], d["_y"]["max"])}
    d["_x_axis"] = {"tick_values": nice_ticks(0.0, float(r.t[-1]), 8)}
    legend = ("<small>" + " · ".join(
        f"<span style='color:{c}'>━ ●</span> {html.escape(n)}" for c, n in zip(cols, data.names))
        + " &nbsp; (dots: sweeps; circles and bars: mean ± SEM; lines: the sliders' model)</small>")
    return d, legend, step


def slider_values(est: dict, model: str, spec, widget):
    """The estimate ``est`` on the sliders: inside each control's range (notes say where it is not)
    and rounded to the number the slider's readout shows, so that the readout is what is simulated.
    ``spec(name)`` is the Control, ``widget(name)`` its ControlWidget. Returns (values, notes)."""
    out, notes = {}, []
    for n in ["U", "tau_f", "tau_d", "W"] + (["f"] if model == "etm" else []):
        c, x = spec(n), float(est[n])
        y = min(max(x, c.lo), c.hi)
        if c.zero_ok and x < c.lo:
            y = 0.0
        if y != x:
            where = "below" if x < c.lo else "above"
            notes.append(f"{n} = {x:.4g} is {where} the slider's range {c.range_text()}: the slider shows "
                         f"{'0 (off)' if y == 0 else f'{y:g}'}")
        if y != 0:
            cw = widget(n)
            # a log slider's grid moves to the value it is given; a linear one has a fixed grid
            text = cw.format(y if c.kind == "log" else cw.shown(y))
            y = min(max(float(text.replace("−", "-").replace(",", "")), c.lo), c.hi)
        out[n] = y
    if model == "etm":
        out["f_mode"] = "free"
    return out, notes


def table_html(values: dict, res, hidden: dict | None, notes, *, uploaded: bool) -> str:
    """The parameters table: the sliders, the fit ``res`` (FitResult or None) with its 95 %
    intervals and ``at_bound`` notes, and the ``hidden`` mystery parameters when revealed."""
    free = values.get("f_mode") == "free"
    head = "<tr><th>parameter</th><th>sliders</th><th>fit</th><th>95 % interval</th><th></th>"
    head += "<th>hidden</th></tr>" if hidden else "</tr>"
    rows = []
    for n in PARAMS:
        cur = (values["f"] if free else values["U"]) if n == "f" else values[n]
        cells = [LABEL[n], f"{cur:.4g}" + (" (= U)" if n == "f" and not free else "")]
        if res is not None:
            lo, hi = res.ci[n]
            cells += [f"{res.values[n]:.4g}", f"{lo:.4g} – {hi:.4g}", str(res.at_bound[n] or "")]
        else:
            cells += ["—", "—", ""]
        if hidden:
            h = hidden[n] if hidden[n] is not None else hidden["U"]
            cells.append(f"{h:.4g}")
        rows.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
    if res is not None:
        intro = (f"fit_stp (model {res.model}): SSE {res.sse:.4g}, {res.n_converged}/{res.n_starts} starts "
                 f"converged, intervals from {res.n_boot} bootstrap refits over sweeps")
    else:
        intro = "Fit: press Fit (least squares, intervals from a bootstrap over sweeps)"
    if not uploaded and not hidden:
        intro += " · Reveal shows the hidden synapse"
    extra = "".join(f"<br>{html.escape(s)}" for s in notes)
    return (f"<small>{html.escape(intro)}{extra}</small><table style='border-spacing: 10px 0'>"
            f"{head}{''.join(rows)}</table>")


def fit_json(values_json: str, fit_result, source: str) -> str:
    """The Save JSON document: the sliders' parameter file, the fit (or None) and the data's name."""
    doc = json.loads(values_json)
    doc["fit"] = fit_result.to_dict() if fit_result is not None else None
    doc["data"] = source
    return json.dumps(doc, indent=2)


def predictions_csv(data, r, fit_result) -> str:
    """Per spike of every protocol: interval, time, observations, mean, SEM, the sliders'
    prediction (``r``, a FitViewResult) and the fit's (``fit_result.predict``; empty without one)."""
    fit_pred = [fit_result.predict(n) for n in data.names] if fit_result is not None else None
    buf = io.StringIO()
    wr = csv.writer(buf, lineterminator="\n")
    wr.writerow(["protocol", "spike", "isi_ms", "time_ms", "n", "mean", "sem", "prediction", "fit_prediction"])
    k = 0
    for i, p in enumerate(data.protocols):
        for s in range(p.isi_ms.size):
            fp = f"{fit_pred[i][s]:.7g}" if fit_pred is not None else ""
            wr.writerow([p.name, s, f"{p.isi_ms[s]:.7g}", f"{r.time_ms[k]:.7g}", int(r.count[k]),
                         f"{r.mean[k]:.7g}", f"{r.sem[k]:.7g}", f"{r.prediction[k]:.7g}", fp])
            k += 1
    return buf.getvalue()
