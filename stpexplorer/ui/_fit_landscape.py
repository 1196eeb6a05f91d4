"""The Fit panel's loss-landscape heat map: :class:`LandscapeView`.

The fit's objective (:func:`~stpexplorer.fit.loss_landscape`, one vmapped call, compiled once
per data shape) on an ``N`` × ``N`` grid over two parameters chosen in the **x** and **y** menus
(U, τf, τd, W, and f when it is free), the other parameters at the sliders. The grid is centred
on the sliders, or on the fit's values of the two parameters (**centre**: "fit"). Colour:
log₁₀(SSE / the lowest SSE on the map), so 0 is the map's best cell and 1 is ten times worse;
the colour bar is labelled so. The sliders' point is a white-edged circle, the fit a cross.

Each (x, y) pair has its own figure (a log axis for τf, τd and W, linear for U and f), built the
first time the pair is chosen; a slider move updates its marks in place.
"""

from __future__ import annotations

import html

import ipywidgets as W
import numpy as np
from bqplot import (
    Axis,
    ColorAxis,
    ColorScale,
    Figure,
    HeatMap,
    LinearScale,
    LogScale,
    Scatter,
)

from ..fit import loss_landscape

__all__ = ["LABEL", "LandscapeView"]

N = 40  # grid points per axis
LABEL = {"U": "U", "f": "f", "tau_f": "τf (ms)", "tau_d": "τd (ms)", "W": "W (data units)"}
_LOG = ("tau_f", "tau_d", "W")
COLOR_LABEL = "log₁₀(SSE / lowest SSE on the map)"


