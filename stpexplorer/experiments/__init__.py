"""Experiments: each panel's model, protocol and controls, independent of any widget.

:data:`EXPERIMENTS` is the single source of truth: for each panel its key, title,
controls (shared ones declared once in ``_controls``), control groups, which controls
apply to which choices, its typed result and the import path of its widget panel. The
widget panels, the ``stpexplorer simulate`` command and scripts all go through here, so
they compute the same thing.

Shapes are fixed per experiment and duration setting, so moving a control changes values
only and never recompiles.

>>> from stpexplorer.experiments import EXPERIMENTS
>>> res = EXPERIMENTS["stp"].run({"U": 0.5, "tau_f": 0.0, "tau_d": 800.0})
>>> round(float(res.release_at_spikes[0]), 3)
0.5
"""

from __future__ import annotations

from stpexplorer.experiments import _controls as controls
from stpexplorer.experiments._result import Result, result_columns
from stpexplorer.experiments._schema import Control, Experiment
from stpexplorer.experiments.circuit import (
    CIRCUIT,
    CIRCUIT_SHOWN,
    CircuitResult,
    simulate_circuit,
)
from stpexplorer.experiments.fit import FIT, FitViewResult, simulate_fit
from stpexplorer.experiments.io import (
    FORMAT,
    columns_to_csv,
    dump_json,
    load_json,
    result_to_jsonable,
    to_csv,
)
from stpexplorer.experiments.learning import (
    LEARNING,
    LearningResult,
    simulate_learning_view,
)
from stpexplorer.experiments.map import MAP, MapResult, simulate_map
from stpexplorer.experiments.presets import PRESETS
from stpexplorer.experiments.stdp import (
    FREQ_RATES,
    STDP,
    STDP_DT_MS,
    STDP_DURATION_MS,
    WINDOW_DT,
    STDPResult,
    _stdp_params,
    simulate_stdp,
    stdp_analytic_window,
    stdp_duration,
    stdp_frequency,
)
from stpexplorer.experiments.stp import (
    STP,
    STP_DURATIONS,
    STPResult,
    simulate_stp,
    stp_duration,
    stp_f,
)
from stpexplorer.experiments.threshold import (
    THRESHOLD,
    ThresholdResult,
    simulate_threshold,
)

__all__ = [
    "CIRCUIT",
    "CIRCUIT_SHOWN",
    "EXPERIMENTS",
    "FIT",
    "FORMAT",
    "FREQ_RATES",
    "LEARNING",
    "MAP",
    "STDP",
    "STDP_DT_MS",
    "STDP_DURATION_MS",
    "STP",
    "STP_DURATIONS",
    "THRESHOLD",
    "VIEWS",
    "WINDOW_DT",
    "CircuitResult",
    "Control",
    "Experiment",
    "FitViewResult",
    "LearningResult",
    "MapResult",
    "Result",
    "STDPResult",
    "STPResult",
    "ThresholdResult",
    "_stdp_params",
    "all_preset_names",
    "columns_to_csv",
    "result_columns",
    "controls",
    "dump_json",
    "get_experiment",
    "load_json",
    "result_to_jsonable",
    "run",
    "simulate_circuit",
    "simulate_fit",
    "simulate_learning_view",
    "simulate_map",
    "simulate_stdp",
    "simulate_stp",
    "simulate_threshold",
    "stdp_analytic_window",
    "stdp_duration",
    "stdp_frequency",
    "stp_duration",
    "stp_f",
    "to_csv",
]

EXPERIMENTS: dict[str, Experiment] = {e.name: e for e in (STP, THRESHOLD, STDP, CIRCUIT, FIT, MAP)}
#: experiments shown as a sub-view inside another panel, not as a tab of their own
#: (``learning``: the Synapse lab's learning mode); their panels take them from here
VIEWS: dict[str, Experiment] = {e.name: e for e in (LEARNING,)}

for _e in EXPERIMENTS.values():  # a link names a panel of the registry
    for _event, _target in _e.links:
        if _target not in EXPERIMENTS:
            raise ValueError(f"{_e.name}: links[{_event!r}] names {_target!r}, not a registry key "
                             f"({', '.join(EXPERIMENTS)})")


def get_experiment(name: str) -> Experiment:
    """The experiment registered as ``name``; ValueError naming the valid panels otherwise."""
    try:
        return EXPERIMENTS[name]
    except KeyError:
        raise ValueError(f"unknown panel {name!r}; valid panels: {', '.join(EXPERIMENTS)}") from None


def run(panel: str, values: dict | None = None, preset: str | None = None):
    """Run ``panel``'s experiment with a preset (optional) and values on top of it; its typed result."""
    exp = get_experiment(panel)
    merged = exp.preset_values(preset) if preset else {}
    merged.update(values or {})
    return exp.run(merged)


def all_preset_names() -> list[str]:
    return list(PRESETS)
