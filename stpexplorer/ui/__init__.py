"""Widget panels of stpexplorer (ipywidgets 8 + bqplot): see docs/ui_contract.md."""

from .stp import STPPanel

__all__ = ["STPPanel"]
