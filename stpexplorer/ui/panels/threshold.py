"""Adaptive thresholds panel: a WTAS layer and an adaptive LIF neuron on one time axis.

Figures
-------
``stpx-fig-wtas``      spike raster of the WTAS units (ticks, one row per unit)
``stpx-fig-wtas_thr``  each unit's threshold θ_i(t)
``stpx-fig-wtas_p``    the softmax probabilities p_i(t) as a heat map (units × time); its colour
                       bar (``stpx-colorbar``, an HTML row under it) spans the data's range
``stpx-fig-alif``      adaptive LIF: v(t) under its threshold θ(t), spikes as ticks on top
``stpx-fig-alif_rate`` the adapting instantaneous firing rate (1 / inter-spike interval)
"""

from __future__ import annotations

import ipywidgets as W
import numpy as np
from bqplot import ColorScale, HeatMap, LinearScale

from stpexplorer.ui.plot.legend import colorbar_html
from stpexplorer.ui.plot.marks import (
    dec,
    fig,
    int_tick_values,
    lines,
    membrane_figure,
    nice_ticks,
    ticks,
    x_axis,
    y_axis,
)
from stpexplorer.ui.parts.panel import Panel
from stpexplorer.ui.plot.colors import COLORS, CYCLE

__all__ = ["ThresholdPanel"]


def _raster(spikes: np.ndarray, t: np.ndarray):
    """All units' spikes as one NaN-separated tick path; row i spans i ± 0.35."""
    steps, units = np.nonzero(spikes > 0.5)
    if steps.size == 0:
        return np.zeros(1, np.float32), np.full(1, np.nan, np.float32)
    x = np.repeat(t[steps].astype(np.float32), 3)[:-1]  # end on a point (see _marks.ticks)
    y = np.stack([units - 0.35, units + 0.35, np.full(units.shape, np.nan)], axis=1).reshape(-1)[:-1]
    return x, y.astype(np.float32)


