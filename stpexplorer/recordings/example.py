"""An example recording made here (no file to download): what an amplifier writes for a
depressing Tsodyks–Markram synapse, so the Recording view, the course and the benchmark have
sweeps to measure.

Amplitudes are quantal draws of the synapse (:func:`stpexplorer.fit.synthetic_amplitudes`:
``n_sites`` sites, quantal size ``q`` pA, each releasing with probability u·x at every spike).
Each response is an EPSC, inward (negative), with a 0.5 ms latency, a 0.4 ms rise and a
biexponential decay (5 ms, and 25 ms with a weight of 0.3), scaled so its peak is its
amplitude; responses sum linearly. Gaussian noise (``noise_pa``) and a biphasic stimulus
artefact of two samples at every stimulus; a holding current of −30 pA. Sampled at 20 kHz.

Defaults: 10 sweeps of a 10-pulse 20 Hz train and 10 of a 5-pulse 50 Hz and of a 5-pulse 100 Hz
train, the first stimulus at 50 ms, 800 ms sweeps; U 0.45, τf 20 ms, τd 250 ms, 20 sites of
10 pA (W = 200 pA). At 50–100 Hz each response rides on the previous ones' tails.
"""

from __future__ import annotations

import numpy as np

from stpexplorer.engine.stp import STPParams
from stpexplorer.fit import synthetic_amplitudes
from stpexplorer.recordings._recording import Recording

__all__ = ["example_recording", "EXAMPLE_PARAMS", "epsc"]

#: the synapse of :func:`example_recording` (W = n_sites · q = 200 pA)
EXAMPLE_PARAMS = {"U": 0.45, "tau_f": 20.0, "tau_d": 250.0, "W": 200.0}
_RISE, _DECAY, _DECAY2, _W2, _LATENCY = 0.4, 5.0, 25.0, 0.3, 0.5


def epsc(s_ms: np.ndarray) -> np.ndarray:
    """The response shape at ``s_ms`` after its stimulus (ms), peak 1, zero before the latency."""
    s = np.maximum(np.asarray(s_ms, dtype=np.float64) - _LATENCY, 0.0)
    rise = np.exp(-s / _RISE)
    h = (1 - _W2) * (np.exp(-s / _DECAY) - rise) + _W2 * (np.exp(-s / _DECAY2) - rise)
    fine = np.linspace(0.0, 20.0, 20001)
    top = np.max((1 - _W2) * (np.exp(-fine / _DECAY) - np.exp(-fine / _RISE))
                 + _W2 * (np.exp(-fine / _DECAY2) - np.exp(-fine / _RISE)))
    return h / top


def example_recording(*, trains=(("20 Hz", 20.0, 10), ("50 Hz", 50.0, 5), ("100 Hz", 100.0, 5)), n_sweeps=10,
                      first_ms=50.0, duration_ms=800.0, dt_ms=0.05, noise_pa=2.0, artefact_pa=400.0,
                      n_sites=20, q_pa=10.0, seed=0) -> Recording:
    """Sweeps of the example synapse (see the module's docstring): ``trains`` = (name, rate in
    Hz, pulses) each, ``n_sweeps`` each. Returns a :class:`Recording` with its stimulus times
    (as a file's protocol gives them); ``meta["truth"]`` names the synapse."""
    params = STPParams(U=EXAMPLE_PARAMS["U"], tau_f=EXAMPLE_PARAMS["tau_f"], tau_d=EXAMPLE_PARAMS["tau_d"], W=1.0)
    isi = {name: np.concatenate([[0.0], np.full(n - 1, 1000.0 / rate)]) for name, rate, n in trains}
    amps = synthetic_amplitudes(params, isi, n_sweeps=n_sweeps, n_sites=n_sites, quantal_size=q_pa, cv=0.3,
                                seed=seed)
    rng = np.random.default_rng(seed + 1)
    t = np.arange(int(round(duration_ms / dt_ms))) * dt_ms
    sweeps, names, stimuli = [], [], {}
    for name, rate, n in trains:
        times = first_ms + np.arange(n) * 1000.0 / rate
        stimuli[name] = times
        kernel = np.stack([epsc(t - tk) for tk in times])  # (n, T)
        y = -30.0 - amps[name].amplitudes @ kernel
        y = y + noise_pa * rng.standard_normal(y.shape)
        for tk in times:
            i = int(round(tk / dt_ms))
            y[:, i] += artefact_pa
            y[:, i + 1] -= 0.6 * artefact_pa
        sweeps.append(y)
        names += [name] * y.shape[0]
    truth = ", ".join(f"{k} {v:g}" for k, v in EXAMPLE_PARAMS.items())
    return Recording.from_arrays(np.concatenate(sweeps), dt_ms, units="pA", protocol=names, stimuli_ms=stimuli,
                                 meta={"file": "example recording", "clamp": "voltage",
                                       "stimulus_source": "protocol", "truth": truth})
