"""Synapse lab, learning mode: STDP from correlated inputs, with a time slider through the run.

One run per parameter change (up to 200 s of simulated time, about a second; the status line
says "running…" meanwhile); the time slider only redraws what was recorded, it never simulates.

Figures and widgets
-------------------
``stpx-fig-learn-hist``  the weight histogram at the slider's time, stacked: correlated group
                         (orange) and the other inputs (blue); fixed bins over [0, 1]
``stpx-fig-learn-w``     mean weight of the group and of the others over time
``stpx-fig-learn-rate``  the output rate over time
``stpx-learn-legend``    the colours (beside the figures, never over the data)
``stpx-learn-time``      the time slider (s); ``stpx-learn-play`` plays it; a grey line marks
                         its time in the two time figures
"""

from __future__ import annotations

import html

import ipywidgets as W
import numpy as np
from bqplot import Bars, LinearScale

from stpexplorer.experiments.learning import LEARN_N_INPUTS, LEARN_RECORD_MS, LEARN_W0
from stpexplorer.ui.plot.marks import fig, lines, x_axis, y_axis
from stpexplorer.ui.parts.panel import Panel
from stpexplorer.ui.plot.colors import COLORS

__all__ = ["HIST_EDGES", "LearningPanel", "weight_histograms"]

HIST_EDGES = np.linspace(0.0, 1.0, 21)  # the weights' hard bounds [0, 1], 20 bins
GROUP, OTHERS = COLORS["orange"], COLORS["blue"]


def weight_histograms(w, in_group, edges=HIST_EDGES) -> np.ndarray:
    """Counts (n_records, 2, n_bins) of the weights ``w`` (n_records, n_inputs) in ``edges``:
    row 0 the inputs of the group (``in_group``), row 1 the others; the bins of
    ``np.histogram`` (the last one closed), values outside the edges not counted."""
    w = np.asarray(w, np.float64)
    nb = edges.size - 1
    idx = np.searchsorted(edges, w, side="right") - 1
    idx = np.where(w == edges[-1], nb - 1, idx)
    inside = (idx >= 0) & (idx < nb)
    out = np.zeros((w.shape[0], 2, nb), np.int64)
    for row, mask in enumerate((np.asarray(in_group, bool), ~np.asarray(in_group, bool))):
        k = np.where(inside & mask[None, :], np.arange(w.shape[0])[:, None] * nb + idx, -1)
        out[:, row] = np.bincount(k[k >= 0], minlength=w.shape[0] * nb).reshape(w.shape[0], nb)
    return out


def nice_ticks(hi: float, n: int = 5) -> np.ndarray:
    """Ticks 0, s, 2s, ... up to ``hi`` with s in 1, 2, 2.5, 5 × 10^k and at most ``n + 1`` of them
    (explicit values: bqplot's ``num_ticks`` spaces them evenly over the padded domain, 0.147726)."""
    hi = max(float(hi), 1e-9)
    e = np.floor(np.log10(hi / n))
    step = next(m * 10.0 ** e for m in (1, 2, 2.5, 5, 10) if hi / (m * 10.0 ** e) <= n)
    return np.round(np.arange(0.0, hi * (1 + 1e-9), step), 10)


def _mean_text(m) -> str:
    """A mean weight as text; "none" for an empty set (NaN)."""
    return "none" if np.isnan(m) else f"{m:.2f}"


def _legend():
    def sw(color, text, sym="&#9632;"):
        return (f"<span style='white-space:nowrap;margin-right:1.2em'><b style='color:{color}'>{sym}</b> "
                f"{html.escape(text)}</span>")
    h = W.HTML(sw(GROUP, "correlated group") + sw(OTHERS, "other inputs")
               + sw(COLORS["green"], "output rate", "&#9472;&#9472;")
               + sw(COLORS["grey"], "time of the histogram", "&#9474;"))
    h.add_class("stpx-learn-legend")
    return h


