"""Parameter map (issue 12): cells against direct simulations and closed forms, the level-1
line, no recompilation; the MapPanel (select, click, colour bar) and its link to the STP tab."""

import os

os.environ.setdefault("JAX_PLATFORMS", "cpu")

import numpy as np
import pytest

import stpexplorer as stp
from stpexplorer.engine import count_compilations
from stpexplorer.experiments.map import MAP, MAP_N, map_axis
from tests._tol import assert_close


def run(**values):
    return MAP.run(values)


def direct_release(cell: dict, n_spikes: int) -> np.ndarray:
    """Per-spike release of ``cell`` on a regular train simulated step by step (W = 1). The
    grid step is period/50, so every spike sits exactly on the grid at any rate."""
    period = 1000.0 / cell["rate_hz"]
    dt = period / 50.0
    spikes = stp.regular_train(cell["rate_hz"], n_spikes, duration_ms=period * (n_spikes + 1), dt_ms=dt,
                               start_ms=0.0)
    p = stp.STPParams(U=cell["U"], tau_f=cell["tau_f"], tau_d=cell["tau_d"], W=1.0, f=cell.get("f"))
    tr = stp.simulate_stp(p, spikes, dt_ms=dt)
    return np.asarray(tr.release, np.float64)[spikes > 0.5]


def cell_values(res, v: dict, i: int, j: int) -> dict:
    cell = {k: v[k] for k in ("U", "tau_f", "tau_d", "rate_hz")}
    if v.get("f_mode") == "free" or "f" in (res.x_param, res.y_param):
        cell["f"] = v["f"]
    cell[res.x_param], cell[res.y_param] = float(res.x[i]), float(res.y[j])
    return cell


CORNERS_AND_MORE = [(0, 0), (0, MAP_N - 1), (MAP_N - 1, 0), (MAP_N - 1, MAP_N - 1), (17, 40), (50, 9)]
MAPS = [
    {"x_param": "U", "y_param": "tau_f", "summary": "ppr", "tau_d": 800.0, "rate_hz": 20.0},
    {"x_param": "rate_hz", "y_param": "tau_d", "summary": "last_first", "n": 10, "U": 0.3, "tau_f": 100.0},
    {"x_param": "tau_f", "y_param": "rate_hz", "summary": "release_n", "n": 7, "U": 0.1, "tau_d": 300.0},
    {"x_param": "f", "y_param": "U", "summary": "total", "n_spikes": 12, "tau_f": 150.0, "tau_d": 400.0, "rate_hz": 30.0},
    {"x_param": "tau_d", "y_param": "f", "summary": "ppr", "f_mode": "free", "U": 0.15, "tau_f": 80.0, "rate_hz": 50.0},
]


@pytest.mark.parametrize("values", MAPS, ids=lambda v: f"{v['x_param']}-{v['y_param']}-{v['summary']}")
def test_every_cell_equals_a_direct_simulation_at_its_values(values):
    res = run(**values)
    v = MAP.validate(values)
    assert res.values.shape == (MAP_N, MAP_N) and MAP_N >= 64
    for i, j in CORNERS_AND_MORE:
        cell = cell_values(res, v, i, j)
        rel = direct_release(cell, max(v["n_spikes"], v["n"], 2))
        want = {"ppr": rel[1] / rel[0], "last_first": rel[v["n"] - 1] / rel[0], "release_n": rel[v["n"] - 1],
                "total": rel[: v["n_spikes"]].sum()}[v["summary"]]
        assert_close(res.values[j, i], want, rtol=1e-5, err_msg=f"cell ({i}, {j}) = {cell}")


def test_steady_state_cells_follow_the_closed_form():
    res = run(x_param="rate_hz", y_param="U", summary="steady_state", tau_f=50.0, tau_d=500.0)
    r, U = np.meshgrid(res.x, res.y)
    delta = 1000.0 / r
    ef, ed = np.exp(-delta / 50.0), np.exp(-delta / 500.0)
    u = U / (1 - (1 - U) * ef)
    x = (1 - ed) / (1 - (1 - u) * ed)
    assert_close(res.values, u * x, rtol=1e-5)


