"""Host-side (numpy) event indices of spike trains, computed once per call before ``jit``.

The exact models decay from the last spike, so they need, at each step, the time since the last
spike of a train (:func:`elapsed_since_last_spike`), or the spike steps themselves
(:func:`spike_index`, :func:`spike_intervals`). Times in ms.
"""

from __future__ import annotations

import numpy as np

__all__ = ["elapsed_since_last_spike", "spike_index", "spike_intervals"]


def elapsed_since_last_spike(spikes, dt) -> np.ndarray:
    """Time (ms) from the last spike strictly before each step to that step.

    Steps before the first spike get the time since t = -dt (any value works: the
    state is at rest there). Works on (n_steps,) and (n_steps, n) numpy arrays.
    """
    s = np.asarray(spikes) > 0.5
    idx = np.arange(s.shape[0]).reshape((-1,) + (1,) * (s.ndim - 1))
    last_incl = np.maximum.accumulate(np.where(s, idx, -1), axis=0)
    last_before = np.concatenate([np.full_like(last_incl[:1], -1), last_incl[:-1]], axis=0)
    return ((idx - last_before) * float(dt)).astype(s.dtype if s.dtype.kind == "f" else np.asarray(dt).dtype)


def spike_index(spikes: np.ndarray) -> np.ndarray:
    """Event index of a (n_steps,) train, packed in one int32 array (one transfer), shape (2 n_steps + 1,):
    ``[spike steps padded to n_steps | spikes so far at each step | number of spikes]``."""
    n = spikes.shape[0]
    idx = np.flatnonzero(spikes > 0.5).astype(np.int32)  # on bools: 10x faster than on floats
    out = np.zeros(2 * n + 1, np.int32)
    out[: idx.size] = idx
    # spikes so far: k repeated from spike k-1 up to spike k (cheaper than a cumsum)
    bounds = np.empty(idx.size + 2, np.int32)
    bounds[0], bounds[1:-1], bounds[-1] = 0, idx, n
    out[n: 2 * n] = np.repeat(np.arange(idx.size + 1, dtype=np.int32), bounds[1:] - bounds[:-1])
    out[2 * n] = idx.size
    return out


def spike_intervals(spikes, dt) -> np.ndarray:
    """Inter-spike intervals (ms) of a 0/1 train, shape (n_spikes,); the first entry is 0 (from rest)."""
    idx = np.flatnonzero(np.asarray(spikes) > 0.5)
    d = np.diff(idx, prepend=idx[:1] if idx.size else idx).astype(np.float64) * float(dt)
    return d
