"""stpexplorer: interactive explorer of short-term plasticity, adaptive thresholds and STDP.

The engine (``stpexplorer.engine``, pure JAX), the fit (``stpexplorer.fit``) and the
recordings (``stpexplorer.recordings``: ``Recording``, ``read_recording``) are re-exported
here. The widget panels (``Explorer`` and one panel class per entry of the registry, :data:`stpexplorer.experiments.EXPERIMENTS`) are imported when first used, so
scripts using only the engine never import ipywidgets or bqplot.
"""

from stpexplorer.engine import *  # noqa: F401,F403
from stpexplorer.engine import __all__ as _engine_all
from stpexplorer.experiments import EXPERIMENTS as _EXPERIMENTS
from stpexplorer.fit import (
    AmplitudeData,
    FitResult,
    QuantalFit,
    VarianceMean,
    binomial_loglik,
    connections_from_csv,
    fit_many,
    fit_quantal,
    fit_stp,
    synthetic_amplitudes,
    variance_mean,
)
from stpexplorer.recordings import Recording, read_recording

_FIT_NAMES = ("AmplitudeData", "FitResult", "connections_from_csv", "fit_many", "fit_stp", "synthetic_amplitudes",
              "binomial_loglik", "fit_quantal", "QuantalFit", "variance_mean", "VarianceMean",
              "Recording", "read_recording")

__version__ = "0.1.0"

#: the widget classes, from the registry (the same names as ``stpexplorer.ui.__all__``)
_UI_NAMES = tuple(sorted({"Explorer", "Panel", *(e.panel_name for e in _EXPERIMENTS.values())}))

# the panels are not in __all__: ``from stpexplorer import *`` imports no widget library;
# ``stpexplorer.Explorer`` (and each panel class) imports ipywidgets and bqplot when first used
__all__ = list(_engine_all) + list(_FIT_NAMES) + ["__version__"]


def __getattr__(name):
    if name in _UI_NAMES:
        # lazy UI: ipywidgets and bqplot are imported only when a panel is asked for
        from stpexplorer import ui

        return getattr(ui, name)
    raise AttributeError(f"module 'stpexplorer' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_UI_NAMES))
