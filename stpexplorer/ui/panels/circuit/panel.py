"""Synapse lab panel: Poisson inputs through STP synapses onto an adaptive LIF neuron with STDP.

Two views (a :class:`~stpexplorer.ui.parts.tabs.LazyTab`, class ``stpx-lab-views``): "Circuit (1 s)",
the panel below, and "Learning (fast-forward)", the learning mode
(:class:`~stpexplorer.ui.panels.circuit.learning.LearningPanel`, ``.learning``: STDP from correlated inputs
over up to 200 s, with its own controls), simulated when first shown.

Figures of the circuit view
---------------------------
``stpx-fig-stp``     u, x and the release W·u·x: the mean over the synapses (thick) and a few
                     synapses (thin)
``stpx-fig-neuron``  v(t) under the adaptive threshold θ(t), output spikes as ticks on top
``stpx-fig-weights`` the STDP weights over time (mean thick, a few synapses thin)
``stpx-fig-hist``    the final weight histogram (fixed bins over [0, 1])
"""

from __future__ import annotations

import ipywidgets as W
import numpy as np

from bqplot import Bars, LinearScale

from stpexplorer.experiments import CIRCUIT_SHOWN
from stpexplorer.ui.panels.circuit.learning import LearningPanel
from stpexplorer.ui.plot.marks import dec, fig, lines, membrane_figure, ticks, x_axis, y_axis
from stpexplorer.ui.parts.panel import Panel
from stpexplorer.ui.plot.colors import COLORS
from stpexplorer.ui.parts.tabs import LazyTab

__all__ = ["HIST_BINS", "CircuitPanel"]

HIST_BINS = np.linspace(0.0, 1.0, 21)
CONTEXT_POINTS = 500


class CircuitPanel(Panel):
    """STP synapses → adaptive LIF neuron, with STDP on the weights."""

    key = "circuit"

    def __init__(self, *, defer: bool = False, files: str = "auto", **values):
        super().__init__(defer=defer, files=files, **values)

        self.learning = LearningPanel(defer=True, files=files)
        style, *rest = self.children
        self.views = LazyTab([W.VBox(rest, layout=W.Layout(width="100%")), self.learning],
                             ["Circuit (1 s)", "Learning (fast-forward)"], on_show=self._show_view,
                             layout=W.Layout(width="100%"))
        self.views.add_class("stpx-lab-views")
        self.children = [style, self.views]

    def _show_view(self, i: int) -> None:
        if i == 1 and self.learning.result is None:
            # in the page first, so that its "running…" status shows during the first run
            self.views.boxes[1].children = (self.learning,)
            self.learning.ensure_plotted()

    def _build(self):
        x, L = self.x, self.lines
        y = LinearScale(min=0.0, max=1.02)
        # traces that change together share a mark (rows of y): fewer messages per change
        trio = [COLORS["orange"], COLORS["blue"], COLORS["green"]]
        L["u"] = L["x"] = L["wdyn"] = lines(x, y, color=trio, width=2,
                                            label=["u (mean)", "x (mean)", "release W·u·x (last spike, mean)"])
        n = CIRCUIT_SHOWN
        L["u_syn"] = L["x_syn"] = L["wdyn_syn"] = lines(x, y, color=[c for c in trio for _ in range(n)],
                                                        width=0.7, opacities=[0.45] * (3 * n))
        self.rows.update(u=0, x=1, wdyn=2, u_syn=slice(0, n), x_syn=slice(n, 2 * n), wdyn_syn=slice(2 * n, 3 * n))
        f1 = fig("stp", [L["u"], L["u_syn"]],
                 [x_axis(x, "time (ms)"), y_axis(y, "u, x, release W·u·x")],
                 title=f"STP synapses: mean and {CIRCUIT_SHOWN} synapses", height=240)
        marks, f2 = membrane_figure("neuron", x, ("v", "thr", "spikes"), title="Neuron (ticks: output spikes)")
        L.update(marks)
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
        t = r.t
        k = CIRCUIT_SHOWN
        d = {}
        X, Y = dec(t, np.stack([r.u_mean, r.x_mean, r.wdyn_mean], axis=1))
        d["u"] = {"x": X, "y": Y}
        # the individual synapses are thin context lines behind the means: 500 points each
        # (min/max per bucket keeps every peak) keep the browser's redraw short
        X, Y = dec(t, np.concatenate([r.u[:, :k], r.x[:, :k], r.wdyn[:, :k]], axis=1), CONTEXT_POINTS)
        d["u_syn"] = {"x": X, "y": Y}
        xx, yy = dec(t, r.w_mean)
        d["w"] = {"x": xx, "y": yy}
        X, Y = dec(t, r.w[:, :k], CONTEXT_POINTS)
        d["w_syn"] = {"x": X, "y": Y}
        for name in ("v", "thr"):
            xx, yy = dec(t, getattr(r, name))
            d[name] = {"x": xx, "y": yy}
        top = float(max(np.max(r.thr), np.max(r.v)))
        xx, yy = ticks(t[r.spikes > 0.5], top + 1.0, top + 4.0)
        d["spikes"] = {"x": xx, "y": yy}
        counts, _ = np.histogram(np.clip(r.w_final, HIST_BINS[0], HIST_BINS[-1]), bins=HIST_BINS)
        d["w_hist"] = {"y": counts.astype(np.float32)}
        return d

    def _summary(self, r):
        return (f"output rate {r.rate_out_hz:.1f} Hz · mean w {float(np.mean(r.w_final)):.3f} · "
                f"mean release W·u·x {float(np.mean(r.wdyn_mean)):.3f}")
