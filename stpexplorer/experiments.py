"""Experiments: each panel's model, protocol and controls, independent of any widget.

An :class:`Experiment` declares its controls (name, range, default, unit, scale)
and runs its simulation from a plain ``{name: value}`` dict, returning numpy
arrays on one time axis. The widget panels, the ``stpexplorer simulate`` command
and scripts all go through here, so they compute the same thing.

Shapes are fixed per experiment (duration, dt choices, number of units and
synapses), so moving a control changes values only and never recompiles.

>>> from stpexplorer.experiments import EXPERIMENTS
>>> res = EXPERIMENTS["stp"].run({"U": 0.5, "tau_f": 0.0, "tau_d": 800.0})
>>> round(float(res["release_at_spikes"][0]), 3)
0.5
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass, field, replace
from typing import Any, Callable

import numpy as np

from . import engine as eng
from .datasets import SJOSTROM_2001
from .presets import PRESETS, get_preset, presets_for

__all__ = ["Control", "Experiment", "EXPERIMENTS", "get_experiment", "run", "dump_json", "load_json",
           "to_csv", "FORMAT"]

FORMAT = "stpexplorer-parameters"


@dataclass(frozen=True)
class Control:
    """One parameter a user can set.

    kind: "float" (linear slider), "log" (log slider; ``zero_ok`` adds 0 = off),
    "int", or "choice" (``options``).
    """

    name: str
    default: Any
    lo: float | None = None
    hi: float | None = None
    kind: str = "float"
    unit: str = ""
    label: str = ""
    options: tuple = ()
    step: float | None = None
    zero_ok: bool = False
    help: str = ""

    def check(self, value):
        """Return ``value`` normalised (float, int or str), or raise ValueError naming the range."""
        if self.kind == "choice":
            for opt in self.options:
                if value == opt or (isinstance(opt, float) and _is_number(value) and float(value) == opt):
                    return opt
            raise ValueError(f"{self.name} must be one of {list(self.options)}, got {value!r}")
        if not _is_number(value):
            raise ValueError(f"{self.name} must be a number in {self.range_text()}, got {value!r}")
        v = float(value)
        if self.kind == "int":
            if v != int(v):
                raise ValueError(f"{self.name} must be an integer in {self.range_text()}, got {value!r}")
        ok = math.isfinite(v) and (self.lo is None or v >= self.lo) and (self.hi is None or v <= self.hi)
        if self.zero_ok and v == 0.0:
            ok = True
        if not ok:
            raise ValueError(f"{self.name} must be in {self.range_text()}, got {value!r}")
        return int(v) if self.kind == "int" else v

    def range_text(self) -> str:
        unit = f" {self.unit}" if self.unit and self.unit not in ("", "-") else ""
        zero = " or 0 (off)" if self.zero_ok else ""
        return f"[{self.lo:g}, {self.hi:g}]{unit}{zero}"


def _is_number(v) -> bool:
    if isinstance(v, (bool, np.bool_)):
        return False
    try:
        float(v)
    except (TypeError, ValueError):
        return False
    return np.ndim(v) == 0


@dataclass(frozen=True)
class Experiment:
    name: str
    title: str
    controls: tuple[Control, ...]
    simulate: Callable[[dict], dict]
    per_step: tuple[str, ...] = ()
    description: str = ""
    _index: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        self._index.update({c.name: c for c in self.controls})

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.controls]

    def control(self, name: str) -> Control:
        try:
            return self._index[name]
        except KeyError:
            raise ValueError(f"unknown parameter {name!r} for {self.name}; valid parameters: "
                             + ", ".join(self.names)) from None

    def defaults(self) -> dict:
        return {c.name: c.default for c in self.controls}

    def validate(self, values: dict, *, complete: bool = False) -> dict:
        """Defaults updated with ``values``, each checked; ValueError on the first bad one."""
        if complete:
            missing = [n for n in self.names if n not in values]
            if missing:
                raise ValueError(f"missing parameters for {self.name}: {', '.join(missing)}")
        out = self.defaults()
        for k, v in values.items():
            out[k] = self.control(k).check(v)
        return out

    @property
    def presets(self) -> list[str]:
        return presets_for(self.name)

    def preset_values(self, name: str) -> dict:
        """The values preset ``name`` sets in this experiment (only controls it has)."""
        p = get_preset(name, self.name)
        return {k: v for k, v in p.values.items() if k in self._index}

    def run(self, values: dict | None = None) -> dict:
        """Validate ``values`` (missing ones take defaults) and simulate; numpy arrays out."""
        return self.simulate(self.validate(values or {}))


# ---------------------------------------------------------------------------------------
# Short-term plasticity

STP_RATES = np.geomspace(0.5, 200.0, 120)  # Hz, steady-state release vs rate


def _stp_train(v) -> np.ndarray:
    kw = dict(duration_ms=v["duration_ms"], dt_ms=v["dt_ms"])
    probe = v["probe_delay_ms"] or None
    if v["protocol"] == "poisson":
        return eng.poisson_train(v["rate_hz"], seed=v["seed"], **kw)
    if v["protocol"] == "paired":
        return eng.paired_pulses(v["interval_ms"], **kw)
    return eng.regular_train(v["rate_hz"], v["n_spikes"], probe_delay_ms=probe, **kw)


def _simulate_stp(v: dict) -> dict:
    spikes = _stp_train(v)
    p = eng.STPParams(U=v["U"], tau_f=v["tau_f"], tau_d=v["tau_d"], W=v["W"], f=stp_f(v))
    tr = eng.simulate_stp(p, spikes, dt_ms=v["dt_ms"], method=v["method"])
    u, x, wdyn, rel = (np.asarray(a) for a in (tr.u, tr.x, tr.wdyn, tr.release))
    t = np.arange(spikes.size) * v["dt_ms"]
    idx = np.flatnonzero(spikes)
    rel_sp = rel[idx]
    rate = 1000.0 / v["interval_ms"] if v["protocol"] == "paired" else v["rate_hz"]
    # one call, one fixed shape: the current rate first, then the curve's rates
    ss = np.asarray(eng.steady_state(p, np.concatenate([[rate], STP_RATES])))
    us, xs, rs = (float(a) for a in ss[:, 0])
    curve = ss[2, 1:]
    r_lim = 1000.0 / (v["U"] * v["tau_d"]) if v["tau_d"] > 0 else float("inf")
    first = rel_sp[0] if rel_sp.size and rel_sp[0] > 0 else np.nan
    return dict(t=t, spikes=spikes, u=u, x=x, wdyn=wdyn, release=rel,
                spike_times=t[idx], release_at_spikes=rel_sp,
                release_ratio=rel_sp / first if rel_sp.size else rel_sp,
                u_star=us, x_star=xs, release_star=rs, rate_hz_effective=rate,
                rates=STP_RATES, release_star_curve=curve, r_lim_hz=r_lim)


# Controls of the synapse shared by the STP and Fit panels (declared once)
U_CONTROL = Control("U", 0.5, 0.01, 1.0, unit="", label="U", step=0.01, help="baseline release fraction")
TAU_F_CONTROL = Control("tau_f", 0.0, 1.0, 5000.0, kind="log", unit="ms", label="τf", zero_ok=True,
                        help="facilitation time constant (0 = off)")
TAU_D_CONTROL = Control("tau_d", 800.0, 1.0, 5000.0, kind="log", unit="ms", label="τd", zero_ok=True,
                        help="depression time constant (0 = off)")
#: the facilitation increment of the extended TM (u jumps by f(1 − u)): tied to U (f = U, the
#: classic model, STPParams(f=None)) or a free value (the f slider applies only then)
F_MODE_CONTROL = Control("f_mode", "tied to U", kind="choice", options=("tied to U", "free"), label="f",
                         help="facilitation increment: f = U (classic TM) or a free value (extended TM)")
F_CONTROL = Control("f", 0.2, 0.01, 1.0, label="f", step=0.01,
                    help="facilitation increment: u jumps by f(1 − u) at each spike")


def stp_f(v: dict):
    """STPParams' f for ``v``: None (f = U, bit for bit the classic model) unless f_mode is "free"."""
    return v["f"] if v.get("f_mode") == "free" else None


