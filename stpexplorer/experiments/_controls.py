"""Controls shared by several experiments, declared once with one range everywhere.

A panel that needs another default uses ``dataclasses.replace(CONTROL, default=...)``;
ranges, steps and labels stay the same in every panel. ``limits`` (the API range) is the
engine's valid range where it is wider than the slider.
"""

from __future__ import annotations

from stpexplorer.experiments._schema import Control

__all__ = [
           "A_MINUS",
           "A_PLUS",
           "BOUNDS",
           "F_MODE",
           "INPUT_RATE",
           "SEED",
           "TAU_D",
           "TAU_F",
           "TAU_MINUS",
           "TAU_PLUS",
           "TAU_THETA",
           "THETA_PLUS",
           "V_TH",
           "W0",
           "F",
           "U",
]

# Tsodyks–Markram synapse (STP, Fit, Synapse lab)
U = Control("U", 0.5, 0.01, 1.0, unit="", label="U", step=0.01,
            help="baseline release fraction: u after a long rest, in (0, 1]",
            limits=(0.0, 1.0), lo_open=True)
TAU_F = Control("tau_f", 0.0, 1.0, 5000.0, kind="log", unit="ms", label="τf", zero_ok=True,
                help="facilitation time constant: how long u stays raised after a spike, ms (0 = off)",
                limits=(0.0, None))
TAU_D = Control("tau_d", 800.0, 1.0, 5000.0, kind="log", unit="ms", label="τd", zero_ok=True,
                help="depression time constant: how fast the resources x recover, ms (0 = off)", limits=(0.0, None))
#: the facilitation increment of the extended TM (u jumps by f(1 − u)): tied to U (f = U, the
#: classic model, STPParams(f=None)) or a free value (the f slider applies only then)
F_MODE = Control("f_mode", "tied to U", kind="choice", options=("tied to U", "free"), label="f",
                 help="facilitation increment: f = U (classic TM) or a free value (extended TM)")
F = Control("f", 0.2, 0.01, 1.0, label="f", step=0.01,
            help="facilitation increment: u jumps by f(1 − u) at each spike",
            limits=(0.0, 1.0), lo_open=True)
SEED = Control("seed", 0, 0, 999, kind="int", label="seed", limits=(0, 2**31 - 1),
               help="random seed: the same seed draws the same random spikes and jitter")
#: rate of every Poisson input (Synapse lab and its learning mode)
INPUT_RATE = Control("rate_hz", 20.0, 1.0, 100.0, kind="log", unit="Hz", label="input rate",
                     help="rate of every Poisson input")

# Pair STDP (STDP, Synapse lab). Amplitudes and time constants are linear sliders on fine
# grids (1e-5, 0.1 ms): every published value (A2- = 0.0071, τ+ = 16.8 ms, ...) sits on its
# slider's grid, so the readout shows the simulated number.
A_PLUS = Control("A_plus", 0.01, 0.0, 0.1, label="A+ (A2+)", step=0.00001,
                 help="pair potentiation: w += A+ · r1 at each post spike",
                 limits=(0.0, None))
A_MINUS = Control("A_minus", 0.0105, 0.0, 0.1, label="A− (A2−)", step=0.00001,
                  help="pair depression: w −= A− · o1 at each pre spike",
                  limits=(0.0, None))
TAU_PLUS = Control("tau_plus", 20.0, 1.0, 200.0, unit="ms", label="τ+", step=0.1,
                   help="time constant of the pre trace r1 (potentiation window), ms",
                   limits=(0.0, None), lo_open=True)
TAU_MINUS = Control("tau_minus", 20.0, 1.0, 200.0, unit="ms", label="τ−", step=0.1,
                    help="time constant of the post trace o1 (depression window), ms",
                    limits=(0.0, None), lo_open=True)
BOUNDS = Control("bounds", "hard", kind="choice", options=("hard", "soft", "none"),
                 help="hard: clipped; soft: multiplicative; none: unbounded (Pfister & Gerstner 2006)",
                 label="bounds")
W0 = Control("w0", 0.5, 0.0, 2.0, label="initial w", step=0.01, help="synaptic weight at the start of the run")

# Adaptive LIF neuron (Thresholds, Synapse lab)
V_TH = Control("v_th", -54.0, -65.0, -40.0, unit="mV", label="v threshold", step=0.5,
               help="firing threshold before adaptation, mV")
THETA_PLUS = Control("theta_plus", 2.0, 0.0, 10.0, unit="mV", label="θ+", step=0.05, limits=(0.0, None),
                     help="threshold jump at each output spike (spike-frequency adaptation), mV")
TAU_THETA = Control("tau_theta", 200.0, 10.0, 1e7, kind="log", unit="ms", label="τθ",
                    limits=(0.0, None), lo_open=True, help="decay time constant of the threshold jumps, ms")
