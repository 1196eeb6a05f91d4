"""Synapse lab, learning mode: STDP from correlated inputs (Song, Miller & Abbott 2000).

:data:`LEARN_N_INPUTS` Poisson inputs (a correlated group ``0 .. n_corr−1`` and independent
others) drive one conductance-based integrate-and-fire neuron; their weights follow pair STDP
with hard bounds [0, 1] (:func:`stpexplorer.engine.simulate_learning`). Runs of up to 200 s of
simulated time ("fast-forward", about a second after compilation); the weights are kept every
:data:`LEARN_RECORD_MS`. With the defaults the weights split into strong and weak ones and the
correlated group wins.

This is a sub-view of the Synapse lab (not a tab of its own): :data:`LEARNING` is listed in
:data:`stpexplorer.experiments.VIEWS`, not in ``EXPERIMENTS``.

>>> from stpexplorer.experiments.learning import LEARNING
>>> r = LEARNING.run({"duration_s": 20.0})
>>> r.w.shape, float(r.t[-1])
((20, 200), 20000.0)
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

import numpy as np

from stpexplorer import engine as eng
from stpexplorer.experiments import _controls as C
from stpexplorer.experiments._result import Result
from stpexplorer.experiments._schema import Control, Experiment

__all__ = ["LEARNING", "LEARN_DT_MS", "LEARN_DURATIONS_S", "LEARN_N_INPUTS", "LEARN_RECORD_MS", "LEARN_W0",
           "LearningResult",
           "simulate_learning_view"]

LEARN_N_INPUTS = 200
LEARN_DT_MS = 1.0  # resolves the 20 ms STDP windows; 200 s with 200 inputs in ~1 s
LEARN_RECORD_MS = 1000.0  # one weight histogram per simulated second
LEARN_DURATIONS_S = (20.0, 50.0, 100.0, 200.0)  # a few fixed lengths: each compiles once
LEARN_W0 = 1.0  # every weight starts at g_max (Song et al. 2000)


@dataclass(frozen=True)
class LearningResult(Result):
    """One learning run. n = records (one per LEARN_RECORD_MS), m = LEARN_N_INPUTS inputs.

    t: (n,) time at the end of each record, ms; w: (n, m) weights then (units of g_max, in
    [0, 1]); in_group: (m,) True for the correlated group; w_group_mean, w_other_mean: (n,)
    mean weight of the group and of the other inputs (NaN for an empty set); rate_out_hz: (n,)
    output rate during each record, Hz; n_corr: size of the group; c: its correlation.
    """

    t: np.ndarray
    w: np.ndarray
    in_group: np.ndarray
    w_group_mean: np.ndarray
    w_other_mean: np.ndarray
    rate_out_hz: np.ndarray
    n_corr: int
    c: float

    per_step = ("w_group_mean", "w_other_mean", "rate_out_hz")
    units: ClassVar[dict[str, str]] = {"w_group_mean": "g_max", "w_other_mean": "g_max"}


def _mean(w, mask):
    return w[:, mask].mean(axis=1) if mask.any() else np.full(w.shape[0], np.nan, w.dtype)


def simulate_learning_view(v: dict) -> LearningResult:
    """Run the learning mode of ``v`` (checked values)."""
    stdp = eng.song2000_stdp(A_plus=v["A_plus"], A_minus=v["A_plus"] * v["A_ratio"])
    p = eng.LearningParams(stdp=stdp, rate_hz=v["rate_hz"], n_corr=float(v["n_corr"]), c=v["c"], w0=LEARN_W0)
    tr = eng.simulate_learning(p, n_inputs=LEARN_N_INPUTS, duration_ms=v["duration_s"] * 1000.0,
                               dt_ms=LEARN_DT_MS, seed=v["seed"], record_every_ms=LEARN_RECORD_MS)
    w, g = np.asarray(tr.w), np.asarray(tr.in_group)
    return LearningResult(t=np.asarray(tr.t_ms, np.float64), w=w, in_group=g, w_group_mean=_mean(w, g),
                          w_other_mean=_mean(w, ~g), rate_out_hz=np.asarray(tr.rate_hz), n_corr=int(v["n_corr"]),
                          c=float(v["c"]))


LEARNING = Experiment(
    "learning", "Learning",
    (
        replace(C.INPUT_RATE, default=30.0),
        Control("n_corr", 50, 0, LEARN_N_INPUTS, kind="int", label="group size",
                help=f"inputs 0 .. n−1 of the {LEARN_N_INPUTS} share a source (the correlated group)"),
        Control("c", 0.2, 0.0, 1.0, label="correlation c", step=0.01,
                help="pairwise correlation of the group's spike counts (0 = independent)"),
        replace(C.A_PLUS, default=0.005),
        Control("A_ratio", 1.05, 0.5, 2.0, label="A−/A+", step=0.01,
                help="depression over potentiation; > 1 makes STDP competitive (Song et al. 2000: 1.05)"),
        Control("duration_s", 200.0, kind="choice", options=LEARN_DURATIONS_S, unit="s", label="simulate",
                help="simulated time (fast-forward); the time slider scrubs through it"),
        C.SEED,
    ),
    simulate_learning_view, LearningResult,
    groups=(("Inputs", ("rate_hz", "n_corr", "c", "seed")),
            ("STDP and run", ("A_plus", "A_ratio", "duration_s"))),
    panel="stpexplorer.ui.panels.circuit.learning:LearningPanel",
    description="STDP from correlated inputs: the weights split and the correlated group wins",
)
