"""A heat-map figure kit: :class:`HeatMapView` (reused by the parameter map, and meant for
the STDP Δw map and the Fit loss landscape).

API
---
``view = HeatMapView(name, height=420)`` builds, once, a bqplot Figure (DOM class
``stpx-fig-<name>``) holding:

* ``view.heatmap``   bqplot ``HeatMap``: ``.x`` (nx,) and ``.y`` (ny,) cell centres, ``.color`` (ny, nx);
* ``view.colorbar``  a vertical ``ColorAxis`` on the right, labelled (``view.color_scale`` its ColorScale);
* ``view.marker``    the current point: a black cross (``Lines``, two rows) on a white halo
  (``view.marker_halo``), hidden when the point is off the map;
* ``view.contour``   a ``Lines`` mark, one row per level line (hidden when there is none);
* ``view.click_layer`` a transparent bqplot ``Image`` over the cells that reports clicks
  (bqplot's HeatMap, drawn on a canvas, sends none);
* ``view.figure``, ``view.x_axis``, ``view.y_axis``.

``view.draw(x, y, values, x_log=, y_log=, x_label=, y_label=, color_label=, current=(x0, y0),
contour=[(k, 2) arrays], mid=None, title="")`` updates every mark in place (one message per mark);
a log axis swaps the scale objects, never the figure. ``mid`` (e.g. 1.0 for a ratio) gives a
diverging colour map centred there (blue below, vermilion above, Okabe–Ito); None a
sequential one (viridis). Keep ``color_label`` short (it sits above the colour bar); a long
description goes in ``title``. ``view.on_click(callback)`` calls ``callback(x, y)`` in data
units; ``view.cell_at(x, y)`` is the nearest cell ``(i, j)`` (in log space on a log axis).
No legend: say what the marker and the line are in a caption beside the figure.
"""

from __future__ import annotations

import base64
import math

import ipywidgets as W
import numpy as np
from bqplot import (
    Axis,
    ColorAxis,
    ColorScale,
    Figure,
    HeatMap,
    Image,
    LinearScale,
    Lines,
    LogScale,
)

from stpexplorer.ui.plot.colors import COLORS

__all__ = ["HeatMapView", "nice_log_ticks"]

# the click layer is an image nobody sees: one RGBA pixel (0, 0, 0, 0)
_CLEAR_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAAC0lEQVR4nGNgAAIAAAUAAXpeqz8AAAAASUVORK5CYII=")
_DIVERGING = [COLORS["blue"], "#f2f2f2", COLORS["red"]]


def nice_log_ticks(lo: float, hi: float) -> np.ndarray:
    """1-2-5 ticks from ``lo`` to ``hi`` (a log axis reads 0.5, 1, 2, 5, 10, not 5e-1)."""
    out = [m * 10.0 ** e for e in range(math.floor(math.log10(lo)) - 1, math.ceil(math.log10(hi)) + 1)
           for m in (1, 2, 5)]
    return np.array([t for t in out if lo * (1 - 1e-9) <= t <= hi * (1 + 1e-9)], dtype=float)


def _edges(c: np.ndarray, log: bool) -> tuple[float, float]:
    """The outer edges of the first and last cells (half a cell beyond the centres)."""
    if log:
        q = math.sqrt(c[1] / c[0])
        return float(c[0] / q), float(c[-1] * math.sqrt(c[-1] / c[-2]))
    return float(c[0] - (c[1] - c[0]) / 2), float(c[-1] + (c[-1] - c[-2]) / 2)


