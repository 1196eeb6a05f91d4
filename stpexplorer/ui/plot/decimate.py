"""Min/max decimation: few points per line, no peak lost.

A trace of ``n`` samples is cut into ``max_points // 2`` buckets; each bucket keeps
its minimum and its maximum sample, in time order. Every local extremum of the input
therefore lies inside the drawn envelope, and a single-sample spike survives
(it is the maximum of its bucket). Traces of ``max_points`` samples or fewer are
returned unchanged.
"""

from __future__ import annotations

import numpy as np

__all__ = ["decimate", "decimate_columns", "MAX_POINTS"]

MAX_POINTS = 2000


def _minmax_index(y: np.ndarray, max_points: int) -> np.ndarray:
    n = y.shape[0]
    n_buckets = max(1, max_points // 2)
    size = -(-n // n_buckets)  # ceil
    m = n // size
    body = y[: m * size].reshape(m, size)
    lo = np.argmin(body, axis=1)
    hi = np.argmax(body, axis=1)
    base = np.arange(m) * size
    first = base + np.minimum(lo, hi)
    second = base + np.maximum(lo, hi)
    idx = np.stack([first, second], axis=1).reshape(-1)
    if m * size < n:  # tail bucket
        tail = y[m * size:]
        a, b = m * size + int(np.argmin(tail)), m * size + int(np.argmax(tail))
        idx = np.concatenate([idx, [min(a, b), max(a, b)]])
    return idx


def decimate(x, y, max_points: int = MAX_POINTS, dtype=np.float32):
    """``(x, y)`` reduced to at most ``max_points`` points keeping each bucket's min and max.

    NaN samples are treated as absent when choosing the extremes.
    """
    x = np.asarray(x)
    y = np.asarray(y)
    if y.shape[0] <= max_points:
        return x.astype(dtype), y.astype(dtype)
    yy = y
    if np.isnan(y).any():
        yy = np.where(np.isnan(y), np.nanmean(y) if np.isfinite(y).any() else 0.0, y)
    idx = _minmax_index(yy, max_points)
    return x[idx].astype(dtype), y[idx].astype(dtype)


def decimate_columns(x, Y, max_points: int = MAX_POINTS, dtype=np.float32):
    """Each column of ``Y`` (n, k) decimated alone: ``(X, Yd)`` both of shape (k, m)."""
    Y = np.asarray(Y)
    xs, ys = zip(*(decimate(x, Y[:, j], max_points, dtype) for j in range(Y.shape[1]))) if Y.shape[1] else ((), ())
    if not xs:
        return np.zeros((0, 0), dtype), np.zeros((0, 0), dtype)
    return np.stack(xs), np.stack(ys)
