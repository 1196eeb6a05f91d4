"""Tick values a student can read: round steps (1, 2, 5 × 10^k), integer ticks on counts,
plain 1-2-5 labels on log axes, and few enough ticks that the labels never run together.

bqplot's ``num_ticks`` spaces ticks evenly over the padded domain (labels like 329.403);
d3's default puts ~10 ticks on any axis, which crowd a short figure or lecture-size fonts.
:func:`auto_ticks` marks an axis whose tick values follow its scale: the scale's fixed
``min``/``max`` where set, else the range of the data its figure draws on that scale;
:func:`refresh_ticks` (called after every update of the marks, and when a scale's
``min``/``max`` move, e.g. a zoom) sets them. An axis whose ``tick_values`` someone else
sets (integer or explicit ticks) is left to them from then on.
"""

from __future__ import annotations

import weakref

import numpy as np
from bqplot import LinearScale

__all__ = ["LOG_FORMAT", "LOG_TICKS", "auto_ticks", "int_tick_values", "int_ticks", "nice_ticks",
           "refresh_ticks", "register"]

#: tick values of log axes: 1-2-5 per decade, written plainly (0.5, 1, 2, 5, 10 ...)
LOG_TICKS = np.array([m * 10.0 ** e for e in range(-4, 8) for m in (1, 2, 5)])
#: the tick format of log axes (d3): 3 significant digits, trailing zeros trimmed, no "2e-1"
LOG_FORMAT = ".3~g"
#: most ticks on an automatic axis: labels of 15 px lecture fonts stay apart on a 400 px axis
MAX_TICKS = 6

_FIGURES: weakref.WeakSet = weakref.WeakSet()


def nice_ticks(lo: float, hi: float, max_ticks: int = 4) -> np.ndarray:
    """At most ``max_ticks`` round values (steps of 1, 2, 5 × 10^k) from ``lo`` to ``hi``."""
    span = float(hi) - float(lo)
    if not np.isfinite(span) or span <= 0:
        return np.array([float(lo)])
    e = np.floor(np.log10(span / max_ticks))
    step = next(m * 10.0 ** e for m in (1, 2, 5, 10) if span / (m * 10.0 ** e) < max_ticks or m == 10)
    return np.round(np.arange(np.ceil(lo / step) * step, hi + step * 1e-9, step), 12) + 0.0  # no "-0"


def int_tick_values(lo: int, hi: int, max_ticks: int = 10) -> np.ndarray:
    """Integer ticks from ``lo`` to ``hi``, at most ``max_ticks``, a step of 1, 2, 5, 10, ..."""
    span = max(1, int(hi) - int(lo))
    step = next(m * 10 ** e for e in range(12) for m in (1, 2, 5) if span / (m * 10 ** e) < max_ticks)
    # lo, then the multiples of the step (1, 10, 20, 30 rather than 1, 11, 21, 31)
    first = (int(lo) // step + 1) * step
    rest = np.arange(first if first - lo >= step / 2 else first + step, int(hi) + 1, step)
    return np.concatenate([[int(lo)], rest]).astype(float)


def int_ticks(axis, lo: int, hi: int, max_ticks: int = 10) -> None:
    """Integer tick values on ``axis`` (:func:`int_tick_values`): a count axis never reads
    1.1, 1.2, ..."""
    axis.tick_values = int_tick_values(lo, hi, max_ticks)
    axis.tick_format = "d"


def auto_ticks(axis, max_ticks: int = MAX_TICKS):
    """Let ``axis`` (on a LinearScale) get at most ``max_ticks`` round ticks from
    :func:`refresh_ticks`; returns the axis."""
    if isinstance(axis.scale, LinearScale):
        axis._stpx_auto = max_ticks
        axis._stpx_ticks = None
    return axis


def register(figure) -> None:
    """Keep ``figure``'s automatic axes up to date (data updates, scale min/max moves)."""
    _FIGURES.add(figure)
    for a in figure.axes:
        s = a.scale
        if getattr(a, "_stpx_auto", None) and not getattr(s, "_stpx_watched", False):
            s.observe(lambda _c, s=s: refresh_ticks(scales={id(s)}), ["min", "max"])
            s._stpx_watched = True
    _refresh_figure(figure)


def refresh_ticks(marks=(), scales=()) -> None:
    """Set the ticks of automatic axes in the figures that draw any of ``marks`` or have an
    axis on any of ``scales`` (ids)."""
    mark_ids = {id(m) for m in marks}
    for f in list(_FIGURES):
        if any(id(m) in mark_ids for m in f.marks) or any(id(a.scale) in scales for a in f.axes):
            _refresh_figure(f)


def _data_range(figure, scale):
    lo, hi = np.inf, -np.inf
    for m in figure.marks:
        if not getattr(m, "visible", True):
            continue
        for dim, s in m.scales.items():
            if s is scale and dim in ("x", "y"):
                try:
                    v = np.asarray(getattr(m, dim), dtype=float)
                except (TypeError, ValueError):
                    continue
                v = v[np.isfinite(v)]
                if v.size:
                    lo, hi = min(lo, float(v.min())), max(hi, float(v.max()))
    return lo, hi


def _refresh_figure(figure) -> None:
    for a in figure.axes:
        n = getattr(a, "_stpx_auto", None)
        if not n:
            continue
        mine, cur = a._stpx_ticks, a.tick_values
        if cur is not None and len(cur) and (mine is None or not np.array_equal(cur, mine)):
            a._stpx_auto = None  # someone else sets this axis's ticks
            continue
        s = a.scale
        lo, hi = s.min, s.max
        if lo is None or hi is None:
            dlo, dhi = _data_range(figure, s)
            lo = dlo if lo is None else lo
            hi = dhi if hi is None else hi
        if not (np.isfinite(lo) and np.isfinite(hi)) or hi <= lo:
            continue
        ticks = nice_ticks(lo, hi, n)
        if mine is None or not np.array_equal(ticks, mine):
            a._stpx_ticks = ticks
            a.tick_values = ticks
