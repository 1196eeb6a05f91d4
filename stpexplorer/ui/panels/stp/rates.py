"""The STP panel's rate-curve figure (``stpx-fig-ratecurve``, in the "Ratios & steady state" view):
g_n / g_1 against the input rate on a log axis, n from the ``ratio_n`` control.

Marks (in ``panel.lines``): ``curve_regular`` (regular trains, the exact recursion),
``curve_poisson`` (Poisson trains: the mean over 20 seeded trains) with ``curve_poisson_sd``
(mean ± SD, filled between), ``curve_steady`` (the analytic steady state release*/(W·U), the
regular train's limit for n → ∞; dashed) and ``curve_one`` (ratio 1: facilitation above,
depression below). See :mod:`stpexplorer.experiments._rate_curves` for the trains.
:class:`RateCurveView` computes the curves (:func:`~stpexplorer.experiments.stp.stp_rate_curves`,
~40 batched trains per rate) only when asked: the panel asks while the view is shown.

:func:`regular_only_labels` qualifies the overlays that hold only for regular trains (u*, x*,
release*, the steady-state curve) with "(regular train)" while the protocol is Poisson.
"""

from __future__ import annotations

import numpy as np
from bqplot import LinearScale, LogScale

from stpexplorer.experiments.stp import RATE_CURVE_INPUTS, stp_rate_curves
from stpexplorer.ui.plot.marks import apply_marks, fig, lines, x_axis, y_axis
from stpexplorer.ui.plot.colors import COLORS

__all__ = ["RateCurveView", "merge_marks", "rate_curve_data", "rate_curve_figure", "regular_only_labels"]

REGULAR_ONLY = " (regular train)"


def rate_curve_figure(L: dict):
    """Build the rate-curve marks into ``L`` and return their Figure."""
    xs, ys = LogScale(min=0.5, max=200.0), LinearScale(min=0.0)
    L["curve_poisson_sd"] = lines(xs, ys, color=[COLORS["orange"], COLORS["orange"]], width=0.5,
                                  label=["Poisson ± SD (20 trains)", ""], fill="between",
                                  fill_colors=[COLORS["orange"]], fill_opacities=[0.2])
    L["curve_poisson"] = lines(xs, ys, color=COLORS["orange"], width=2, label="Poisson mean")
    L["curve_regular"] = lines(xs, ys, color=COLORS["blue"], width=2, label="regular train")
    L["curve_steady"] = lines(xs, ys, color=COLORS["grey"], dash=True, width=1.2,
                              label="n → ∞: release*/(W·U) (regular train)")
    L["curve_one"] = lines(xs, ys, color=COLORS["grey"], width=0.8)
    ax = x_axis(xs, "input rate (Hz)")
    ax.tick_values = np.array([0.5, 1, 2, 5, 10, 20, 50, 100, 200], dtype=float)
    # the dashed steady state last: on top of the regular curve it approaches
    return fig("ratecurve", [L[k] for k in ("curve_one", "curve_poisson_sd", "curve_poisson",
                                            "curve_regular", "curve_steady")],
               [ax, y_axis(ys, "g_n / g_1")], title="Train ratio g_n/g_1 against rate", height=260)


class RateCurveView:
    """The rate-curve figure (``figure``; its marks go into the ``lines`` dict given) and
    :meth:`draw`, which computes the curves of some values and shows them. ``n_draws``
    counts the computations; values that differ only where the curves do not depend on them
    (W, the protocol, the rate...) are not computed again."""

    MARKS = ("curve_regular", "curve_poisson", "curve_poisson_sd", "curve_steady", "curve_one")

    def __init__(self, lines: dict):
        self.figure = rate_curve_figure(lines)
        self._marks = {k: lines[k] for k in self.MARKS}
        self._key = None
        self.n_draws = 0

    def draw(self, values: dict) -> None:
        key = tuple(values.get(k) for k in RATE_CURVE_INPUTS)
        if key == self._key:
            return
        self.n_draws += 1
        apply_marks(self._marks.get, rate_curve_data(stp_rate_curves(values), values))
        self._key = key


def rate_curve_data(rc, v) -> dict:
    """``{mark: {trait: value}}`` of the rate-curve figure for the
    :class:`~stpexplorer.experiments._rate_curves.RateCurves` ``rc`` of values ``v``."""
    n = int(v["ratio_n"])
    g = f"g{n}/g1" + (" (paired-pulse ratio)" if n == 2 else "")
    rates = np.asarray(rc.rates, np.float32)
    mean, sd = np.asarray(rc.poisson_mean), np.asarray(rc.poisson_sd)
    return {
        "curve_regular": {"x": rates, "y": np.asarray(rc.regular, np.float32),
                          "labels": [f"regular train: {g}"]},
        "curve_poisson": {"x": rates, "y": mean.astype(np.float32), "labels": [f"Poisson: mean {g}"]},
        "curve_poisson_sd": {"x": rates, "y": np.stack([mean - sd, mean + sd]).astype(np.float32)},
        "curve_steady": {"x": rates, "y": np.asarray(rc.steady, np.float32)},
        "curve_one": {"x": np.array([0.5, 200.0], np.float32), "y": np.ones(2, np.float32)},
    }


def regular_only_labels(base: dict, v) -> dict:
    """``{mark: {"labels": ...}}``: the ``base`` labels, each with "(regular train)" appended
    while the protocol is Poisson (the steady state holds for regular trains only)."""
    poisson = v["protocol"] == "poisson"
    return {k: {"labels": [lab + REGULAR_ONLY if poisson and lab and REGULAR_ONLY not in lab else lab
                           for lab in labels]}
            for k, labels in base.items()}


def merge_marks(d: dict, extra: dict) -> dict:
    """Merge ``extra`` into the mark data ``d`` trait by trait (a mark in both keeps both)."""
    for k, traits in extra.items():
        d.setdefault(k, {}).update(traits)
    return d