STP = Experiment(
    "stp", "Short-term plasticity",
    (
        U_CONTROL, TAU_F_CONTROL, TAU_D_CONTROL,
        Control("W", 1.0, 0.0, 2.0, label="W", step=0.01, help="absolute efficacy"),
        F_MODE_CONTROL, F_CONTROL,
        Control("protocol", "regular", kind="choice", options=("regular", "poisson", "paired")),
        Control("rate_hz", 20.0, 0.5, 200.0, kind="log", unit="Hz", label="rate"),
        Control("n_spikes", 8, 1, 40, kind="int", label="spikes"),
        Control("probe_delay_ms", 500.0, 0.0, 1500.0, unit="ms", label="probe", step=10.0,
                help="recovery probe after the train (0 = none)"),
        Control("interval_ms", 50.0, 5.0, 1000.0, kind="log", unit="ms", label="pair interval"),
        Control("seed", 0, 0, 999, kind="int", label="seed"),
        Control("method", "exact", kind="choice", options=("exact", "euler")),
        Control("dt_ms", 0.1, kind="choice", unit="ms", options=(0.1, 0.25, 0.5, 1.0)),
        Control("duration_ms", 2000.0, kind="choice", unit="ms", options=(2000.0, 5000.0)),
    ),
    _simulate_stp, per_step=("spikes", "u", "x", "wdyn", "release"),
    description="Tsodyks-Markram synapse driven by a spike protocol",
)


