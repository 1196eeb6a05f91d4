"""Fit panel: amplitude trains (a mystery synapse or an uploaded CSV) against the TM prediction.

Data: a seeded **mystery synapse** (:mod:`stpexplorer.mystery`; hidden parameters, quantal noise;
**Reveal** shows them) or a CSV from the visitor's computer (the file row's upload, parsed in
memory, never a server path; long or wide format, see :mod:`stpexplorer.fit._csv`).

Figure ``stpx-fig-fit`` (time from each protocol's first spike): per-sweep amplitudes (small dots),
mean ± SEM per spike (circles and bars) and the prediction W·u_n·x_n of the sliders (one line per
protocol, colours as in the legend under the figure). The status line shows the SSE of the sliders
over every observation, live.

**Fit** runs :func:`~stpexplorer.fit.fit_stp` (model "tm", or "etm" when f is free; 32 starts and
``N_BOOT`` = 40 bootstrap refits: about 0.02 s once compiled, a few seconds for the first fit of a
data shape) and sets the sliders to the estimate; the table shows the 95 % intervals. An uploaded
CSV is fitted at once, so its sliders start at the fit; a mystery starts at a neutral guess.
Downloads: **Save JSON** gives the slider values and the fit (``FitResult.to_dict``), **Export CSV**
the per-spike means, SEMs and predictions.
"""

from __future__ import annotations

import csv
import dataclasses
import html
import io
import json
import math

import ipywidgets as W
import numpy as np
from bqplot import LinearScale, Scatter

from ..experiments import dump_json, simulate_fit
from ..fit import fit_stp
from ..mystery import data_from_csv_text, hidden_params, mystery_data
from ._marks import fig, lines, x_axis, y_axis
from ._panel import Panel
from ._style import CYCLE

__all__ = ["FitPanel"]

N_BOOT = 40       # bootstrap refits per Fit press: answers in about a second here (200 for a paper)
N_STARTS = 32
MAX_POINTS = 3000  # per-sweep dots drawn; more sweeps are thinned evenly (the status says so)
PARAMS = ("U", "f", "tau_f", "tau_d", "W")
_LABEL = {"U": "U", "f": "f", "tau_f": "τf (ms)", "tau_d": "τd (ms)", "W": "W"}


def _pad_rows(rows_x, rows_y):
    """Rows of unequal length as 2-D arrays, each padded by repeating its last point (a path that
    ends on a NaN logs SVG errors in the browser; a repeated point draws nothing)."""
    n = max(max(len(x) for x in rows_x), 1)
    X = np.zeros((len(rows_x), n), np.float32)
    Y = np.zeros((len(rows_x), n), np.float32)
    for i, (x, y) in enumerate(zip(rows_x, rows_y)):
        if len(x) == 0:
            x, y = np.zeros(1), np.zeros(1)
        X[i, :len(x)], Y[i, :len(y)] = x, y
        X[i, len(x):], Y[i, len(y):] = x[-1], y[-1]
    return X, Y


