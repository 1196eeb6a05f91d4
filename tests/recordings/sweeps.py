"""Synthetic sweeps whose true amplitudes are known (independent of the package's measurement).

Each response is a difference of exponentials (rise ``tau_r``, decay ``tau_d``, optional second
decay ``tau_d2`` with weight ``w2``) or an alpha function, scaled so that its peak is its
amplitude, after a latency; responses sum linearly; Gaussian noise; a biphasic stimulus
artefact (two samples) at every stimulus.
"""

from __future__ import annotations

import numpy as np

from tests.reference import tm_release_at_intervals


def response(s, shape="biexp", tau_r=0.4, tau_d=4.0, tau_d2=None, w2=0.0):
    """The response at ``s`` ms after its onset, peak 1."""
    s = np.maximum(np.asarray(s, dtype=np.float64), 0.0)
    fine = np.arange(0, 200, 0.001)
    return response_shape(s, shape, tau_r, tau_d, tau_d2, w2) / np.max(response_shape(fine, shape, tau_r, tau_d,
                                                                                      tau_d2, w2))


def response_shape(s, shape, tau_r, tau_d, tau_d2, w2):
    if shape == "alpha":
        return (s / tau_d) * np.exp(1 - s / tau_d)
    h = np.exp(-s / tau_d) - np.exp(-s / tau_r)
    if tau_d2:
        h = (1 - w2) * h + w2 * (np.exp(-s / tau_d2) - np.exp(-s / tau_r))
    return h


def train_sweeps(times_ms, amplitudes, *, dt_ms=0.05, duration_ms=600.0, sign=-1.0, noise=0.5, latency=0.5,
                 artefact=400.0, offset=-65.0, seed=0, **shape):
    """Sweeps (n_sweeps, n_samples) with responses of ``amplitudes`` (n_sweeps, n_spikes) at ``times_ms``."""
    rng = np.random.default_rng(seed)
    amplitudes = np.atleast_2d(amplitudes)
    t = np.arange(int(round(duration_ms / dt_ms))) * dt_ms
    y = np.full((amplitudes.shape[0], t.size), offset, dtype=np.float64)
    for k, tk in enumerate(times_ms):
        y += sign * amplitudes[:, k:k + 1] * response(t - tk - latency, **shape)[None, :]
    y += noise * rng.standard_normal(y.shape)
    for tk in times_ms:
        i = int(round(tk / dt_ms))
        y[:, i] += artefact
        y[:, i + 1] -= 0.6 * artefact
    return y


def tm_amplitudes(rate_hz, n, n_sweeps, *, W=100.0, U=0.4, tau_f=20.0, tau_d=150.0, cv=0.1, seed=1):
    """Trial-varying amplitudes around the Tsodyks–Markram mean W·u·x of a regular train."""
    rng = np.random.default_rng(seed)
    mean = tm_release_at_intervals(U, tau_f, tau_d, np.full(n, 1000.0 / rate_hz), W=W)
    return mean[None, :] * (1 + cv * rng.standard_normal((n_sweeps, n)))
