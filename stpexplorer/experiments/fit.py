"""Fit: recorded (or mystery) amplitude trains against the TM prediction of the sliders."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from stpexplorer.experiments import _controls as C
from stpexplorer.experiments._result import Result
from stpexplorer.experiments._schema import Control, Experiment
from stpexplorer.experiments.mystery import mystery_data, summary
from stpexplorer.experiments.stp import stp_f

__all__ = ["FIT", "FitViewResult", "simulate_fit"]


@dataclass(frozen=True)
class FitViewResult(Result):
    """The slider model's prediction for a data set. m = observations (every protocol's spikes).

    t: (2,) the time axis' ends, ms; protocol: (m,) protocol index of each spike; time_ms: (m,)
    time from the protocol's first spike; mean, sem: (m,) measured amplitude (data units) and
    its standard error (NaN without repeats); count: (m,) observations averaged; prediction:
    (m,) W·u_n·x_n of the sliders; sse: sum of squared errors over all observations (units²);
    n_obs: number of observations.
    """

    t: np.ndarray
    protocol: np.ndarray
    time_ms: np.ndarray
    mean: np.ndarray
    sem: np.ndarray
    count: np.ndarray
    prediction: np.ndarray
    sse: float
    n_obs: int

    per_step = ()


def simulate_fit(v: dict, data=None) -> FitViewResult:
    """Prediction of the slider values ``v`` for ``data`` (default: the mystery synapse of ``v``)."""
    if data is None:
        data = mystery_data(v["mystery"], v["seed"])
    s = summary(data, {**v, "f": stp_f(v)})
    cat = np.concatenate
    t_end = max(float(t[-1]) for t in s.times)
    return FitViewResult(t=np.array([0.0, max(t_end, 1.0)]),
                         protocol=cat([np.full(t.size, i) for i, t in enumerate(s.times)]),
                         time_ms=cat(s.times), mean=cat(s.means), sem=cat(s.sems), count=cat(s.counts),
                         prediction=cat(s.predictions), sse=float(s.sse), n_obs=int(s.n_obs))


FIT = Experiment(
    "fit", "Fit",
    (
        Control("mystery", "depressing", kind="choice", options=("depressing", "facilitating"),
                help="which kind of hidden synapse (replaces uploaded data)", label="mystery synapse"),
        Control("seed", 0, 0, 999, kind="int", label="mystery seed",
                help="draws the hidden parameters and the quantal noise (replaces uploaded data)"),
        # τf starts on (50 ms): with it off, its first steps (1 ms) would change no amplitude visibly
        C.U, replace(C.TAU_F, default=50.0), C.TAU_D,
        Control("W", 100.0, 0.001, 100000.0, kind="log", label="W", limits=(0.0, None), lo_open=True,
                help="amplitude scale in the data's units: the first amplitude from rest is W·U"),
        C.F_MODE, C.F,
    ),
    simulate_fit, FitViewResult,
    groups=(("Model", ("U", "tau_f", "tau_d", "W", "f_mode", "f")), ("Mystery synapse", ("mystery", "seed"))),
    applies={"f": ("f_mode", ("free",))},
    panel="stpexplorer.ui.panels.fit.panel:FitPanel",
    description="Amplitude trains (a mystery synapse or an uploaded CSV) against the TM prediction",
)
