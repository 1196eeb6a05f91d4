"""The STDP panel's "Δw map" view: Δw after 60 pairings over pairing rate × Δt.

``stpx-fig-dwmap``  a heat map (:class:`~stpexplorer.ui.plot.heatmap.HeatMapView`) of
                    the rule's Δw map (:func:`~stpexplorer.experiments.stdp.stdp_map`): pairing rate on a log x axis (0.1–50 Hz), Δt on
                    the y axis (−50…+50 ms), a diverging colour bar centred on Δw = 0
                    (vermilion: potentiation, blue: depression), the line Δw = 0 and the
                    protocol's current (rate, Δt) as a cross. Clicking a cell sets the
                    protocol's pairing rate and Δt.
``stpx-dwmap-caption`` what the colours, the line and the dot are (beside the figure)

The whole map is one batched engine call made by the experiment
(:func:`stpexplorer.experiments.stdp_map`), so a slider move never recompiles.
"""

from __future__ import annotations

import html

import ipywidgets as W
import numpy as np

from stpexplorer.experiments._contour import index_to_axis, level_paths
from stpexplorer.experiments.stdp import MAP_DELTA_T, MAP_RATES, stdp_map
from stpexplorer.ui.plot.heatmap import HeatMapView
from stpexplorer.ui.plot.colors import COLORS

__all__ = ["DwMapView"]


class DwMapView(W.HBox):
    """The Δw map and its caption; :meth:`draw` shows an :class:`STDPResult`'s map.

    Public: ``view`` (the HeatMapView: ``.heatmap``, ``.contour``, ``.marker``, ``.colorbar``),
    ``figure``, ``zero_lines`` (the Δw = 0 polylines last drawn, in (rate Hz, Δt ms))."""

    def __init__(self, *, n_pairs: int, on_pick=None):
        self.view = HeatMapView("dwmap", height=400)
        self.figure = self.view.figure
        self.title = f"Δw after {n_pairs} pairings over pairing rate and Δt"
        self.zero_lines: list[np.ndarray] = []
        self._key = None
        self.n_draws = 0  # maps computed (the panel draws the map only while it is shown)
        cap = W.HTML(
            "<div style='line-height:1.5'>"
            f"<b style='color:{COLORS['red']}'>&#9632;</b> potentiation (Δw &gt; 0)<br>"
            f"<b style='color:{COLORS['blue']}'>&#9632;</b> depression (Δw &lt; 0)<br>"
            "<b>&#9472;&#9472;</b> Δw = 0<br>"
            "<b>+</b> current pairing rate and Δt<br>"
            f"<small>{html.escape(f'Δw of the current rule after {n_pairs} pre/post pairings at each rate and lag (Δt = t(post) − t(pre)), from the initial w. Click a cell to pair at that rate and Δt.')}"
            "</small></div>")
        cap.add_class("stpx-dwmap-caption")
        self.caption = cap
        if on_pick is not None:
            self.view.on_click(on_pick)
        # the caption right beside the map (the map is at most 640 px wide)
        super().__init__([W.Box([self.figure], layout=W.Layout(flex="0 1 660px", min_width="340px")),
                          W.Box([cap], layout=W.Layout(flex="1 1 220px", max_width="360px", padding="0 0 0 8px"))],
                         layout=W.Layout(flex_flow="row wrap", width="100%", align_items="center"))

    def draw(self, values: dict) -> None:
        """Compute and show the Δw map of the rule in ``values`` (rows Δt, columns rate;
        :func:`~stpexplorer.experiments.stdp.stdp_map`) with their rate and Δt marked."""

        dw = np.asarray(stdp_map(values), np.float64)
        rates, dts = np.asarray(MAP_RATES, np.float64), np.asarray(MAP_DELTA_T, np.float64)
        self.n_draws += 1
        key = dw.tobytes()
        if key != self._key:  # the contour only changes with the map (not with the protocol)
            self.zero_lines = [np.stack([index_to_axis(p[:, 0], rates, True), index_to_axis(p[:, 1], dts, False)],
                                        axis=1) for p in level_paths(dw, 0.0)]
        self._key = key
        self.view.draw(rates, dts, dw, x_log=True, y_log=False, x_label="pairing rate (Hz)",
                       y_label="Δt = t(post) − t(pre) (ms)", color_label="Δw", mid=0.0,
                       current=(float(values["pair_rate_hz"]), float(values["delta_t_ms"])),
                       contour=self.zero_lines)
        self.figure.title = self.title  # after draw(): the kit may set its own title there
