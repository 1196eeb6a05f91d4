"""Short-term plasticity panel: Tsodyks–Markram synapse driven by a spike protocol.

Figures
-------
The facilitation increment f (extended TM) is tied to U by default (``f_mode`` "tied to U":
STPParams(f=None), the classic model bit for bit); "free" shows the f slider.

``stpx-fig-traces``  u(t), x(t) and the release W·u·x of the last spike (held until the next)
                     on one time axis, the release W·u·x at each spike (dots) and the
                     analytic steady-state levels u*, x*, release* (dashed); the presynaptic
                     spikes are ticks in their own strip above (``stpx-fig-spikes``), so the
                     axis starts at 0.
``stpx-fig-ratio``   release per spike divided by the first (paired-pulse / train ratios);
                     with W = 0 nothing is released and the title says that ratios are undefined.
``stpx-fig-rate``    steady-state release vs rate (log rate axis) with the 1/r law
                     W/(r·τd) above r_lim = 1/(U·τd) and the current rate marked.
``stpx-fig-ratecurve`` g_n/g_1 against rate (log axis; n = ``ratio_n``) for regular and
                     Poisson trains (mean ± SD of 20 seeded trains) and the analytic steady
                     state (:mod:`._rate_view`). Under Poisson input the regular-train overlays
                     (u*, x*, release*, the steady-state curve) are labelled "(regular train)".
"""

from __future__ import annotations

import math

import ipywidgets as W
import numpy as np
from bqplot import LinearScale, LogScale, Scatter

from stpexplorer.ui.plot.marks import (
    dec,
    fig,
    int_tick_values,
    int_ticks,
    lines,
    spike_strip,
    strip_row,
    ticks,
    x_axis,
    y_axis,
)
from stpexplorer.ui.parts.panel import Panel
from stpexplorer.ui.panels.stp.rates import (
    merge_marks,
    RateCurveView,
    regular_only_labels,
)
from stpexplorer.ui.plot.colors import COLORS
from stpexplorer.experiments.stp import simulate_stp
from stpexplorer.ui.parts.tabs import LazyTab
from stpexplorer.ui.parts.when_shown import WhenShown

__all__ = ["STPPanel"]

_SPK_LO, _SPK_HI = strip_row(0, 1)
_RATIO_TITLE = "Paired-pulse / train ratio"


def _rate_axis(scale):
    ax = x_axis(scale, "rate (Hz)")
    ax.tick_values = np.array([0.5, 1, 2, 5, 10, 20, 50, 100, 200], dtype=float)
    return ax


