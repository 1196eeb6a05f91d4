"""Synapse lab panel: Poisson inputs through STP synapses onto an adaptive LIF neuron with STDP.

Figures
-------
``stpx-fig-stp``     u, x and Wdyn: the mean over the synapses (thick) and a few synapses (thin)
``stpx-fig-neuron``  v(t) under the adaptive threshold θ(t), output spikes as ticks on top
``stpx-fig-weights`` the STDP weights over time (mean thick, a few synapses thin)
``stpx-fig-hist``    the final weight histogram (fixed bins over [0, 1])
"""

from __future__ import annotations

import ipywidgets as W
import numpy as np
from bqplot import Bars, LinearScale, OrdinalScale

from ..experiments import CIRCUIT_SHOWN
from ._base import COLORS, Panel, dec, fig, lines, ticks, x_axis, y_axis

__all__ = ["CircuitPanel", "HIST_BINS"]

HIST_BINS = np.linspace(0.0, 1.0, 21)


class CircuitPanel(Panel):
    """STP synapses → adaptive LIF neuron, with STDP on the weights."""

    key = "circuit"
    groups = [("Synapses (STP) and input", ["U", "tau_f", "tau_d", "rate_hz", "seed", "gain"]),
              ("Neuron", ["v_th", "theta_plus", "tau_theta"]),
              ("STDP", ["A_plus", "A_minus", "tau_plus", "tau_minus", "bounds", "w0"])]

    def _build(self):
        x, L = self.x, self.lines
        y = LinearScale(min=0.0, max=1.02)
        L["u"] = lines(x, y, color=COLORS["orange"], width=2, label="u (mean)")
        L["x"] = lines(x, y, color=COLORS["blue"], width=2, label="x (mean)")
        L["wdyn"] = lines(x, y, color=COLORS["green"], width=2, label="Wdyn (mean)")
        L["u_syn"] = lines(x, y, color=COLORS["orange"], width=0.7, opacities=[0.45])
        L["x_syn"] = lines(x, y, color=COLORS["blue"], width=0.7, opacities=[0.45])
        L["wdyn_syn"] = lines(x, y, color=COLORS["green"], width=0.7, opacities=[0.45])
        f1 = fig("stp", [L[k] for k in ("u", "x", "wdyn", "u_syn", "x_syn", "wdyn_syn")],
                 [x_axis(x, "time (ms)"), y_axis(y, "u, x, Wdyn")],
                 title=f"STP synapses: mean and {CIRCUIT_SHOWN} synapses", height=240)
        yv = LinearScale()
        L["v"] = lines(x, yv, color=COLORS["blue"], label="v")
        L["thr"] = lines(x, yv, color=COLORS["red"], dash=True, label="θ (threshold)")
        L["spikes"] = lines(x, yv, color=COLORS["grey"], width=1)
        f2 = fig("neuron", [L["v"], L["thr"], L["spikes"]],
                 [x_axis(x, "time (ms)"), y_axis(yv, "membrane potential (mV)")],
                 title="Neuron (ticks: output spikes)", height=240)
        yw = LinearScale()
        L["w"] = lines(x, yw, color=COLORS["purple"], width=2, label="w (mean)")
        L["w_syn"] = lines(x, yw, color=COLORS["purple"], width=0.7, opacities=[0.45])
        f3 = fig("weights", [L["w"], L["w_syn"]], [x_axis(x, "time (ms)"), y_axis(yw, "weight w")],
                 title="STDP weights", height=220)
        xb, yb = LinearScale(min=0.0, max=1.0), LinearScale(min=0.0)
        centers = 0.5 * (HIST_BINS[1:] + HIST_BINS[:-1])
        L["w_hist"] = Bars(x=centers.astype(np.float32), y=np.zeros(centers.size, np.float32),
                           scales={"x": xb, "y": yb}, colors=[COLORS["purple"]], padding=0.1)
        f4 = fig("hist", [L["w_hist"]], [x_axis(xb, "final weight"), y_axis(yb, "synapses")],
                 title="Final weights", height=220)
        self.figures.update(stp=f1, neuron=f2, weights=f3, hist=f4)
        for f in (f1, f2, f3, f4):
            f.layout.width = "100%"
        half = W.Layout(width="50%", min_width="320px")
        return W.HBox([W.VBox([f1, f2], layout=half), W.VBox([f3, f4], layout=half)],
                      layout=W.Layout(flex_flow="row wrap", width="100%"))

    def _plot_data(self, r, v):
        t = r["t"]
        k = CIRCUIT_SHOWN
        d = {}
        for name in ("u", "x", "wdyn", "w"):
            xx, yy = dec(t, r[f"{name}_mean"])
            d[name] = {"x": xx, "y": yy}
        for name in ("u", "x", "wdyn", "w"):
            X, Y = dec(t, r[name][:, :k])
            d[f"{name}_syn"] = {"x": X, "y": Y}
        for name in ("v", "thr"):
            xx, yy = dec(t, r[name])
            d[name] = {"x": xx, "y": yy}
        top = float(max(np.max(r["thr"]), np.max(r["v"])))
        xx, yy = ticks(t[r["spikes"] > 0.5], top + 1.0, top + 4.0)
        d["spikes"] = {"x": xx, "y": yy}
        counts, _ = np.histogram(np.clip(r["w_final"], HIST_BINS[0], HIST_BINS[-1]), bins=HIST_BINS)
        d["w_hist"] = {"y": counts.astype(np.float32)}
        return d

    def _summary(self, r):
        return (f"output rate {r['rate_out_hz']:.1f} Hz · mean w {float(np.mean(r['w_final'])):.3f} · "
                f"mean Wdyn {float(np.mean(r['wdyn_mean'])):.3f}")
