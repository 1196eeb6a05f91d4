"""Zoom of the panels' shared time axis: pan and zoom with the mouse, "fit to the train".

:class:`Zoom` is a part a :class:`~stpexplorer.ui.parts.panel.Panel` holds. The **Pan/zoom** toggle
(``stpx-zoom-pan``, off by default: a PanZoom takes the mouse wheel from page scrolling) gives
every figure drawn on the shared time scale (the ``x`` it is given) without an interaction of its own a
bqplot ``PanZoom`` on that scale only (drag pans, the wheel zooms; all time figures of the
panel follow, since they share the scale). Two buttons:

* **Fit to train** (``stpx-zoom-fit``): the axis spans the input spikes plus a margin
  (:func:`train_range`): the train of the STP panel, the pre/post pairs of the STDP panel;
* **Full window** (``stpx-zoom-full``): 0 … the end of the simulated window (the default).

The choice is kept while sliders move: "train" re-fits to the new train, "full" follows the
window, and a range set by the mouse ("user") stays (clipped to the window).
"""

from __future__ import annotations

import ipywidgets as W
import numpy as np
from bqplot import PanZoom

from stpexplorer.ui.parts.state import PanelState

__all__ = ["Zoom", "train_range", "train_times"]

_MARGIN = 0.08   # of the spikes' span, each side
_MIN_MARGIN_MS = 5.0


def _t(result) -> np.ndarray:
    return np.asarray(result.t if hasattr(result, "t") else result["t"], np.float64)


def train_times(result) -> np.ndarray:
    """Times (ms) of the input spikes of ``result``: ``spike_times``, else the steps where
    ``pre`` or ``post`` (a pairing protocol) is 1; empty when it has none of these."""
    st = getattr(result, "spike_times", None)
    if st is not None:
        return np.asarray(st, np.float64)
    t = _t(result)
    on = np.zeros(t.shape, bool)
    for name in ("pre", "post"):
        a = getattr(result, name, None)
        if a is not None:
            on |= np.asarray(a).reshape(t.size, -1).max(axis=1) > 0.5
    return t[on]


def train_range(result) -> tuple[float, float]:
    """``(t0, t1)`` ms: the span of the input spikes plus a margin of 8 % of it each side (at
    least 5 ms), within the window [0, t[-1]]; the whole window when there are no spikes."""
    end = float(_t(result)[-1])
    s = train_times(result)
    if s.size == 0:
        return 0.0, end
    lo, hi = float(s.min()), float(s.max())
    pad = max(_MARGIN * (hi - lo), _MIN_MARGIN_MS)
    return max(0.0, lo - pad), min(end, hi + pad)


class Zoom:
    """``Zoom(figures, x, state)``: ``zoom_fit()``, ``zoom_full()``, ``zoom_mode`` ("full",
    "train" or "user"), ``time_range`` (the axis' (min, max)), ``zoom_fit_button``,
    ``zoom_full_button``, ``zoom_pan_toggle`` (``buttons``: the three). ``figures``:
    ``{name: Figure}``; ``x``: their shared time scale; ``state``: the panel's
    :class:`PanelState` (the fit and the window come from its ``result``). The panel asks
    :meth:`x_range` for the axis of each new result."""

    def __init__(self, figures: dict, x, state: PanelState):
        self.x, self._state = x, state
        self.zoom_mode = "full"
        self._zoom_expect = {}
        self.zoom_fit_button = W.Button(description="Fit to train", icon="compress",
                                        tooltip="time axis: the input spikes plus a margin",
                                        layout=W.Layout(width="120px"))
        self.zoom_fit_button.add_class("stpx-zoom-fit")
        self.zoom_full_button = W.Button(description="Full window", icon="expand",
                                         tooltip="time axis: the whole simulated window",
                                         layout=W.Layout(width="120px"))
        self.zoom_full_button.add_class("stpx-zoom-full")
        self.zoom_fit_button.on_click(lambda _: self.zoom_fit())
        self.zoom_full_button.on_click(lambda _: self.zoom_full())
        self.x.observe(self._on_x_range, ["min", "max"])
        self._timed = [f for f in figures.values()
                       if f.interaction is None and any(getattr(m, "scales", {}).get("x") is self.x for m in f.marks)]
        # off by default: a PanZoom takes the mouse wheel, which would zoom instead of scrolling the page
        self.zoom_pan_toggle = W.ToggleButton(value=False, description="Pan/zoom", icon="arrows",
                                              tooltip="drag the time figures to pan, the wheel zooms",
                                              layout=W.Layout(width="110px"))
        self.zoom_pan_toggle.add_class("stpx-zoom-pan")
        self.zoom_pan_toggle.observe(self._on_pan_toggle, "value")
        self.buttons = [self.zoom_fit_button, self.zoom_full_button, self.zoom_pan_toggle]
        if not self._timed:  # no figure on the shared time axis (the Fit panel): nothing to zoom
            for w in self.buttons:
                w.layout.display = "none"

    def _on_pan_toggle(self, change):
        pz = PanZoom(scales={"x": [self.x]}) if change["new"] else None
        for f in self._timed:
            f.interaction = pz

    @property
    def time_range(self) -> tuple[float, float]:
        return float(self.x.min), float(self.x.max)

    def zoom_fit(self) -> None:
        """Time axis to the input spikes plus a margin (kept while sliders move)."""
        self.zoom_mode = "train"
        if self._state.result is not None:
            self._set_x(*train_range(self._state.result))

    def zoom_full(self) -> None:
        """Time axis to the whole window (kept while sliders move)."""
        self.zoom_mode = "full"
        if self._state.result is not None:
            self._set_x(0.0, float(_t(self._state.result)[-1]))

    def x_range(self, result, end: float) -> dict:
        """``{"min", "max"}`` of the time axis for a new ``result`` (window 0 … ``end`` ms),
        by the zoom mode."""
        if self.zoom_mode == "train":
            lo, hi = train_range(result)
        elif self.zoom_mode == "user" and self.x.min is not None and self.x.max is not None:
            lo, hi = max(0.0, float(self.x.min)), min(end, float(self.x.max))
            if not hi > lo:
                lo, hi = 0.0, end
        else:
            lo, hi = 0.0, end
        self._zoom_expect = {"min": lo, "max": hi}
        return dict(self._zoom_expect)

    def _set_x(self, lo, hi):
        self._zoom_expect = {"min": float(lo), "max": float(hi)}
        with self.x.hold_sync():
            self.x.min, self.x.max = float(lo), float(hi)

    def _on_x_range(self, change):
        """A range we did not set (the mouse's PanZoom): keep it while sliders move."""
        want = self._zoom_expect.get(change["name"])
        if change["new"] is not None and (want is None or abs(float(change["new"]) - want) > 1e-9 * (1 + abs(want))):
            self.zoom_mode = "user"
