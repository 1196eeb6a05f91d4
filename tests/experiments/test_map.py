"""Parameter map (issue 12): cells against direct simulations and closed forms, the level-1
line, no recompilation; the MapPanel (select, click, colour bar) and its link to the STP tab."""

import os

os.environ.setdefault("JAX_PLATFORMS", "cpu")

import numpy as np
import pytest

import stpexplorer as stp
from stpexplorer.engine import count_compilations
from stpexplorer.experiments import EXPERIMENTS
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


# ----------------------------------------------------------------------------- the panel

ui = pytest.importorskip("stpexplorer.ui")


def _click(panel, x, y):
    """What the browser sends when the heat map is clicked at (x, y) in data units."""
    panel.view.click_layer._handle_custom_msg({"event": "element_click", "data": {"click_x": x, "click_y": y}}, [])


def _cell_of(values: np.ndarray, v: float, log: bool) -> int:
    a, b = (np.log(values), np.log(v)) if log else (values, v)
    return int(np.argmin(np.abs(a - b)))


def test_the_panel_draws_the_map_its_colour_bar_cross_and_level_line():
    from bqplot import LinearScale, LogScale

    p = ui.MapPanel(x_param="U", y_param="tau_f", summary="ppr", tau_d=200.0, U=0.3, tau_f=120.0)
    res = run(**{k: p.values[k] for k in MAP.names})
    assert p.error == "" and p.figures["map"] is p.view.figure
    np.testing.assert_array_equal(p.heatmap.x, res.x)
    np.testing.assert_array_equal(p.heatmap.y, res.y)
    np.testing.assert_allclose(p.heatmap.color, res.values, rtol=1e-6)
    np.testing.assert_array_equal(p.map_values, res.values)
    assert p.view.colorbar.label == "PPR" == res.short_label
    assert p.view.figure.title == "paired-pulse ratio release₂ / release₁" == res.label
    assert p.view.color_scale.mid == 1.0  # a ratio: diverging colours around 1
    assert p.view.x_axis.label == "U" and p.view.y_axis.label == "τf (ms, log scale)"
    assert isinstance(p.heatmap.scales["x"], LinearScale) and isinstance(p.heatmap.scales["y"], LogScale)
    assert p.view.y_axis.scale is p.heatmap.scales["y"]
    np.testing.assert_array_equal(p.view.y_axis.tick_values, [5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000])
    # the cross is centred on the sliders' values
    cx, cy = np.asarray(p.view.marker.x), np.asarray(p.view.marker.y)
    assert p.view.marker.visible and cx[1, 0] == 0.3 and cy[0, 0] == 120.0
    assert np.sqrt(cy[1, 0] * cy[1, 1]) == pytest.approx(120.0)
    # the level line: the result's path(s), drawn
    assert p.view.contour.visible
    np.testing.assert_allclose(np.asarray(p.view.contour.x).ravel()[: len(res.contour[0])], res.contour[0][:, 0])
    assert "ppr at the cross = " in p.status_text and "black line: ppr = 1" in p._caption.value


@pytest.mark.parametrize("how", ["select", "click"])
def test_select_and_click_move_the_two_sliders_to_the_cell_on_their_grid(how):
    p = ui.MapPanel(x_param="rate_hz", y_param="U", summary="last_first", n=5)
    before = p.n_runs
    target = (37.0, 0.43)
    if how == "select":
        p.select(*target)
    else:
        _click(p, *target)
    assert p.n_runs == before + 1 and p.error == ""
    res = p.result
    i, j = _cell_of(res.x, 37.0, True), _cell_of(res.y, 0.43, False)
    rate, U = p.values["rate_hz"], p.values["U"]
    # inside the clicked cell (less than half a cell from its centre), and shown as simulated
    assert abs(np.log(rate / res.x[i])) < 0.5 * np.log(res.x[1] / res.x[0])
    assert abs(U - res.y[j]) < 0.5 * (res.y[1] - res.y[0])
    assert p.readout("U") == p.control("U").format(U) and f"{U:.2f}" == p.readout("U")
    assert p.readout("rate_hz") == p.control("rate_hz").format(rate) and float(p.readout("rate_hz")) == rate
    assert res.current == (rate, U)


