"""STDP panel: triplet controls, complete presets and the frequency view (headless)."""

import math
import os

os.environ.setdefault("JAX_PLATFORMS", "cpu")

import ipywidgets as W
import numpy as np
import pytest
from bqplot import Lines

import stpexplorer.engine as eng
from stpexplorer import experiments as ex
from stpexplorer.experiments.datasets import SJOSTROM_2001
from stpexplorer.experiments.presets import TRIPLET_PRESETS
from stpexplorer.ui.parts.tabs import LazyTab
from stpexplorer.ui.panels.stdp.panel import STDPPanel

EXP = ex.EXPERIMENTS["stdp"]
RULE = ["A_plus", "A_minus", "tau_plus", "tau_minus", "A3_plus", "A3_minus", "tau_x", "tau_y", "rule", "bounds"]
PROTOCOL = {"delta_t_ms", "pair_rate_hz", "n_pairs", "w0"}


@pytest.fixture(scope="module")
def panel():
    p = STDPPanel()
    p.views.selected_index = p.MAP_VIEW  # the Δw map is computed while it is shown
    return p


def test_the_map_is_computed_only_while_shown():
    p = STDPPanel()
    p.set_values(A_plus=0.02, delta_t_ms=-5.0)
    assert p.map_view.n_draws == 0  # hidden: slider moves do not compute it
    p.views.selected_index = p.MAP_VIEW
    assert p.map_view.n_draws == 1 and np.asarray(p.map_view.view.heatmap.color).size > 0
    p.set_values(A_plus=0.03)
    assert p.map_view.n_draws == 2
    p.views.selected_index = 0
    p.set_values(A_plus=0.04)
    assert p.map_view.n_draws == 2


def freq_marks(p):
    """(rates, Δw at +10 ms, Δw at -10 ms) as the frequency view draws them."""
    x, yp = p.trace("freq_plus")
    _, ym = p.trace("freq_minus")
    return x, yp, ym


def engine_curve(values):
    v = EXP.validate(values)
    return np.asarray(eng.stdp_frequency_curve(ex._stdp_params(v), ex.FREQ_RATES, SJOSTROM_2001.delta_t_ms,
                                               n_pairs=SJOSTROM_2001.n_pairs, dt_ms=0.1, w0=v["w0"]))


def test_triplet_controls_and_bounds_none_exist(panel):
    for name in ("A3_plus", "A3_minus", "tau_x", "tau_y"):
        assert name in panel.sliders and f"stpx-slider-{name}" in panel.sliders[name]._dom_classes
    assert "none" in EXP.control("bounds").options
    assert panel.values["A3_plus"] == panel.values["A3_minus"] == 0.0  # the default is the pair rule


@pytest.mark.parametrize("values", [
    {},
    dict(A3_plus=0.0065, A_plus=0.0, A_minus=0.0071, tau_y=114.0, bounds="none"),
    dict(A3_plus=0.053, A3_minus=0.0031, A_plus=0.0, A_minus=0.0066, tau_x=714.0, tau_y=40.0,
         rule="nearest", bounds="none", w0=0.7),
    dict(A3_plus=0.01, A3_minus=0.002, bounds="soft", w0=0.3),
])
def test_frequency_marks_equal_the_engine_curve(panel, values):
    panel.set_values(**EXP.defaults())
    panel.set_values(**values)
    assert panel.error == ""
    x, yp, ym = freq_marks(panel)
    want = engine_curve(panel.values)
    np.testing.assert_array_equal(x, ex.FREQ_RATES.astype(np.float32))
    np.testing.assert_array_equal(yp, want[:, 0].astype(np.float32))   # +10 ms
    np.testing.assert_array_equal(ym, want[:, 1].astype(np.float32))   # -10 ms
    assert SJOSTROM_2001.delta_t_ms[0] > 0 > SJOSTROM_2001.delta_t_ms[1]
    assert set(SJOSTROM_2001.rates_hz) <= set(ex.FREQ_RATES)


