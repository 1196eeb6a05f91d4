"""STDP panel: a pre/post pairing protocol, the traces, the weight, the STDP window, and the
frequency dependence of the rule against the data of Sjöström et al. (2001).

The rule is the triplet rule of Pfister & Gerstner (2006); with A3+ = A3− = 0 it is the pair
rule, bit for bit.

Views (a :class:`~stpexplorer.ui.parts.tabs.LazyTab`, class ``stpx-views``)
-----------------------------------------------------------------------
"Pairing & window"
``stpx-fig-spikes``  the pre and post spikes as ticks, one row each, in a strip above the traces
``stpx-fig-traces``  the weight w(t) (right axis, bounds dashed; no bounds with bounds="none"),
                     the fast traces r1 (τ+), o1 (τ−), the slow traces r2 (τx), o2 (τy) dashed
                     (left axis, from 0)
``stpx-fig-amplitudes`` A2+ + A3+·o2(t) and A2− + A3−·r2(t): the amplitude a post / pre
                     spike would apply now (per unit of r1 / o1)
``stpx-fig-window``  Δw(Δt) of an isolated pair simulated (dots) with the analytic curve
                     A+·exp(−Δt/τ+) / −A−·exp(Δt/τ−) overlaid and the current Δt marked
"Frequency"
``stpx-fig-freq``    Δw after 60 pairings against the pairing rate (log axis) at Δt = +10 and
                     −10 ms for the current rule (``stdp_frequency_curve``), with the
                     Sjöström et al. (2001) means ± SEM; legend ``stpx-freq-legend`` and
                     citation ``stpx-freq-citation`` beside the figure, outside the data
"Δw map"
``stpx-fig-dwmap``   Δw after 60 pairings over pairing rate (log, 0.1–50 Hz) × Δt (−50…+50 ms),
                     diverging colour bar centred on 0, the line Δw = 0 and the current
                     (rate, Δt) (:mod:`~stpexplorer.ui.panels.stdp.dw_map`; ``map_view``)
"""

from __future__ import annotations

import html

import ipywidgets as W
import numpy as np
from bqplot import LinearScale, LogScale, Scatter

from stpexplorer.experiments import stdp_analytic_window
from stpexplorer.experiments.datasets import SJOSTROM_2001
from stpexplorer.ui.plot.marks import (
    dec,
    fig,
    lines,
    nice_ticks,
    spike_strip,
    strip_row,
    ticks,
    x_axis,
    y_axis,
)
from stpexplorer.ui.parts.panel import Panel
from stpexplorer.ui.panels.stdp.dw_map import DwMapView
from stpexplorer.ui.plot.colors import COLORS
from stpexplorer.ui.parts.tabs import LazyTab
from stpexplorer.ui.parts.when_shown import WhenShown

__all__ = ["STDPPanel"]

_FREQ_X = (0.07, 70.0)  # Hz: the data's 0.1 and 50 Hz away from the frame


def _error_bars(x, mean, sem):
    """Vertical bars mean ± sem at x, one NaN-separated path that ends on a finite point."""
    xs = np.repeat(np.asarray(x, np.float32), 3)[:-1]
    lo, hi = (np.asarray(mean - sem, np.float32), np.asarray(mean + sem, np.float32))
    ys = np.stack([lo, hi, np.full_like(lo, np.nan)], axis=1).ravel()[:-1]
    return xs, ys


def _swatch(color, text, marker=None):
    sym = marker or "&#9472;&#9472;"
    return (f"<div style='white-space:nowrap'><span style='color:{color};font-weight:bold'>{sym}</span> "
            f"{html.escape(text)}</div>")


