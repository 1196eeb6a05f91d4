"""The stp panel and its views."""

from stpexplorer.ui.panels.stp.panel import STPPanel

__all__ = ["STPPanel"]
