"""Widget panels of stpexplorer (ipywidgets 8 + bqplot 0.13), see docs/ui_contract.md.

``Explorer`` (a Tab of the four panels), ``STPPanel``, ``ThresholdPanel``,
``STDPPanel``, ``CircuitPanel``; all panels share :class:`~stpexplorer.ui._base.Panel`.
"""

from ._base import Panel
from .circuit import CircuitPanel
from .explorer import Explorer
from .stdp import STDPPanel
from .stp import STPPanel
from .threshold import ThresholdPanel

__all__ = ["Explorer", "STPPanel", "ThresholdPanel", "STDPPanel", "CircuitPanel", "Panel"]