class STPPanel(Panel):
    """Tsodyks–Markram STP: traces, per-spike ratios and steady state vs rate."""

    key = "stp"

    def _build(self):
        x = self.x
        y = LinearScale(min=0.0, max=1.05)
        L = self.lines
        # u, x and the release W·u·x change together: one mark, three rows (one message per change)
        L["u"] = L["x"] = L["wdyn"] = lines(x, y, color=[COLORS["orange"], COLORS["blue"], COLORS["green"]],
                                            label=["u (utilisation)", "x (resources)",
                                                   "release W·u·x (last spike)"])
        self.rows.update(u=0, x=1, wdyn=2, u_star=0, x_star=1, release_star=2)
        L["release"] = Scatter(x=np.zeros(1, np.float32), y=np.zeros(1, np.float32),
                               scales={"x": x, "y": y}, colors=[COLORS["red"]], default_size=24,
                               marker="circle", labels=["release W·u·x at spikes"], display_legend=False)
        # the three steady-state levels are one mark (three rows of y): one message per
        # change instead of three, which the browser's redraw latency is sensitive to
        stars = lines(x, y, color=[COLORS["orange"], COLORS["blue"], COLORS["red"]], dash=True, width=1,
                      label=["u*", "x*", "release*"])
        L["u_star"] = L["x_star"] = L["release_star"] = stars
        spk, strip = spike_strip("spikes", x, [("spikes", COLORS["grey"], "spikes")], height=44)
        L.update(spk)
        self._y = y
        f1 = fig("traces", [L[k] for k in ("u", "release", "u_star")],
                 [x_axis(x, "time (ms)"), y_axis(y, "u, x, release W·u·x")],
                 title="Synapse state", height=280)

        xr, yr = LinearScale(), LinearScale(min=0.0)
        L["ratio"] = lines(xr, yr, color=COLORS["blue"], label="release n / release 1", marker="circle",
                           marker_size=20)
        L["ratio_one"] = lines(xr, yr, color=COLORS["grey"], dash=True, width=1)
        self._ratio_ax = x_axis(xr, "spike number")
        int_ticks(self._ratio_ax, 1, 8)
        f2 = fig("ratio", [L["ratio"], L["ratio_one"]],
                 [self._ratio_ax, y_axis(yr, "release n / release 1")],
                 title=_RATIO_TITLE, height=250)

        xs, ys = LogScale(), LinearScale(min=0.0)
        L["rate_curve"] = lines(xs, ys, color=COLORS["green"], label="release* W·u*·x* (steady state)")
        L["one_over_r"] = lines(xs, ys, color=COLORS["purple"], dash=True, width=1, label="W/(r·τd)")
        L["r_lim"] = lines(xs, ys, color=COLORS["grey"], dash=True, width=1, label="r_lim = 1/(U·τd)")
        L["rate_marker"] = lines(xs, ys, color=COLORS["red"], width=1, label="current rate")
        L["rate_point"] = Scatter(x=np.ones(1, np.float32), y=np.zeros(1, np.float32),
                                  scales={"x": xs, "y": ys}, colors=[COLORS["red"]], default_size=40)
        f3 = fig("rate", [L[k] for k in ("rate_curve", "one_over_r", "r_lim", "rate_marker", "rate_point")],
                 [_rate_axis(xs), y_axis(ys, "steady-state release W·u*·x*")],
                 title="Steady state vs rate", height=250)
        self._rate_y = ys
        self.rate_view = RateCurveView(L)
        f4 = self.rate_view.figure
        # overlays that hold for regular trains only: qualified under Poisson input
        self._regular_only = {k: list(L[k].labels) for k in ("u_star", "rate_curve")}
        self.figures.update(traces=f1, ratio=f2, rate=f3, ratecurve=f4)
        lay = W.Layout(width="50%", min_width="320px")
        f2.layout.width = f3.layout.width = f4.layout.width = "100%"
        # the second view is a tab: a hidden figure costs the browser almost nothing to
        # update, and these two figures doubled JupyterLab's keydown-to-redraw latency
        second = W.HBox([W.Box([f2], layout=lay), W.Box([f3], layout=lay), W.Box([f4], layout=lay)],
                        layout=W.Layout(flex_flow="row wrap", width="100%"))
        # lazy: the second view's figures are laid out when first shown, never while hidden
        traces = W.VBox([strip, f1], layout=W.Layout(width="100%"))  # the spike strip above the traces
        # the rate curves (~2,000 trains) are computed only while their view is shown
        self._when_shown = WhenShown({self.RATES_VIEW: self.rate_view.draw}, lambda: self.values)
        views = LazyTab([traces, second], ["Traces", "Ratios & steady state"], on_show=self._when_shown.on_show,
                        layout=W.Layout(width="100%"))
        views.add_class("stpx-views")
        self.views = views
        return views

    RATES_VIEW = 1  #: index of the "Ratios & steady state" view among :attr:`views`

    def _simulate(self, values: dict):
        return simulate_stp(values, curves=False)  # the rate view computes its curves when shown

    def _update_locked(self):
        ok = super()._update_locked()
        if ok:
            self._when_shown.after_run(self.views.selected_index)
        return ok

    def load_preset(self, name: str):
        """As :meth:`Panel.load_preset`; a preset without an f ties f to U again (the published
        parameter sets are classic TM synapses), so the plot never depends on an earlier f."""
        try:
            vals = self.experiment.preset_values(name)
        except ValueError:
            return super().load_preset(name)  # shows the message and raises
        if "f" not in vals and self.sliders["f_mode"].value != "tied to U":
            with self._quiet():
                self.sliders["f_mode"].value = "tied to U"
        return super().load_preset(name)

    def _plot_data(self, r, v):
        t = r.t
        T = float(t[-1])
        d = {}
        xx, yy = dec(t, np.stack([r.u, r.x, r.wdyn], axis=1))
        d["u"] = {"x": xx, "y": yy}
        d["release"] = {"x": np.asarray(r.spike_times, np.float32),
                        "y": np.asarray(r.release_at_spikes, np.float32)}
        levels = np.array([r.u_star, r.x_star, r.release_star], np.float32)
        d["u_star"] = {"x": np.array([0.0, T], np.float32), "y": np.repeat(levels[:, None], 2, axis=1)}
        xx, yy = ticks(r.spike_times, _SPK_LO, _SPK_HI)
        d["spikes"] = {"x": xx, "y": yy}
        top = max(1.0, float(np.nanmax(r.wdyn)) if r.wdyn.size else 1.0) * 1.05
        d["_y"] = {"max": top}

        ratio = np.asarray(r.release_ratio, np.float32)
        n = np.arange(1, ratio.size + 1, dtype=np.float32)
        # no release (W = 0, or no spike): the ratios are 0/0; say so, send no NaN
        defined = ratio.size > 0 and bool(np.all(np.isfinite(ratio)))
        if not defined:
            k = max(2, ratio.size)
            n, ratio = np.arange(1, k + 1, dtype=np.float32), np.ones(k, np.float32)
        d["ratio"] = {"x": n, "y": ratio, "visible": defined}
        d["ratio_one"] = {"x": np.array([1, max(2, n[-1])], np.float32), "y": np.ones(2, np.float32)}
        d["_ratio_fig"] = {"title": _RATIO_TITLE if defined else f"{_RATIO_TITLE}: {self._no_ratio(v)}"}
        d["_ratio_ax"] = {"tick_values": int_tick_values(1, int(max(2, n[-1])))}

        rates = np.asarray(r.rates, np.float32)
        curve = np.asarray(r.release_star_curve, np.float32)
        d["rate_curve"] = {"x": rates, "y": curve}
        ymax = float(max(np.nanmax(curve), v["W"] * v["U"], 1e-3)) * 1.1
        if v["tau_d"] > 0:
            law = v["W"] * 1000.0 / (rates * v["tau_d"])
            law = np.where(law <= ymax, law, np.nan).astype(np.float32)
        else:
            law = np.full(rates.shape, np.nan, np.float32)
        if np.isfinite(law).any():
            d["one_over_r"] = {"x": rates, "y": law, "visible": True}
        else:  # no depression (τd off): no 1/r law; hidden on finite points (all-NaN is an SVG error)
            d["one_over_r"] = {"x": rates, "y": np.zeros_like(rates), "visible": False}
        r_lim = r.r_lim_hz
        if math.isfinite(r_lim) and rates[0] <= r_lim <= rates[-1]:
            d["r_lim"] = {"x": np.array([r_lim, r_lim], np.float32), "y": np.array([0, ymax], np.float32),
                          "visible": True}
        else:  # off the rate axis (or ∞): hidden, on finite points (an all-NaN path is an SVG error)
            d["r_lim"] = {"x": rates[:2], "y": np.zeros(2, np.float32), "visible": False}
        rate = float(r.rate_hz_effective)
        rate_c = min(max(rate, float(rates[0])), float(rates[-1]))
        d["rate_marker"] = {"x": np.array([rate_c, rate_c], np.float32), "y": np.array([0, ymax], np.float32)}
        d["rate_point"] = {"x": np.array([rate_c], np.float32),
                           "y": np.array([r.release_star], np.float32)}
        d["_rate_y"] = {"max": ymax}
        return merge_marks(d, regular_only_labels(self._regular_only, v))

    @property
    def _marks(self):
        return {"_y": self._y, "_rate_y": self._rate_y, "_ratio_ax": self._ratio_ax,
                "_ratio_fig": self.figures["ratio"]}

    @staticmethod
    def _no_ratio(v) -> str:
        return "W = 0: no release, ratios undefined" if v.get("W", 1.0) == 0 else "no release, ratios undefined"

    def _summary(self, r):
        rel = r.release_at_spikes
        first = float(rel[0]) if rel.size else float("nan")
        r_lim = r.r_lim_hz
        lim = f"{r_lim:.3g} Hz" if math.isfinite(r_lim) else "∞"
        undefined = "" if np.all(np.isfinite(r.release_ratio)) else f" · {self._no_ratio(self.values)}"
        return (f"first release W·u·x {first:.3f} · release* {r.release_star:.3f} at "
                f"{r.rate_hz_effective:.3g} Hz · r_lim {lim} · {rel.size} spikes"
                + undefined + (f" · {r.note}" if r.note else ""))
