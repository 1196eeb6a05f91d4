"""loss_landscape: the fit's objective on a grid over two parameters around a point (one vmapped call).

The grid is centred on the given parameters and spaced the way the fit's transforms see the
parameters: log-spaced for the time constants and W (``v·10^(k·span/h)``), logit-spaced for U
and f (``σ(logit(v) + k·span/h)``), k = −h … n−1−h with h = n // 2, so the centre is cell
``(n // 2, n // 2)`` exactly. The other parameters stay at their given values (W is *not*
re-projected: the map shows the objective, not a profile).

Each cell holds the weighted sum of squares the fit minimises, in amplitude units²::

    sse[j, i] = Σ_p w_p Σ_sweeps Σ_n (amplitude − W u_n x_n)²      at (x[i], y[j])

(w_p = 1 for weights="observations", which is the plain SSE of :class:`FitResult`; see
:func:`fit_stp` for "protocols"). It is computed as ``Σ w c (mean − m)² + Σ w (s2 − s1²/c)``
from per-spike statistics, so the cost does not grow with the number of sweeps.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np

from stpexplorer.engine.stp import STPParams
from stpexplorer.engine.stp_sweep import release_at_intervals
from stpexplorer.fit._data import AmplitudeData
from stpexplorer.fit._model import NAMES
from stpexplorer.fit._result import FitResult

__all__ = ["LossLandscape", "loss_landscape", "DEFAULT_SPAN"]

#: half width of the grid: decades for tau_f, tau_d, W; logit units (natural log-odds) for U, f
DEFAULT_SPAN = {"U": 2.0, "f": 2.0, "tau_f": 1.0, "tau_d": 1.0, "W": 0.5}
_WEIGHTS = ("observations", "protocols")


@dataclass(frozen=True)
class LossLandscape:
    """The objective on an (n_y, n_x) grid over two parameters.

    x_param, y_param: parameter names (among U, f, tau_f, tau_d, W)
    x, y:             grid values (n_x,), (n_y,), increasing; ms for the time constants
    sse:              (n_y, n_x) weighted sum of squares, amplitude units² (row j is y[j])
    center:           {name: float} the five parameters the grid is centred on (f = U for "tm")
    x0, y0:           the centre's values; it is the cell (ix, iy) = (n // 2, n // 2)
    weights:          "observations" (plain SSE) or "protocols"
    """

    x_param: str
    y_param: str
    x: np.ndarray
    y: np.ndarray
    sse: np.ndarray
    center: dict
    x0: float
    y0: float
    ix: int
    iy: int
    weights: str

    @property
    def argmin(self) -> tuple[float, float]:
        """(x, y) of the grid's lowest cell."""
        j, i = np.unravel_index(np.nanargmin(self.sse), self.sse.shape)
        return float(self.x[i]), float(self.y[j])


def _sse_rows(vals, isi, c, s1, w, const):
    """vals (B, 5) in NAMES order -> (B,) objective; isi, c, s1 (P, N), w (P,), const scalar."""

    def one(v):
        p = STPParams(U=v[0], tau_f=v[2], tau_d=v[3], W=v[4], f=v[1])
        m = jax.vmap(lambda iv: release_at_intervals(p, iv))(isi)
        mean = s1 / jnp.where(c > 0, c, 1.0)
        return jnp.sum(w[:, None] * c * (mean - m) ** 2) + const

    return jax.vmap(one)(vals)


_sse_grid = jax.jit(_sse_rows)  # module level: one compilation per (grid size, protocols × spikes)


def _center(params) -> dict:
    if isinstance(params, FitResult):
        return dict(params.values)
    if isinstance(params, STPParams):
        d = {n: getattr(params, n) for n in ("U", "tau_f", "tau_d", "W", "f")}
    elif isinstance(params, Mapping):
        missing = [n for n in ("U", "tau_f", "tau_d", "W") if n not in params]
        if missing:
            raise ValueError(f"params: missing {missing}; give U, tau_f, tau_d, W (ms) and optionally f")
        d = {n: params.get(n) for n in NAMES}
    else:
        raise ValueError(f"params must be an STPParams, a FitResult or a dict, got {type(params).__name__}")
    out = {}
    for n in NAMES:
        v = d[n]
        if n == "f" and v is None:
            v = d["U"]  # f = U: the 3-parameter model
        try:
            out[n] = float(np.asarray(v))
        except (TypeError, ValueError):
            raise ValueError(f"params[{n!r}] must be a number, got {v!r}") from None
    return out


