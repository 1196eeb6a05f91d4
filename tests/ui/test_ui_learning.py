"""Synapse lab, learning mode (headless): Song, Miller & Abbott's split of the weights with the
defaults, a time slider that redraws the recorded histograms without simulating, histograms
equal to np.histogram of the engine's weights, one run per change and no recompilation.

The panel's run is the registry's run of the values it shows (bit for bit), and each control
acts on the run in its physical direction; histogram counts are integers (exact)."""

import os

os.environ.setdefault("JAX_PLATFORMS", "cpu")

import dataclasses

import numpy as np
import pytest
from bqplot import Bars

import stpexplorer.engine as eng
from stpexplorer.experiments import EXPERIMENTS, VIEWS
from stpexplorer.experiments import _controls as C
from stpexplorer.experiments.learning import (
    LEARN_N_INPUTS,
    LEARN_W0,
    LEARNING,
)
from stpexplorer.ui.panels.circuit.learning import HIST_EDGES, LearningPanel, weight_histograms
from stpexplorer.ui.parts.tabs import LazyTab
from stpexplorer.ui.panels.circuit.panel import CircuitPanel

BINS = np.linspace(0.0, 1.0, 21)


@pytest.fixture(scope="module")
def panel():
    """The learning view with its defaults (one 200 s run)."""
    return LearningPanel()


def test_defaults_split_the_weights_and_the_correlated_group_wins(panel):
    r = panel.result
    assert panel.error == "" and r.t[-1] == 200_000.0 and r.w.shape == (200, LEARN_N_INPUTS)
    assert r.in_group.sum() == panel.values["n_corr"] == 50 and panel.values["c"] == 0.2
    counts = panel.hist_counts().sum(axis=0)  # the final histogram as drawn (slider at the end)
    assert panel.time_slider.value == panel.time_slider.max == 200
    low, high, middle = counts[:2].sum(), counts[-2:].sum(), counts[2:-2]
    # bimodal: both ends populated, every middle bin below either end, most weights at the ends
    assert low > 0.25 * LEARN_N_INPUTS and high > 0.2 * LEARN_N_INPUTS, counts
    assert middle.max() < min(counts[0], counts[-1]), counts
    assert (low + high) > 0.7 * LEARN_N_INPUTS, counts
    g, o = r.w[-1][r.in_group], r.w[-1][~r.in_group]
    assert g.mean() > 0.9 and o.mean() < 0.3


def test_the_panel_shows_the_registrys_run(panel):
    """What the panel draws is the registry's run of the values it shows (bit for bit)."""
    want = VIEWS["learning"].run(panel.control_values())
    assert panel.control_values() == panel.values
    for f in ("w", "rate_out_hz", "in_group", "t"):
        np.testing.assert_array_equal(getattr(panel.result, f), getattr(want, f), err_msg=f)


def test_each_control_acts_on_the_run_in_its_direction():
    """Through the registry (the panel's path): the group size is the number of correlated
    inputs; competitive STDP (A−/A+ > 1) ends with lower weights than A−/A+ < 1; a higher input
    rate drives the neuron faster; another seed draws other spikes; without correlation the
    group does not win (its mean weight within 0.1 of the others')."""
    run = VIEWS["learning"].run
    base = dict(duration_s=20.0)
    assert run({**base, "n_corr": 30}).in_group.sum() == 30
    soft, hard = run({**base, "A_ratio": 0.9}), run({**base, "A_ratio": 1.3})
    assert soft.w[-1].mean() > hard.w[-1].mean() + 0.05
    slow, fast = run({**base, "rate_hz": 10.0}), run({**base, "rate_hz": 40.0})
    assert fast.rate_out_hz[:5].mean() > slow.rate_out_hz[:5].mean()
    assert not np.array_equal(run({**base, "seed": 1}).w, run({**base, "seed": 2}).w)
    flat = run({"duration_s": 100.0, "c": 0.0})
    assert abs(flat.w_group_mean[-1] - flat.w_other_mean[-1]) < 0.1


@pytest.mark.parametrize("t_s", [1, 7, 50, 120, 200])
def test_histogram_at_a_time_is_np_histogram_of_the_weights_then(panel, t_s):
    runs, compiles = panel.n_runs, eng.compile_count()
    panel.time_slider.value = t_s
    assert panel.n_runs == runs and eng.compile_count() == compiles  # a redraw, not a simulation
    r = panel.result
    k = int(np.flatnonzero(np.isclose(r.t, t_s * 1000.0))[0])
    want = [np.histogram(r.w[k][r.in_group], bins=BINS)[0], np.histogram(r.w[k][~r.in_group], bins=BINS)[0]]
    np.testing.assert_array_equal(panel.hist_counts(), np.stack(want))
    assert panel.hist_counts().sum() == LEARN_N_INPUTS
    assert panel.figures["hist"].title == f"Weights at t = {t_s:g} s"
    for name in ("cursor_w", "cursor_rate"):
        np.testing.assert_array_equal(panel.lines[name].x, [t_s, t_s])


