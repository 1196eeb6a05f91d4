"""Pure-JAX simulation engine of stpexplorer (imports nothing from the UI).

Models: Tsodyks–Markram short-term plasticity (:mod:`.stp`), WTAS and adaptive
LIF cells (:mod:`.wtas`, :mod:`.alif`), pair and triplet trace STDP (:mod:`.stdp`,
:mod:`.stdp_frequency`) and the synapse lab circuit (:mod:`.circuit`); spike protocols
in :mod:`.protocols`. Times in ms.
"""

from ._batch import batch_shape, batch_sharding
from ._params import float_dtype
from .alif import ALIFParams, ALIFTrace, simulate_alif
from .circuit import CircuitParams, CircuitTrace, simulate_circuit
from .protocols import n_steps_for, paired_pulses, pairing_trains, poisson_train, regular_train, time_axis
from .stdp import STDPParams, STDPTrace, simulate_stdp, stdp_window
from .stdp_frequency import stdp_frequency_curve
from .stp import STPParams, STPSweep, STPTrace, simulate_stp, steady_state, sweep_stp
from .wtas import WTASParams, WTASTrace, simulate_wtas

__all__ = [
    "ALIFParams", "ALIFTrace", "simulate_alif",
    "CircuitParams", "CircuitTrace", "simulate_circuit",
    "STDPParams", "STDPTrace", "simulate_stdp", "stdp_window", "stdp_frequency_curve",
    "STPParams", "STPSweep", "STPTrace", "simulate_stp", "steady_state", "sweep_stp",
    "WTASParams", "WTASTrace", "simulate_wtas",
    "regular_train", "poisson_train", "pairing_trains", "paired_pulses", "time_axis", "n_steps_for",
    "batch_shape", "batch_sharding", "float_dtype",
]
