"""The fit panel and its views."""

from stpexplorer.ui.panels.fit.panel import FitPanel

__all__ = ["FitPanel"]
