"""bqplot helpers of the panels: Lines marks, tick paths, figures, axes, decimation, and
the in-place update of marks (:func:`apply_marks`)."""

from __future__ import annotations

import ipywidgets as W
import numpy as np
from bqplot import Axis, ColorAxis, Figure, LinearScale, Lines, LogScale

from stpexplorer.ui.plot.decimate import MAX_POINTS, decimate, decimate_columns
from stpexplorer.ui.plot.legend import legend_for, place_legends
from stpexplorer.ui.plot.colors import COLORS
from stpexplorer.ui.plot.ticks import (
    LOG_FORMAT,
    LOG_TICKS,
    auto_ticks,
    int_tick_values,
    int_ticks,
    nice_ticks,
    refresh_ticks,
    register,
)

__all__ = [
    "apply_marks",
    "dec",
    "fig",
    "hline",
    "int_tick_values",
    "int_ticks",
    "lines",
    "membrane_figure",
    "nice_ticks",
    "place_legends",
    "spike_strip",
    "ticks",
    "time_scale",
    "x_axis",
    "y_axis",
]


def ticks(times, lo: float, hi: float):
    """One Lines path of vertical ticks (NaN-separated) at ``times``, from ``lo`` to ``hi``.

    The path ends on a point, not on a NaN separator: bqplot places a line's label at its
    last point, and a NaN there logs ``translate(x,undefined)`` errors in the browser."""
    t = np.asarray(times, dtype=np.float32)
    if t.size == 0:  # keep one invisible point so the mark stays valid
        return np.zeros(1, np.float32), np.full(1, np.nan, np.float32)
    x = np.repeat(t, 3)[:-1]
    y = np.tile(np.array([lo, hi, np.nan], dtype=np.float32), t.size)[:-1]
    return x, y


def hline(x0: float, x1: float, y: float):
    """A horizontal segment from ``x0`` to ``x1`` at height ``y``: ``(x, y)`` float32 arrays."""
    return np.array([x0, x1], np.float32), np.array([y, y], np.float32)


def lines(x_scale, y_scale, *, color, label=None, dash=False, width=1.5, **kw):
    """A Lines mark with the panel defaults (colour, legend label, dashed). The labels go
    to the figure's HTML legend row (:mod:`~stpexplorer.ui.plot.legend`), never over the data."""
    colors = color if isinstance(color, list) else [color]
    labels = label if isinstance(label, list) else ([label] if label else [])
    return Lines(x=np.zeros(1, np.float32), y=np.zeros(1, np.float32),
                 scales={"x": x_scale, "y": y_scale}, colors=colors, labels=labels,
                 display_legend=False, stroke_width=width,
                 line_style="dashed" if dash else "solid", **kw)


def fig(name: str, marks, axes, *, title: str = "", height: int = 230, legend: str = "top-right"):
    """A Figure with the panel defaults and the DOM class ``stpx-fig-<name>``.

    No bqplot legend (it sits inside the plot, over the data): the marks' labels make an
    HTML row under the figure (``figure.stpx_legend``, placed by :func:`place_legends`).
    ``legend`` is accepted for older callers and ignored. A colour bar on the right gets
    the room of its ticks and label, so the title never runs into it."""
    right = 88 if any(isinstance(a, ColorAxis) for a in axes) else 58
    f = Figure(marks=marks, axes=axes, title=title,
               fig_margin={"top": 30 if title else 12, "bottom": 38, "left": 62, "right": right},
               layout=W.Layout(width="100%", height=f"{height}px", min_width="320px"),
               title_style={"font-size": "14px"}, animation_duration=0)
    f.add_class(f"stpx-fig-{name}")
    legend_for(f)
    register(f)  # round, uncrowded ticks on its linear axes
    return f


