"""The Fit view's figure ``stpx-fig-fit``: per-sweep amplitudes (dots), mean ± SEM per spike
(circles and bars) and the sliders' prediction (a line per protocol), on a time axis from each
protocol's first spike. Built once; the panel updates its marks in place."""

from __future__ import annotations

import numpy as np
from bqplot import LinearScale, Scatter

from stpexplorer.ui.plot.colors import CYCLE
from stpexplorer.ui.plot.marks import fig, lines, x_axis, y_axis

__all__ = ["fit_figure"]


def fit_figure(x):
    """``({"prediction", "sem", "sweeps", "mean", "_y": the amplitude scale}, Figure)`` on the
    time scale ``x``; the figure's axes are (x, y)."""
    y = LinearScale(min=0.0)
    m = {"prediction": lines(x, y, color=list(CYCLE[:3]), width=2),
         "sem": lines(x, y, color=list(CYCLE[:3]), width=1.5),
         "sweeps": Scatter(x=np.zeros(1, np.float32), y=np.zeros(1, np.float32), scales={"x": x, "y": y},
                           colors=[CYCLE[0]], default_size=8, opacities=[0.35]),
         "mean": Scatter(x=np.zeros(1, np.float32), y=np.zeros(1, np.float32), scales={"x": x, "y": y},
                         colors=[CYCLE[0]], default_size=40, stroke="white")}
    f = fig("fit", [m["prediction"], m["sem"], m["sweeps"], m["mean"]],
            [x_axis(x, "time from the first spike (ms)"), y_axis(y, "amplitude (data units)")],
            title="Amplitudes and the model's prediction", height=320)
    return {**m, "_y": y}, f