class LandscapeView:
    """Heat map of the SSE over two parameters; :attr:`widget` is its box.

    :meth:`update` (``data``, slider ``values``, ``fit_values`` or None) recomputes the map;
    :attr:`landscape` is the :class:`~stpexplorer.fit.LossLandscape` drawn, :attr:`heat` the
    HeatMap mark (``color`` = log₁₀(sse / min sse)), :attr:`point` the sliders' marker,
    :attr:`fit_mark` the fit's, :attr:`figure` the Figure shown."""

    def __init__(self, on_change):
        self.x_menu = W.Dropdown(options=[(LABEL[n], n) for n in ("U", "tau_f", "tau_d", "W")], value="U",
                                 description="x", layout=W.Layout(width="180px"), style={"description_width": "1.5em"})
        self.y_menu = W.Dropdown(options=self.x_menu.options, value="tau_d", description="y",
                                 layout=W.Layout(width="180px"), style={"description_width": "1.5em"})
        self.centre = W.ToggleButtons(options=["sliders", "fit"], value="sliders", description="centre",
                                      style={"description_width": "4em", "button_width": "5em"},
                                      tooltips=["the map is centred on the sliders' values",
                                                "the map is centred on the fit's values of x and y"])
        for w, c in ((self.x_menu, "x"), (self.y_menu, "y"), (self.centre, "centre")):
            w.add_class(f"stpx-landscape-{c}")
            w.observe(lambda _: None if self._quiet else on_change(), "value")
        self.caption = W.HTML("")
        self.caption.add_class("stpx-landscape-caption")
        self._figs: dict = {}
        self._quiet = False  # True while set_names changes the menus (no redraw per step)
        self._holder = W.Box(layout=W.Layout(width="100%"))
        self.widget = W.VBox([W.HBox([self.x_menu, self.y_menu, self.centre],
                                     layout=W.Layout(flex_flow="row wrap", align_items="center")),
                              self._holder, self.caption], layout=W.Layout(width="100%"))
        self.widget.add_class("stpx-landscape")
        self.landscape = None
        self.heat = self.point = self.fit_mark = self.figure = None

    # ------------------------------------------------------------------ menus
    def set_names(self, names) -> None:
        """Offer ``names`` (the free parameters) in both menus; a choice no longer offered
        moves to the first one that differs from the other axis."""
        opts = [(LABEL[n], n) for n in names]
        for menu, other in ((self.x_menu, self.y_menu), (self.y_menu, self.x_menu)):
            if [o[1] for o in menu.options] == list(names):
                continue
            keep = menu.value if menu.value in names else next(n for n in names if n != other.value)
            self._quiet = True
            try:  # new options reset the value to the first one: put it back
                menu.options = opts
                menu.value = keep
            finally:
                self._quiet = False

    def pair(self) -> tuple[str, str]:
        x, y = self.x_menu.value, self.y_menu.value
        if x == y:  # the user picked the other axis' parameter: take the next one for y
            y = next(n for _, n in self.y_menu.options if n != x)
        return x, y

    # ------------------------------------------------------------------ figure
    def _figure(self, xp, yp):
        if (xp, yp) in self._figs:
            return self._figs[(xp, yp)]
        sx = LogScale() if xp in _LOG else LinearScale()
        sy = LogScale() if yp in _LOG else LinearScale()
        cs = ColorScale(scheme="viridis", min=0.0, max=1.0)
        z = np.zeros((2, 2))
        heat = HeatMap(x=np.array([1.0, 2.0]), y=np.array([1.0, 2.0]), color=z,
                       scales={"x": sx, "y": sy, "color": cs}, null_color="#999999")
        point = Scatter(x=np.ones(1), y=np.ones(1), scales={"x": sx, "y": sy}, colors=["#D55E00"],
                        stroke="white", stroke_width=2.0, default_size=90, marker="circle")
        fit = Scatter(x=np.ones(1), y=np.ones(1), scales={"x": sx, "y": sy}, colors=["white"],
                      default_size=110, marker="cross", visible=False)
        axes = [Axis(scale=sx, label=LABEL[xp], side="bottom", tick_format="~g", label_offset="32px"),
                Axis(scale=sy, label=LABEL[yp], side="left", tick_format="~g",
                     label_offset="44px"),
                ColorAxis(scale=cs, label=COLOR_LABEL, side="right",
                          tick_format="~g", label_offset="42px")]
        f = Figure(marks=[heat, point, fit], axes=axes, title="Loss landscape",
                   fig_margin={"top": 28, "bottom": 40, "left": 64, "right": 110}, animation_duration=0,
                   layout=W.Layout(width="100%", max_width="640px", height="360px", min_width="320px"))
        f.add_class("stpx-fig-landscape")
        self._figs[(xp, yp)] = (f, heat, point, fit, cs)
        return self._figs[(xp, yp)]

    # ------------------------------------------------------------------ update
    def update(self, data, values: dict, fit_values: dict | None = None, lows: dict | None = None):
        """Recompute the map for ``data`` around ``values`` (the sliders: U, tau_f, tau_d, W,
        f or None) or, with centre "fit", around ``fit_values`` for the two axes. ``lows``:
        {name: value} used as centre when a log parameter is 0 (off)."""
        xp, yp = self.pair()
        centre = dict(values)
        use_fit = self.centre.value == "fit" and fit_values is not None
        if use_fit:
            centre.update({xp: fit_values[xp], yp: fit_values[yp]})
            if centre.get("f") is None and "f" in (xp, yp):
                centre["f"] = fit_values["f"]
        notes = []
        for n in (xp, yp):
            if n in _LOG and not centre[n] > 0:
                centre[n] = (lows or {}).get(n, 1.0)
                notes.append(f"{LABEL[n]} is off (0); the map is centred on {centre[n]:g}")
        ls = loss_landscape(data, centre, xp, yp, n=N)
        f, heat, point, fit, cs = self._figure(xp, yp)
        lo = float(np.nanmin(ls.sse))
        base = lo if lo > 0 else max(float(np.nanmax(ls.sse)) * 1e-12, 1e-300)
        color = np.log10(np.maximum(ls.sse, base) / base)
        top = float(np.nanmax(color))
        in_map = lambda v, g: g[0] <= v <= g[-1]
        px, py = (values["U"] if n == "f" and values.get("f") is None else values[n] for n in (xp, yp))
        with heat.hold_sync():
            heat.x, heat.y, heat.color = ls.x, ls.y, color
        with cs.hold_sync():
            cs.min, cs.max = 0.0, max(top, 1e-6)
        with point.hold_sync():
            ok = px is not None and py is not None and in_map(px, ls.x) and in_map(py, ls.y)
            point.x, point.y = np.array([px if ok else ls.x0]), np.array([py if ok else ls.y0])
            point.visible = bool(ok)
        with fit.hold_sync():
            fv = fit_values
            ok = fv is not None and in_map(fv[xp], ls.x) and in_map(fv[yp], ls.y)
            if ok:
                fit.x, fit.y = np.array([fv[xp]]), np.array([fv[yp]])
            fit.visible = bool(ok)
        if self._holder.children != (f,):
            self._holder.children = (f,)
        self.landscape, self.heat, self.point, self.fit_mark, self.figure = ls, heat, point, fit, f
        ax, ay = ls.argmin
        where = "the fit's values of x and y" if use_fit else "the sliders"
        if self.centre.value == "fit" and fit_values is None:
            where += " (no fit yet)"
        parts = [f"SSE over {LABEL[xp]} and {LABEL[yp]}, centred on {where}; the other parameters at the "
                 f"sliders. Lowest cell: SSE {lo:.4g} at {xp} = {ax:.4g}, {yp} = {ay:.4g}. "
                 "Circle: the sliders" + ("; cross: the fit" if fit_values is not None else "")] + notes
        self.caption.value = "<small>" + html.escape(". ".join(parts)) + "</small>"
        return ls
