"""Spike protocols on a fixed time grid.

Every protocol returns 0/1 float arrays of length ``n_steps = round(duration_ms / dt_ms)``;
step ``i`` covers time ``t_i = i * dt_ms``. The length depends only on the
duration and dt, never on a rate, so a panel keeps one compiled function while
rates change. Spike times are snapped to the nearest step; spikes that fall at
or after ``duration_ms`` lie outside the observation window and are not included.
"""

from __future__ import annotations

import math

import numpy as np

from stpexplorer.engine._params import (
    as_count as _as_count,  # the old private name: other modules import it from here
)
from stpexplorer.engine._params import as_float_scalar, check_range, float_dtype

__all__ = ["regular_train", "poisson_train", "pairing_trains", "paired_pulses", "time_axis", "n_steps_for"]


def n_steps_for(duration_ms, dt_ms) -> int:
    """Validate ``duration_ms`` and ``dt_ms`` and return the number of steps covering the
    duration, ``floor(duration_ms / dt_ms + 0.5)`` (rounded to the nearest)."""
    dur = float(as_float_scalar("duration_ms", duration_ms, lo=0.0, lo_open=True, unit="ms"))
    dt = float(as_float_scalar("dt_ms", dt_ms, lo=0.0, lo_open=True, unit="ms"))
    if dt > dur:
        raise ValueError(f"dt_ms must be in (0, duration_ms={dur:g}] ms, got {dt:g}")
    return int(math.floor(dur / dt + 0.5))


def time_axis(*, duration_ms, dt_ms) -> np.ndarray:
    """Times of the steps, ``t_i = i * dt_ms`` in ms, shape (n_steps,)."""
    n = n_steps_for(duration_ms, dt_ms)
    return np.arange(n, dtype=np.float64) * float(dt_ms)


def _max_rate(dt: float) -> float:
    return 1000.0 / dt


def _check_rate(rate_hz, dt: float, *, allow_zero: bool) -> float:
    # one spike per step at most: rate * dt / 1000 <= 1
    return float(as_float_scalar("rate_hz", rate_hz, lo=0.0, lo_open=not allow_zero,
                                 hi=_max_rate(dt), unit="Hz", note="at most one spike per step of dt_ms"))


def _place(times_ms, n_steps: int, dt: float) -> np.ndarray:
    out = np.zeros(n_steps, dtype=float_dtype())
    idx = np.floor(np.asarray(times_ms, dtype=np.float64) / dt + 0.5).astype(np.int64)
    idx = idx[(idx >= 0) & (idx < n_steps)]
    out[idx] = 1.0
    return out


def regular_train(rate_hz, n_spikes, *, duration_ms, dt_ms, start_ms=10.0, probe_delay_ms=None) -> np.ndarray:
    """A regular train of ``n_spikes`` spikes at ``rate_hz``, optionally followed by a recovery probe.

    Spikes at ``start_ms + k * 1000 / rate_hz`` (k = 0 .. n_spikes-1); the probe, if
    ``probe_delay_ms`` is given, ``probe_delay_ms`` after the last spike of the train
    (the protocol of Tsodyks, Pawelzik & Markram 1998).

    Returns a (n_steps,) array of 0/1 floats.

    >>> float(regular_train(20.0, 8, duration_ms=1000.0, dt_ms=0.1, probe_delay_ms=500.0).sum())
    9.0
    """
    n = n_steps_for(duration_ms, dt_ms)
    dt = float(dt_ms)
    rate = _check_rate(rate_hz, dt, allow_zero=False)
    k = _as_count("n_spikes", n_spikes, lo=1)
    start = float(as_float_scalar("start_ms", start_ms, lo=0.0, unit="ms"))
    times = start + np.arange(k) * (1000.0 / rate)
    if probe_delay_ms is not None:
        delay = float(as_float_scalar("probe_delay_ms", probe_delay_ms, lo=0.0, lo_open=True, unit="ms"))
        times = np.append(times, times[-1] + delay)
    return _place(times, n, dt)


def paired_pulses(interval_ms, *, duration_ms, dt_ms, start_ms=10.0) -> np.ndarray:
    """Two spikes ``interval_ms`` apart (the paired-pulse protocol). Shape (n_steps,)."""
    n = n_steps_for(duration_ms, dt_ms)
    dt = float(dt_ms)
    isi = float(as_float_scalar("interval_ms", interval_ms, lo=dt, unit="ms", note="at least one step dt_ms"))
    start = float(as_float_scalar("start_ms", start_ms, lo=0.0, unit="ms"))
    return _place([start, start + isi], n, dt)


