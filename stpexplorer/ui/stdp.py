"""STDP panel: a pre/post pairing protocol, the traces, the weight, and the STDP window.

Figures
-------
``stpx-fig-traces``  the weight w(t) (right axis, bounds dashed), the pre and post
                     traces (left axis) and the pre/post spikes as ticks
``stpx-fig-window``  Δw(Δt) of an isolated pair simulated (dots) with the analytic curve
                     A+ e^{-Δt/τ+} / −A− e^{Δt/τ−} overlaid and the current Δt marked
"""

from __future__ import annotations

import ipywidgets as W
import numpy as np
from bqplot import LinearScale, Scatter

from ._base import COLORS, Panel, dec, fig, lines, ticks, x_axis, y_axis

__all__ = ["STDPPanel"]


class STDPPanel(Panel):
    """Pair-based STDP on a pairing protocol, and its learning window."""

    key = "stdp"
    groups = [("Rule", ["A_plus", "A_minus", "tau_plus", "tau_minus", "rule", "bounds"]),
              ("Protocol and weight", ["delta_t_ms", "pair_rate_hz", "n_pairs", "w0", "w_min", "w_max"])]

    def _build(self):
        x, L = self.x, self.lines
        yw, yt = LinearScale(), LinearScale(min=-0.9)
        L["w"] = lines(x, yw, color=COLORS["green"], width=2, label="w (right axis)")
        L["w_bounds"] = lines(x, yw, color=COLORS["green"], dash=True, width=1, label="w_min, w_max")
        L["pre_trace"] = lines(x, yt, color=COLORS["blue"], label="pre trace")
        L["post_trace"] = lines(x, yt, color=COLORS["orange"], label="post trace")
        L["pre"] = lines(x, yt, color=COLORS["blue"], width=1)
        L["post"] = lines(x, yt, color=COLORS["orange"], width=1)
        f1 = fig("traces", [L[k] for k in ("w", "w_bounds", "pre_trace", "post_trace", "pre", "post")],
                 [x_axis(x, "time (ms)"), y_axis(yt, "traces (ticks: pre low, post high)"),
                  y_axis(yw, "weight w", side="right")],
                 title="Pairing protocol", height=300)
        self._trace_y = yt
        xw, yd = LinearScale(min=-100.0, max=100.0), LinearScale()
        L["window"] = Scatter(x=np.zeros(1, np.float32), y=np.zeros(1, np.float32), scales={"x": xw, "y": yd},
                              colors=[COLORS["blue"]], default_size=14, labels=["simulated pair"],
                              display_legend=True)
        L["window_line"] = lines(xw, yd, color=COLORS["blue"], width=1)
        L["window_analytic"] = lines(xw, yd, color=COLORS["red"], dash=True, label="A e^{-|Δt|/τ}")
        L["delta_t_marker"] = lines(xw, yd, color=COLORS["green"], width=2, label="current Δt")
        L["zero"] = lines(xw, yd, color=COLORS["grey"], width=1)
        f2 = fig("window", [L[k] for k in ("window_line", "window", "window_analytic", "delta_t_marker", "zero")],
                 [x_axis(xw, "Δt = t_post − t_pre (ms)"), y_axis(yd, "Δw per pair")],
                 title="STDP window", height=300)
        self.figures.update(traces=f1, window=f2)
        f1.layout.width = f2.layout.width = "100%"
        return W.HBox([W.Box([f1], layout=W.Layout(width="60%", min_width="320px")),
                       W.Box([f2], layout=W.Layout(width="40%", min_width="300px"))],
                      layout=W.Layout(flex_flow="row wrap", width="100%"))

    def _plot_data(self, r, v):
        t = r["t"]
        T = float(t[-1])
        d = {}
        xx, yy = dec(t, r["w"])
        d["w"] = {"x": xx, "y": yy}
        d["w_bounds"] = {"x": np.array([0, T, np.nan, 0, T], np.float32),
                         "y": np.array([v["w_min"], v["w_min"], np.nan, v["w_max"], v["w_max"]], np.float32)}
        for k in ("pre_trace", "post_trace"):
            xx, yy = dec(t, r[k])
            d[k] = {"x": xx, "y": yy}
        xx, yy = ticks(t[r["pre"] > 0.5], -0.8, -0.5)
        d["pre"] = {"x": xx, "y": yy}
        xx, yy = ticks(t[r["post"] > 0.5], -0.45, -0.15)
        d["post"] = {"x": xx, "y": yy}
        wx = np.asarray(r["window_dt"], np.float32)
        wy = np.asarray(r["window_dw"], np.float32)
        d["window"] = {"x": wx, "y": wy}
        d["window_line"] = {"x": wx, "y": wy}
        fine = np.linspace(-100.0, 100.0, 801)
        from ..experiments import stdp_analytic_window
        d["window_analytic"] = {"x": fine.astype(np.float32),
                                "y": stdp_analytic_window(v, fine).astype(np.float32)}
        lo = float(min(np.nanmin(wy), 0.0))
        hi = float(max(np.nanmax(wy), 0.0))
        pad = 0.05 * (hi - lo or 1e-3)
        dt = v["delta_t_ms"]
        d["delta_t_marker"] = {"x": np.array([dt, dt], np.float32), "y": np.array([lo - pad, hi + pad], np.float32)}
        d["zero"] = {"x": np.array([-100, 100], np.float32), "y": np.zeros(2, np.float32)}
        return d

    def _summary(self, r):
        w = r["w"]
        return f"Δw total {w[-1] - w[0]:+.4f} (w {w[0]:.3f} → {w[-1]:.3f}) · {r['pairs_in_window']} pairs"