# ---------------------------------------------------------------------------------------
# Adaptive thresholds: WTAS layer and adaptive LIF, on one time axis

WTAS_MAX_UNITS = 16
THR_DURATION_MS = 1000.0
THR_DT_MS = 0.5


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


def _simulate_threshold(v: dict) -> dict:
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
    rate_t = st[1:]
    rate = 1000.0 / np.diff(st) if st.size > 1 else np.zeros(0)
    return dict(t=t, wtas_spikes=ws, wtas_thr=wthr, wtas_p=wprob, wtas_count=ws.sum(axis=1),
                alif_current=current, alif_v=av, alif_thr=athr, alif_spikes=aspk,
                alif_rate_t=rate_t, alif_rate_hz=rate, alif_spike_times=st)


THRESHOLD = Experiment(
    "threshold", "Thresholds",
    (
        Control("n_units", 8, 2, WTAS_MAX_UNITS, kind="int", label="units"),
        Control("thr_base", 0.15, 0.01, 0.99, label="θ base", step=0.01),
        Control("thr_gain", 0.002, 0.0, 0.05, label="θ gain", step=0.0005),
        Control("refract_ms", 0.0, 0.0, 20.0, unit="ms", label="refractory", step=0.5),
        Control("thr_jitter", 0.05, 0.0, 0.2, label="jitter", step=0.005),
        Control("input_strength", 3.0, 0.0, 10.0, label="input", step=0.1),
        Control("pattern", "ramp", kind="choice", options=("ramp", "random", "one strong", "uniform")),
        Control("seed", 0, 0, 999, kind="int", label="seed"),
        Control("tau_m", 20.0, 2.0, 200.0, kind="log", unit="ms", label="τm"),
        Control("v_rest", -70.0, -80.0, -55.0, unit="mV", label="v_rest", step=0.5),
        Control("v_th", -54.0, -65.0, -40.0, unit="mV", label="v_th", step=0.5),
        Control("theta_plus", 2.0, 0.0, 10.0, unit="mV", label="θ+", step=0.05),
        Control("tau_theta", 200.0, 10.0, 1e7, kind="log", unit="ms", label="τθ"),
        Control("current_nA", 2.5, 0.0, 6.0, unit="nA", label="I", step=0.05),
        Control("alif_refract_ms", 2.0, 0.0, 10.0, unit="ms", label="LIF refractory", step=0.5),
    ),
    _simulate_threshold,
    per_step=("wtas_count", "alif_current", "alif_v", "alif_thr", "alif_spikes", "wtas_thr", "wtas_spikes"),
    description="WTAS threshold homeostasis and an adaptive LIF neuron",
)


