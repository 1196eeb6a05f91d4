"""STDP: pair and triplet rules on a pre/post pairing protocol, the learning window and
the frequency dependence (Sjöström et al. 2001).

The window is the smallest of :data:`STDP_DURATIONS` that holds every pairing asked for
(fixed shapes per setting: a slider move within a setting never recompiles).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stpexplorer import engine as eng
from stpexplorer.experiments import _controls as C
from stpexplorer.experiments._result import Result
from stpexplorer.experiments._schema import Control, Experiment
from stpexplorer.experiments.datasets import SJOSTROM_2001

__all__ = [
    "FREQ_DT",
    "FREQ_DT_MS",
    "FREQ_N_PAIRS",
    "FREQ_RATES",
    "MAP_DELTA_T",
    "MAP_RATES",
    "STDP",
    "STDP_DT_MS",
    "STDP_DURATIONS",
    "STDP_DURATION_MS",
    "WINDOW_DT",
    "STDPResult",
    "stdp_analytic_window",
    "stdp_duration",
    "stdp_frequency",
    "stdp_map",
]

STDP_DURATIONS = (5000.0, 20000.0, 50000.0, 125000.0)  # ms, the window settings
STDP_DURATION_MS = STDP_DURATIONS[0]  # the window of the default protocol
STDP_DT_MS = 0.5
STDP_START_MS = 10.0
WINDOW_DT = np.linspace(-100.0, 100.0, 201)  # ms
# frequency view: Δw after the data's 60 pairings at the data's lags (±10 ms), on a log
# rate axis that includes the data's rates (the model is read at the measured points)
FREQ_RATES = np.unique(np.concatenate([np.geomspace(0.1, 50.0, 40), SJOSTROM_2001.rates_hz]))
FREQ_DT = SJOSTROM_2001.delta_t_ms  # (+10, -10) ms
FREQ_N_PAIRS = SJOSTROM_2001.n_pairs
FREQ_DT_MS = 0.1
# Δw map: the same protocol (FREQ_N_PAIRS pairings) over rate × Δt, one batched call
MAP_RATES = np.geomspace(0.1, 50.0, 48)  # Hz, log-spaced
MAP_DELTA_T = np.linspace(-50.0, 50.0, 41)  # ms, steps of 2.5 ms (0 included)


@dataclass(frozen=True)
class STDPResult(Result):
    """One STDP run. Times in ms, n = steps of the window.

    t: (n,) step times; pre, post: (n,) 0/1 spikes of the pairing protocol; w: (n,) weight;
    pre_trace, post_trace: (n,) fast traces r1, o1; pre_trace_x, post_trace_y: (n,) slow
    traces r2, o2 (triplet rule); window_dt: (201,) lags Δt = t_post − t_pre; window_dw:
    (201,) simulated Δw of one pair at each lag; window_analytic: (201,) its closed form;
    pairs_in_window: pairings delivered (both spikes in the window); n_pairs: pairings asked
    for; duration_ms: the window; freq_rates: (r,) pairing rates, Hz; freq_delta_t: (2,) lags,
    ms; freq_dw: (r, 2) Δw after FREQ_N_PAIRS pairings at each rate and lag; note: why fewer
    pairings were delivered ("" when all were). The Δw map over rate × Δt is not part of a run
    (about 10 ms): :func:`stdp_map` computes it, and the STDP panel does so while it shows it.
    """

    t: np.ndarray
    pre: np.ndarray
    post: np.ndarray
    w: np.ndarray
    pre_trace: np.ndarray
    post_trace: np.ndarray
    pre_trace_x: np.ndarray
    post_trace_y: np.ndarray
    window_dt: np.ndarray
    window_dw: np.ndarray
    window_analytic: np.ndarray
    pairs_in_window: int
    n_pairs: int
    duration_ms: float
    freq_rates: np.ndarray
    freq_delta_t: np.ndarray
    freq_dw: np.ndarray
    note: str = ""

    per_step = ("pre", "post", "pre_trace", "post_trace", "pre_trace_x", "post_trace_y", "w")


def _stdp_params(v) -> eng.STDPParams:
    return eng.STDPParams(A_plus=v["A_plus"], A_minus=v["A_minus"], tau_plus=v["tau_plus"],
                          tau_minus=v["tau_minus"], w_min=v["w_min"], w_max=v["w_max"],
                          rule=v["rule"], bounds=v["bounds"], A3_plus=v["A3_plus"], A3_minus=v["A3_minus"],
                          tau_x=v["tau_x"], tau_y=v["tau_y"])


def stdp_duration(v: dict) -> float:
    """The smallest of :data:`STDP_DURATIONS` (ms) that holds all ``n_pairs`` pairings of ``v``."""
    need = STDP_START_MS + (v["n_pairs"] - 1) * 1000.0 / v["pair_rate_hz"] + abs(v["delta_t_ms"]) + 2 * STDP_DT_MS
    return next((d for d in STDP_DURATIONS if d >= need), STDP_DURATIONS[-1])


def stdp_analytic_window(v: dict, delta_t) -> np.ndarray:
    """Closed-form Δw of an isolated pair for the rule in ``v``
    (:func:`stpexplorer.engine.stdp_window_analytic`: A+ e^{-Δt/τ+}, -A- e^{Δt/τ-}, bounds applied)."""
    return eng.stdp_window_analytic(_stdp_params(v), delta_t, w0=v["w0"])


def stdp_frequency(v: dict) -> np.ndarray:
    """Δw of the rule in ``v`` after FREQ_N_PAIRS pairings at each of FREQ_RATES (Hz) and
    FREQ_DT (ms), shape (n_rates, 2): the frequency view, comparable with SJOSTROM_2001."""
    return np.asarray(eng.stdp_frequency_curve(_stdp_params(v), FREQ_RATES, FREQ_DT, n_pairs=FREQ_N_PAIRS,
                                               dt_ms=FREQ_DT_MS, w0=v["w0"]))


def stdp_map(v: dict) -> np.ndarray:
    """Δw of the rule in ``v`` after FREQ_N_PAIRS pairings at every lag of MAP_DELTA_T (ms,
    rows) and rate of MAP_RATES (Hz, columns), shape (41, 48), in one jitted batched call
    (:func:`stpexplorer.engine.stdp_frequency_map`; new values never recompile)."""
    return np.asarray(eng.stdp_frequency_map(_stdp_params(v), MAP_RATES, MAP_DELTA_T, n_pairs=FREQ_N_PAIRS,
                                             dt_ms=FREQ_DT_MS, w0=v["w0"]))


def simulate_stdp(v: dict) -> STDPResult:
    """Simulate the rule of ``v`` (checked values) on its pairing protocol."""
    if v["bounds"] != "none" and v["w_max"] <= v["w_min"]:
        raise ValueError(f"w_max must be > w_min={v['w_min']:g}, got {v['w_max']:g}")
    p = _stdp_params(v)
    dur = stdp_duration(v)
    pre, post = eng.pairing_trains(v["delta_t_ms"], n_pairs=v["n_pairs"], period_ms=1000.0 / v["pair_rate_hz"],
                                   duration_ms=dur, dt_ms=STDP_DT_MS, start_ms=STDP_START_MS)
    tr = eng.simulate_stdp(p, pre, post, w0=v["w0"], dt_ms=STDP_DT_MS)
    t = np.arange(pre.size) * STDP_DT_MS
    win = np.asarray(eng.stdp_window(p, WINDOW_DT, dt_ms=STDP_DT_MS, w0=v["w0"]))
    got = int(min(pre.sum(), post.sum()))
    note = f"delivered {got} of {v['n_pairs']} pairs: the window is {dur / 1000:g} s" if got < v["n_pairs"] else ""
    return STDPResult(t=t, pre=pre, post=post, w=np.asarray(tr.w), pre_trace=np.asarray(tr.pre_trace),
                      post_trace=np.asarray(tr.post_trace), pre_trace_x=np.asarray(tr.pre_trace_x),
                      post_trace_y=np.asarray(tr.post_trace_y), window_dt=WINDOW_DT, window_dw=win,
                      window_analytic=stdp_analytic_window(v, WINDOW_DT), pairs_in_window=got,
                      n_pairs=int(v["n_pairs"]), duration_ms=dur, freq_rates=FREQ_RATES,
                      freq_delta_t=np.asarray(FREQ_DT), freq_dw=stdp_frequency(v), note=note)


STDP = Experiment(
    "stdp", "STDP",
    (
        C.A_PLUS, C.A_MINUS, C.TAU_PLUS, C.TAU_MINUS,
        Control("A3_plus", 0.0, 0.0, 0.06, label="A3+", step=0.00001, limits=(0.0, None),
                help="triplet potentiation: at a post spike w += r1·(A2+ + A3+·o2); 0 = pair rule"),
        Control("A3_minus", 0.0, 0.0, 0.02, label="A3−", step=0.00001, limits=(0.0, None),
                help="triplet depression: at a pre spike w −= o1·(A2− + A3−·r2); 0 = pair rule"),
        Control("tau_x", 101.0, 1.0, 1000.0, unit="ms", label="τx", step=0.1, help="slow pre trace r2 (A3−)"),
        Control("tau_y", 125.0, 1.0, 1000.0, unit="ms", label="τy", step=0.1, help="slow post trace o2 (A3+)"),
        Control("w_min", 0.0, 0.0, 1.0, label="w min", step=0.01,
                help="lower weight bound (hard and soft bounds)"),
        Control("w_max", 1.0, 0.01, 2.0, label="w max", step=0.01,
                help="upper weight bound (hard and soft bounds)"),
        C.W0,
        Control("rule", "all_to_all", kind="choice", options=("all_to_all", "nearest"), label="pairing rule",
                option_labels=("all-to-all", "nearest"),
                help="all-to-all: every earlier spike adds to the traces; nearest: only the last one counts"),
        C.BOUNDS,
        Control("delta_t_ms", 10.0, -100.0, 100.0, unit="ms", label="Δt", step=0.5,
                help="spike timing of each pair: t(post) − t(pre), ms"),
        Control("pair_rate_hz", 5.0, 0.5, 50.0, kind="log", unit="Hz", label="pairing rate",
                help="rate at which the pairs repeat, Hz"),
        Control("n_pairs", 20, 1, 60, kind="int", label="pairs", help="number of pre/post pairs in the protocol"),
    ),
    simulate_stdp, STDPResult,
    groups=(("Rule", ("A_plus", "A_minus", "tau_plus", "tau_minus", "rule", "bounds")),
            ("Triplet terms (0 = pair rule)", ("A3_plus", "A3_minus", "tau_x", "tau_y")),
            ("Protocol and weight", ("delta_t_ms", "pair_rate_hz", "n_pairs", "w0", "w_min", "w_max"))),
    applies={"w_min": ("bounds", ("hard", "soft")), "w_max": ("bounds", ("hard", "soft"))},
    panel="stpexplorer.ui.panels.stdp.panel:STDPPanel",
    description="Pair and triplet STDP on a pre/post pairing protocol, its window and frequency dependence",
)
