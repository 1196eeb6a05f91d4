"""The experiment registry: typed results, shared controls, API limits, delivered protocols."""

import dataclasses
import json

import numpy as np
import pytest

from stpexplorer import experiments as ex
from stpexplorer.experiments import EXPERIMENTS, controls


def test_every_spike_asked_for_is_delivered_40_spikes_at_half_a_hertz():
    res = ex.run("stp", {"protocol": "regular", "n_spikes": 40, "rate_hz": 0.5, "probe_delay_ms": 500.0})
    # closed form: spikes at 10 + 2000 k ms (k = 0..39), the probe 500 ms after the last
    want = np.append(10.0 + 2000.0 * np.arange(40), 10.0 + 2000.0 * 39 + 500.0)
    np.testing.assert_allclose(res.spike_times, want, atol=1e-6)
    assert res.note == "" and res.n_requested == 41
    assert res.duration_ms == 100000.0 and res.t.size == 1_000_000  # the smallest setting that holds it


def test_every_pairing_asked_for_is_delivered_60_pairs_at_half_a_hertz():
    res = ex.run("stdp", {"n_pairs": 60, "pair_rate_hz": 0.5, "delta_t_ms": 10.0})
    assert res.pairs_in_window == 60 and res.pre.sum() == 60 and res.post.sum() == 60 and res.note == ""
    t_pre = res.t[res.pre > 0.5]
    np.testing.assert_allclose(t_pre, 10.0 + 2000.0 * np.arange(60), atol=1e-6)
    np.testing.assert_allclose(res.t[res.post > 0.5] - t_pre, 10.0, atol=1e-6)


def test_windows_are_fixed_settings_so_a_slider_move_keeps_the_shape():
    a = ex.run("stp", {"n_spikes": 8, "rate_hz": 20.0})
    b = ex.run("stp", {"n_spikes": 9, "rate_hz": 25.0})
    assert a.t.shape == b.t.shape == (20000,)
    assert ex.stdp_duration(EXPERIMENTS["stdp"].validate({"n_pairs": 20})) == ex.STDP_DURATION_MS
    assert {ex.stp_duration(EXPERIMENTS["stp"].validate({"n_spikes": n, "rate_hz": r}))
            for n in (1, 10, 40) for r in (0.5, 3.0, 200.0)} <= set(ex.STP_DURATIONS)


def test_a_slider_move_within_a_window_setting_does_not_recompile():
    from stpexplorer.engine import count_compilations

    ex.run("stp", {"n_spikes": 40, "rate_hz": 0.5})  # 100 s window, compiled once
    ex.run("stdp", {"n_pairs": 60, "pair_rate_hz": 0.5})
    with count_compilations() as c:
        ex.run("stp", {"n_spikes": 39, "rate_hz": 0.6, "U": 0.3})  # same window, new values
        ex.run("stdp", {"n_pairs": 55, "pair_rate_hz": 0.6, "A_plus": 0.02})
    assert c.n == 0


def test_a_window_chosen_too_short_says_what_it_delivered():
    res = ex.run("stp", {"n_spikes": 40, "rate_hz": 0.5, "probe_delay_ms": 0.0, "duration_ms": 5000.0})
    assert res.spike_times.size == 3  # 10, 2010, 4010 ms
    assert res.note == "delivered 3 of 40 spikes: the window is 5 s"


def test_api_limits_are_the_engines_not_the_sliders():
    assert EXPERIMENTS["stp"].control("U").lo == 0.01  # the slider starts at 0.01 ...
    res = ex.run("stp", {"U": 0.005, "W": 1.0})  # ... the API takes any U in (0, 1]
    assert res.release_at_spikes[0] == pytest.approx(0.005, rel=1e-6)  # first release from rest = W·U
    for bad in (0, -0.1, 1.5):
        with pytest.raises(ValueError, match=rf"U must be in \(0, 1\], got {bad}"):
            ex.run("stp", {"U": bad})
    with pytest.raises(ValueError, match=r"tau_d must be in \[0, inf\) ms \(0 = off\), got -5"):
        ex.run("stp", {"tau_d": -5})