# ---------------------------------------------------------------------------------------
# STDP

STDP_DURATION_MS = 5000.0
STDP_DT_MS = 0.5
WINDOW_DT = np.linspace(-100.0, 100.0, 201)  # ms
# frequency view: Δw after the data's 60 pairings at the data's lags (±10 ms), on a log
# rate axis that includes the data's rates (the model is read at the measured points)
FREQ_RATES = np.unique(np.concatenate([np.geomspace(0.1, 50.0, 40), SJOSTROM_2001.rates_hz]))
FREQ_DT = SJOSTROM_2001.delta_t_ms  # (+10, -10) ms
FREQ_N_PAIRS = SJOSTROM_2001.n_pairs
FREQ_DT_MS = 0.1


def _stdp_params(v) -> eng.STDPParams:
    return eng.STDPParams(A_plus=v["A_plus"], A_minus=v["A_minus"], tau_plus=v["tau_plus"],
                          tau_minus=v["tau_minus"], w_min=v["w_min"], w_max=v["w_max"],
                          rule=v["rule"], bounds=v["bounds"], A3_plus=v["A3_plus"], A3_minus=v["A3_minus"],
                          tau_x=v["tau_x"], tau_y=v["tau_y"])


def stdp_analytic_window(v: dict, delta_t) -> np.ndarray:
    """Closed-form Δw of an isolated pair (bounds not reached): A+ e^{-Δt/τ+}, -A- e^{Δt/τ-}.

    The triplet terms do not act on an isolated pair (the slow traces are 0 at its spikes)."""
    d = np.asarray(delta_t, dtype=np.float64)
    w0 = min(max(v["w0"], v["w_min"]), v["w_max"])
    pot = v["A_plus"] * np.exp(-np.abs(d) / v["tau_plus"])
    dep = v["A_minus"] * np.exp(-np.abs(d) / v["tau_minus"])
    if v["bounds"] == "soft":
        pot, dep = pot * (v["w_max"] - w0), dep * (w0 - v["w_min"])
    return np.where(d > 0, pot, np.where(d < 0, -dep, 0.0))


def stdp_frequency(v: dict) -> np.ndarray:
    """Δw of the rule in ``v`` after FREQ_N_PAIRS pairings at each of FREQ_RATES (Hz) and
    FREQ_DT (ms), shape (n_rates, 2): the frequency view, comparable with SJOSTROM_2001."""
    return np.asarray(eng.stdp_frequency_curve(_stdp_params(v), FREQ_RATES, FREQ_DT, n_pairs=FREQ_N_PAIRS,
                                               dt_ms=FREQ_DT_MS, w0=v["w0"]))


def _simulate_stdp(v: dict) -> dict:
    if v["bounds"] != "none" and v["w_max"] <= v["w_min"]:
        raise ValueError(f"w_max must be > w_min={v['w_min']:g}, got {v['w_max']:g}")
    p = _stdp_params(v)
    period = 1000.0 / v["pair_rate_hz"]
    pre, post = eng.pairing_trains(v["delta_t_ms"], n_pairs=v["n_pairs"], period_ms=period,
                                   duration_ms=STDP_DURATION_MS, dt_ms=STDP_DT_MS)
    tr = eng.simulate_stdp(p, pre, post, w0=v["w0"], dt_ms=STDP_DT_MS)
    t = np.arange(pre.size) * STDP_DT_MS
    win = np.asarray(eng.stdp_window(p, WINDOW_DT, dt_ms=STDP_DT_MS, w0=v["w0"]))
    return dict(t=t, pre=pre, post=post, w=np.asarray(tr.w), pre_trace=np.asarray(tr.pre_trace),
                post_trace=np.asarray(tr.post_trace), pre_trace_x=np.asarray(tr.pre_trace_x),
                post_trace_y=np.asarray(tr.post_trace_y), window_dt=WINDOW_DT, window_dw=win,
                window_analytic=stdp_analytic_window(v, WINDOW_DT),
                pairs_in_window=int(min(pre.sum(), post.sum())),
                freq_rates=FREQ_RATES, freq_delta_t=FREQ_DT, freq_dw=stdp_frequency(v))


