"""Level lines of a 2-D array by marching squares, joined into polylines (no plotting library).

``level_paths(z, level)`` works in index space: ``z[j, i]`` sits at ``(i, j)``; a line crosses
a cell edge where one end is above the level and the other is not, at the linearly
interpolated point. A saddle cell (the four edges crossed) is resolved by the cell's mean.
Segments sharing an edge point are joined, so each returned path is one polyline.

>>> z = np.add.outer(np.arange(3.0), np.arange(3.0))   # z = i + j
>>> [p.round(2).tolist() for p in level_paths(z, 1.5)]
[[[1.5, 0.0], [1.0, 0.5], [0.5, 1.0], [0.0, 1.5]]]
"""

from __future__ import annotations

import numpy as np

__all__ = ["index_to_axis", "level_paths"]


def _cell_segments(s: np.ndarray, above: np.ndarray, ok: np.ndarray):
    """Yield the pairs of edge ids each cell's line joins; an edge id is ("h"|"v", j, i)."""
    bl, br, tr, tl = above[:-1, :-1], above[:-1, 1:], above[1:, 1:], above[1:, :-1]
    good = ok[:-1, :-1] & ok[:-1, 1:] & ok[1:, 1:] & ok[1:, :-1]
    crossed = good & ~((bl == br) & (br == tr) & (tr == tl))
    for j, i in zip(*np.nonzero(crossed)):
        b, r, t, lft = ("h", j, i), ("v", j, i + 1), ("h", j + 1, i), ("v", j, i)
        cut = [e for e, (p, q) in ((b, (bl, br)), (r, (br, tr)), (t, (tl, tr)), (lft, (bl, tl)))
               if p[j, i] != q[j, i]]
        if len(cut) == 2:
            yield cut[0], cut[1]
        else:  # a saddle: isolate the corners whose side differs from the cell's mean
            centre = s[j:j + 2, i:i + 2].mean() > 0
            if bl[j, i] == centre:
                yield b, r
                yield t, lft
            else:
                yield b, lft
                yield t, r


def _point(s: np.ndarray, edge) -> tuple[float, float]:
    kind, j, i = edge
    if kind == "h":
        a, b = s[j, i], s[j, i + 1]
        return i + a / (a - b), float(j)
    a, b = s[j, i], s[j + 1, i]
    return float(i), j + a / (a - b)


def level_paths(z, level: float) -> list[np.ndarray]:
    """Polylines where ``z`` (ny, nx) crosses ``level``: a list of (k, 2) arrays of
    ``(i, j)`` index coordinates (open lines end on the border; closed ones repeat their
    first point). Cells with a non-finite corner are skipped."""
    z = np.asarray(z, dtype=np.float64)
    s = z - level
    ok = np.isfinite(s)
    above = np.where(ok, s > 0, False)
    nbr: dict = {}
    for e1, e2 in _cell_segments(s, above, ok):
        nbr.setdefault(e1, []).append(e2)
        nbr.setdefault(e2, []).append(e1)
    paths, seen = [], set()
    # open lines first (their ends touch one cell only), then the closed loops
    starts = [e for e, n in nbr.items() if len(n) == 1] + list(nbr)
    for start in starts:
        if start in seen:
            continue
        path, prev, cur = [start], None, start
        seen.add(start)
        while True:
            nxt = [e for e in nbr[cur] if e != prev and (e not in seen or (e == start and len(path) > 2))]
            if not nxt:
                break
            prev, cur = cur, nxt[0]
            path.append(cur)
            if cur == start:
                break
            seen.add(cur)
        paths.append(np.array([_point(s, e) for e in path]))
    return paths


def index_to_axis(idx, centres, log: bool) -> np.ndarray:
    """Index coordinates -> axis values, interpolating between the cell centres
    (in log space on a log axis)."""
    c = np.asarray(centres, dtype=np.float64)
    k = np.arange(c.size)
    if log:
        return np.exp(np.interp(idx, k, np.log(c)))
    return np.interp(idx, k, c)