def test_axes_are_log_for_time_constants_and_rates_linear_for_fractions():
    for name, (lo, hi, log) in {"tau_f": (5, 5000, True), "tau_d": (5, 5000, True), "rate_hz": (0.5, 200, True),
                                "U": (0.01, 1, False), "f": (0.01, 1, False)}.items():
        a = map_axis(name)
        assert a.size == MAP_N and a[0] == pytest.approx(lo) and a[-1] == pytest.approx(hi)
        steps = np.diff(np.log(a)) if log else np.diff(a)
        np.testing.assert_allclose(steps, steps[0], rtol=1e-9)


def test_the_level_one_line_is_where_the_paired_pulse_ratio_is_one():
    """ppr = (1 + (1 − U) e^{−Δ/τf}) (1 − U e^{−Δ/τd}) in closed form; the drawn line lies on ppr = 1."""
    res = run(x_param="U", y_param="tau_f", summary="ppr", tau_d=200.0, rate_hz=20.0)
    assert res.level == 1.0 and len(res.contour) >= 1
    pts = np.concatenate(res.contour)
    U, tf = pts[:, 0], pts[:, 1]
    ppr = (1 + (1 - U) * np.exp(-50.0 / tf)) * (1 - U * np.exp(-50.0 / 200.0))
    np.testing.assert_allclose(ppr, 1.0, atol=0.01)  # linear interpolation between cells
    # it separates depression from facilitation: both sides exist
    assert res.values.min() < 1.0 < res.values.max()


def test_current_point_is_the_controls_values_and_its_summary():
    res = run(x_param="tau_d", y_param="rate_hz", summary="ppr", U=0.4, tau_f=0.0, tau_d=321.0, rate_hz=12.5)
    assert res.current == (321.0, 12.5)
    rel = direct_release({"U": 0.4, "tau_f": 0.0, "tau_d": 321.0, "rate_hz": 12.5}, 10)
    assert_close(res.current_value, rel[1] / rel[0], rtol=1e-5)
    assert_close(res.release, rel, rtol=1e-5)
    np.testing.assert_allclose(res.t, np.arange(10) * 80.0)


def test_same_axis_twice_is_refused_naming_both():
    with pytest.raises(ValueError, match=r"x_param and y_param must differ, got x_param='tau_d' and "
                                         r"y_param='tau_d'"):
        run(x_param="tau_d", y_param="tau_d")
    with pytest.raises(ValueError, match=r"x_param must be one of \['U', 'tau_f', 'tau_d', 'f', 'rate_hz'\], "
                                         r"got 'W'"):
        run(x_param="W")


def test_f_on_an_axis_is_free_and_says_so():
    res = run(x_param="f", y_param="U", summary="ppr", tau_f=100.0)
    assert res.note == "f on an axis: f is free (extended TM)"
    # with f tied (= U) the ppr would not depend on f: here it does
    assert np.ptp(res.values[20]) > 0.1


def test_moving_the_other_controls_does_not_recompile():
    for s in ("ppr", "steady_state"):
        for fm in ("tied to U", "free"):
            # compiled once per tree structure (f free and != U: a 5th leaf)
            run(x_param="U", y_param="tau_d", summary=s, f_mode=fm, f=0.3)
    with count_compilations() as c:
        for k, val in enumerate(np.geomspace(1.0, 150.0, 6)):
            run(x_param="U", y_param="tau_d", summary=("ppr", "total", "last_first", "release_n")[k % 4],
                rate_hz=float(val), tau_f=float(10 * val), n=1 + k, n_spikes=2 + k)
            run(x_param="U", y_param="tau_d", summary="steady_state", f_mode="free", f=0.1 + 0.1 * k)
        run(x_param="rate_hz", y_param="tau_f", summary="ppr", U=0.3)  # other axes: same shapes
    assert c.n == 0
