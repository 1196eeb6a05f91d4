"""Pure-JAX simulation engine of stpexplorer (imports nothing from the UI).

Models: Tsodyks–Markram short-term plasticity (:mod:`.stp`, its spike event once in :mod:`.tm`),
WTAS and adaptive LIF cells (:mod:`.wtas`, :mod:`.alif`), pair and triplet trace STDP
(:mod:`.stdp`, :mod:`.stdp_window`, :mod:`.stdp_frequency`) and the synapse lab circuit
(:mod:`.circuit`), the stochastic binomial synapse (:mod:`.release`, its exact likelihood in
:mod:`.release_loglik`); spike protocols in :mod:`.protocols`. Times in ms.

Every model has a parameter pytree (``*Params``), a state NamedTuple (``*State``), a per-step
input NamedTuple (``*Inputs``) and one pure step ``step(params, state, inputs) -> (state, record)``
that ``lax.scan`` loops inside the jitted ``simulate_*``:

=========  ==================  ==================  ==================================
model      state               inputs              step / init
=========  ==================  ==================  ==================================
STP        :class:`STPState`   :class:`STPInputs`  :func:`stp_step` / :func:`stp_init`
STDP       :class:`STDPState`  :class:`STDPInputs` :func:`stdp_step` / :func:`stdp_init`
ALIF       :class:`ALIFState`  :class:`ALIFInputs` :func:`alif_step` / :func:`alif_init`
WTAS       :class:`WTASState`  :class:`WTASInputs` :func:`wtas_step` / :func:`wtas_init`
circuit    CircuitState        CircuitInputs       :func:`circuit_step` / :func:`circuit_init`
=========  ==================  ==================  ==================================

The circuit composes the STP, ALIF and STDP steps. :func:`compile_count` /
:func:`count_compilations` count XLA compilations (tests: a new value must not recompile).
"""

from stpexplorer.engine._batch import batch_shape, batch_sharding
from stpexplorer.engine._compiles import compile_count, count_compilations
from stpexplorer.engine._events import (
                      elapsed_since_last_spike,
                      spike_index,
                      spike_intervals,
)
from stpexplorer.engine._params import as_float_scalar, check_range, float_dtype
from stpexplorer.engine.alif import (
                      ALIFInputs,
                      ALIFParams,
                      ALIFState,
                      ALIFTrace,
                      alif_init,
                      alif_step,
                      simulate_alif,
)
from stpexplorer.engine.circuit import (
                      CircuitInputs,
                      CircuitParams,
                      CircuitState,
                      CircuitTrace,
                      circuit_init,
                      circuit_step,
                      simulate_circuit,
)
from stpexplorer.engine.protocols import (
                      n_steps_for,
                      paired_pulses,
                      pairing_trains,
                      poisson_train,
                      regular_train,
                      time_axis,
)
from stpexplorer.engine.stdp import (
                      STDPInputs,
                      STDPParams,
                      STDPState,
                      STDPTrace,
                      simulate_stdp,
                      stdp_decay,
                      stdp_init,
                      stdp_step,
)
from stpexplorer.engine.stdp_frequency import stdp_frequency_curve
from stpexplorer.engine.stdp_window import stdp_window, stdp_window_analytic
from stpexplorer.engine.stp import STPParams, STPSweep, STPTrace, simulate_stp
from stpexplorer.engine.stp_sweep import release_at_intervals, steady_state, sweep_stp
from stpexplorer.engine.tm import (
                      STPInputs,
                      STPState,
                      stp_init,
                      stp_step,
                      tm_decay,
                      tm_jump,
                      tm_relax,
)
from stpexplorer.engine.wtas import (
                      WTASInputs,
                      WTASParams,
                      WTASState,
                      WTASTrace,
                      simulate_wtas,
                      wtas_init,
                      wtas_step,
)

__all__ = [
    "ALIFParams", "ALIFTrace", "ALIFState", "ALIFInputs", "simulate_alif", "alif_step", "alif_init",
    "CircuitParams", "CircuitTrace", "CircuitState", "CircuitInputs", "simulate_circuit", "circuit_step",
    "circuit_init",
    "STDPParams", "STDPTrace", "STDPState", "STDPInputs", "simulate_stdp", "stdp_step", "stdp_init", "stdp_decay",
    "stdp_window", "stdp_window_analytic", "stdp_frequency_curve",
    "STPParams", "STPSweep", "STPTrace", "STPState", "STPInputs", "simulate_stp", "steady_state", "sweep_stp",
    "stp_step", "stp_init", "tm_jump", "tm_relax", "tm_decay", "release_at_intervals",
    "WTASParams", "WTASTrace", "WTASState", "WTASInputs", "simulate_wtas", "wtas_step", "wtas_init",
    "regular_train", "poisson_train", "pairing_trains", "paired_pulses", "time_axis", "n_steps_for",
    "elapsed_since_last_spike", "spike_index", "spike_intervals", "check_range", "as_float_scalar",
    "batch_shape", "batch_sharding", "float_dtype", "compile_count", "count_compilations",
]

from stpexplorer.engine.learning import (  # noqa: E402
                      LearningParams,
                      LearningTrace,
                      correlated_inputs,
                      simulate_learning,
                      song2000_stdp,
)
from stpexplorer.engine.release import (  # noqa: E402
                      MAX_SITES,
                      BinomialParams,
                      ReleaseTrace,
                      simulate_release,
)
from stpexplorer.engine.release_loglik import forward_loglik  # noqa: E402
from stpexplorer.engine.stdp_map import stdp_frequency_map  # noqa: E402

__all__ += ["LearningParams", "LearningTrace", "simulate_learning", "correlated_inputs", "song2000_stdp",
            "stdp_frequency_map", "BinomialParams", "ReleaseTrace", "simulate_release", "forward_loglik",
            "MAX_SITES"]