class STDPPanel(Panel):
    """Pair and triplet STDP on a pairing protocol, its learning window and its frequency dependence."""

    key = "stdp"

    def _build(self):
        x, L = self.x, self.lines
        yw, yt = LinearScale(), LinearScale(min=0.0)
        L["w"] = lines(x, yw, color=COLORS["green"], width=2, label="weight w (right axis)")
        L["w_bounds"] = lines(x, yw, color=COLORS["green"], dash=True, width=1, label="bounds w min, w max")
        L["pre_trace"] = lines(x, yt, color=COLORS["blue"], label="pre trace r1 (τ+)")
        L["post_trace"] = lines(x, yt, color=COLORS["orange"], label="post trace o1 (τ−)")
        L["pre_trace_x"] = lines(x, yt, color=COLORS["sky"], dash=True, width=1, label="slow pre r2 (τx)")
        L["post_trace_y"] = lines(x, yt, color=COLORS["purple"], dash=True, width=1, label="slow post o2 (τy)")
        spk, strip = spike_strip("spikes", x, [("pre", COLORS["blue"], "pre"), ("post", COLORS["orange"], "post")],
                                 height=56)
        L.update(spk)
        f1 = fig("traces", [L[k] for k in ("w", "w_bounds", "pre_trace", "post_trace", "pre_trace_x",
                                           "post_trace_y")],
                 [x_axis(x, "time (ms)"), y_axis(yt, "traces r1, o1, r2, o2"),
                  y_axis(yw, "pairing: weight w", side="right")],
                 title="Pairing protocol", height=300)
        self._trace_y = yt
        # what the next spike would change w by, per unit of the fast trace: the triplet terms
        # make it grow with recent activity (and every triplet slider moves a visible line)
        ya = LinearScale(min=0.0)
        L["amp_plus"] = L["amp_minus"] = lines(x, ya, color=[COLORS["orange"], COLORS["blue"]],
                                               label=["A2+ + A3+·o2 (post spike)", "A2− + A3−·r2 (pre spike)"])
        self.rows.update(amp_plus=0, amp_minus=1)
        ay = self._amp_ax = y_axis(ya, "amplitude")  # ≤ 4 round ticks, set with the data: a short figure
        fa = fig("amplitudes", [L["amp_plus"]], [x_axis(x, "time (ms)"), ay],
                 title="Effective amplitudes (grow with recent spikes)", height=190)
        xw, yd = LinearScale(min=-100.0, max=100.0), LinearScale()
        L["window"] = Scatter(x=np.zeros(1, np.float32), y=np.zeros(1, np.float32), scales={"x": xw, "y": yd},
                              colors=[COLORS["blue"]], default_size=14, labels=["simulated pair"],
                              display_legend=False)
        L["window_line"] = lines(xw, yd, color=COLORS["blue"], width=1)
        L["window_analytic"] = lines(xw, yd, color=COLORS["red"], dash=True, label="analytic A·exp(−|Δt|/τ)")
        L["delta_t_marker"] = lines(xw, yd, color=COLORS["green"], width=2, label="current Δt")
        L["zero"] = lines(xw, yd, color=COLORS["grey"], width=1)
        f2 = fig("window", [L[k] for k in ("window_line", "window", "window_analytic", "delta_t_marker", "zero")],
                 [x_axis(xw, "Δt = t(post) − t(pre) (ms)"), y_axis(yd, "Δw per pair")],
                 title="STDP window", height=300)
        f3, side = self._build_freq()
        self.figures.update(traces=f1, window=f2, freq=f3, amplitudes=fa)
        f1.layout.width = f2.layout.width = f3.layout.width = fa.layout.width = "100%"
        pairing = W.HBox([W.VBox([strip, f1, fa], layout=W.Layout(width="60%", min_width="320px")),
                          # a gap: the pairing figure's right axis label stays its own
                          W.Box([f2], layout=W.Layout(width="40%", min_width="300px", padding="0 0 0 20px"))],
                         layout=W.Layout(flex_flow="row wrap", width="100%"))
        freq = W.HBox([W.Box([f3], layout=W.Layout(width="65%", min_width="340px")), side],
                      layout=W.Layout(flex_flow="row wrap", width="100%", align_items="center"))
        self.map_view = DwMapView(n_pairs=SJOSTROM_2001.n_pairs, on_pick=self._pick)
        self.figures["dwmap"] = self.map_view.figure
        # lazy: the frequency figure and the map are laid out when first shown, never while
        # hidden; short titles: a tab cuts longer ones off
        # the map (~2,000 protocols, ~10 ms) is computed only while it is shown: a slider
        # move in the other views does not pay for it
        self._when_shown = WhenShown({self.MAP_VIEW: self.map_view.draw}, lambda: self.values)
        views = LazyTab([pairing, freq, self.map_view], ["Pairing & window", "Frequency", "Δw map"],
                        on_show=self._when_shown.on_show, layout=W.Layout(width="100%"))
        views.add_class("stpx-views")
        self.views = views
        return views

    MAP_VIEW = 2  #: index of the Δw map among :attr:`views`

    def _build_freq(self):
        """Δw against pairing rate at ±10 ms: the model (one two-row Lines mark) and the data."""
        L, d = self.lines, SJOSTROM_2001
        xs, ys = LogScale(min=_FREQ_X[0], max=_FREQ_X[1]), LinearScale()
        plus, minus = COLORS["blue"], COLORS["red"]
        L["freq_plus"] = L["freq_minus"] = lines(xs, ys, color=[plus, minus], width=2)
        self.rows.update(freq_plus=0, freq_minus=1)
        i_plus, i_minus = int(np.argmax(d.delta_t_ms > 0)), int(np.argmax(d.delta_t_ms < 0))
        bx, by = zip(*(_error_bars(d.rates_hz, d.mean[:, i], d.sem[:, i]) for i in (i_plus, i_minus)))
        L["data_sem"] = lines(xs, ys, color=[plus, minus], width=1.5)
        L["data_sem"].x, L["data_sem"].y = np.stack(bx), np.stack(by)
        L["data_plus"] = Scatter(x=d.rates_hz.astype(np.float32), y=d.mean[:, i_plus].astype(np.float32),
                                 scales={"x": xs, "y": ys}, colors=[plus], default_size=48, marker="circle")
        L["data_minus"] = Scatter(x=d.rates_hz.astype(np.float32), y=d.mean[:, i_minus].astype(np.float32),
                                  scales={"x": xs, "y": ys}, colors=[minus], default_size=48, marker="square")
        L["freq_zero"] = lines(xs, ys, color=COLORS["grey"], width=1)
        L["freq_zero"].x, L["freq_zero"].y = np.array(_FREQ_X, np.float32), np.zeros(2, np.float32)
        ax = x_axis(xs, "pairing rate (Hz)")
        ax.tick_values = np.array([0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50], dtype=float)
        f = fig("freq", [L[k] for k in ("freq_zero", "freq_plus", "data_sem", "data_plus", "data_minus")],
                [ax, y_axis(ys, f"Δw after {d.n_pairs} pairings (data: Δw/w)")],
                title="Frequency dependence, Δt = ±10 ms", height=320)
        self._freq_y = ys
        legend = W.HTML("".join([
            _swatch(plus, "model, Δt = +10 ms"), _swatch(minus, "model, Δt = −10 ms"),
            _swatch(plus, "data, Δt = +10 ms (mean ± SEM)", "&#9679;"),
            _swatch(minus, "data, Δt = −10 ms (mean ± SEM)", "&#9632;")]))
        legend.add_class("stpx-freq-legend")
        cite = W.HTML(f"<small>Data: {html.escape(d.citation)}. Model: Δw of the current rule after "
                      f"{d.n_pairs} pairings (initial w from the slider; with bounds = none Δw does not depend "
                      "on it and is compared with the fractional change, as in Pfister &amp; Gerstner "
                      "2006).</small>")
        cite.add_class("stpx-freq-citation")
        cite.add_class("stpx-citation")
        side = W.VBox([legend, cite], layout=W.Layout(width="30%", min_width="220px", padding="0 0 0 8px"))
        return f, side

    def _plot_data(self, r, v):
        t = r.t
        T = float(t[-1])
        d = {}
        xx, yy = dec(t, r.w)
        d["w"] = {"x": xx, "y": yy}
        d["w_bounds"] = {"x": np.array([0, T, np.nan, 0, T], np.float32),
                         "y": np.array([v["w_min"], v["w_min"], np.nan, v["w_max"], v["w_max"]], np.float32),
                         "visible": v["bounds"] != "none"}
        for k in ("pre_trace", "post_trace", "pre_trace_x", "post_trace_y"):
            xx, yy = dec(t, getattr(r, k))
            d[k] = {"x": xx, "y": yy}
        amp = np.stack([v["A_plus"] + v["A3_plus"] * np.asarray(r.post_trace_y, np.float64),
                        v["A_minus"] + v["A3_minus"] * np.asarray(r.pre_trace_x, np.float64)], axis=1)
        xx, yy = dec(t, amp.astype(np.float32))
        d["amp_plus"] = {"x": xx, "y": yy}
        d["_amp_ax"] = {"tick_values": nice_ticks(0.0, max(float(np.nanmax(amp)), 1e-6), 4)}
        xx, yy = ticks(t[r.pre > 0.5], *strip_row(0, 2))
        d["pre"] = {"x": xx, "y": yy}
        xx, yy = ticks(t[r.post > 0.5], *strip_row(1, 2))
        d["post"] = {"x": xx, "y": yy}
        wx = np.asarray(r.window_dt, np.float32)
        wy = np.asarray(r.window_dw, np.float32)
        d["window"] = {"x": wx, "y": wy}
        d["window_line"] = {"x": wx, "y": wy}
        fine = np.linspace(-100.0, 100.0, 801)
        d["window_analytic"] = {"x": fine.astype(np.float32),
                                "y": stdp_analytic_window(v, fine).astype(np.float32)}
        lo = float(min(np.nanmin(wy), 0.0))
        hi = float(max(np.nanmax(wy), 0.0))
        pad = 0.05 * (hi - lo or 1e-3)
        dt = v["delta_t_ms"]
        d["delta_t_marker"] = {"x": np.array([dt, dt], np.float32), "y": np.array([lo - pad, hi + pad], np.float32)}
        d["zero"] = {"x": np.array([-100, 100], np.float32), "y": np.zeros(2, np.float32)}
        # frequency view: columns of freq_dw follow freq_delta_t (+10, -10 ms); rows of the mark
        dts = np.asarray(r.freq_delta_t)
        dw = np.asarray(r.freq_dw, np.float32)
        d["freq_plus"] = {"x": np.asarray(r.freq_rates, np.float32),
                          "y": np.stack([dw[:, int(np.argmax(dts > 0))], dw[:, int(np.argmax(dts < 0))]])}
        return d

    def _update_locked(self):
        ok = super()._update_locked()
        if ok:
            self._when_shown.after_run(self.views.selected_index)
        return ok

    def _pick(self, rate_hz: float, delta_t_ms: float) -> None:
        """A click on the Δw map: pair at that rate and Δt (on the sliders' ranges and grid)."""
        rate, dt = self.experiment.control("pair_rate_hz"), self.experiment.control("delta_t_ms")
        self.set_values(pair_rate_hz=float(np.clip(float(f"{rate_hz:.3g}"), rate.lo, rate.hi)),
                        delta_t_ms=float(np.clip(round(delta_t_ms / dt.step) * dt.step, dt.lo, dt.hi)))

    @property
    def _marks(self):
        return {"_freq_y": self._freq_y, "_amp_ax": self._amp_ax}

    def _summary(self, r):
        w = r.w
        dts, dw = np.asarray(r.freq_delta_t), np.asarray(r.freq_dw)
        hi = int(np.argmax(r.freq_rates))
        return (f"Δw total {w[-1] - w[0]:+.4f} (w {w[0]:.3f} → {w[-1]:.3f}) · {r.pairs_in_window} pairs · "
                f"60 pairings at {r.freq_rates[hi]:g} Hz: Δw {dw[hi, int(np.argmax(dts > 0))]:+.3f} (+10 ms), "
                f"{dw[hi, int(np.argmax(dts < 0))]:+.3f} (−10 ms)" + (f" · {r.note}" if r.note else ""))
