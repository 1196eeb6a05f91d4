"""The circuit panel and its views."""

from stpexplorer.ui.panels.circuit.panel import CircuitPanel

__all__ = ["CircuitPanel"]