# Amplitudes and time constants are linear sliders on fine grids (1e-5, 0.1 ms): every
# published value (A2- = 0.0071, τ+ = 16.8 ms, τx = 946 ms, ...) sits on its slider's grid,
# so the readout shows the simulated number, and each key press changes the readout.
STDP = Experiment(
    "stdp", "STDP",
    (
        Control("A_plus", 0.01, 0.0, 0.1, label="A+ (A2+)", step=0.00001, help="pair potentiation"),
        Control("A_minus", 0.0105, 0.0, 0.1, label="A− (A2−)", step=0.00001, help="pair depression"),
        Control("tau_plus", 20.0, 1.0, 200.0, unit="ms", label="τ+", step=0.1, help="pre trace r1"),
        Control("tau_minus", 20.0, 1.0, 200.0, unit="ms", label="τ−", step=0.1, help="post trace o1"),
        Control("A3_plus", 0.0, 0.0, 0.06, label="A3+", step=0.00001,
                help="triplet potentiation: at a post spike w += r1·(A2+ + A3+·o2); 0 = pair rule"),
        Control("A3_minus", 0.0, 0.0, 0.02, label="A3−", step=0.00001,
                help="triplet depression: at a pre spike w −= o1·(A2− + A3−·r2); 0 = pair rule"),
        Control("tau_x", 101.0, 1.0, 1000.0, unit="ms", label="τx", step=0.1, help="slow pre trace r2 (A3−)"),
        Control("tau_y", 125.0, 1.0, 1000.0, unit="ms", label="τy", step=0.1, help="slow post trace o2 (A3+)"),
        Control("w_min", 0.0, 0.0, 1.0, label="w_min", step=0.01),
        Control("w_max", 1.0, 0.01, 2.0, label="w_max", step=0.01),
        Control("w0", 0.5, 0.0, 2.0, label="w0", step=0.01),
        Control("rule", "all_to_all", kind="choice", options=("all_to_all", "nearest")),
        Control("bounds", "hard", kind="choice", options=("hard", "soft", "none"),
                help="hard: clipped; soft: multiplicative; none: unbounded (Pfister & Gerstner 2006)"),
        Control("delta_t_ms", 10.0, -100.0, 100.0, unit="ms", label="Δt", step=0.5),
        Control("pair_rate_hz", 5.0, 0.5, 50.0, kind="log", unit="Hz", label="pairing rate"),
        Control("n_pairs", 20, 1, 60, kind="int", label="pairs"),
    ),
    _simulate_stdp, per_step=("pre", "post", "pre_trace", "post_trace", "pre_trace_x", "post_trace_y", "w"),
    description="Pair and triplet STDP on a pre/post pairing protocol, its window and frequency dependence",
)


# ---------------------------------------------------------------------------------------
# Synapse lab

CIRCUIT_N_SYN = 40
CIRCUIT_DURATION_MS = 1000.0
CIRCUIT_DT_MS = 0.5
CIRCUIT_SHOWN = 4  # individual synapses drawn besides the mean