def test_minimal_visual_rule_has_the_sign_of_the_sjostrom_data(panel):
    panel.load_preset("Pfister 2006 visual all-to-all minimal")
    d = SJOSTROM_2001
    x, yp, ym = freq_marks(panel)
    idx = [int(np.flatnonzero(np.isclose(x, r))[0]) for r in d.rates_hz]
    model = np.stack([yp[idx], ym[idx]], axis=1)
    sig = d.significant
    assert sig.sum() == 7
    np.testing.assert_array_equal(np.sign(model[sig]), np.sign(d.mean[sig]))
    assert model[0, 1] < 0 < model[-1, 1]  # -10 ms: depression at 0.1 Hz, potentiation at 50 Hz


def test_data_points_and_sem_bars_are_drawn(panel):
    d = SJOSTROM_2001
    np.testing.assert_allclose(panel.lines["data_plus"].y, d.mean[:, 0], rtol=1e-6)
    np.testing.assert_allclose(panel.lines["data_minus"].y, d.mean[:, 1], rtol=1e-6)
    bars = np.asarray(panel.lines["data_sem"].y)
    for row, col in ((0, 0), (1, 1)):
        seg = bars[row][~np.isnan(bars[row])].reshape(-1, 2)
        np.testing.assert_allclose(seg[:, 0], d.mean[:, col] - d.sem[:, col], rtol=1e-6)
        np.testing.assert_allclose(seg[:, 1], d.mean[:, col] + d.sem[:, col], rtol=1e-6)
    legend = [w for w in _walk(panel.widget) if "stpx-freq-legend" in getattr(w, "_dom_classes", ())]
    cite = [w for w in _walk(panel.widget) if "stpx-freq-citation" in getattr(w, "_dom_classes", ())]
    assert legend and "SEM" in legend[0].value
    assert cite and "Neuron 32:1149" in cite[0].value
    assert "stpx-fig-freq" in panel.figures["freq"]._dom_classes
    assert panel.figures["freq"].marks[0].scales["x"].__class__.__name__ == "LogScale"


def _walk(w):
    yield w
    kids = list(getattr(w, "children", ()) or ())
    if isinstance(w, LazyTab):
        kids += w.pages
    for k in kids:
        yield from _walk(k)


def test_frequency_view_is_a_lazy_second_tab():
    p = STDPPanel()
    views = next(w for w in _walk(p.widget) if isinstance(w, LazyTab))
    assert list(views.titles) == ["Pairing & window", "Frequency", "Δw map"]
    assert max(len(t) for t in views.titles) <= 16  # longer titles are cut off in the tab bar
    assert not views.shown(1) and not views.shown(2)  # not laid out while hidden
    before = np.asarray(p.trace("freq_plus")[1]).copy()
    p.set_values(A3_plus=0.01)  # the hidden view's marks are kept up to date
    assert not np.array_equal(before, p.trace("freq_plus")[1])
    views.selected_index = 1
    assert views.shown(1)


def test_lines_end_on_finite_points():
    """A Lines path whose last point is NaN logs translate(x,undefined) in the browser."""
    p = STDPPanel()
    for name in [None, *TRIPLET_PRESETS, "Song 2000 STDP"]:
        if name:
            p.load_preset(name)
        for key, m in p.lines.items():
            if isinstance(m, Lines):
                y = np.atleast_2d(np.asarray(m.y, dtype=float))
                assert np.isfinite(y[:, -1]).all(), (name, key)


def test_pair_rule_traces_unchanged_when_a3_is_zero():
    """A3+ = A3- = 0 is the pair rule of the panel before the triplet terms, bit for bit,
    whatever τx and τy are."""
    p = STDPPanel()
    for extra in ({}, dict(tau_x=700.0, tau_y=30.0), dict(rule="nearest", bounds="soft")):
        p.set_values(**EXP.defaults())
        p.set_values(**extra)
        v = p.values
        old = eng.STDPParams(A_plus=v["A_plus"], A_minus=v["A_minus"], tau_plus=v["tau_plus"],
                             tau_minus=v["tau_minus"], w_min=v["w_min"], w_max=v["w_max"], rule=v["rule"],
                             bounds=v["bounds"])
        pre, post = eng.pairing_trains(v["delta_t_ms"], n_pairs=v["n_pairs"], period_ms=1000.0 / v["pair_rate_hz"],
                                       duration_ms=ex.STDP_DURATION_MS, dt_ms=ex.STDP_DT_MS)
        tr = eng.simulate_stdp(old, pre, post, w0=v["w0"], dt_ms=ex.STDP_DT_MS)
        for k in ("w", "pre_trace", "post_trace"):
            np.testing.assert_array_equal(getattr(p.result, k), np.asarray(getattr(tr, k)), err_msg=str((extra, k)))
        win = np.asarray(eng.stdp_window(old, ex.WINDOW_DT, dt_ms=ex.STDP_DT_MS, w0=v["w0"]))
        np.testing.assert_array_equal(p.result.window_dw, win)


