"""Rate curves g_n/g_1 of the STP experiment: the regular curve against the Tsodyks–Markram
recursion at interval 1/r (numpy, float64), the Poisson mean against simulate_stp of each
seed's train, seeding, and no recompilation when values change."""

from __future__ import annotations

import numpy as np
import pytest

from stpexplorer import engine as eng
from stpexplorer.experiments import run
from stpexplorer.experiments._rate_curves import N_SEEDS, poisson_rate_train
from tests.reference import tm_regular_ratio

REL = 1e-5  # float32 engine against float64 references, 40 spikes


@pytest.mark.parametrize("vals", [{"U": 0.5, "tau_f": 0.0, "tau_d": 800.0, "ratio_n": 10},
                                  {"U": 0.1, "tau_f": 500.0, "tau_d": 200.0, "ratio_n": 2},
                                  {"U": 0.2, "tau_f": 1500.0, "tau_d": 100.0, "ratio_n": 40, "W": 0.3}])
def test_regular_curve_against_tm_recursion(vals):
    r = run("stp", vals)
    want = [tm_regular_ratio(vals["U"], vals["tau_f"], vals["tau_d"], 1000.0 / f, vals["ratio_n"]) for f in r.curve_rates]
    np.testing.assert_allclose(r.curve_regular, want, rtol=REL)
    assert r.curve_rates[0] == pytest.approx(0.5) and r.curve_rates[-1] == pytest.approx(200.0)
    # the analytic steady state is the regular curve's limit: n = 40 at high rates is there
    if vals["ratio_n"] == 40:
        hi = r.curve_rates > 20
        np.testing.assert_allclose(r.curve_regular[hi], r.curve_steady[hi], rtol=1e-3)


def test_paired_pulse_ratio_is_n2_closed_form():
    # depression only: g2/g1 = 1 - U e^{-Δ/τd}
    r = run("stp", {"U": 0.4, "tau_f": 0.0, "tau_d": 300.0, "ratio_n": 2})
    np.testing.assert_allclose(r.curve_regular, 1 - 0.4 * np.exp(-1000.0 / r.curve_rates / 300.0), rtol=REL)


def test_poisson_mean_against_simulate_stp_of_each_train():
    vals = {"U": 0.3, "tau_f": 200.0, "tau_d": 500.0, "ratio_n": 6, "seed": 3, "dt_ms": 0.5}
    r = run("stp", vals)
    p = eng.STPParams(U=0.3, tau_f=200.0, tau_d=500.0)
    for i in (0, 20, 40):  # a low, a middle and a high rate
        ratios = []
        for s in range(N_SEEDS):
            train = poisson_rate_train(float(r.curve_rates[i]), 3, s, 0.5)
            rel = np.asarray(eng.simulate_stp(p, train, dt_ms=0.5).release)[train > 0]
            ratios.append(rel[5] / rel[0])
        np.testing.assert_allclose(r.curve_poisson_mean[i], np.mean(ratios), rtol=REL)
        np.testing.assert_allclose(r.curve_poisson_sd[i], np.std(ratios), rtol=1e-4, atol=1e-6)
    assert np.all(r.curve_poisson_sd > 0)  # the trains differ


def test_poisson_curves_seeded():
    a, b = run("stp", {"seed": 1}), run("stp", {"seed": 1})
    c = run("stp", {"seed": 2})
    np.testing.assert_array_equal(a.curve_poisson_mean, b.curve_poisson_mean)
    assert not np.allclose(a.curve_poisson_mean, c.curve_poisson_mean)


def test_no_recompile_on_value_changes():
    run("stp", {"U": 0.5, "ratio_n": 10})
    before = eng.compile_count()
    for vals in ({"U": 0.2, "ratio_n": 2}, {"tau_d": 90.0, "seed": 7, "ratio_n": 33}, {"tau_f": 40.0, "W": 0.5}):
        run("stp", vals)
    assert eng.compile_count() == before


def test_ratio_n_range_message():
    with pytest.raises(ValueError, match=r"ratio_n must be in \[2, 40\].*got 41"):
        run("stp", {"ratio_n": 41})


def test_panel_draws_the_rate_curves_and_qualifies_regular_overlays():
    pytest.importorskip("ipywidgets")
    from stpexplorer.ui.panels.stp.panel import STPPanel

    p = STPPanel(ratio_n=2, protocol="poisson", U=0.3)
    p.views.selected_index = p.RATES_VIEW  # the curves are computed while their view is shown
    r = run("stp", p.values)  # the registry's run computes them eagerly
    x, y = p.trace("curve_regular")
    np.testing.assert_allclose(x, r.curve_rates, rtol=1e-6)
    np.testing.assert_allclose(y, r.curve_regular, rtol=1e-6)
    _, band = p.trace("curve_poisson_sd")
    np.testing.assert_allclose(band, [r.curve_poisson_mean - r.curve_poisson_sd,
                                      r.curve_poisson_mean + r.curve_poisson_sd], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(p.trace("curve_poisson")[1], r.curve_poisson_mean, rtol=1e-6)
    assert "g2/g1" in p.lines["curve_regular"].labels[0]
    assert all(lab.endswith("(regular train)") for lab in p.lines["u_star"].labels)
    assert p.lines["rate_curve"].labels[0].endswith("(regular train)")
    p.set_values(protocol="regular", ratio_n=10)
    assert not any("(regular train)" in lab for lab in p.lines["u_star"].labels)
    assert "g10/g1" in p.lines["curve_regular"].labels[0]
    assert "ratecurve" in p.figures and "stpx-fig-ratecurve" in p.figures["ratecurve"]._dom_classes
