"""The stdp panel and its views."""

from stpexplorer.ui.panels.stdp.panel import STDPPanel

__all__ = ["STDPPanel"]
