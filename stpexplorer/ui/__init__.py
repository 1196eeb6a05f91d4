"""Widget panels of stpexplorer (ipywidgets 8 + bqplot 0.13), see docs/ui_contract.md.

``Explorer`` (a Tab of the panels) and one panel class per entry of the registry
(:data:`stpexplorer.experiments.EXPERIMENTS`, each entry's ``panel``): ``STPPanel``,
``ThresholdPanel``, ``STDPPanel``, ``CircuitPanel``, ``FitPanel``, ``MapPanel``, ...; all are
made of the parts in :mod:`stpexplorer.ui.parts`. The names exported here are read from the
registry: a new panel needs no edit in this file.
"""

from stpexplorer.experiments import EXPERIMENTS
from stpexplorer.ui.app.explorer import Explorer
from stpexplorer.ui.parts.panel import Panel

for _e in EXPERIMENTS.values():
    globals()[_e.panel_name] = _e.panel_class()
del _e

__all__ = sorted(["Explorer", "Panel", *(e.panel_name for e in EXPERIMENTS.values())])
