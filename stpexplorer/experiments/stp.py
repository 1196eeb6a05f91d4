"""Short-term plasticity: a Tsodyks–Markram synapse driven by a spike protocol.

The window is one of :data:`STP_DURATIONS` (fixed shapes: a slider move within a setting
never recompiles). ``duration_ms="auto"`` picks the smallest that holds the whole train and
its probe, so every spike asked for is delivered; an explicit window too short for the
protocol delivers what fits and says so in :attr:`STPResult.note`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stpexplorer import engine as eng
from stpexplorer.experiments import _controls as C
from stpexplorer.experiments._rate_curves import N_MAX_SPIKES, rate_curves
from stpexplorer.experiments._result import Result
from stpexplorer.experiments._schema import Control, Experiment

__all__ = ["RATE_CURVE_INPUTS", "STP", "STP_DURATIONS", "STP_RATES", "STP_START_MS", "STPResult", "simulate_stp",
           "stp_duration", "stp_f", "stp_rate_curves"]

STP_RATES = np.geomspace(0.5, 200.0, 120)  # Hz, steady-state release vs rate
STP_DURATIONS = (2000.0, 5000.0, 20000.0, 100000.0)  # ms, the window settings
STP_START_MS = 10.0  # first spike of every protocol, ms


def stp_f(v: dict):
    """STPParams' f for ``v``: None (f = U, bit for bit the classic model) unless f_mode is "free"."""
    return v["f"] if v.get("f_mode") == "free" else None


def _needed_ms(v: dict) -> float:
    """Time the protocol of ``v`` needs (last spike + one step), ms; Poisson fills any window."""
    if v["protocol"] == "poisson":
        return 0.0
    if v["protocol"] == "paired":
        last = STP_START_MS + v["interval_ms"]
    else:
        last = STP_START_MS + (v["n_spikes"] - 1) * 1000.0 / v["rate_hz"] + (v["probe_delay_ms"] or 0.0)
    return last + 2 * v["dt_ms"]


def stp_duration(v: dict) -> float:
    """The window for ``v``, ms: its ``duration_ms`` or, for "auto", the smallest of
    :data:`STP_DURATIONS` that holds the protocol (the longest if none does)."""
    if v["duration_ms"] != "auto":
        return float(v["duration_ms"])
    need = _needed_ms(v)
    return next((d for d in STP_DURATIONS if d >= need), STP_DURATIONS[-1])


@dataclass(frozen=True)
class STPResult(Result):
    """One STP run. Times in ms, n = number of steps, k = number of delivered spikes.

    t: (n,) step times; spikes: (n,) 0/1 presynaptic spikes; u, x: (n,) utilisation and
    resources after each step; wdyn: (n,) efficacy of the last release (W·u·x at it);
    release: (n,) release W·u⁻·x⁻ at the step (0 without a spike); spike_times: (k,);
    release_at_spikes: (k,); release_ratio: (k,) release over the first release (NaN if it is 0);
    u_star, x_star, release_star: steady state at ``rate_hz_effective`` (Hz; 1000/interval for
    paired pulses); rates: (120,) Hz; release_star_curve: (120,) steady-state release at ``rates``;
    r_lim_hz: 1000/(U·τd), the rate above which depression dominates (inf without depression);
    curve_rates: (48,) Hz; curve_regular, curve_poisson_mean, curve_poisson_sd: (48,) g_n/g_1
    (n = ``ratio_n``) for regular trains and for Poisson trains (mean and SD over 20 trains of
    ``seed``); curve_steady: (48,) release*/(W·U), the regular limit n → ∞ (see
    :mod:`~stpexplorer.experiments._rate_curves`; None when simulated with ``curves=False``);
    duration_ms: the simulated window; n_requested: spikes the protocol asked for (the train
    and its probe; Poisson: k); note: why fewer were delivered ("" when all were).
    """

    t: np.ndarray
    spikes: np.ndarray
    u: np.ndarray
    x: np.ndarray
    wdyn: np.ndarray
    release: np.ndarray
    spike_times: np.ndarray
    release_at_spikes: np.ndarray
    release_ratio: np.ndarray
    u_star: float
    x_star: float
    release_star: float
    rate_hz_effective: float
    rates: np.ndarray
    release_star_curve: np.ndarray
    r_lim_hz: float
    curve_rates: np.ndarray
    curve_regular: np.ndarray
    curve_poisson_mean: np.ndarray
    curve_poisson_sd: np.ndarray
    curve_steady: np.ndarray
    duration_ms: float
    n_requested: int
    note: str = ""

    per_step = ("spikes", "u", "x", "wdyn", "release")


def _train(v, duration_ms) -> np.ndarray:
    kw = {"duration_ms": duration_ms, "dt_ms": v["dt_ms"]}
    if v["protocol"] == "poisson":
        return eng.poisson_train(v["rate_hz"], seed=v["seed"], **kw)
    if v["protocol"] == "paired":
        return eng.paired_pulses(v["interval_ms"], start_ms=STP_START_MS, **kw)
    return eng.regular_train(v["rate_hz"], v["n_spikes"], probe_delay_ms=v["probe_delay_ms"] or None,
                             start_ms=STP_START_MS, **kw)


def _params(v: dict):
    return eng.STPParams(U=v["U"], tau_f=v["tau_f"], tau_d=v["tau_d"], W=v["W"], f=stp_f(v))


#: the values the rate curves depend on (W cancels in g_n / g_1)
RATE_CURVE_INPUTS = ("U", "tau_f", "tau_d", "f_mode", "f", "ratio_n", "seed", "dt_ms")


