"""bqplot helpers of the panels: Lines marks, tick paths, figures, axes, decimation, and
the in-place update of marks (:func:`apply_marks`)."""

from __future__ import annotations

import ipywidgets as W
import numpy as np
from bqplot import Axis, Figure, LinearScale, Lines

from ._decimate import MAX_POINTS, decimate, decimate_columns
from ._style import COLORS

__all__ = [
    "apply_marks",
    "dec",
    "fig",
    "hline",
    "lines",
    "membrane_figure",
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
    """A Lines mark with the panel defaults (colour, legend label, dashed)."""
    colors = color if isinstance(color, list) else [color]
    labels = label if isinstance(label, list) else ([label] if label else [])
    return Lines(x=np.zeros(1, np.float32), y=np.zeros(1, np.float32),
                 scales={"x": x_scale, "y": y_scale}, colors=colors, labels=labels,
                 display_legend=bool(labels), stroke_width=width,
                 line_style="dashed" if dash else "solid", **kw)


def fig(name: str, marks, axes, *, title: str = "", height: int = 230, legend: str = "top-right"):
    """A Figure with the panel defaults and the DOM class ``stpx-fig-<name>``."""
    f = Figure(marks=marks, axes=axes, title=title, legend_location=legend,
               fig_margin={"top": 28, "bottom": 38, "left": 58, "right": 58},
               layout=W.Layout(width="100%", height=f"{height}px", min_width="320px"),
               legend_style={"fill": "none", "stroke": "none"}, animation_duration=0)
    f.add_class(f"stpx-fig-{name}")
    return f


def membrane_figure(name, x, keys, *, title, height=240):
    """v(t) under the threshold θ(t) with spike ticks on top: three Lines marks named
    ``keys`` = (v, threshold, spikes) on one mV scale, and their Figure."""
    yv = LinearScale()
    v, thr, spk = (lines(x, yv, color=COLORS["blue"], label="v"),
                   lines(x, yv, color=COLORS["red"], dash=True, label="θ (threshold)"),
                   lines(x, yv, color=COLORS["grey"], width=1))
    f = fig(name, [v, thr, spk], [x_axis(x, "time (ms)"), y_axis(yv, "membrane potential (mV)")],
            title=title, height=height)
    return dict(zip(keys, (v, thr, spk))), f


def x_axis(scale, label):
    # an explicit label offset: bqplot's automatic one is undefined until the figure is laid
    # out, which logs "translate(x,undefined)" errors
    return Axis(scale=scale, label=label, side="bottom", tick_format="~g", label_offset="32px")


def y_axis(scale, label, side="left"):
    return Axis(scale=scale, label=label, side=side, tick_format="~g", label_offset="40px")


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
    skipped), each inside ``hold_sync()`` (one message), sending only traits that changed."""
    for name, traits in data.items():
        mark = find(name)
        if mark is None:
            continue
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


def _same(a, b) -> bool:
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - arrays or odd traits: treat as changed
        return False
