"""Synapse lab: Poisson inputs through STP synapses onto an adaptive LIF neuron with STDP."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

import numpy as np

from stpexplorer import engine as eng
from stpexplorer.experiments import _controls as C
from stpexplorer.experiments._result import Result
from stpexplorer.experiments._schema import Control, Experiment

__all__ = ["CIRCUIT", "CIRCUIT_DT_MS", "CIRCUIT_DURATION_MS", "CIRCUIT_N_SYN", "CIRCUIT_SHOWN", "CircuitResult"]

CIRCUIT_N_SYN = 40
CIRCUIT_DURATION_MS = 1000.0
CIRCUIT_DT_MS = 0.5
CIRCUIT_SHOWN = 4  # individual synapses drawn besides the mean


@dataclass(frozen=True)
class CircuitResult(Result):
    """One Synapse lab run. Times in ms, n = steps (2000), s = CIRCUIT_N_SYN synapses.

    t: (n,) step times; pre: (n, s) 0/1 input spikes; v, thr: (n,) membrane potential and
    adaptive threshold, mV; spikes: (n,) 0/1 output spikes; current: (n,) synaptic current,
    nA; u, x, wdyn, w: (n, s) STP utilisation, resources, efficacy and STDP weight per
    synapse; u_mean, x_mean, wdyn_mean, w_mean: (n,) their means over synapses; w_final:
    (s,) weights at the end; rate_out_hz: output rate over the window, Hz.
    """

    t: np.ndarray
    pre: np.ndarray
    v: np.ndarray
    thr: np.ndarray
    spikes: np.ndarray
    current: np.ndarray
    u: np.ndarray
    x: np.ndarray
    wdyn: np.ndarray
    w: np.ndarray
    u_mean: np.ndarray
    x_mean: np.ndarray
    wdyn_mean: np.ndarray
    w_mean: np.ndarray
    w_final: np.ndarray
    rate_out_hz: float

    per_step = ("v", "thr", "spikes", "current", "u_mean", "x_mean", "wdyn_mean", "w_mean")
    units: ClassVar[dict[str, str]] = {"v": "mV", "thr": "mV", "current": "nA", "rate_out_hz": "Hz"}


def simulate_circuit(v: dict) -> CircuitResult:
    """Simulate the synapse lab of ``v`` (checked values)."""
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
    spikes = np.asarray(tr.spikes)
    return CircuitResult(t=np.arange(pre.shape[0]) * CIRCUIT_DT_MS, pre=pre, v=np.asarray(tr.v),
                         thr=np.asarray(tr.thr), spikes=spikes, current=np.asarray(tr.current), u=u, x=x,
                         wdyn=wdyn, w=w, u_mean=u.mean(axis=1), x_mean=x.mean(axis=1),
                         wdyn_mean=wdyn.mean(axis=1), w_mean=w.mean(axis=1), w_final=w[-1],
                         rate_out_hz=float(spikes.sum() / (CIRCUIT_DURATION_MS / 1000.0)))


CIRCUIT = Experiment(
    "circuit", "Synapse lab",
    (
        replace(C.U, default=0.2), replace(C.TAU_F, default=200.0), replace(C.TAU_D, default=300.0),
        C.INPUT_RATE,
        C.SEED,
        Control("gain", 8.0, 0.0, 40.0, unit="nA", label="gain", step=0.1,
                help="current into the neuron per unit of release W·w·u·x, nA"),
        C.V_TH, C.THETA_PLUS, C.TAU_THETA,
        C.A_PLUS, C.A_MINUS, C.TAU_PLUS, C.TAU_MINUS, C.BOUNDS, C.W0,
    ),
    simulate_circuit, CircuitResult,
    groups=(("Synapses (STP) and input", ("U", "tau_f", "tau_d", "rate_hz", "seed", "gain")),
            ("Neuron", ("v_th", "theta_plus", "tau_theta")),
            ("STDP", ("A_plus", "A_minus", "tau_plus", "tau_minus", "bounds", "w0"))),
    panel="stpexplorer.ui.panels.circuit.panel:CircuitPanel",
    description="Poisson inputs through STP synapses onto an adaptive LIF neuron with STDP",
)
