"""STDP panel: triplet controls, complete presets and the frequency view (headless)."""

import math
import os

os.environ.setdefault("JAX_PLATFORMS", "cpu")

import ipywidgets as W  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from bqplot import Lines  # noqa: E402

import stpexplorer.engine as eng  # noqa: E402
from stpexplorer import experiments as ex  # noqa: E402
from stpexplorer.datasets import SJOSTROM_2001  # noqa: E402
from stpexplorer.presets import PRESETS, TRIPLET_PRESETS  # noqa: E402
from stpexplorer.ui._tabs import LazyTab  # noqa: E402
from stpexplorer.ui.stdp import STDPPanel  # noqa: E402

EXP = ex.EXPERIMENTS["stdp"]
RULE = ["A_plus", "A_minus", "tau_plus", "tau_minus", "A3_plus", "A3_minus", "tau_x", "tau_y", "rule", "bounds"]
PROTOCOL = {"delta_t_ms", "pair_rate_hz", "n_pairs", "w0"}


@pytest.fixture(scope="module")
def panel():
    return STDPPanel()


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
    assert views.titles[1] == "Frequency dependence"
    assert not views.shown(1)  # not laid out while hidden
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
    from stpexplorer.ui._format import d3_format
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