def spike_strip(name: str, x_scale, rows, *, height: int = 64):
    """A short figure of spike ticks above a trace figure, sharing its time scale, so the
    trace axes start at 0 and never show negative values for the ticks.

    ``rows``: ``[(mark name, colour, row label)]``, drawn top to bottom; row i of n spans
    ``strip_row(i, n)`` on the strip's 0..1 scale, the y axis names each row. Returns
    ``({mark name: Lines}, Figure)``; the figure's DOM class is ``stpx-fig-<name>``."""
    ys = LinearScale(min=0.0, max=1.0)
    n = len(rows)
    marks = {key: lines(x_scale, ys, color=color, width=1.2) for key, color, _ in rows}
    centres = [sum(strip_row(i, n)) / 2 for i in range(n)]
    ax = Axis(scale=ys, side="left", tick_values=np.array(centres), label_offset="40px",
              tick_labels={f"{c:g}": lab for c, (_, _, lab) in zip(centres, rows)}, grid_lines="none")
    f = Figure(marks=list(marks.values()), axes=[ax], title="",
               fig_margin={"top": 4, "bottom": 4, "left": 62, "right": 58},
               layout=W.Layout(width="100%", height=f"{height}px", min_width="320px"), animation_duration=0)
    f.add_class(f"stpx-fig-{name}")
    legend_for(f)
    return marks, f


def strip_row(i: int, n: int):
    """``(lo, hi)`` of row ``i`` (0 = top) of ``n`` in a :func:`spike_strip`."""
    h = 1.0 / n
    return 1.0 - (i + 1) * h + 0.15 * h, 1.0 - i * h - 0.15 * h


def membrane_figure(name, x, keys, *, title, height=240):
    """v(t) under the threshold θ(t) with spike ticks on top: three Lines marks named
    ``keys`` = (v, threshold, spikes) on one mV scale, and their Figure."""
    yv = LinearScale()
    v, thr, spk = (lines(x, yv, color=COLORS["blue"], label="membrane potential v"),
                   lines(x, yv, color=COLORS["red"], dash=True, label="threshold θ"),
                   lines(x, yv, color=COLORS["grey"], width=1))
    f = fig(name, [v, thr, spk], [x_axis(x, "time (ms)"), y_axis(yv, "v (mV)")],
            title=title, height=height)
    return dict(zip(keys, (v, thr, spk))), f


def _log_ticks(axis):
    """Plain 1-2-5 tick values inside a LogScale's fixed range (none: bqplot's own ticks,
    formatted by :data:`LOG_FORMAT`)."""
    s = axis.scale
    if s.min is not None and s.max is not None:
        axis.tick_values = LOG_TICKS[(LOG_TICKS >= s.min) & (LOG_TICKS <= s.max)]
    return axis


def x_axis(scale, label):
    # an explicit label offset: bqplot's automatic one is undefined until the figure is laid
    # out, which logs "translate(x,undefined)" errors
    log = isinstance(scale, LogScale)
    ax = Axis(scale=scale, label=label, side="bottom", tick_format=LOG_FORMAT if log else "~g",
              label_offset="32px")
    return _log_ticks(ax) if log else auto_ticks(ax)


def y_axis(scale, label, side="left"):
    """A y axis (d3's round ticks; bqplot's ``num_ticks`` would place them at unround values:
    use :func:`nice_ticks` where a short axis needs fewer)."""
    log = isinstance(scale, LogScale)
    ax = Axis(scale=scale, label=label, side=side, tick_format=LOG_FORMAT if log else "~g",
              label_offset="44px")
    return _log_ticks(ax) if log else auto_ticks(ax)


def time_scale():
    return LinearScale()


def dec(x, y, max_points: int = MAX_POINTS):
    """Decimate one trace (1-D y) or several (2-D y, one column each) for a Lines mark."""
    y = np.asarray(y)
    if y.ndim == 2:
        return decimate_columns(x, y, max_points)
    return decimate(x, y, max_points)


def apply_marks(find, data: dict) -> None:
    """Set ``data`` = ``{name: {trait: value}}`` on the marks ``find(name)`` returns (None:
    skipped), each inside ``hold_sync()`` (one message), sending only traits that changed;
    then the automatic ticks of the figures drawing them (:func:`refresh_ticks`)."""
    changed = []
    for name, traits in data.items():
        mark = find(name)
        if mark is None:
            continue
        changed.append(mark)
        with mark.hold_sync():
            for trait, val in traits.items():
                cur = getattr(mark, trait)
                if isinstance(val, np.ndarray):
                    if isinstance(cur, np.ndarray) and cur.shape == val.shape and cur.dtype == val.dtype \
                            and np.array_equal(cur, val, equal_nan=val.dtype.kind == "f"):
                        continue
                elif _same(cur, val):
                    continue
                setattr(mark, trait, val)
    refresh_ticks(marks=changed)


def _same(a, b) -> bool:
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - arrays or odd traits: treat as changed
        return False
