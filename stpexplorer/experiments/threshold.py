"""Adaptive thresholds: a WTAS layer and an adaptive LIF neuron, on one time axis."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from stpexplorer import engine as eng
from stpexplorer.experiments import _controls as C
from stpexplorer.experiments._result import Result
from stpexplorer.experiments._schema import Control, Experiment

__all__ = ["THRESHOLD", "THR_DT_MS", "THR_DURATION_MS", "WTAS_MAX_UNITS", "ThresholdResult"]

WTAS_MAX_UNITS = 16
THR_DURATION_MS = 1000.0
THR_DT_MS = 0.5


@dataclass(frozen=True)
class ThresholdResult(Result):
    """One Thresholds run. Times in ms, n = steps (2000), m = active WTAS units, s = LIF spikes.

    t: (n,) step times; wtas_spikes, wtas_thr, wtas_p: (n, m) spikes (0/1), thresholds and
    firing probabilities of the WTAS units; wtas_count: (n,) WTAS spikes per step;
    alif_current: (n,) injected current, nA (on from 100 to 900 ms); alif_v, alif_thr: (n,)
    membrane potential and adaptive threshold, mV; alif_spikes: (n,) 0/1;
    alif_spike_times: (s,); alif_rate_t: (s-1,) times of the 2nd.. spikes; alif_rate_hz:
    (s-1,) instantaneous rate 1000/ISI, Hz.
    """

    t: np.ndarray
    wtas_spikes: np.ndarray
    wtas_thr: np.ndarray
    wtas_p: np.ndarray
    wtas_count: np.ndarray
    alif_current: np.ndarray
    alif_v: np.ndarray
    alif_thr: np.ndarray
    alif_spikes: np.ndarray
    alif_rate_t: np.ndarray
    alif_rate_hz: np.ndarray
    alif_spike_times: np.ndarray

    per_step = ("wtas_count", "alif_current", "alif_v", "alif_thr", "alif_spikes", "wtas_thr", "wtas_spikes")
    units: ClassVar[dict[str, str]] = {"alif_current": "nA", "alif_v": "mV", "alif_thr": "mV", "alif_rate_t": "ms",
                                       "alif_rate_hz": "Hz", "alif_spike_times": "ms"}


def _wtas_current(v, n_steps: int) -> np.ndarray:
    n = v["n_units"]
    rng = np.random.default_rng(v["seed"])
    base = np.zeros(WTAS_MAX_UNITS)
    pattern = v["pattern"]
    if pattern == "ramp":
        base[:n] = np.linspace(0.0, 1.0, n)
    elif pattern == "one strong":
        base[:n] = 0.2
        base[0] = 1.0
    elif pattern == "uniform":
        base[:n] = 1.0
    noise = rng.random((n_steps, WTAS_MAX_UNITS))  # "random" pattern is pure noise; others add 20 % noise
    mix = 1.0 if pattern == "random" else 0.2
    return v["input_strength"] * ((1.0 - mix) * base[None, :] + mix * noise)


def simulate_threshold(v: dict) -> ThresholdResult:
    """Simulate the WTAS layer and the adaptive LIF neuron of ``v`` (checked values)."""
    n_steps = eng.n_steps_for(THR_DURATION_MS, THR_DT_MS)
    t = np.arange(n_steps) * THR_DT_MS
    active = (np.arange(WTAS_MAX_UNITS) < v["n_units"]).astype(np.float32)
    wp = eng.WTASParams(n_units=WTAS_MAX_UNITS, thr_base=v["thr_base"], thr_gain=v["thr_gain"],
                        refract_ms=v["refract_ms"], thr_jitter=v["thr_jitter"], R=1.0)
    w = eng.simulate_wtas(wp, _wtas_current(v, n_steps), dt_ms=THR_DT_MS, seed=v["seed"], active=active)
    n = v["n_units"]
    ws, wthr, wprob = (np.asarray(a)[:, :n] for a in (w.spikes, w.thr, w.p))
    current = np.where((t >= 100.0) & (t < 900.0), v["current_nA"], 0.0)
    ap = eng.ALIFParams(tau_m=v["tau_m"], v_rest=v["v_rest"], v_reset=v["v_rest"], v_th=v["v_th"], R=10.0,
                        theta_plus=v["theta_plus"], tau_theta=v["tau_theta"], refract_ms=v["alif_refract_ms"])
    a = eng.simulate_alif(ap, current, dt_ms=THR_DT_MS)
    av, athr, aspk = (np.asarray(x) for x in (a.v, a.thr, a.spikes))
    st = t[aspk > 0.5]
    rate = 1000.0 / np.diff(st) if st.size > 1 else np.zeros(0)
    return ThresholdResult(t=t, wtas_spikes=ws, wtas_thr=wthr, wtas_p=wprob, wtas_count=ws.sum(axis=1),
                           alif_current=current, alif_v=av, alif_thr=athr, alif_spikes=aspk,
                           alif_rate_t=st[1:], alif_rate_hz=rate, alif_spike_times=st)


THRESHOLD = Experiment(
    "threshold", "Thresholds",
    (
        Control("n_units", 8, 2, WTAS_MAX_UNITS, kind="int", label="units",
                help="number of WTAS units competing through the softmax"),
        Control("thr_base", 0.15, 0.01, 0.99, label="θ base", step=0.01,
                help="initial threshold of every WTAS unit (before jitter)"),
        Control("thr_gain", 0.002, 0.0, 0.05, label="θ gain", step=0.0005,
                help="each extra spike in a step raises every threshold by θ gain (homeostasis)"),
        Control("refract_ms", 0.0, 0.0, 20.0, unit="ms", label="refractory", step=0.5,
                help="WTAS: time a unit stays silent after its spike, ms"),
        Control("thr_jitter", 0.05, 0.0, 0.2, label="jitter", step=0.005,
                help="initial thresholds spread uniformly over θ base ± jitter"),
        Control("input_strength", 3.0, 0.0, 10.0, label="input mean", step=0.1,
                help="input drive: the pattern's mean input to the units (20 % noise)"),
        Control("pattern", "ramp", kind="choice", options=("ramp", "random", "one strong", "uniform"),
                label="input pattern",
                help="which units get the most input: a ramp, random, one strong, all equal"),
        C.SEED,
        Control("tau_m", 20.0, 2.0, 200.0, kind="log", unit="ms", label="τm",
                help="membrane time constant of the LIF neuron, ms"),
        Control("v_rest", -70.0, -80.0, -55.0, unit="mV", label="resting v", step=0.5,
                help="resting (and reset) membrane potential, mV"),
        C.V_TH, C.THETA_PLUS, C.TAU_THETA,
        Control("current_nA", 2.5, 0.0, 6.0, unit="nA", label="I", step=0.05,
                help="step current injected from 100 to 900 ms, nA"),
        Control("alif_refract_ms", 2.0, 0.0, 10.0, unit="ms", label="refractory", step=0.5,
                help="LIF: time the neuron stays silent after a spike, ms"),
    ),
    simulate_threshold, ThresholdResult,
    groups=(("WTAS layer", ("n_units", "thr_base", "thr_gain", "refract_ms", "thr_jitter",
                            "input_strength", "pattern", "seed")),
            ("Adaptive LIF", ("current_nA", "tau_m", "v_rest", "v_th", "theta_plus", "tau_theta",
                              "alif_refract_ms"))),
    panel="stpexplorer.ui.panels.threshold:ThresholdPanel",
    description="WTAS threshold homeostasis and an adaptive LIF neuron",
)