class FitPanel(Panel):
    """Fit Tsodyks–Markram parameters to amplitude trains: by hand (sliders, live SSE) or by fit_stp."""

    key = "fit"

    def __init__(self, **kwargs):
        self._data = None          # uploaded AmplitudeData (None: the mystery synapse of the controls)
        self._source = ""          # the uploaded file's name
        self.fit_result = None     # FitResult of the data shown, or None
        self._fit_notes: list[str] = []
        self.revealed = False
        super().__init__(**kwargs)
        up = self.files.upload
        up.accept, up.description = ".csv,text/csv,.json,application/json", "Upload CSV"
        up.tooltip = "amplitude trains (CSV, long or wide format) or a parameter file (JSON)"
        self.files.offer_json = lambda: self.files.offer("fit-result.json", self._json_text(), "application/json")
        self.files.offer_csv = lambda: self.files.offer("fit-predictions.csv", self._csv_text(), "text/csv")

    # the experiment's simulation, on this panel's data (an upload) when there is one
    @property
    def experiment(self):
        return self._experiment

    @experiment.setter
    def experiment(self, exp):
        self._experiment = dataclasses.replace(exp, simulate=lambda v: simulate_fit(v, self._data))

    @property
    def data(self):
        """The AmplitudeData shown: the upload, or the mystery synapse of the controls."""
        v = self.values or self._read_values()
        return self._data if self._data is not None else mystery_data(v["mystery"], v["seed"])

    # -------------------------------------------------------------- widgets
    def _build(self):
        y = LinearScale(min=0.0)
        L = self.lines
        L["prediction"] = lines(self.x, y, color=list(CYCLE[:3]), width=2)
        L["sem"] = lines(self.x, y, color=list(CYCLE[:3]), width=1.5)
        L["sweeps"] = Scatter(x=np.zeros(1, np.float32), y=np.zeros(1, np.float32), scales={"x": self.x, "y": y},
                              colors=[CYCLE[0]], default_size=8, opacities=[0.35])
        L["mean"] = Scatter(x=np.zeros(1, np.float32), y=np.zeros(1, np.float32), scales={"x": self.x, "y": y},
                            colors=[CYCLE[0]], default_size=40, stroke="white")
        self._y = y
        f = fig("fit", [L["prediction"], L["sem"], L["sweeps"], L["mean"]],
                [x_axis(self.x, "time from the first spike (ms)"), y_axis(y, "amplitude (data units)")],
                title="Amplitudes and the model's prediction", height=320)
        self.figures["fit"] = f
        self._legend = W.HTML("")
        self._legend.add_class("stpx-fit-legend")
        self.fit_button = W.Button(description="Fit", icon="magic", button_style="primary",
                                   tooltip=f"least squares (fit_stp, {N_STARTS} starts, {N_BOOT} bootstrap refits)")
        self.fit_button.add_class("stpx-fit")
        self.reveal_button = W.ToggleButton(description="Reveal", icon="eye", value=False,
                                            tooltip="show the mystery synapse's hidden parameters")
        self.reveal_button.add_class("stpx-reveal")
        self.fit_button.on_click(lambda _: self._guarded(self.fit))
        self.reveal_button.observe(lambda ch: self._guarded(lambda: self.reveal(ch["new"])), "value")
        self.table = W.HTML("")
        self.table.add_class("stpx-fit-table")
        return W.VBox([f, self._legend, W.HBox([self.fit_button, self.reveal_button]), self.table],
                      layout=W.Layout(width="100%"))

    def _guarded(self, fn):
        try:
            fn()
        except Exception as e:  # noqa: BLE001 - shown in the panel, the last good state kept
            self._set_error(str(e) if isinstance(e, ValueError) else f"{type(e).__name__}: {e}")

    # -------------------------------------------------------------- data
    def _forget_fit(self):
        self.fit_result, self._fit_notes = None, []
        self.revealed = False
        self.reveal_button.value = False

    def _to_mystery(self):
        if self._data is not None or self.fit_result is not None:
            self._data, self._source = None, ""
            self._forget_fit()

    def _on_change(self, change):
        if not self._muted and change["owner"] in (self.sliders["mystery"], self.sliders["seed"]):
            self._to_mystery()  # a mystery chosen replaces uploaded data
        super()._on_change(change)

    def set_values(self, **values):
        if not self._muted and ("mystery" in values or "seed" in values):
            cur = self.values or {}
            if self._data is not None or any(values.get(k, cur.get(k)) != cur.get(k) for k in ("mystery", "seed")):
                self._to_mystery()
        super().set_values(**values)

    def _load_text(self, text, source):
        """An uploaded file: a parameter file (JSON) or amplitude trains (CSV), which are fitted at once.
        A bad CSV shows what is wrong (row, column) and changes nothing."""
        if text.lstrip().startswith("{"):
            return super()._load_text(text, source)
        try:
            data = data_from_csv_text(text, source)
        except ValueError as e:
            self._set_error(str(e))
            return None
        old = (self._data, self._source, self.fit_result, self._fit_notes)
        self._data, self._source = data, source
        self._forget_fit()
        try:
            self.fit()
        except Exception as e:  # noqa: BLE001 - the data could not be fitted: keep what was shown
            self._data, self._source, self.fit_result, self._fit_notes = old
            self._set_error(f"{source}: the fit failed: {e}")
            return None
        return data

    # -------------------------------------------------------------- fit and reveal
    def fit(self):
        """Fit the data shown (model "etm" if f is free, else "tm") and set the sliders to the estimate."""
        with self._lock:
            v = self.values or self._read_values()
            model = "etm" if v["f_mode"] == "free" else "tm"
            # the button says it is busy (widget messages leave the kernel at once); the first fit
            # of a data shape compiles for a few seconds, later ones take a few hundredths
            self.fit_button.disabled, self.fit_button.description = True, "Fitting…"
            try:
                res = fit_stp(self.data, model=model, n_starts=N_STARTS, n_boot=N_BOOT, seed=0)
            finally:
                self.fit_button.disabled, self.fit_button.description = False, "Fit"
            vals, notes = self._slider_values(res.values, model)
            self.fit_result, self._fit_notes = res, notes
            self.set_values(**vals)
            self._show_table()
            return res

    def _slider_values(self, est: dict, model: str):
        """The estimate on the sliders, each inside its control's range; notes say where it is not."""
        out, notes = {}, []
        names = ["U", "tau_f", "tau_d", "W"] + (["f"] if model == "etm" else [])
        for n in names:
            c, x = self.experiment.control(n), float(est[n])
            y = min(max(x, c.lo), c.hi)
            if c.zero_ok and x < c.lo:
                y = 0.0
            if y != x:
                where = "below" if x < c.lo else "above"
                notes.append(f"{n} = {x:.4g} is {where} the slider's range {c.range_text()}: the slider shows "
                             f"{'0 (off)' if y == 0 else f'{y:g}'}")
            out[n] = y
        if model == "etm":
            out["f_mode"] = "free"
        return out, notes

    def reveal(self, on: bool = True):
        """Show (or hide) the mystery synapse's hidden parameters in the table."""
        self.revealed = bool(on)
        if self.reveal_button.value != self.revealed:
            self.reveal_button.value = self.revealed
        self._show_table()

    def hidden(self) -> dict | None:
        """The mystery synapse's hidden parameters (None for uploaded data)."""
        if self._data is not None:
            return None
        v = self.values or self._read_values()
        return hidden_params(v["mystery"], v["seed"])

    def _show_table(self):
        res, hid = self.fit_result, (self.hidden() if self.revealed else None)
        v = self.values
        if not v:
            return
        head = "<tr><th>parameter</th><th>sliders</th><th>fit</th><th>95 % interval</th><th></th>"
        head += "<th>hidden</th></tr>" if hid else "</tr>"
        rows = []
        for n in PARAMS:
            cur = (v["f"] if v.get("f_mode") == "free" else v["U"]) if n == "f" else v[n]
            cells = [_LABEL[n], f"{cur:.4g}" + (" (= U)" if n == "f" and v.get("f_mode") != "free" else "")]
            if res is not None:
                lo, hi = res.ci[n]
                cells += [f"{res.values[n]:.4g}", f"{lo:.4g} – {hi:.4g}", html.escape(str(res.at_bound[n] or ""))]
            else:
                cells += ["—", "—", ""]
            if hid:
                h = hid[n] if hid[n] is not None else hid["U"]
                cells.append(f"{h:.4g}")
            rows.append("<tr>" + "".join(f"<td>{html.escape(c) if i < 2 else c}</td>"
                                         for i, c in enumerate(cells)) + "</tr>")
        if res is not None:
            intro = (f"fit_stp (model {res.model}): SSE {res.sse:.4g}, {res.n_converged}/{res.n_starts} starts "
                     f"converged, intervals from {res.n_boot} bootstrap refits over sweeps")
        else:
            intro = "Fit: press Fit (least squares, intervals from a bootstrap over sweeps)"
        if self._data is None and not hid:
            intro += " · Reveal shows the hidden synapse"
        notes = "".join(f"<br>{html.escape(s)}" for s in self._fit_notes)
        self.table.value = (f"<small>{html.escape(intro)}{notes}</small><table style='border-spacing: 10px 0'>"
                            f"{head}{''.join(rows)}</table>")

    # -------------------------------------------------------------- plot
    def _plot_data(self, r, v):
        data = self._data if self._data is not None else mystery_data(v["mystery"], v["seed"])
        K = len(data)
        cols = [CYCLE[i % len(CYCLE)] for i in range(K)]
        idx = [np.flatnonzero(r.protocol == i) for i in range(K)]
        t = [r.time_ms[j] for j in idx]
        d = {"prediction": dict(zip(("x", "y"), _pad_rows(t, [r.prediction[j] for j in idx])), colors=cols)}
        sx, sy = [], []
        for i, j in enumerate(idx):
            m, s = r.mean[j], r.sem[j]
            ok = np.isfinite(m)
            tt, lo, hi = t[i][ok], (m - s)[ok], (m + s)[ok]
            sx.append(np.stack([tt, tt, np.full(tt.size, np.nan)], 1).ravel()[:-1])
            sy.append(np.stack([lo, hi, np.full(tt.size, np.nan)], 1).ravel()[:-1])
        d["sem"] = dict(zip(("x", "y"), _pad_rows(sx, sy)), colors=cols)
        mok = np.isfinite(r.mean)
        d["mean"] = {"x": r.time_ms[mok].astype(np.float32), "y": r.mean[mok].astype(np.float32),
                     "colors": [cols[int(k)] for k in r.protocol[mok]]}
        total = sum(p.amplitudes.shape[0] for p in data.protocols)
        step = max(1, math.ceil(total * max(p.isi_ms.size for p in data.protocols) / MAX_POINTS))
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
        self._thinned = step
        ys = np.concatenate([np.concatenate(py), r.prediction, (r.mean + r.sem)[mok]])
        lo, hi = float(np.nanmin(ys)), float(np.nanmax(ys))
        d["_y"] = {"min": min(0.0, lo * 1.05), "max": max(hi * 1.05, 1e-9)}
        self._legend.value = ("<small>" + " · ".join(
            f"<span style='color:{c}'>━ ●</span> {html.escape(n)}" for c, n in zip(cols, data.names))
            + " &nbsp; (dots: sweeps; circles and bars: mean ± SEM; lines: the sliders' model)</small>")
        return d

    @property
    def _marks(self):
        return {"_y": self._y}

    def _update_locked(self):
        ok = super()._update_locked()
        if ok and hasattr(self, "table"):
            self._show_table()
        return ok

    def _summary(self, r):
        src = (f"data: {self._source}" if self._data is not None
               else f"data: mystery {self.values.get('mystery', '')} #{self.values.get('seed', '')}"
               if self.values else "data: mystery")
        fit = f" (fit {self.fit_result.sse:.4g})" if self.fit_result is not None else ""
        thin = f" · dots: every {self._thinned}th sweep" if getattr(self, "_thinned", 1) > 1 else ""
        return f"SSE {r.sse:.4g}{fit} · {int(r.n_obs)} values · {src}{thin}"

    # -------------------------------------------------------------- files
    def _json_text(self) -> str:
        doc = json.loads(dump_json(self.experiment, self.values or self._read_values()))
        doc["fit"] = self.fit_result.to_dict() if self.fit_result is not None else None
        doc["data"] = self._source or "mystery synapse"
        return json.dumps(doc, indent=2)

    def _csv_text(self) -> str:
        if self.result is None:
            raise ValueError("nothing to export: no successful run yet")
        data, r = self.data, self.result
        fit_pred = ([self.fit_result.predict(n) for n in data.names] if self.fit_result is not None else None)
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