def poisson_train(rate_hz, *, duration_ms, dt_ms, seed, n_trains=None) -> np.ndarray:
    """Bernoulli-per-step approximation of a Poisson train: P(spike in a step) = rate_hz * dt_ms / 1000.

    Reproducible for a given ``seed``. For one seed, trains at different rates are
    nested (every spike at a lower rate is also a spike at a higher rate), so a
    rate slider adds or removes spikes instead of redrawing the whole train.

    Returns (n_steps,) or, with ``n_trains``, (n_steps, n_trains) 0/1 floats.
    """
    n = n_steps_for(duration_ms, dt_ms)
    dt = float(dt_ms)
    rate = _check_rate(rate_hz, dt, allow_zero=True)
    seed = _as_count("seed", seed, lo=0)
    shape = (n,) if n_trains is None else (n, _as_count("n_trains", n_trains, lo=1))
    u = np.random.default_rng(seed).random(shape)
    return (u < rate * dt / 1000.0).astype(float_dtype())


def pairing_trains(delta_t_ms, *, n_pairs, period_ms, duration_ms, dt_ms, start_ms=10.0):
    """Pre/post pairings: ``n_pairs`` pairs every ``period_ms`` with ``Δt = t_post − t_pre = delta_t_ms``.

    The earlier spike of the first pair is at ``start_ms`` (so negative Δt stays in the
    window). Δt is snapped to the time grid. Returns ``(pre, post)``, each (n_steps,).
    """
    n = n_steps_for(duration_ms, dt_ms)
    dt = float(dt_ms)
    delta = float(as_float_scalar("delta_t_ms", delta_t_ms, unit="ms"))
    k = _as_count("n_pairs", n_pairs, lo=1)
    period = float(as_float_scalar("period_ms", period_ms, lo=0.0, lo_open=True, unit="ms"))
    start = float(as_float_scalar("start_ms", start_ms, lo=0.0, unit="ms"))
    steps_delta = int(math.floor(delta / dt + 0.5))
    t_pre = start + max(0.0, -steps_delta * dt) + np.arange(k) * period
    pre = _place(t_pre, n, dt)
    pre_idx = np.flatnonzero(pre)
    post = np.zeros_like(pre)
    post_idx = pre_idx + steps_delta
    post[post_idx[(post_idx >= 0) & (post_idx < n)]] = 1.0
    return pre, post


def check_spikes(name: str, spikes, *, ndim: int | tuple[int, ...] = 1, last_dim: int | None = None):
    """Validate a 0/1 spike array and return it as a float array (engine dtype)."""
    try:
        arr = np.asarray(spikes, dtype=float_dtype())
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an array of 0/1 spikes, got {type(spikes).__name__}") from None
    ndims = (ndim,) if isinstance(ndim, int) else ndim
    if arr.ndim not in ndims or arr.shape[0] < 1:
        want = " or ".join({1: "(n_steps,)", 2: "(n_steps, n)"}.get(d, f"{d}-D") for d in ndims)
        raise ValueError(f"{name} must have shape {want} with n_steps >= 1, got shape {arr.shape}")
    if last_dim is not None and arr.ndim == 2 and arr.shape[1] != last_dim:
        raise ValueError(f"{name} must have shape (n_steps, {last_dim}), got shape {arr.shape}")
    if not np.all((arr == 0) | (arr == 1)):
        bad = arr[(arr != 0) & (arr != 1)].ravel()[0]
        raise ValueError(f"{name} must contain only 0 and 1 (spike or no spike per step), got {bad:g}")
    return arr


def check_current(name: str, current, *, n_units: int | None = None):
    """Validate an input current array: (n_steps,) or (n_steps, n_units), finite."""
    try:
        arr = np.asarray(current, dtype=float_dtype())
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an array of numbers, got {type(current).__name__}") from None
    if n_units is not None:
        if arr.ndim != 2 or arr.shape[1] != n_units or arr.shape[0] < 1:
            raise ValueError(f"{name} must have shape (n_steps, n_units={n_units}), got shape {arr.shape}")
    elif arr.ndim != 1 or arr.shape[0] < 1:
        raise ValueError(f"{name} must have shape (n_steps,), got shape {arr.shape}")
    check_range(name, arr)
    return arr
