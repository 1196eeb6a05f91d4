"""Parameter map panel: a summary of the TM synapse over two chosen parameters.

Figure ``stpx-fig-map``: the heat map (:class:`~stpexplorer.ui.plot.heatmap.HeatMapView`) of
the summary over ``x_param`` × ``y_param`` (log axes for τf, τd and the rate), a labelled
colour bar, the current point (a black cross: the sliders' values) and the line where the
summary crosses 1 (black). Clicking a cell, or :meth:`MapPanel.select`, moves the two
sliders to that cell (on the sliders' grid: the readouts show the values simulated); the
Explorer then carries the synapse to the STP tab (:meth:`MapPanel.on_select`).

Public state besides :class:`~stpexplorer.ui.parts.panel.Panel`'s: ``heatmap`` (bqplot HeatMap:
``.x``, ``.y``, ``.color``), ``view`` (the HeatMapView), ``map_values`` (the drawn array);
``values`` are the simulated control values as in every panel.
"""

from __future__ import annotations

import html

import ipywidgets as W
import numpy as np

from stpexplorer.experiments.map import AXES, RATIOS
from stpexplorer.ui.plot.heatmap import HeatMapView
from stpexplorer.ui.parts.panel import Panel

__all__ = ["CARRIED", "MapPanel"]

#: what a click carries to the STP tab (the map's trains are regular)
CARRIED = ("U", "tau_f", "tau_d", "f_mode", "f", "rate_hz")


def _axis_label(name: str) -> str:
    _, _, log, unit, label = AXES[name]
    return f"{label} ({unit}, log scale)" if log and unit else (f"{label} ({unit})" if unit else label)


class MapPanel(Panel):
    """Heat map of a summary (ppr, release_n / release₁, release*, total, release_n) over two
    of U, τf, τd, f and the rate. ``select(x, y)`` / a click: the map's two sliders take
    that cell's values; ``on_select(callback)``: ``callback(values)`` after each selection
    with the synapse and protocol values to carry (:data:`CARRIED`, protocol "regular")."""

    key = "map"

    def _build(self):
        self.view = HeatMapView("map")
        self.heatmap = self.view.heatmap
        self.lines.update(contour=self.view.contour, current=self.view.marker)
        self.figures["map"] = self.view.figure
        self.view.on_click(self.select)
        self._select_listeners = []
        self.map_values = np.zeros((0, 0))
        self._caption = W.HTML("")
        self._caption.add_class("stpx-map-caption")
        return W.VBox([self.view.figure, self._caption], layout=W.Layout(width="100%"))

    def _plot_data(self, result, values: dict) -> dict:
        self.view.draw(result.x, result.y, result.values, x_log=result.x_log, y_log=result.y_log,
                       x_label=_axis_label(result.x_param), y_label=_axis_label(result.y_param),
                       color_label=result.short_label, current=result.current, contour=result.contour,
                       mid=1.0 if result.summary in RATIOS else None, title=result.label)
        self.map_values = result.values
        self._caption.value = html.escape(self._caption_text(result))
        return {}

    def _caption_text(self, r) -> str:
        parts = ["cross: the sliders' values", "click a cell to move there"]
        if r.contour:
            side = "depression (blue) below 1, facilitation above" if r.summary in RATIOS else "the value 1"
            parts.insert(1, f"black line: {r.summary} = 1, {side}")
        if not self.view.marker.visible:
            parts[0] = "the sliders' values lie off this map"
        return " · ".join(parts)

    def _summary(self, result) -> str:
        v = result.current_value
        extra = f" · {result.note}" if result.note else ""
        return f"{result.summary} at the cross = {v:.4g}{extra}"

    # ------------------------------------------------------------------ selection
    def _snap(self, name: str, value: float) -> float:
        """``value`` on the slider of ``name``: what its readout shows is what is simulated."""
        c = self.control(name)
        if c.spec.kind == "log":
            v = float(f"{value:.4g}")  # the log readout shows 4 significant digits
            return min(max(v, c.spec.lo), c.spec.hi)
        return float(f"{c.shown(value):.10g}")

    def select(self, x: float, y: float) -> dict:
        """Move ``x_param`` and ``y_param`` to the cell nearest (x, y); one simulation.
        Returns the values set; then calls the :meth:`on_select` callbacks."""
        if self.result is None:
            self.ensure_plotted()
        r = self.result
        if r is None:
            raise ValueError(f"no map to select from: {self.error or 'not simulated yet'}")
        i, j = self.view.cell_at(x, y)
        vals = {r.x_param: self._snap(r.x_param, r.x[i]), r.y_param: self._snap(r.y_param, r.y[j])}
        if "f" in vals:
            vals["f_mode"] = "free"
        self.set_values(**vals)
        carried = self.carried_values()
        for cb in self._select_listeners:
            cb(**carried)
        return vals

    def carried_values(self) -> dict:
        """The synapse and rate the STP tab should take (regular train)."""
        v = {k: self.values[k] for k in CARRIED}
        if v["f_mode"] != "free":
            del v["f"]
        return {**v, "protocol": "regular"}

    def on_select(self, callback) -> None:
        """Call ``callback(**values)`` after each selection (``values``: :meth:`carried_values`)."""
        self._select_listeners.append(callback)