class LearningPanel(Panel):
    """Learning from correlated inputs (Song, Miller & Abbott 2000) with a time slider.

    Besides the Panel API: ``time_slider`` (s), ``show_time(t_s)``, ``hist_counts()`` (2, n_bins)
    as drawn, ``histograms`` (n_records, 2, n_bins) of the last run."""

    key = "learning"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # pins and zoom act on the panels' ms time axis: not drawn here (time in s, records of
        # 1 s), so not offered
        self._tools.layout.display = "none"

    def _build_controls(self):
        super()._build_controls()
        for w in self.sliders.values():  # one run per release, not one per pixel of a drag
            if hasattr(w, "continuous_update"):
                w.continuous_update = False

    def _build(self):
        L = self.lines
        self.histograms = np.zeros((1, 2, HIST_EDGES.size - 1), np.int64)
        centres = (0.5 * (HIST_EDGES[1:] + HIST_EDGES[:-1])).astype(np.float32)
        xb, self._hist_y = LinearScale(min=0.0, max=1.0), LinearScale(min=0.0, max=float(LEARN_N_INPUTS))
        L["hist"] = Bars(x=centres, y=np.zeros((2, centres.size), np.float32), type="stacked",
                         scales={"x": xb, "y": self._hist_y}, colors=[GROUP, OTHERS], padding=0.08)
        self._axes = {"w": x_axis(xb, "weight w (units of g_max)"), "count": y_axis(self._hist_y, "inputs")}
        self._axes["w"].tick_values = nice_ticks(1.0)
        f1 = fig("learn-hist", [L["hist"]], [self._axes["w"], self._axes["count"]], title="Weights", height=300)
        self._t = LinearScale(min=0.0, max=1.0)
        yw, yr = LinearScale(min=0.0, max=1.0), LinearScale(min=0.0)
        L["w_group"] = L["w_other"] = lines(self._t, yw, color=[GROUP, OTHERS], width=2)
        self.rows.update(w_group=0, w_other=1)
        L["cursor_w"] = lines(self._t, yw, color=COLORS["grey"], width=1.5)
        self._axes.update(t_w=x_axis(self._t, "time (s)"), t_rate=x_axis(self._t, "time (s)"),
                          mean=y_axis(yw, "mean weight"), rate=y_axis(yr, "output rate (Hz)"))
        self._axes["mean"].tick_values = nice_ticks(1.0, 4)
        f2 = fig("learn-w", [L["w_group"], L["cursor_w"]], [self._axes["t_w"], self._axes["mean"]],
                 title="Mean weight", height=200)
        L["rate"] = lines(self._t, yr, color=COLORS["green"], width=2)
        L["cursor_rate"] = lines(self._t, yr, color=COLORS["grey"], width=1.5)
        f3 = fig("learn-rate", [L["rate"], L["cursor_rate"]], [self._axes["t_rate"], self._axes["rate"]],
                 title="Output rate", height=200)
        self.figures.update(hist=f1, weights=f2, rate=f3)
        for f in (f1, f2, f3):
            f.layout.width = "100%"
        self.time_slider = W.IntSlider(value=1, min=1, max=1, step=1, description="time (s)",
                                       continuous_update=True, style={"description_width": "5em"},
                                       layout=W.Layout(width="100%", max_width="560px"))
        self.time_slider.add_class("stpx-learn-time")
        self._play = W.Play(value=1, min=1, max=1, step=1, interval=80, description="play")
        self._play.add_class("stpx-learn-play")
        W.jslink((self._play, "value"), (self.time_slider, "value"))
        self.time_slider.observe(lambda ch: self.show_time(ch["new"]), "value")
        self._readout = W.HTML("")
        self._readout.add_class("stpx-learn-readout")
        half = W.Layout(width="50%", min_width="320px")
        return W.VBox([_legend(), W.HBox([self._play, self.time_slider, self._readout],
                                         layout=W.Layout(align_items="center", flex_flow="row wrap")),
                       W.HBox([W.VBox([f1], layout=half), W.VBox([f2, f3], layout=half)],
                              layout=W.Layout(flex_flow="row wrap", width="100%"))],
                      layout=W.Layout(width="100%"))

    # ------------------------------------------------------------------ a run
    def _update_locked(self):
        self.messages.show([html.escape(f"running… ({self._read_values()['duration_s']:g} s of simulated time)")])
        ok = super()._update_locked()
        if ok:
            n = self.histograms.shape[0]
            end = round(n * LEARN_RECORD_MS / 1000.0)
            with self.time_slider.hold_trait_notifications(), self._play.hold_trait_notifications():
                self.time_slider.max = self._play.max = end
                self.time_slider.value = self._play.value = end
            self.show_time(end)
        return ok

    def _plot_data(self, r, v):
        t_s = np.asarray(r.t, np.float64) / 1000.0
        self.histograms = weight_histograms(r.w, r.in_group)
        top = float(self.histograms.sum(axis=1).max())
        self._hist_y.max = max(10.0, 1.1 * top)
        self._axes["count"].tick_values = nice_ticks(self._hist_y.max, 4)
        self._axes["rate"].tick_values = nice_ticks(float(np.max(r.rate_out_hz)), 4)
        self._axes["t_w"].tick_values = self._axes["t_rate"].tick_values = nice_ticks(float(r.t[-1]) / 1000.0, 5)
        x = np.concatenate([[0.0], t_s]).astype(np.float32)  # the run starts from w0 at t = 0
        w0 = LEARN_W0
        means = np.stack([np.concatenate([[w0], np.nan_to_num(m, nan=w0)]) for m in (r.w_group_mean, r.w_other_mean)])
        self._t.max = float(t_s[-1])
        shown = [1.0 if r.in_group.any() else 0.0, 1.0 if (~r.in_group).any() else 0.0]  # an empty set: no line
        return {"w_group": {"x": x, "y": means.astype(np.float32), "opacities": shown},
                "rate": {"x": t_s.astype(np.float32), "y": np.asarray(r.rate_out_hz, np.float32)}}

    # ------------------------------------------------------------------ the time slider
    def _index(self, t_s: float) -> int:
        n = self.histograms.shape[0]
        return int(min(max(round(t_s * 1000.0 / LEARN_RECORD_MS) - 1, 0), n - 1))

    def show_time(self, t_s: float) -> None:
        """Draw the recorded histogram at ``t_s`` (s) and move the time lines; never simulates."""
        if self.result is None:
            return
        k = self._index(t_s)
        r, counts = self.result, self.histograms[k]
        t = float(r.t[k]) / 1000.0
        L = self.lines
        with L["hist"].hold_sync():
            L["hist"].y = counts.astype(np.float32)
        self.figures["hist"].title = f"Weights at t = {t:g} s"
        for name, scale in (("cursor_w", L["w_group"].scales["y"]), ("cursor_rate", L["rate"].scales["y"])):
            hi = 1.0 if name == "cursor_w" else float(max(np.max(r.rate_out_hz), 1.0))
            with L[name].hold_sync():
                L[name].x, L[name].y = np.array([t, t], np.float32), np.array([0.0, hi], np.float32)
        g, o = _mean_text(r.w_group_mean[k]), _mean_text(r.w_other_mean[k])
        self._readout.value = html.escape(f"mean w: group {g}, others {o} · output {r.rate_out_hz[k]:.0f} Hz")

    def hist_counts(self) -> np.ndarray:
        """The counts the histogram shows now, (2, n_bins): group, others."""
        return np.asarray(self.lines["hist"].y).astype(np.int64)

    def _summary(self, r):
        split = float(np.mean((r.w[-1] < 0.1) | (r.w[-1] > 0.9)))
        return (f"{r.t[-1] / 1000:g} s simulated · final mean w: group {_mean_text(r.w_group_mean[-1])}, "
                f"others {_mean_text(r.w_other_mean[-1])} · {split:.0%} of the weights near 0 or 1 · "
                f"output {r.rate_out_hz[0]:.0f} → {r.rate_out_hz[-1]:.0f} Hz")
