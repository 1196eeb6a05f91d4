"""Widget panels of stpexplorer (ipywidgets 8 + bqplot 0.13), see docs/ui_contract.md.

``Explorer`` (a Tab of the panels), ``STPPanel``, ``ThresholdPanel``,
``STDPPanel``, ``CircuitPanel``, ``FitPanel``, ``MapPanel``; all panels share :class:`~stpexplorer.ui._panel.Panel`.
"""

from ._panel import Panel
from .circuit import CircuitPanel
from .explorer import Explorer
from .fit import FitPanel
from .map import MapPanel
from .stdp import STDPPanel
from .stp import STPPanel
from .threshold import ThresholdPanel

__all__ = ["CircuitPanel", "Explorer", "FitPanel", "MapPanel", "Panel", "STDPPanel", "STPPanel", "ThresholdPanel"]