def _simulate_circuit(v: dict) -> dict:
    pre = eng.poisson_train(v["rate_hz"], duration_ms=CIRCUIT_DURATION_MS, dt_ms=CIRCUIT_DT_MS,
                            seed=v["seed"], n_trains=CIRCUIT_N_SYN)
    p = eng.CircuitParams(
        stp=eng.STPParams(U=v["U"], tau_f=v["tau_f"], tau_d=v["tau_d"]),
        neuron=eng.ALIFParams(v_th=v["v_th"], theta_plus=v["theta_plus"], tau_theta=v["tau_theta"]),
        stdp=eng.STDPParams(A_plus=v["A_plus"], A_minus=v["A_minus"], tau_plus=v["tau_plus"],
                            tau_minus=v["tau_minus"], bounds=v["bounds"]),
        gain=v["gain"])
    tr = eng.simulate_circuit(p, pre, w0=v["w0"], dt_ms=CIRCUIT_DT_MS)
    u, x, wdyn, w = (np.asarray(a) for a in (tr.u, tr.x, tr.wdyn, tr.w))
    t = np.arange(pre.shape[0]) * CIRCUIT_DT_MS
    out = dict(t=t, pre=pre, v=np.asarray(tr.v), thr=np.asarray(tr.thr), spikes=np.asarray(tr.spikes),
               current=np.asarray(tr.current), u=u, x=x, wdyn=wdyn, w=w,
               u_mean=u.mean(axis=1), x_mean=x.mean(axis=1), wdyn_mean=wdyn.mean(axis=1),
               w_mean=w.mean(axis=1), w_final=w[-1])
    out["rate_out_hz"] = float(out["spikes"].sum() / (CIRCUIT_DURATION_MS / 1000.0))
    return out


CIRCUIT = Experiment(
    "circuit", "Synapse lab",
    (
        Control("U", 0.2, 0.01, 1.0, label="U", step=0.01),
        Control("tau_f", 200.0, 1.0, 5000.0, kind="log", unit="ms", label="τf", zero_ok=True),
        Control("tau_d", 300.0, 1.0, 5000.0, kind="log", unit="ms", label="τd", zero_ok=True),
        Control("rate_hz", 20.0, 1.0, 100.0, kind="log", unit="Hz", label="input rate"),
        Control("seed", 0, 0, 999, kind="int", label="seed"),
        Control("gain", 8.0, 0.0, 40.0, unit="nA", label="gain", step=0.1),
        Control("v_th", -54.0, -65.0, -40.0, unit="mV", label="v_th", step=0.5),
        Control("theta_plus", 2.0, 0.0, 10.0, unit="mV", label="θ+", step=0.05),
        Control("tau_theta", 200.0, 10.0, 1e7, kind="log", unit="ms", label="τθ"),
        Control("A_plus", 0.01, 0.0, 0.1, label="A+", step=0.0005),
        Control("A_minus", 0.0105, 0.0, 0.1, label="A−", step=0.0005),
        Control("tau_plus", 20.0, 1.0, 200.0, kind="log", unit="ms", label="τ+"),
        Control("tau_minus", 20.0, 1.0, 200.0, kind="log", unit="ms", label="τ−"),
        Control("bounds", "hard", kind="choice", options=("hard", "soft")),
        Control("w0", 0.5, 0.0, 1.0, label="w0", step=0.01),
    ),
    _simulate_circuit, per_step=("v", "thr", "spikes", "current", "u_mean", "x_mean", "wdyn_mean", "w_mean"),
    description="Poisson inputs through STP synapses onto an adaptive LIF neuron with STDP",
)

# ---------------------------------------------------------------------------------------
# Fit: recorded (or mystery) amplitude trains against the TM prediction of the sliders

def simulate_fit(v: dict, data=None) -> dict:
    """Prediction of the slider values for ``data`` (default: the mystery synapse of ``v``).

    Flat arrays over every (protocol, spike) in data order: ``protocol`` (index), ``time_ms``
    (from the protocol's first spike), ``mean``, ``sem``, ``count`` (observations), ``prediction``
    (W·u_n·x_n); ``sse`` over all observations (amplitude units²) and ``n_obs``."""
    from .mystery import mystery_data, summary

    if data is None:
        data = mystery_data(v["mystery"], v["seed"])
    s = summary(data, {**v, "f": stp_f(v)})
    cat = np.concatenate
    t_end = max(float(t[-1]) for t in s.times)
    return dict(t=np.array([0.0, max(t_end, 1.0)]),
                protocol=cat([np.full(t.size, i) for i, t in enumerate(s.times)]),
                time_ms=cat(s.times), mean=cat(s.means), sem=cat(s.sems), count=cat(s.counts),
                prediction=cat(s.predictions), sse=s.sse, n_obs=s.n_obs)