def test_scrubbing_changes_the_histogram_and_never_simulates(panel):
    runs, result = panel.n_runs, panel.result
    panel.time_slider.value = 2
    early = panel.hist_counts().copy()
    panel.time_slider.value = 200
    late = panel.hist_counts()
    assert not np.array_equal(early, late)
    assert panel.n_runs == runs and panel.result is result


def test_mean_weights_and_output_rate_are_drawn_from_the_run(panel):
    r = panel.result
    x, y = panel.trace("w_group")
    _, y_other = panel.trace("w_other")
    np.testing.assert_allclose(x, np.concatenate([[0.0], r.t / 1000.0]), rtol=1e-6)
    np.testing.assert_allclose(y[1:], r.w[:, r.in_group].mean(axis=1), rtol=1e-6)
    np.testing.assert_allclose(y_other[1:], r.w[:, ~r.in_group].mean(axis=1), rtol=1e-6)
    assert y[0] == y_other[0] == LEARN_W0
    xr, yr = panel.trace("rate")
    np.testing.assert_allclose(xr, r.t / 1000.0, rtol=1e-6)
    np.testing.assert_array_equal(yr, r.rate_out_hz.astype(np.float32))
    assert isinstance(panel.lines["hist"], Bars) and list(panel.lines["hist"].colors)[:2] == ["#E69F00", "#0072B2"]


def test_weight_histograms_equal_np_histogram():
    rng = np.random.default_rng(0)
    w = rng.uniform(0.0, 1.0, (5, 40))
    w[0, :3] = [0.0, 1.0, 0.05]  # the edges: 0 in the first bin, 1 in the last (closed), 0.05 a bin edge
    g = np.arange(40) < 13
    h = weight_histograms(w, g)
    for k in range(5):
        np.testing.assert_array_equal(h[k, 0], np.histogram(w[k][g], bins=HIST_EDGES)[0])
        np.testing.assert_array_equal(h[k, 1], np.histogram(w[k][~g], bins=HIST_EDGES)[0])


def test_controls_reuse_the_shared_declarations():
    assert "learning" in VIEWS and "learning" not in EXPERIMENTS  # a sub-view, not a tab
    same = {"rate_hz": C.INPUT_RATE, "A_plus": C.A_PLUS, "seed": C.SEED}
    for name, shared in same.items():
        got = LEARNING.control(name)
        assert dataclasses.replace(got, default=shared.default) == shared, name
    assert EXPERIMENTS["circuit"].control("rate_hz") == C.INPUT_RATE
    assert LEARNING.control("duration_s").options[-1] == 200.0
    for name in ("n_corr", "c", "A_ratio", "duration_s"):
        LEARNING.control(name)


def test_a_change_runs_once_shows_running_and_does_not_recompile():
    p = LearningPanel(duration_s=20.0)
    assert p.n_runs == 1 and p.time_slider.max == 20
    seen = []
    p.messages.status.observe(lambda ch: seen.append(ch["new"]), "value")
    c0 = eng.compile_count()
    for name, value in (("c", 0.5), ("n_corr", 80), ("rate_hz", 12.0), ("A_plus", 0.008), ("A_ratio", 1.2),
                        ("seed", 4)):
        seen.clear()
        runs = p.n_runs
        p.set_values(**{name: value})
        assert p.n_runs == runs + 1 and p.error == "", name
        assert "running…" in seen[0] and "running" not in p.status_text, (name, seen)
    assert eng.compile_count() == c0  # values never recompile
    np.testing.assert_array_equal(p.result.w, VIEWS["learning"].run(p.values).w)
    assert all(not w.continuous_update for w in p.sliders.values() if hasattr(w, "continuous_update"))


def test_the_synapse_lab_holds_the_learning_view_and_runs_it_when_shown():
    p = CircuitPanel()
    views = p.views
    assert isinstance(views, LazyTab) and views.titles[1].startswith("Learning")
    assert p.learning.n_runs == 0 and not views.shown(1)  # nothing simulated for a hidden view
    p.learning.set_values(duration_s=20.0)  # keeps the test short; shows as a run
    runs = p.learning.n_runs
    views.selected_index = 1
    assert views.shown(1) and p.learning.n_runs == runs  # already plotted: not run again
    q = CircuitPanel()
    q.views.selected_index = 1
    assert q.learning.n_runs == 1 and q.learning.result is not None and q.learning.error == ""


def test_an_empty_group_draws_no_group_line_and_no_group_bars():
    p = LearningPanel(duration_s=20.0, n_corr=0)
    assert p.error == "" and not p.result.in_group.any()
    assert list(p.lines["w_group"].opacities) == [0.0, 1.0]
    assert p.hist_counts()[0].sum() == 0 and p.hist_counts()[1].sum() == LEARN_N_INPUTS
    assert "group none" in p.status_text and "nan" not in p.status_text
    p.set_values(n_corr=LEARN_N_INPUTS)  # everybody in the group: no "others"
    assert list(p.lines["w_group"].opacities) == [1.0, 0.0] and "others none" in p.status_text
