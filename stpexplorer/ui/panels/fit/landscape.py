"""The Fit panel's loss-landscape heat map: :class:`LandscapeView`, on the heat-map kit
(:class:`~stpexplorer.ui.plot.heatmap.HeatMapView`).

The fit's objective (:func:`~stpexplorer.fit.loss_landscape`, one vmapped call, compiled once
per data shape) on an ``N`` × ``N`` grid over two parameters chosen in the **x** and **y** menus
(U, τf, τd, W, and f when it is free), the other parameters at the sliders. The grid is centred
on the sliders, or on the fit's values of the two parameters ("centred on: fit"). Colour:
log₁₀(SSE / min), min being the lowest SSE on the map: 0 is the map's best cell and 1 is ten
times worse (the caption says so). The sliders' point is the kit's cross, the fit a white-edged
circle. A log axis for τf, τd and W, linear for U and f; the figure is built once, a slider
move updates its marks in place. Clicking a cell moves the two sliders there.
"""

from __future__ import annotations

import html

import ipywidgets as W
import numpy as np
from bqplot import Scatter

from stpexplorer.fit import loss_landscape
from stpexplorer.ui.plot.colors import COLORS
from stpexplorer.ui.plot.heatmap import HeatMapView

__all__ = ["LABEL", "LandscapeView"]

N = 40  # grid points per axis
LABEL = {"U": "U", "f": "f", "tau_f": "τf (ms)", "tau_d": "τd (ms)", "W": "W (data units)"}
_LOG = ("tau_f", "tau_d", "W")
COLOR_LABEL = "log₁₀(SSE / min)"  # min: the lowest SSE on the map (the caption says so)


class LandscapeView:
    """Heat map of the SSE over two parameters; :attr:`widget` is its box.

    :meth:`update` (``data``, slider ``values``, ``fit_values`` or None) recomputes the map;
    :attr:`landscape` is the :class:`~stpexplorer.fit.LossLandscape` drawn, :attr:`view` the
    :class:`HeatMapView` (``.heatmap.color`` = log₁₀(sse / min sse), ``.marker`` the sliders),
    :attr:`fit_mark` the fit's circle, :attr:`figure` the Figure. ``on_change()`` is called when
    a menu changes, ``on_pick({x_param: x, y_param: y})`` when a cell is clicked."""

    def __init__(self, on_change, on_pick=None):
        self.x_menu = W.Dropdown(options=[(LABEL[n], n) for n in ("U", "tau_f", "tau_d", "W")], value="U",
                                 description="x", layout=W.Layout(width="180px"), style={"description_width": "1.5em"})
        self.y_menu = W.Dropdown(options=self.x_menu.options, value="tau_d", description="y",
                                 layout=W.Layout(width="180px"), style={"description_width": "1.5em"})
        self.centre = W.ToggleButtons(options=["sliders", "fit"], value="sliders",
                                      style={"button_width": "5em"},
                                      tooltips=["the map is centred on the sliders' values",
                                                "the map is centred on the fit's values of x and y"])
        for w, c in ((self.x_menu, "x"), (self.y_menu, "y"), (self.centre, "centre")):
            w.add_class(f"stpx-landscape-{c}")
            w.observe(lambda _: None if self._quiet else on_change(), "value")
        self._quiet = False  # True while set_names changes the menus (no redraw per step)
        self.caption = W.HTML("")
        self.caption.add_class("stpx-landscape-caption")
        self.view = HeatMapView("landscape", height=380)
        self.figure = self.view.figure
        self.figure.title = "Loss landscape (SSE)"
        self.figure.fig_margin = {**self.figure.fig_margin, "top": 34}  # room for the title
        self.heat = self.view.heatmap
        # the kit's unused level-line mark starts at 0, which a log axis draws as NaN (SVG errors)
        with self.view.contour.hold_sync():
            self.view.contour.x, self.view.contour.y = np.ones(1), np.ones(1)
        self.fit_mark = Scatter(x=np.ones(1), y=np.ones(1), scales=dict(self.heat.scales), colors=["white"],
                                stroke=COLORS["red"], stroke_width=2.0, default_size=70, marker="circle",
                                visible=False)
        # the fit's circle under the kit's click layer (the last mark), so that clicks still arrive
        self.figure.marks = [*self.figure.marks[:-1], self.fit_mark, self.figure.marks[-1]]
        if on_pick is not None:
            self.view.on_click(lambda x, y: self._pick(on_pick, x, y))
        self.widget = W.VBox([W.HBox([self.x_menu, self.y_menu, W.Label("centred on"), self.centre],
                                     layout=W.Layout(flex_flow="row wrap", align_items="center")),
                              self.figure, self.caption], layout=W.Layout(width="100%"))
        self.widget.add_class("stpx-landscape")
        self.landscape = None

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

    def _pick(self, on_pick, x, y):
        """A click: the cell's values of the two parameters (the cell nearest the click)."""
        ls = self.landscape
        if ls is not None:
            i, j = self.view.cell_at(x, y)
            on_pick({ls.x_param: float(ls.x[i]), ls.y_param: float(ls.y[j])})

    # ------------------------------------------------------------------ update
    def update(self, data, v: dict, fit_values: dict | None = None, lows: dict | None = None):
        """Recompute the map for ``data`` around the slider values ``v`` (U, tau_f, tau_d, W,
        f_mode, f) or, with centre "fit", around ``fit_values`` for the two axes. ``lows``:
        {name: value} used as centre when a log parameter is 0 (off)."""
        free = v["f_mode"] == "free"
        self.set_names(["U", "tau_f", "tau_d", "W"] + (["f"] if free else []))
        values = {n: v[n] for n in ("U", "tau_f", "tau_d", "W")}
        values["f"] = v["f"] if free else None
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
        lo = float(np.nanmin(ls.sse))
        base = lo if lo > 0 else max(float(np.nanmax(ls.sse)) * 1e-12, 1e-300)
        color = np.log10(np.maximum(ls.sse, base) / base)
        px, py = (values["U"] if n == "f" and values.get("f") is None else values[n] for n in (xp, yp))
        self.view.draw(ls.x, ls.y, color, x_log=xp in _LOG, y_log=yp in _LOG, x_label=LABEL[xp],
                       y_label=LABEL[yp], color_label=COLOR_LABEL, current=(px, py))
        fit, fv = self.fit_mark, fit_values
        with fit.hold_sync():
            if fit.scales != self.heat.scales:
                fit.scales = dict(self.heat.scales)
            ok = fv is not None and ls.x[0] <= fv[xp] <= ls.x[-1] and ls.y[0] <= fv[yp] <= ls.y[-1]
            if ok:
                fit.x, fit.y = np.array([fv[xp]]), np.array([fv[yp]])
            fit.visible = bool(ok)
        self.landscape = ls
        ax, ay = ls.argmin
        where = "the fit's values of x and y" if use_fit else "the sliders"
        if self.centre.value == "fit" and fit_values is None:
            where += " (no fit yet)"
        parts = [f"SSE over {LABEL[xp]} and {LABEL[yp]}, centred on {where}; the other parameters at the "
                 f"sliders. Lowest cell: SSE {lo:.4g} at {LABEL[xp]} = {ax:.4g}, {LABEL[yp]} = {ay:.4g}. "
                 "Colour: log₁₀(SSE / min), 0 at that cell, 1 where the SSE is ten times larger. "
                 "Cross: the sliders" + ("; circle: the fit" if fit_values is not None else "")
                 + ". Click a cell to move the two sliders there"] + notes
        self.caption.value = "<small>" + html.escape(". ".join(parts)) + "</small>"
        return ls
