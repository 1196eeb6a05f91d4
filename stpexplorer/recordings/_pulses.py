"""Pulse onsets in a stimulus trace (a command waveform, a digital output, a stimulus monitor,
the presynaptic cell's voltage), and the grouping of sweeps by their stimulus times that both
file readers share.

:func:`pulse_onsets`: the baseline is the trace's median (pulses are brief excursions from it);
the pulse top is the extreme farthest from the baseline, above it (positive-going pulses) or
below it (negative-going pulses: an inverted trigger, a hyperpolarising command); the level is
halfway between the two. An onset is the first sample at or beyond the level after the trace
was on the baseline's side of it; a Schmitt trigger (the trace must return past a quarter of the
way from the baseline before the next onset counts) keeps the noise on a pulse's edge from
counting twice; with ``threshold`` it must return halfway from the threshold to the
baseline. A pulse already under way at the first sample has no onset in the trace and is
not counted. A flat trace has no onsets.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["pulse_onsets", "group_sweeps"]


def pulse_onsets(trace, dt_ms, *, threshold=None) -> np.ndarray:
    """Times (ms from the first sample, float64, ascending) of the pulse onsets in ``trace``
    (1-D, sampled every ``dt_ms`` ms). ``threshold`` (the trace's units) replaces the halfway
    level: pulses rise through it when it lies above the median, fall through it when below.
    NaN samples never cross. See the module's docstring for the definition."""
    y = np.asarray(trace, dtype=np.float64)
    if y.ndim != 1:
        raise ValueError(f"trace: must be 1-D (n_samples,), got shape {y.shape}")
    if isinstance(dt_ms, bool) or not isinstance(dt_ms, (int, float, np.integer, np.floating)) \
            or not (math.isfinite(dt_ms) and dt_ms > 0):
        raise ValueError(f"dt_ms: must be a finite number > 0 (ms), got {dt_ms!r}")
    finite = np.isfinite(y)
    if not finite.any():
        return np.empty(0)
    base = float(np.median(y[finite]))
    hi, lo = float(y[finite].max()), float(y[finite].min())
    if threshold is None:
        top = hi if hi - base >= base - lo else lo
        level = 0.5 * (base + top)
    else:
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float, np.integer, np.floating)) \
                or not math.isfinite(threshold):
            raise ValueError(f"threshold: must be a finite number (the trace's units), got {threshold!r}")
        level = float(threshold)
        top = hi if level >= base else lo
    height = top - base
    scale = max(abs(base), abs(top), 1e-300)
    if abs(height) <= 1e-9 * scale or (level - base) * height <= 0 or abs(level - base) > abs(height):
        return np.empty(0)  # flat, or the level is outside the pulses' range
    s = y * np.sign(height)  # positive-going from here on
    on = s >= level * np.sign(height)
    off = s < (base + 0.5 * (level - base)) * np.sign(height)  # re-arm halfway back to the baseline
    state = np.where(on, 1, np.where(off, 0, -1))  # -1: keep the previous state
    idx = np.where(state >= 0, np.arange(y.size), 0)
    np.maximum.accumulate(idx, out=idx)
    held = state[idx]
    held[held < 0] = 0  # a trace that starts between the levels starts on the baseline's side
    rising = np.flatnonzero((held[1:] == 1) & (held[:-1] == 0)) + 1
    return rising.astype(np.float64) * float(dt_ms)


def group_sweeps(base: list[str], onsets: list[np.ndarray | None], dt_ms: float) -> tuple[list[str], dict]:
    """Protocol names and ``{protocol: stimulus times}`` from each sweep's protocol name
    (``base``) and pulse onsets (``onsets[i]``: ms, or None / empty when the sweep has none).

    Sweeps of one protocol whose onsets agree to within one sample share the protocol and the
    first such sweep's times. Where they disagree (a recovery interval that grows sweep by
    sweep) the protocol is split, in the order of first appearance, into ``"name (1)"``,
    ``"name (2)"``, ...; a protocol without onsets gets no entry in the dict."""
    groups: dict[str, list[tuple[np.ndarray | None, list[int]]]] = {}
    for i, (p, t) in enumerate(zip(base, onsets)):
        t = None if t is None or len(t) == 0 else np.asarray(t, dtype=np.float64)
        entries = groups.setdefault(p, [])
        for times, members in entries:
            same = (times is None and t is None) or (
                times is not None and t is not None and times.shape == t.shape
                and bool(np.all(np.abs(times - t) <= dt_ms * (1 + 1e-9))))
            if same:
                members.append(i)
                break
        else:
            entries.append((t, [i]))
    names = list(base)
    stimuli: dict[str, np.ndarray] = {}
    taken = set(base)
    for p, entries in groups.items():
        for k, (times, members) in enumerate(entries):
            name = p
            if len(entries) > 1:
                j = k + 1
                name = f"{p} ({j})"
                while name in taken:
                    j += len(entries)
                    name = f"{p} ({j})"
                taken.add(name)
            for i in members:
                names[i] = name
            if times is not None:
                stimuli[name] = times
    return names, stimuli