FIT = Experiment(
    "fit", "Fit",
    (
        Control("mystery", "depressing", kind="choice", options=("depressing", "facilitating"),
                help="which kind of hidden synapse (replaces uploaded data)"),
        Control("seed", 0, 0, 999, kind="int", label="mystery seed",
                help="draws the hidden parameters and the quantal noise (replaces uploaded data)"),
        # τf starts on (50 ms): with it off, its first steps (1 ms) would change no amplitude visibly
        U_CONTROL, replace(TAU_F_CONTROL, default=50.0), TAU_D_CONTROL,
        Control("W", 100.0, 0.001, 100000.0, kind="log", label="W",
                help="amplitude scale in the data's units: the first amplitude from rest is W·U"),
        F_MODE_CONTROL, F_CONTROL,
    ),
    simulate_fit, per_step=(),
    description="Amplitude trains (a mystery synapse or an uploaded CSV) against the TM prediction",
)

EXPERIMENTS: dict[str, Experiment] = {e.name: e for e in (STP, THRESHOLD, STDP, CIRCUIT, FIT)}


def get_experiment(name: str) -> Experiment:
    try:
        return EXPERIMENTS[name]
    except KeyError:
        raise ValueError(f"unknown panel {name!r}; valid panels: {', '.join(EXPERIMENTS)}") from None


def run(panel: str, values: dict | None = None, preset: str | None = None) -> dict:
    """Run ``panel``'s experiment with a preset (optional) and values on top of it."""
    exp = get_experiment(panel)
    merged = exp.preset_values(preset) if preset else {}
    merged.update(values or {})
    return exp.run(merged)


# ---------------------------------------------------------------------------------------
# Files: parameters as JSON (data only, never code), traces as CSV

def dump_json(exp: Experiment, values: dict) -> str:
    vals = exp.validate(values)
    return json.dumps({"format": FORMAT, "version": 1, "panel": exp.name, "values": vals}, indent=2)


def load_json(exp: Experiment, text: str) -> dict:
    """Parse a parameter file for ``exp``: returns the complete, validated values.

    Raises ValueError with a clear message for malformed JSON, another panel's file,
    missing or unknown parameters, or out-of-range values. Only ``json.loads`` reads
    the text: nothing in a file is executed.
    """
    try:
        doc = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError, TypeError) as e:
        raise ValueError(f"not a valid JSON parameter file: {e}") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or not isinstance(doc.get("values"), dict):
        raise ValueError(f"not a stpexplorer parameter file: expected an object with "
                         f"\"format\": \"{FORMAT}\" and a \"values\" object")
    if doc.get("panel") != exp.name:
        raise ValueError(f"this file holds parameters of panel {doc.get('panel')!r}, not {exp.name!r}")
    return exp.validate(doc["values"], complete=True)


def to_csv(exp: Experiment, result: dict) -> str:
    """Per-step traces of a result as CSV text: a time column then one column per trace
    (2-D traces get one column per unit/synapse, ``name_i``)."""
    cols = {"t_ms": np.asarray(result["t"])}
    for name in exp.per_step:
        a = np.asarray(result[name])
        if a.ndim == 1:
            cols[name] = a
        else:
            for i in range(a.shape[1]):
                cols[f"{name}_{i}"] = a[:, i]
    buf = io.StringIO()
    wr = csv.writer(buf, lineterminator="\n")
    wr.writerow(cols)
    wr.writerows(zip(*[np.char.mod("%.7g", c) for c in cols.values()]))
    return buf.getvalue()


def result_to_jsonable(result: dict) -> dict:
    out = {}
    for k, v in result.items():
        a = np.asarray(v)
        out[k] = a.tolist() if a.ndim else (a.item() if np.isfinite(a).all() else None)
    return out


def all_preset_names() -> list[str]:
    return list(PRESETS)