class HeatMapView:
    """A labelled heat map with a colour bar, a current-point marker, level lines and clicks
    (see the module docstring)."""

    def __init__(self, name: str, *, height: int = 420):
        self._scales = {ax: {False: LinearScale(), True: LogScale()} for ax in "xy"}
        self._log = {"x": False, "y": False}
        sx, sy = self._scales["x"][False], self._scales["y"][False]
        self.color_scale = ColorScale(scheme="viridis")
        self.heatmap = HeatMap(x=np.arange(2.0), y=np.arange(2.0), color=np.zeros((2, 2)),
                               scales={"x": sx, "y": sy, "color": self.color_scale}, null_color="#bbbbbb")
        self.contour = Lines(x=np.zeros(1), y=np.zeros(1), scales={"x": sx, "y": sy}, colors=["black"],
                             stroke_width=2.5, visible=False)
        # the current point: a black cross on a white halo (Lines: its path moves with both sliders)
        self.marker_halo, self.marker = (
            Lines(x=np.zeros((2, 2)), y=np.zeros((2, 2)), scales={"x": sx, "y": sy}, colors=[c], stroke_width=w,
                  visible=False) for c, w in (("white", 6.0), ("black", 2.5)))
        self.click_layer = Image(image=W.Image(value=_CLEAR_PNG, format="png"), x=np.array([0.0, 1.0]),
                                 y=np.array([0.0, 1.0]), scales={"x": sx, "y": sy})
        self.x_axis = Axis(scale=sx, label="", side="bottom", tick_format="~g", label_offset="34px")
        self.y_axis = Axis(scale=sy, label="", side="left", tick_format="~g",
                           label_offset="44px")
        self.colorbar = ColorAxis(scale=self.color_scale, label="", side="right",
                                  tick_format="~g", label_offset="48px")
        self.figure = Figure(marks=[self.heatmap, self.marker_halo, self.marker, self.contour, self.click_layer],
                             axes=[self.x_axis, self.y_axis, self.colorbar], animation_duration=0,
                             fig_margin={"top": 36, "bottom": 46, "left": 66, "right": 118},
                             padding_x=0.0, padding_y=0.0, min_aspect_ratio=0.6, max_aspect_ratio=2.0,
                             display_toolbar=False,  # on hover it would cover the title
                             layout=W.Layout(width="100%", max_width="640px", height=f"{height}px",
                                             min_width="320px"))
        self.figure.add_class(f"stpx-fig-{name}")
        self._centres = {"x": np.arange(2.0), "y": np.arange(2.0)}
        self._listeners = []
        self.click_layer.on_element_click(self._clicked)

    # ------------------------------------------------------------------ clicks
    def on_click(self, callback) -> None:
        """Call ``callback(x, y)`` (data units) when a cell is clicked."""
        self._listeners.append(callback)

    def _clicked(self, _mark, content) -> None:
        data = content.get("data") or {}
        if "click_x" in data and "click_y" in data:
            for cb in self._listeners:
                cb(float(data["click_x"]), float(data["click_y"]))

    def cell_at(self, x: float, y: float) -> tuple[int, int]:
        """``(i, j)``: the cell nearest to (x, y), clipped to the map."""
        out = []
        for ax, v in (("x", x), ("y", y)):
            c = self._centres[ax]
            if self._log[ax]:
                c, v = np.log(c), math.log(max(float(v), 1e-300))
            out.append(int(np.argmin(np.abs(c - v))))
        return out[0], out[1]

    # ------------------------------------------------------------------ drawing
    def _set_log(self, ax: str, log: bool) -> None:
        if self._log[ax] == log:
            return
        self._log[ax] = log
        s = self._scales[ax][log]
        for m in (self.heatmap, self.contour, self.marker_halo, self.marker, self.click_layer):
            m.scales = {**m.scales, ax: s}
        (self.x_axis if ax == "x" else self.y_axis).scale = s

    def draw(self, x, y, values, *, x_log: bool, y_log: bool, x_label: str, y_label: str, color_label: str,
             current=None, contour=(), mid: float | None = None, title: str = "") -> None:
        """Show ``values`` (ny, nx) on cells centred at ``x`` (nx,), ``y`` (ny,); see the module doc."""
        x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
        vals = np.asarray(values, np.float64)
        self._centres = {"x": x, "y": y}
        with self.figure.hold_sync():
            self._set_log("x", x_log)
            self._set_log("y", y_log)
        (x0, x1), (y0, y1) = _edges(x, x_log), _edges(y, y_log)
        for ax, (lo, hi), log, axis, label in (("x", (x0, x1), x_log, self.x_axis, x_label),
                                               ("y", (y0, y1), y_log, self.y_axis, y_label)):
            s = self._scales[ax][log]
            with s.hold_sync():
                s.min, s.max = lo, hi
            with axis.hold_sync():
                axis.label = label
                axis.tick_values = nice_log_ticks(lo, hi) if log else None
        fin = vals[np.isfinite(vals)]
        vmin, vmax = (float(fin.min()), float(fin.max())) if fin.size else (0.0, 1.0)
        if vmax <= vmin:
            vmin, vmax = vmin - 0.5, vmax + 0.5
        with self.color_scale.hold_sync():
            if mid is None:
                self.color_scale.mid, self.color_scale.colors = None, []
                self.color_scale.scheme = "viridis"
                self.color_scale.min, self.color_scale.max = vmin, vmax
            else:  # diverging around mid: both sides always shown
                span = max(vmax - mid, mid - vmin, 1e-3)
                self.color_scale.colors = _DIVERGING
                self.color_scale.min = min(vmin, mid - 1e-3 * span)
                self.color_scale.max = max(vmax, mid + 1e-3 * span)
                self.color_scale.mid = mid
        self.colorbar.label = color_label
        self.figure.title = title
        with self.heatmap.hold_sync():
            self.heatmap.x, self.heatmap.y = x, y
            self.heatmap.color = vals.astype(np.float32)
        with self.click_layer.hold_sync():
            self.click_layer.x, self.click_layer.y = np.array([x0, x1]), np.array([y0, y1])
        self._draw_current(current, (x0, x1), (y0, y1))
        self._draw_contour(contour)

    def _arm(self, ax: str, v: float, cells: float = 2.0) -> np.ndarray:
        """``[v − cells, v + cells]`` in cell widths along ``ax`` (ratios on a log axis)."""
        c = self._centres[ax]
        if self._log[ax]:
            q = (c[-1] / c[0]) ** (cells / (c.size - 1))
            return np.array([v / q, v * q])
        d = cells * (c[-1] - c[0]) / (c.size - 1)
        return np.array([v - d, v + d])

    def _draw_current(self, current, xr, yr) -> None:
        inside = current is not None and xr[0] <= current[0] <= xr[1] and yr[0] <= current[1] <= yr[1]
        for m in (self.marker_halo, self.marker):
            with m.hold_sync():
                if inside:
                    x0, y0 = float(current[0]), float(current[1])
                    m.x = np.stack([self._arm("x", x0), np.full(2, x0)])
                    m.y = np.stack([np.full(2, y0), self._arm("y", y0)])
                m.visible = bool(inside)

    def _draw_contour(self, paths) -> None:
        paths = [np.asarray(p, np.float64) for p in paths if len(p) >= 2]
        with self.contour.hold_sync():
            if paths:
                k = max(len(p) for p in paths)
                # rows of one length: a short line repeats its last point (no NaN: bqplot logs errors)
                pad = [np.concatenate([p, np.repeat(p[-1:], k - len(p), axis=0)]) for p in paths]
                xs, ys = np.stack([p[:, 0] for p in pad]), np.stack([p[:, 1] for p in pad])
                self.contour.x, self.contour.y = (xs[0], ys[0]) if len(pad) == 1 else (xs, ys)
            self.contour.visible = bool(paths)
