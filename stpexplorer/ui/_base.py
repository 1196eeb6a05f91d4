"""Former home of the panel base, kept so that ``from stpexplorer.ui._base import ...``
still works: the kit is now :mod:`._style`, :mod:`._marks`, :mod:`._control`,
:mod:`._files` and :mod:`._panel`."""

from ._marks import (
           dec,
           fig,
           hline,
           lines,
           membrane_figure,
           ticks,
           time_scale,
           x_axis,
           y_axis,
)
from ._panel import Panel
from ._style import COLORS, CYCLE, STYLE

__all__ = [
           "COLORS",
           "CYCLE",
           "STYLE",
           "Panel",
           "dec",
           "fig",
           "hline",
           "lines",
           "membrane_figure",
           "ticks",
           "time_scale",
           "x_axis",
           "y_axis",
]
