r"""Parameter map: a summary of the Tsodyks–Markram synapse over two of (U, τf, τd, f, rate).

Every cell is a regular train of :data:`MAP_SPIKES` spikes at the cell's rate (exact period
Δ = 1000/rate ms, first spike from rest) through the exact event-driven recursion, W = 1::

    u_1 = U, x_1 = 1;  u_{k+1} = U + (u_k + f(1 − u_k) − U) e^{−Δ/τf};
    x_{k+1} = 1 + (x_k − u_k x_k − 1) e^{−Δ/τd};  release_k = u_k x_k     (f = U when tied)

Summaries (``summary``): "ppr" = release_2 / release_1 (paired-pulse ratio), "last_first" =
release_n / release_1, "release_n" = release_n, "total" = Σ release_k over the first
``n_spikes`` spikes, "steady_state" = release* at the rate (closed form of
:func:`~stpexplorer.engine.steady_state`). The level-1 line separates depression (< 1) from
facilitation (> 1).

All :data:`MAP_N` × :data:`MAP_N` cells (and the current point) run in one call of
:func:`~stpexplorer.engine.sweep_stp` on one fixed train: the release depends on Δ/τ only,
so a cell at rate r runs the reference train (period :data:`REF_PERIOD_MS`) with its time
constants scaled by REF_PERIOD_MS·r/1000. The shapes never change: moving a control never
recompiles. "f" on an axis makes f free (extended TM) whatever ``f_mode`` says.

>>> from stpexplorer.experiments import run
>>> m = run("map", {"x_param": "U", "y_param": "tau_f", "tau_d": 800.0, "rate_hz": 20.0})
>>> m.values.shape, round(float(m.values[0, -1]), 4)   # U = 1: the second release is x_2
((64, 64), 0.0606)
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from stpexplorer import engine as eng
from stpexplorer.experiments import _controls as C
from stpexplorer.experiments._contour import index_to_axis, level_paths
from stpexplorer.experiments._result import Result
from stpexplorer.experiments._schema import Control, Experiment
from stpexplorer.experiments.stp import STP

__all__ = ["AXES", "MAP", "MAP_N", "MAP_SPIKES", "SUMMARIES", "MapResult", "map_axis", "simulate_map"]

MAP_N = 64  # cells per axis
MAP_SPIKES = 40  # spikes of every cell's train (the n_spikes slider's maximum)
REF_PERIOD_MS = 10.0  # period of the one reference train every cell runs
#: the axes: parameter -> (lo, hi, log axis?, unit, label)
AXES = {
    "U": (0.01, 1.0, False, "", "U"),
    "tau_f": (5.0, 5000.0, True, "ms", "τf"),
    "tau_d": (5.0, 5000.0, True, "ms", "τd"),
    "f": (0.01, 1.0, False, "", "f"),
    "rate_hz": (0.5, 200.0, True, "Hz", "rate"),
}
#: summary -> (colour-bar label, description); "n" becomes the spike index
SUMMARIES = {
    "ppr": ("PPR", "paired-pulse ratio release₂ / release₁"),
    "last_first": ("release_n/release₁", "release_n / release₁ (regular train)"),
    "steady_state": ("release*", "steady-state release* at the rate (× W)"),
    "total": ("total", "total release over the train of N spikes (× W)"),
    "release_n": ("release_n", "release at spike n (× W)"),
}
_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
RATIOS = ("ppr", "last_first")


def map_axis(name: str) -> np.ndarray:
    """The :data:`MAP_N` cell centres of axis ``name`` (geometric on a log axis)."""
    lo, hi, log, _, _ = AXES[name]
    return np.geomspace(lo, hi, MAP_N) if log else np.linspace(lo, hi, MAP_N)


@dataclass(frozen=True)
class MapResult(Result):
    """One parameter map. nx = ny = MAP_N.

    x: (nx,) and y: (ny,) cell centres of ``x_param`` / ``y_param`` (units ``x_unit``,
    ``y_unit``; ``x_log``/``y_log``: log axes); values: (ny, nx) the summary, ``values[j, i]``
    at (x[i], y[j]); summary, short_label, label: the summary's key, its colour-bar label
    ("PPR", "release₁₀/release₁") and its description; current: (x, y) of the
    controls' own values; current_value: the summary there (NaN if undefined); level: 1.0;
    contour: the lines where values cross ``level``, each a (k, 2) array of (x, y) values;
    t: (n_spikes,) spike times of the current point's train, ms; release: (n_spikes,) its
    per-spike release (× W); note: what the map assumed ("" if nothing).
    """

    x: np.ndarray
    y: np.ndarray
    values: np.ndarray
    x_param: str
    y_param: str
    x_unit: str
    y_unit: str
    x_log: bool
    y_log: bool
    summary: str
    short_label: str
    label: str
    current: tuple
    current_value: float
    level: float
    contour: tuple
    t: np.ndarray
    release: np.ndarray
    note: str = ""

    per_step: ClassVar[tuple[str, ...]] = ("release",)
    units: ClassVar[dict[str, str]] = {"release": "W"}

    def to_dict(self) -> dict:
        d = super().to_dict()
        d["contour"] = [np.asarray(p).tolist() for p in self.contour]
        return d


def _check_axes(v: dict) -> None:
    if v["x_param"] == v["y_param"]:
        raise ValueError(f"x_param and y_param must differ, got x_param={v['x_param']!r} "
                         f"and y_param={v['y_param']!r}")


def _cells(v: dict) -> dict:
    """Every parameter on the grid (ny, nx), the current point appended: flat (ny·nx + 1,)."""
    gx, gy = np.meshgrid(map_axis(v["x_param"]), map_axis(v["y_param"]))
    out = {}
    for name in AXES:
        cur = v[name]
        if name == v["x_param"]:
            grid = gx
        elif name == v["y_param"]:
            grid = gy
        else:
            grid = np.full(gx.shape, float(cur))
        out[name] = np.append(grid.ravel(), cur)
    return out


def simulate_map(v: dict) -> MapResult:
    """The map of ``v`` (checked values): one sweep (or one steady-state call) for every cell."""
    _check_axes(v)
    c = _cells(v)
    free_f = v["f_mode"] == "free" or "f" in (v["x_param"], v["y_param"])
    dtype = eng.float_dtype()
    f = c["f"].astype(dtype) if free_f else None
    n = v["n"]
    if v["summary"] == "steady_state":
        p = eng.STPParams(U=c["U"].astype(dtype), tau_f=c["tau_f"].astype(dtype),
                          tau_d=c["tau_d"].astype(dtype), W=np.ones_like(c["U"], dtype), f=f)
        flat = np.asarray(eng.steady_state(p, c["rate_hz"].astype(dtype))[2], np.float64)
    else:
        scale = REF_PERIOD_MS * c["rate_hz"] / 1000.0  # Δ/τ = REF_PERIOD_MS / (τ · scale)
        p = eng.STPParams(U=c["U"].astype(dtype), tau_f=(c["tau_f"] * scale).astype(dtype),
                          tau_d=(c["tau_d"] * scale).astype(dtype), W=np.ones_like(c["U"], dtype), f=f)
        rel = np.asarray(eng.sweep_stp(p, _REF_TRAIN, dt_ms=1.0).release, np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            flat = {"ppr": lambda: rel[:, 1] / rel[:, 0],
                    "last_first": lambda: rel[:, n - 1] / rel[:, 0],
                    "release_n": lambda: rel[:, n - 1],
                    "total": lambda: rel[:, : v["n_spikes"]].sum(axis=1)}[v["summary"]]()
    values = flat[:-1].reshape(MAP_N, MAP_N)
    xs, ys = map_axis(v["x_param"]), map_axis(v["y_param"])
    xl, yl = AXES[v["x_param"]][2], AXES[v["y_param"]][2]
    contour = tuple(np.column_stack([index_to_axis(pth[:, 0], xs, xl), index_to_axis(pth[:, 1], ys, yl)])
                    for pth in level_paths(values, 1.0))
    k = v["n_spikes"]
    t = np.arange(k) * 1000.0 / v["rate_hz"]
    release = rel[-1, :k] if v["summary"] != "steady_state" else _current_release(v, free_f, k)
    short, label = (t.replace("_n", str(n).translate(_SUB)).replace("spike n", f"spike {n}")
                    .replace("N spikes", f"{v['n_spikes']} spikes") for t in SUMMARIES[v["summary"]])
    note = "f on an axis: f is free (extended TM)" if "f" in (v["x_param"], v["y_param"]) \
        and v["f_mode"] != "free" else ""
    return MapResult(x=xs, y=ys, values=values, x_param=v["x_param"], y_param=v["y_param"],
                     x_unit=AXES[v["x_param"]][3], y_unit=AXES[v["y_param"]][3], x_log=xl, y_log=yl,
                     summary=v["summary"], short_label=short, label=label,
                     current=(float(v[v["x_param"]]), float(v[v["y_param"]])),
                     current_value=float(flat[-1]), level=1.0, contour=contour, t=t, release=release, note=note)


def _current_release(v: dict, free_f: bool, k: int) -> np.ndarray:
    """Per-spike release of the current point's train (the steady-state map has no sweep)."""
    scale = REF_PERIOD_MS * v["rate_hz"] / 1000.0
    p = eng.STPParams(U=v["U"], tau_f=v["tau_f"] * scale, tau_d=v["tau_d"] * scale, W=1.0,
                      f=v["f"] if free_f else None)
    return np.asarray(eng.sweep_stp(p, _REF_TRAIN, dt_ms=1.0).release, np.float64)[:k]