def _axis(name, v, span, n):
    h = n // 2
    k = (np.arange(n) - h) / max(h, 1) * span
    if name in ("U", "f"):
        if not 0.0 < v <= 1.0:
            raise ValueError(f"{name} must be in (0, 1] to centre a landscape on it, got {v!r}")
        p = min(v, 1.0 - 1e-9)
        grid = 1.0 / (1.0 + np.exp(-(np.log(p) - np.log1p(-p) + k)))
    else:
        if not (np.isfinite(v) and v > 0):
            raise ValueError(f"{name} must be > 0 (a log-spaced axis) to centre a landscape on it, got {v!r}")
        grid = v * 10.0 ** k
    grid[h] = v
    return grid


def _stats(data: AmplitudeData, weights: str):
    isi, c, s1, s2 = data.spike_sums()
    P = isi.shape[0]
    n_obs = c.sum(1)
    w = np.ones(P) if weights == "observations" else n_obs.sum() / (P * n_obs)
    within = np.where(c > 0, s2 - s1 ** 2 / np.where(c > 0, c, 1.0), 0.0)
    return isi, c, s1, w, float(np.sum(w[:, None] * within))


def loss_landscape(data: AmplitudeData, params, x_param: str, y_param: str, *, n: int = 48, span=None,
                   weights: str = "observations") -> LossLandscape:
    """The fit's objective on an n × n grid over ``x_param`` and ``y_param`` around ``params``.

    data:    :class:`AmplitudeData`; params: :class:`STPParams`, a :class:`FitResult` (its estimate)
             or a dict with U, tau_f, tau_d (ms), W and optionally f (None or missing: f = U)
    x_param, y_param: two different names among U, f, tau_f, tau_d, W
    n:       grid points per axis (>= 3); span: half width (float for both axes, or a pair
             (x, y)), in decades for tau_f, tau_d, W and logit units for U, f; default DEFAULT_SPAN
    weights: "observations" (the plain SSE) or "protocols", as in :func:`fit_stp`

    One jitted, vmapped call over all n² cells (float64); new values or a new centre reuse the
    compiled function (it depends on n and the data's protocols × spikes only).

    >>> from stpexplorer.fit import synthetic_amplitudes
    >>> p = STPParams(U=0.5, tau_f=20.0, tau_d=300.0, W=1.0)
    >>> d = synthetic_amplitudes(p, {"20 Hz": [0, 50, 50, 50]}, n_sweeps=4, n_sites=10,
    ...                          quantal_size=0.1, cv=0.3, seed=0)
    >>> ls = loss_landscape(d, p, "U", "tau_d", n=8)
    >>> ls.sse.shape, bool(ls.x[4] == 0.5)
    ((8, 8), True)
    """
    if not isinstance(data, AmplitudeData):
        raise ValueError(f"data must be an AmplitudeData, got {type(data).__name__}")
    for arg, name in (("x_param", x_param), ("y_param", y_param)):
        if name not in NAMES:
            raise ValueError(f"{arg} must be one of {list(NAMES)}, got {name!r}")
    if x_param == y_param:
        raise ValueError(f"x_param and y_param must differ, got {x_param!r} twice")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 3:
        raise ValueError(f"n must be an integer >= 3, got {n!r}")
    if weights not in _WEIGHTS:
        raise ValueError(f"weights must be one of {_WEIGHTS}, got {weights!r}")
    spans = (span, span) if span is None or np.isscalar(span) else tuple(span)
    if len(spans) != 2:
        raise ValueError(f"span must be a number or a pair (x, y), got {span!r}")
    spans = tuple(DEFAULT_SPAN[p] if s is None else s for p, s in zip((x_param, y_param), spans))
    for s in spans:
        if not (np.isfinite(float(s)) and float(s) > 0):
            raise ValueError(f"span must be > 0, got {span!r}")
    center = _center(params)
    tied = "f" not in (x_param, y_param) and center["f"] == center["U"]
    xs = _axis(x_param, center[x_param], float(spans[0]), int(n))
    ys = _axis(y_param, center[y_param], float(spans[1]), int(n))
    vals = np.tile(np.array([center[k] for k in NAMES]), (n * n, 1))
    vals[:, NAMES.index(x_param)] = np.tile(xs, n)
    vals[:, NAMES.index(y_param)] = np.repeat(ys, n)
    if tied:  # the "tm" model: f follows U across the grid
        vals[:, 1] = vals[:, 0]
    isi, c, s1, w, const = _stats(data, weights)
    with jax.enable_x64(True):
        sse = np.asarray(_sse_grid(jnp.asarray(vals), jnp.asarray(isi), jnp.asarray(c), jnp.asarray(s1),
                                   jnp.asarray(w), jnp.asarray(const)))
    h = n // 2
    return LossLandscape(x_param, y_param, xs, ys, sse.reshape(n, n), center, float(xs[h]), float(ys[h]),
                         h, h, weights)
