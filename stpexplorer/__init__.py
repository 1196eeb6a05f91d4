"""stpexplorer: interactive explorer of short-term plasticity, adaptive thresholds and STDP.

The engine (``stpexplorer.engine``, pure JAX) is re-exported here; the widget
panels (``Explorer``, ``STPPanel``, ...) are imported lazily so that scripts using
only the engine never import ipywidgets or bqplot.
"""

from .engine import *  # noqa: F401,F403
from .engine import __all__ as _engine_all
from .fit import AmplitudeData, FitResult, connections_from_csv, fit_many, fit_stp, synthetic_amplitudes

_FIT_NAMES = ("AmplitudeData", "FitResult", "connections_from_csv", "fit_many", "fit_stp", "synthetic_amplitudes")

__version__ = "0.1.0"

_UI_NAMES = ("Explorer", "STPPanel", "ThresholdPanel", "STDPPanel", "CircuitPanel", "FitPanel")

# the panels are not in __all__: ``from stpexplorer import *`` imports no widget library;
# ``stpexplorer.Explorer`` (and each panel class) imports ipywidgets and bqplot when first used
__all__ = list(_engine_all) + list(_FIT_NAMES) + ["__version__"]


def __getattr__(name):
    if name in _UI_NAMES:
        from . import ui

        return getattr(ui, name)
    raise AttributeError(f"module 'stpexplorer' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_UI_NAMES))