# the reference train: MAP_SPIKES spikes every REF_PERIOD_MS on a 1 ms grid (exact intervals)
_REF_TRAIN = eng.regular_train(1000.0 / REF_PERIOD_MS, MAP_SPIKES, duration_ms=REF_PERIOD_MS * MAP_SPIKES,
                               dt_ms=1.0, start_ms=0.0)

_PARAMS = tuple(AXES)
#: what the menus show: "τf (ms)" for tau_f, a plain name for each summary
_PARAM_LABELS = tuple(f"{a[4]} ({a[3]})" if a[3] else a[4] for a in AXES.values())
_SUMMARY_LABELS = ("PPR (release₂ / release₁)", "last / first (releaseₙ / release₁)", "steady state (release*)",
                   "total release", "release at spike n")
MAP = Experiment(
    "map", "Parameter map",
    (
        Control("x_param", "U", kind="choice", options=_PARAMS, label="x axis", help="parameter on the x axis",
                option_labels=_PARAM_LABELS),
        Control("y_param", "tau_f", kind="choice", options=_PARAMS, label="y axis", help="parameter on the y axis",
                option_labels=_PARAM_LABELS),
        Control("summary", "ppr", kind="choice", options=tuple(SUMMARIES), label="summary",
                option_labels=_SUMMARY_LABELS,
                help="ppr: release₂/release₁; last_first: release_n/release₁; steady_state: release* at the "
                     "rate; total: sum over the train; release_n: the n-th release"),
        dataclasses.replace(C.U, default=0.2), dataclasses.replace(C.TAU_F, default=200.0), C.TAU_D,
        C.F_MODE, C.F,
        STP.control("rate_hz"), dataclasses.replace(STP.control("n_spikes"), default=10),
        Control("n", 10, 1, MAP_SPIKES, kind="int", label="n", help="spike index of release_n and last_first"),
    ),
    simulate_map, MapResult,
    groups=(("Map", ("x_param", "y_param", "summary")),
            ("Synapse", ("U", "tau_f", "tau_d", "f_mode", "f")),
            ("Protocol (regular train)", ("rate_hz", "n_spikes", "n"))),
    applies={"n": ("summary", ("last_first", "release_n")),
             "n_spikes": ("summary", ("total",)),
             "f": ("f_mode", ("free",))},
    panel="stpexplorer.ui.panels.map:MapPanel",
    links=(("select", "stp"),),  # a click on a cell carries its synapse and rate to the STP tab
    description="a summary of the TM synapse over two parameters (regular trains), with its level-1 line",
)