SHARED = ("U", "tau_f", "tau_d", "A_plus", "A_minus", "tau_plus", "tau_minus", "bounds", "w0", "v_th",
          "theta_plus", "tau_theta", "f_mode", "f")


@pytest.mark.parametrize("name", SHARED)
def test_a_shared_control_has_one_declaration_everywhere(name):
    decl = [c for c in vars(controls).values() if isinstance(c, ex.Control) and c.name == name]
    assert len(decl) == 1
    users = [e.control(name) for e in EXPERIMENTS.values() if name in e.names]
    assert len(users) >= 2
    for c in users:  # only the default may differ
        assert dataclasses.replace(c, default=None) == dataclasses.replace(decl[0], default=None), c


def test_circuit_stdp_amplitudes_are_on_the_fine_grid():
    for n in ("A_plus", "A_minus"):
        assert EXPERIMENTS["circuit"].control(n).step == EXPERIMENTS["stdp"].control(n).step == 1e-5


@pytest.mark.parametrize("name", list(EXPERIMENTS))
def test_groups_hold_every_control_once(name):
    e = EXPERIMENTS[name]
    listed = [n for _, names in e.groups for n in names]
    assert sorted(listed) == sorted(e.names)


@pytest.mark.parametrize("values, inactive", [
    ({}, {"f", "interval_ms", "seed"}),
    ({"f_mode": "free", "protocol": "poisson"}, {"n_spikes", "probe_delay_ms", "interval_ms"}),
    ({"protocol": "paired"}, {"f", "rate_hz", "n_spikes", "probe_delay_ms", "seed"}),
])
def test_stp_inactive_controls(values, inactive):
    assert EXPERIMENTS["stp"].inactive(values) == inactive


def test_stdp_and_fit_inactive_controls():
    assert EXPERIMENTS["stdp"].inactive({"bounds": "none"}) == {"w_min", "w_max"}
    assert EXPERIMENTS["stdp"].inactive({"bounds": "soft"}) == set()
    assert EXPERIMENTS["fit"].inactive({"f_mode": "free"}) == set()
    assert EXPERIMENTS["threshold"].inactive({}) == EXPERIMENTS["circuit"].inactive({}) == set()


def test_applies_must_name_offered_choices():
    with pytest.raises(ValueError, match=r"applies\['f'\] names choices \['fixed'\]"):
        ex.Experiment("x", "X", (controls.F_MODE, controls.F), lambda v: v,
                      applies={"f": ("f_mode", ("fixed",))})


@pytest.mark.parametrize("name", list(EXPERIMENTS))
def test_results_are_typed_frozen_and_serialisable(name):
    e = EXPERIMENTS[name]
    res = e.run()
    assert isinstance(res, e.result_type) and dataclasses.is_dataclass(res)
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.t = None
    doc = json.loads(json.dumps(res.to_dict(), allow_nan=False))
    assert set(doc) == {f.name for f in dataclasses.fields(res)}
    np.testing.assert_allclose(doc["t"], res.t)
    header = ex.to_csv(e, res).splitlines()[0].split(",")
    assert header[0] == "t_ms" and all(any(h == p or h.startswith(p + "_") for h in header) for p in e.per_step)


def test_panel_paths_name_the_panel_classes():
    pytest.importorskip("ipywidgets")
    pytest.importorskip("bqplot")
    for key, e in EXPERIMENTS.items():
        assert e.panel_class().key == key


def test_the_stp_panel_shows_the_note_and_delivers_the_train():
    pytest.importorskip("ipywidgets")
    pytest.importorskip("bqplot")
    from stpexplorer.ui.panels.stp.panel import STPPanel

    p = STPPanel(n_spikes=40, rate_hz=0.5, probe_delay_ms=0.0)
    assert p.error == "" and p.result.spike_times.size == 40 and p.result.note == ""
    p.set_values(duration_ms=5000.0)
    assert p.result.spike_times.size == 3
    assert "delivered 3 of 40 spikes: the window is 5 s" in p.status_text