def test_a_click_on_an_f_axis_frees_f_and_the_values_reach_the_stp_panel():
    p = ui.MapPanel(x_param="f", y_param="tau_d", summary="ppr", tau_f=150.0, U=0.2)
    got = []
    p.on_select(lambda **v: got.append(v))
    _click(p, 0.7, 90.0)
    assert p.values["f_mode"] == "free"
    assert got == [{"U": 0.2, "tau_f": 150.0, "tau_d": p.values["tau_d"], "f_mode": "free", "f": p.values["f"],
                    "rate_hz": p.values["rate_hz"], "protocol": "regular"}]
    s = ui.STPPanel()
    s.set_values(**got[0])
    for name in ("U", "tau_f", "tau_d", "f", "rate_hz"):
        assert s.values[name] == p.values[name] and s.readout(name) == p.readout(name), name
    # the STP tab's first ratio (release 2 / release 1) is the map's value at the cross (dt-grid spikes)
    assert s.result.release_ratio[1] == pytest.approx(p.result.current_value, rel=2e-3)


def test_a_bad_pair_of_axes_shows_the_error_and_keeps_the_map():
    p = ui.MapPanel()
    color = np.asarray(p.heatmap.color).copy()
    p.control("x_param").widget.value = "tau_f"  # a user's pick: the y axis is τf already
    assert p.error_text == "⚠ x_param and y_param must differ, got x_param='tau_f' and y_param='tau_f'"
    np.testing.assert_array_equal(p.heatmap.color, color)
    assert "(last good plot kept)" in p.status_text
    p.control("y_param").widget.value = "tau_d"
    assert p.error == "" and p.view.x_axis.label == "τf (ms, log scale)"


def test_moving_another_slider_redraws_the_map_without_recompiling():
    p = ui.MapPanel(x_param="U", y_param="tau_f", summary="total")
    p.set_values(tau_d=100.0)
    color = np.asarray(p.heatmap.color).copy()
    with count_compilations() as c:
        p.control("tau_d").widget.value = 700.0
    assert c.n == 0 and p.error == ""
    assert not np.array_equal(np.asarray(p.heatmap.color), color)
    np.testing.assert_allclose(p.heatmap.color, run(**{k: p.values[k] for k in MAP.names}).values, rtol=1e-6)


def test_the_click_layer_is_a_fully_transparent_pixel():
    """It lies over the cells: any colour in it would tint the whole map."""
    import struct
    import zlib

    png = bytes(ui.MapPanel().view.click_layer.image.value)
    w, h = struct.unpack(">II", png[16:24])
    start = png.index(b"IDAT") + 4
    raw = zlib.decompress(png[start: start + struct.unpack(">I", png[start - 8: start - 4])[0]])
    assert (w, h, png[25]) == (1, 1, 6) and raw == b"\x00\x00\x00\x00\x00"  # RGBA (0, 0, 0, 0)


def test_in_the_explorer_a_click_on_the_map_carries_the_synapse_to_the_stp_tab():
    e = ui.Explorer(warm=False, url=False)
    m, s = e.panels["map"], e.panels["stp"]
    assert e.get_title(list(e.panels).index("map")) == EXPERIMENTS["map"].title
    s.set_values(protocol="poisson", U=0.9)
    e.selected_index = list(e.panels).index("map")
    _click(m, 0.62, 300.0)
    assert m.error == "" and s.error == ""
    for name in ("U", "tau_f", "tau_d", "rate_hz"):
        assert s.values[name] == m.values[name] and s.readout(name) == m.readout(name), name
    assert s.values["protocol"] == "regular" and s.values["f_mode"] == "tied to U"
    assert s.result.release_ratio[1] == pytest.approx(m.result.current_value, rel=2e-3)