def test_every_stdp_preset_sets_the_whole_rule():
    for name in EXP.presets:
        vals = EXP.preset_values(name)
        missing = set(RULE) - set(vals)
        assert not missing, (name, missing)
        if vals["bounds"] != "none":
            assert {"w_min", "w_max"} <= set(vals), name
    assert set(TRIPLET_PRESETS) <= set(EXP.presets)


def test_a_preset_gives_the_same_rule_whatever_was_loaded_before():
    p = STDPPanel()
    names = EXP.presets
    fresh = {}
    for b in names:
        q = STDPPanel(defer=True)
        q.load_preset(b)
        fresh[b] = {k: q.values[k] for k in q.values if k not in PROTOCOL}
    for a in names:
        for b in names:
            p.load_preset(a)
            p.load_preset(b)
            got = {k: p.values[k] for k in p.values if k not in PROTOCOL}
            if p.values["bounds"] == "none":  # w_min, w_max do not act (and are hidden)
                got = {k: v for k, v in got.items() if k not in ("w_min", "w_max")}
                want = {k: v for k, v in fresh[b].items() if k not in ("w_min", "w_max")}
            else:
                want = fresh[b]
            assert got == want, (a, b)


def _on_grid(w, value):
    if isinstance(w, W.FloatLogSlider):
        k = (math.log10(value) - w.min) / w.step
    else:
        k = (value - w.min) / w.step
    return abs(k - round(k)) < 1e-6


def test_stdp_presets_and_defaults_sit_on_their_slider_grids():
    """The browser shows only grid points: a value off the grid would be simulated while the
    readout shows its neighbour."""
    p = STDPPanel(defer=True)
    for name in [None, *EXP.presets]:
        vals = EXP.defaults() if name is None else EXP.preset_values(name)
        for k, v in vals.items():
            w = p.sliders[k]
            if isinstance(w, (W.FloatSlider, W.FloatLogSlider)) and not (p.control(k).off is not None and v == 0):
                assert _on_grid(w, v), (name, k, v, w.min, w.step)


def test_one_key_step_changes_every_readout():
    """What the browser tests check: one ArrowRight changes the slider's readout text."""
    from stpexplorer.ui.parts.format import d3_format
    p = STDPPanel(defer=True)
    for name, w in p.sliders.items():
        if isinstance(w, W.FloatSlider):
            a = w.value
            b = a + w.step if a + w.step <= w.max else a - w.step
            assert d3_format(w.readout_format, a) != d3_format(w.readout_format, b), name


def test_bounds_none_hides_the_bounds():
    p = STDPPanel()
    p.set_values(bounds="none")
    assert p.lines["w_bounds"].visible is False
    assert "stpx-inactive-w_min" in p.sliders["w_min"]._dom_classes
    p.set_values(bounds="hard")
    assert p.lines["w_bounds"].visible is True
    assert "stpx-slider-w_min" in p.sliders["w_min"]._dom_classes


def test_every_slider_step_changes_a_line_of_the_first_view():
    """The browser shows the first view only (the frequency view is laid out when selected):
    one step of each slider from the defaults must change a Lines mark drawn there."""
    p = STDPPanel()
    shown = {id(m) for k in ("traces", "window", "amplitudes") for m in p.figures[k].marks if isinstance(m, Lines)}

    def snap():
        return [np.asarray(m.y).tobytes() + np.asarray(m.x).tobytes()
                for m in {id(m): m for m in p.lines.values()}.values() if id(m) in shown]
    for name, w in p.sliders.items():
        if not isinstance(w, (W.FloatSlider, W.FloatLogSlider, W.IntSlider)):
            continue
        if f"stpx-slider-{name}" not in w._dom_classes:
            continue
        before = snap()
        if isinstance(w, W.FloatLogSlider):
            w.value = 10 ** (math.log10(w.value) + w.step)
        else:
            w.value = w.value + w.step if w.value + w.step <= w.max else w.value - w.step
        assert snap() != before, name
        p.set_values(**EXP.defaults())