def stp_rate_curves(v: dict):
    """The rate curves g_n / g_1 of ``v`` (checked values; n = ``ratio_n``), as
    :class:`~stpexplorer.experiments._rate_curves.RateCurves`: what :func:`simulate_stp` puts
    in ``curve_*``. The STP panel computes them only while it shows them."""
    return rate_curves(_params(v), v["ratio_n"], seed=v["seed"], dt_ms=v["dt_ms"])


def simulate_stp(v: dict, *, curves: bool = True) -> STPResult:
    """Simulate the synapse of ``v`` (checked values) on its protocol. ``curves=False``
    skips the rate curves (``curve_*`` are None then; :func:`stp_rate_curves` gives them)."""
    dur = stp_duration(v)
    spikes = _train(v, dur)
    p = _params(v)
    tr = eng.simulate_stp(p, spikes, dt_ms=v["dt_ms"], method=v["method"])
    u, x, wdyn, rel = (np.asarray(a) for a in (tr.u, tr.x, tr.wdyn, tr.release))
    t = np.arange(spikes.size) * v["dt_ms"]
    idx = np.flatnonzero(spikes)
    rel_sp = rel[idx]
    rate = 1000.0 / v["interval_ms"] if v["protocol"] == "paired" else v["rate_hz"]
    # one call, one fixed shape: the current rate first, then the curve's rates
    ss = np.asarray(eng.steady_state(p, np.concatenate([[rate], STP_RATES])))
    us, xs, rs = (float(a) for a in ss[:, 0])
    r_lim = 1000.0 / (v["U"] * v["tau_d"]) if v["tau_d"] > 0 else float("inf")
    first = rel_sp[0] if rel_sp.size and rel_sp[0] > 0 else np.nan
    asked = {"poisson": idx.size, "paired": 2}.get(v["protocol"], v["n_spikes"] + (v["probe_delay_ms"] > 0))
    rc = stp_rate_curves(v) if curves else None
    note = ""
    if idx.size < asked:
        note = f"delivered {idx.size} of {asked} spikes: the window is {dur / 1000:g} s"
    return STPResult(t=t, spikes=spikes, u=u, x=x, wdyn=wdyn, release=rel, spike_times=t[idx],
                     release_at_spikes=rel_sp, release_ratio=rel_sp / first if rel_sp.size else rel_sp,
                     u_star=us, x_star=xs, release_star=rs, rate_hz_effective=float(rate),
                     rates=STP_RATES, release_star_curve=ss[2, 1:], r_lim_hz=r_lim,
                     curve_rates=rc and rc.rates, curve_regular=rc and rc.regular,
                     curve_poisson_mean=rc and rc.poisson_mean, curve_poisson_sd=rc and rc.poisson_sd,
                     curve_steady=rc and rc.steady, duration_ms=dur,
                     n_requested=int(asked), note=note)


STP = Experiment(
    "stp", "Short-term plasticity",
    (
        C.U, C.TAU_F, C.TAU_D,
        Control("W", 1.0, 0.0, 2.0, label="W", step=0.01,
                help="absolute efficacy: a spike releases W·u·x", limits=(0.0, None)),
        C.F_MODE, C.F,
        Control("protocol", "regular", kind="choice", options=("regular", "poisson", "paired"), label="protocol",
                help="regular train, Poisson train, or a pair of spikes"),
        Control("rate_hz", 20.0, 0.5, 200.0, kind="log", unit="Hz", label="rate",
                help="presynaptic spike rate of the train, Hz"),
        Control("n_spikes", 8, 1, 40, kind="int", label="spikes", help="number of spikes in the train"),
        Control("probe_delay_ms", 500.0, 0.0, 1500.0, unit="ms", label="probe delay", step=10.0,
                help="recovery probe after the train (0 = none)"),
        Control("interval_ms", 50.0, 5.0, 1000.0, kind="log", unit="ms", label="interval",
                help="time between the two spikes of the paired protocol, ms"),
        C.SEED,
        Control("ratio_n", 10, 2, N_MAX_SPIKES, kind="int", label="rate curve n",
                help="the rate curves plot g_n/g_1 (2: paired-pulse ratio; 10: g10/g1)"),
        Control("method", "exact", kind="choice", options=("exact", "euler"), label="method",
                help="exact: event-driven TM recursion; euler: time steps of dt"),
        Control("dt_ms", 0.1, kind="choice", unit="ms", options=(0.1, 0.25, 0.5, 1.0), label="dt",
                help="time step of the Euler scheme and of the plotted traces, ms"),
        Control("duration_ms", "auto", kind="choice", unit="ms", options=("auto",) + STP_DURATIONS,
                label="window", help="auto: the shortest window that holds the whole protocol"),
    ),
    simulate_stp, STPResult,
    groups=(("Synapse", ("U", "tau_f", "tau_d", "W", "f_mode", "f", "method")),
            ("Protocol", ("protocol", "rate_hz", "n_spikes", "probe_delay_ms", "interval_ms", "seed",
                          "dt_ms", "duration_ms", "ratio_n"))),
    applies={"f": ("f_mode", ("free",)),
             "rate_hz": ("protocol", ("regular", "poisson")),
             "n_spikes": ("protocol", ("regular",)),
             "probe_delay_ms": ("protocol", ("regular",)),
             "interval_ms": ("protocol", ("paired",)),
             "seed": ("protocol", ("poisson",))},
    panel="stpexplorer.ui.panels.stp.panel:STPPanel",
    description="Tsodyks-Markram synapse driven by a spike protocol",
)
