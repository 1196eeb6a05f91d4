"""Stimulus times of a recording: given (times, or a train ``"20Hz:10@20ms"``) or detected from
the stimulus artefacts.

Times are in ms from the start of a sweep. A *train spec* is ``"<rate>Hz:<count>@<first>ms"``
(``"20Hz:10@20ms"``: 10 stimuli at 20 Hz, the first at 20 ms), or :class:`Train`.

Artefact detection (:func:`detect_artefacts`): an extracellular stimulus or the presynaptic
command couples into the recording as a deflection far sharper than any synaptic response and
at the same time in every sweep of a protocol. The detector takes the per-sample change
``|y[i] − y[i−1]|`` of each sweep, its median across the sweeps (a spontaneous event in one sweep
does not survive the median), and marks samples where it exceeds both ``threshold_sd`` robust
standard deviations of its own noise (median absolute deviation × 1.4826) and ``rel_height`` of
its largest value. Marks closer than ``min_interval_ms`` form one artefact; its time is its first
marked sample (the onset, within one sample of the true stimulus when the artefact starts at the
stimulus). A trace without artefacts has nothing this sharp: the error asks for the times.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

__all__ = ["Train", "parse_train", "stimulus_times", "detect_artefacts"]

_SPEC = re.compile(r"^\s*([0-9.eE+]+)\s*hz\s*:\s*([0-9]+)\s*(?:@\s*([0-9.eE+]+)\s*(?:ms)?)?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Train:
    """A regular train: ``count`` stimuli at ``rate_hz``, the first at ``first_ms`` (ms)."""

    rate_hz: float
    count: int
    first_ms: float = 0.0

    def __post_init__(self):
        if not (np.isfinite(self.rate_hz) and 0 < self.rate_hz <= 10_000):
            raise ValueError(f"Train: rate_hz must be in (0, 10000] Hz, got {self.rate_hz!r}")
        if int(self.count) != self.count or not 1 <= self.count <= 10_000:
            raise ValueError(f"Train: count must be an integer in [1, 10000], got {self.count!r}")
        if not (np.isfinite(self.first_ms) and self.first_ms >= 0):
            raise ValueError(f"Train: first_ms must be a finite time >= 0 ms, got {self.first_ms!r}")

    @property
    def times_ms(self) -> np.ndarray:
        return self.first_ms + np.arange(int(self.count)) * (1000.0 / self.rate_hz)


def parse_train(spec: str) -> Train:
    """``"20Hz:10@20ms"`` → ``Train(20.0, 10, 20.0)`` (``@first`` optional, default 0 ms)."""
    m = _SPEC.match(str(spec))
    if not m:
        raise ValueError(f"stimuli: a train is written '<rate>Hz:<count>@<first>ms' (e.g. '20Hz:10@20ms'), "
                         f"got {spec!r}")
    try:
        rate, first = float(m.group(1)), float(m.group(3) or 0.0)
    except ValueError:
        raise ValueError(f"stimuli: {spec!r} does not hold numbers where '20Hz:10@20ms' has them") from None
    return Train(rate, int(m.group(2)), first)


def _times(value, protocol: str, duration_ms: float) -> np.ndarray:
    if isinstance(value, str):
        value = parse_train(value)
    if isinstance(value, Train):
        t = value.times_ms
    else:
        try:
            t = np.asarray(value, dtype=np.float64).ravel()
        except (TypeError, ValueError):
            raise ValueError(f"stimuli_ms[{protocol!r}]: must be times in ms, a Train or a train spec "
                             f"such as '20Hz:10@20ms', got {value!r}") from None
    if t.size == 0:
        raise ValueError(f"stimuli_ms[{protocol!r}]: needs at least one time, got none")
    bad = np.flatnonzero(~np.isfinite(t) | (t < 0) | (t >= duration_ms))
    if bad.size:
        raise ValueError(f"stimuli_ms[{protocol!r}]: times must lie in [0, {duration_ms:g}) ms (the sweep), "
                         f"got {t[bad[0]]:g}")
    if np.any(np.diff(t) <= 0):
        k = int(np.flatnonzero(np.diff(t) <= 0)[0]) + 1
        raise ValueError(f"stimuli_ms[{protocol!r}]: times must increase, got {t[k - 1]:g} then {t[k]:g} ms")
    t.flags.writeable = False
    return t


def stimulus_times(stimuli, protocols, duration_ms: float) -> dict[str, np.ndarray]:
    """Normalise what a user gives: ``{protocol: times | Train | spec}``, or one of those for
    every protocol. Returns ``{protocol: float64 times (ms)}``, read-only."""
    if stimuli is None:
        return {}
    if isinstance(stimuli, Mapping):
        unknown = [p for p in stimuli if p not in protocols]
        if unknown:
            raise ValueError(f"stimuli_ms: no protocol {unknown[0]!r}; protocols are {list(protocols)}")
        return {str(p): _times(v, str(p), duration_ms) for p, v in stimuli.items()}
    return {p: _times(stimuli, p, duration_ms) for p in protocols}


def detect_artefacts(sweeps: np.ndarray, dt_ms: float, *, threshold_sd: float = 20.0, rel_height: float = 0.3,
                     min_interval_ms: float = 1.0) -> np.ndarray:
    """Times (ms) of the stimulus artefacts common to ``sweeps`` (n_sweeps, n_samples); see the
    module's docstring. An empty array when nothing is sharp enough."""
    y = np.asarray(sweeps, dtype=np.float64)
    if y.ndim == 1:
        y = y[None]
    if y.shape[1] < 3:
        return np.empty(0)
    step = np.abs(np.diff(y, axis=1))
    step = np.nanmedian(step, axis=0) if y.shape[0] > 1 else step[0]
    step = np.nan_to_num(step, nan=0.0)
    mad = np.median(np.abs(step - np.median(step))) * 1.4826
    top = step.max()
    level = max(threshold_sd * mad, rel_height * top)
    if not top > 0 or level <= 0:
        return np.empty(0)
    marks = np.flatnonzero(step > level)
    if marks.size == 0:
        return np.empty(0)
    gap = max(1, int(round(min_interval_ms / dt_ms)))
    first = marks[np.concatenate([[True], np.diff(marks) > gap])]
    return (first + 1) * dt_ms