def test_effective_amplitudes_follow_the_slow_traces():
    p = STDPPanel(A3_plus=0.0065, A3_minus=0.002, tau_x=300.0, tau_y=114.0)
    v, r = p.values, p.result
    _, ap = p.trace("amp_plus")
    _, am = p.trace("amp_minus")
    assert ap.max() == pytest.approx(v["A_plus"] + v["A3_plus"] * r.post_trace_y.max(), rel=1e-6)
    assert am.max() == pytest.approx(v["A_minus"] + v["A3_minus"] * r.pre_trace_x.max(), rel=1e-6)
    assert am.min() == pytest.approx(v["A_minus"], rel=1e-6)


# ---------------------------------------------------------------------- the Δw map view
MAP_RTOL = 1e-5 if eng.float_dtype() == np.float32 else 1e-10  # one batch vs another: round-off of ~120 events


def _map_params(p):
    return ex._stdp_params(p.values)


@pytest.mark.parametrize("values", [
    {},
    {"A3_plus": 0.0065, "A_plus": 0.0, "A_minus": 0.0071, "tau_y": 114.0, "bounds": "none", "tau_plus": 16.8,
     "tau_minus": 33.7},
    {"A3_plus": 0.053, "A3_minus": 0.0031, "A_plus": 0.0, "A_minus": 0.0066, "tau_x": 714.0, "tau_y": 40.0,
     "rule": "nearest", "bounds": "none"},
])
def test_map_cells_equal_the_frequency_curve(panel, values):
    panel.set_values(**EXP.defaults())
    panel.set_values(**values)
    h = panel.map_view.view.heatmap
    rates, dts, dw = np.asarray(h.x), np.asarray(h.y), np.asarray(h.color, np.float64)
    assert dw.shape == (dts.size, rates.size) and dts.size >= 40 and rates.size >= 40
    assert rates[0] == pytest.approx(0.1) and rates[-1] == pytest.approx(50.0)
    assert dts[0] == -50.0 and dts[-1] == 50.0
    np.testing.assert_allclose(np.diff(np.log(rates)), np.log(500.0) / (rates.size - 1), rtol=1e-9)  # log axis
    params = _map_params(panel)
    for j in (0, 17, rates.size - 1):  # one rate per call: an independent batch
        want = np.asarray(eng.stdp_frequency_curve(params, [rates[j]], dts, n_pairs=SJOSTROM_2001.n_pairs,
                                                   dt_ms=0.1, w0=panel.values["w0"]))[0]
        scale = np.abs(want).max()
        np.testing.assert_allclose(dw[:, j], want.astype(np.float32), rtol=MAP_RTOL, atol=MAP_RTOL * scale)
    # the map's ±10 ms rows at the data's rates are the frequency view's points
    x, yp, ym = freq_marks(panel)
    for rate in (10.0, 20.0):
        want = np.asarray(eng.stdp_frequency_curve(params, [rate], [10.0, -10.0], n_pairs=SJOSTROM_2001.n_pairs,
                                                   dt_ms=0.1, w0=panel.values["w0"]))[0]
        i = int(np.flatnonzero(np.isclose(x, rate))[0])
        np.testing.assert_allclose([yp[i], ym[i]], want, rtol=MAP_RTOL, atol=1e-12)


def test_map_colour_bar_is_diverging_and_centred_on_zero(panel):
    panel.load_preset("Pfister 2006 visual all-to-all minimal")
    v = panel.map_view.view
    cs = v.color_scale
    dw = np.asarray(v.heatmap.color)
    assert cs.mid == 0.0 and cs.min <= dw.min() < 0.0 < dw.max() <= cs.max
    assert v.colorbar.label == "Δw" and v.colorbar.orientation == "vertical"
    assert v.x_axis.label == "pairing rate (Hz)" and "Δt" in v.y_axis.label and "(ms)" in v.y_axis.label
    assert v.heatmap.scales["x"].__class__.__name__ == "LogScale"
    cap = panel.map_view.caption.value
    assert "potentiation" in cap and "depression" in cap and "Δw = 0" in cap