class ThresholdPanel(Panel):
    """WTAS threshold homeostasis and spike-frequency adaptation of an adaptive LIF neuron."""

    key = "threshold"
    # a WTAS refractory period ≤ dt (0.5 ms) has no effect: keyboard steps of 1 ms
    step_overrides = {"refract_ms": 1.0}

    def _build(self):
        x, L = self.x, self.lines
        yr = LinearScale(min=-0.6, max=15.6)
        self._raster_y = yr
        L["raster"] = lines(x, yr, color=COLORS["blue"], width=1)
        self._raster_ax = y_axis(yr, "unit")
        f1 = fig("wtas", [L["raster"]], [x_axis(x, "time (ms)"), self._raster_ax],
                 title="WTAS spikes", height=210)
        yt = LinearScale(min=0.0)
        L["thr"] = lines(x, yt, color=CYCLE, width=1.2)
        L["thr_1_over_n"] = lines(x, yt, color=COLORS["grey"], dash=True, width=1, label="1/n")
        f2 = fig("wtas_thr", [L["thr"], L["thr_1_over_n"]], [x_axis(x, "time (ms)"), y_axis(yt, "threshold θ")],
                 title="WTAS thresholds θ (one line per unit)", height=200)
        xh, yh = LinearScale(), LinearScale()
        cs = self._p_cs = ColorScale(scheme="viridis", min=0.0, max=1.0)
        L["p"] = HeatMap(x=np.arange(2, dtype=np.float32), y=np.arange(2, dtype=np.float32),
                         color=np.zeros((2, 2), np.float32), scales={"x": xh, "y": yh, "color": cs})
        self._p_ax = y_axis(yh, "unit")
        f3 = fig("wtas_p", [L["p"]], [x_axis(xh, "time (ms)"), self._p_ax],
                 title="Softmax firing probability p of each unit", height=200)

        marks, f4 = membrane_figure("alif", x, ("v", "alif_thr", "alif_spikes"),
                                    title="Adaptive LIF neuron (current on 100–900 ms)")
        L.update(marks)
        ya = LinearScale(min=0.0)
        L["rate"] = lines(x, ya, color=COLORS["green"], marker="circle", marker_size=16,
                          label="1 / ISI")
        # ≤ 4 round ticks (set with the data): a preset's high rates crammed 14 labels into the short axis
        self._rate_ax = y_axis(ya, "rate (Hz)")
        f5 = fig("alif_rate", [L["rate"]], [x_axis(x, "time (ms)"), self._rate_ax],
                 title="Adapting firing rate", height=200)
        self.figures.update(wtas=f1, wtas_thr=f2, wtas_p=f3, alif=f4, alif_rate=f5)
        half = W.Layout(width="50%", min_width="320px")
        for f in (f1, f2, f3, f4, f5):
            f.layout.width = "100%"
        # the colour bar is an HTML row under the map (bqplot's vertical bar needs > 300 px)
        self.p_colorbar = W.HTML("", layout=W.Layout(margin="-4px 0 6px 0"))
        self.p_colorbar.add_class("stpx-legend")
        self.p_colorbar.add_class("stpx-colorbar")
        return W.HBox([W.VBox([f1, f2, f3, self.p_colorbar], layout=half), W.VBox([f4, f5], layout=half)],
                      layout=W.Layout(flex_flow="row wrap", width="100%"))

    @property
    def _marks(self):
        return {"_raster_y": self._raster_y, "_p_cs": self._p_cs, "_raster_ax": self._raster_ax,
                "_p_ax": self._p_ax, "_rate_ax": self._rate_ax}

    def _plot_data(self, r, v):
        t = r.t.astype(np.float32)
        n = v["n_units"]
        d = {}
        xx, yy = _raster(r.wtas_spikes, t)
        d["raster"] = {"x": xx, "y": yy}
        d["_raster_y"] = {"max": n - 0.4}
        X, Y = dec(t, r.wtas_thr)
        d["thr"] = {"x": X, "y": Y}
        d["thr_1_over_n"] = {"x": np.array([t[0], t[-1]], np.float32), "y": np.full(2, 1.0 / n, np.float32)}
        p = np.asarray(r.wtas_p, np.float32)
        step = max(1, p.shape[0] // 500)  # ≤ 500 columns: mean probability per bin
        m = p.shape[0] // step
        pb = p[: m * step].reshape(m, step, n).mean(axis=1)
        d["p"] = {"x": t[: m * step: step] + 0.5 * step * float(t[1] - t[0]),
                  "y": np.arange(n, dtype=np.float32), "color": np.ascontiguousarray(pb.T)}
        lo, hi = float(np.min(pb)), float(np.max(pb))
        d["_p_cs"] = {"min": lo, "max": hi if hi > lo else lo + 1e-3}  # the data's range: contrast
        self.p_colorbar.value = colorbar_html("p (firing probability)", lo, hi)
        units = int_tick_values(0, n - 1, 6)
        d["_raster_ax"] = d["_p_ax"] = {"tick_values": units, "tick_format": "d"}
        xx, yy = dec(t, r.alif_v)
        d["v"] = {"x": xx, "y": yy}
        xx, yy = dec(t, r.alif_thr)
        d["alif_thr"] = {"x": xx, "y": yy}
        top = float(max(np.max(r.alif_thr), np.max(r.alif_v)))
        xx, yy = ticks(r.alif_spike_times, top + 1.0, top + 4.0)
        d["alif_spikes"] = {"x": xx, "y": yy}
        rt, rh = np.asarray(r.alif_rate_t, np.float32), np.asarray(r.alif_rate_hz, np.float32)
        if rt.size == 0:
            rt, rh = np.array([t[0]], np.float32), np.array([np.nan], np.float32)
        d["rate"] = {"x": rt, "y": rh}
        top = float(np.nanmax(rh)) if np.isfinite(rh).any() else 1.0
        d["_rate_ax"] = {"tick_values": nice_ticks(0.0, max(top, 1.0), 4)}
        return d

    def _summary(self, r):
        n_spk = int(r.alif_spikes.sum())
        rate = r.alif_rate_hz
        adapt = f" · rate {rate[0]:.0f}→{rate[-1]:.0f} Hz" if rate.size > 1 else ""
        wins = float(np.mean(r.wtas_count))
        return f"WTAS spikes/step {wins:.2f} · LIF spikes {n_spk}{adapt}"