def test_map_zero_line_separates_potentiation_from_depression(panel):
    panel.load_preset("Pfister 2006 visual all-to-all minimal")
    h = panel.map_view.view.heatmap
    rates, dts, dw = np.asarray(h.x, np.float64), np.asarray(h.y, np.float64), np.asarray(h.color, np.float64)
    lines = panel.map_view.zero_lines
    assert lines and sum(len(p) for p in lines) > 20
    drawn = np.atleast_2d(np.asarray(panel.map_view.view.contour.x))
    assert panel.map_view.view.contour.visible and drawn.shape[0] == len(lines)
    for path in lines:
        i = np.interp(np.log(path[:, 0]), np.log(rates), np.arange(rates.size))
        j = np.interp(path[:, 1], dts, np.arange(dts.size))
        for a, b in zip(i, j):
            # each point lies on a grid line between two neighbouring cells of opposite sign,
            # at the linear interpolation's zero, or on a cell where Δw is 0 (the minimal rule
            # gives exactly 0 for Δt > 0 at low rates: no o1, o2 left from the last pairing)
            if abs(a - round(a)) < 1e-6 and abs(b - round(b)) < 1e-6:
                assert dw[round(b), round(a)] == pytest.approx(0.0, abs=1e-6 * np.abs(dw).max())
                continue
            if abs(a - round(a)) < 1e-6:
                c, lo = round(a), int(np.floor(b))
                z0, z1 = dw[lo, c], dw[min(lo + 1, dts.size - 1), c]
                frac = b - lo
            else:
                r, lo = round(b), int(np.floor(a))
                z0, z1 = dw[r, lo], dw[r, min(lo + 1, rates.size - 1)]
                frac = a - lo
            assert (z0 > 0) != (z1 > 0)
            assert z0 + frac * (z1 - z0) == pytest.approx(0.0, abs=1e-6 * np.abs(dw).max())
    # -10 ms: depression at 0.1 Hz, potentiation at 50 Hz, so a zero line crosses that row
    row = int(np.argmin(np.abs(dts + 10.0)))
    assert dw[row, 0] < 0 < dw[row, -1]


def test_map_marks_the_current_point_and_slider_moves_do_not_recompile(panel):
    panel.set_values(**EXP.defaults())
    moves = [("delta_t_ms", -20.0), ("pair_rate_hz", 20.0), ("A_plus", 0.02), ("A3_plus", 0.004),
             ("tau_y", 60.0), ("w0", 0.7), ("delta_t_ms", 35.5)]
    for name, value in moves:  # every value once: the first of a new shape may compile
        panel.set_values(**{name: value})
    panel.set_values(**EXP.defaults())
    c0, color0 = eng.compile_count(), np.asarray(panel.map_view.view.heatmap.color).copy()
    for name, value in moves:
        panel.set_values(**{name: value})
        m = panel.map_view.view.marker  # a cross: row 0 the horizontal arm, row 1 the vertical one
        xy = (float(np.asarray(m.x)[1, 0]), float(np.asarray(m.y)[0, 0]))
        assert m.visible and xy == (panel.values["pair_rate_hz"], panel.values["delta_t_ms"]), (name, xy)
    assert eng.compile_count() == c0
    assert not np.array_equal(color0, panel.map_view.view.heatmap.color)  # the rule moved the map
    panel.set_values(delta_t_ms=80.0)  # outside the map's ±50 ms: no cross
    assert not panel.map_view.view.marker.visible


def test_a_click_on_the_map_sets_rate_and_delta_t(panel):
    panel.set_values(**EXP.defaults())
    runs = panel.n_runs
    panel.map_view.view._clicked(None, {"data": {"click_x": 12.3456, "click_y": -7.3}})
    assert panel.n_runs == runs + 1
    assert panel.values["pair_rate_hz"] == 12.3 and panel.values["delta_t_ms"] == -7.5
    panel.map_view.view._clicked(None, {"data": {"click_x": 0.2, "click_y": 3.0}})
    assert panel.values["pair_rate_hz"] == 0.5  # the pairing-rate slider starts at 0.5 Hz
