"""Trace STDP against the analytic pair window and the closed form of periodic pairing."""

import numpy as np
import pytest

import stpexplorer as stp

P = dict(A_plus=0.01, A_minus=0.012, tau_plus=16.8, tau_minus=33.7)


def test_window_equals_analytic_exponentials():
    dt = 0.1
    d = np.array([-80.0, -33.7, -5.0, -0.1, 0.1, 2.5, 16.8, 60.0])
    dw = np.asarray(stp.stdp_window(stp.STDPParams(**P), d, dt_ms=dt))
    ref = np.where(d > 0, P["A_plus"] * np.exp(-d / P["tau_plus"]), -P["A_minus"] * np.exp(d / P["tau_minus"]))
    np.testing.assert_allclose(dw, ref, rtol=1e-5)
    # the parameters are stored in the engine dtype (float32): A_plus etc. differ from P by an ulp
    np.testing.assert_allclose(stp.stdp_window_analytic(stp.STDPParams(**P), d), ref, rtol=1e-6)


def test_window_soft_bounds_scale_with_distance_to_bound():
    d = np.array([-10.0, 10.0])
    dw = np.asarray(stp.stdp_window(stp.STDPParams(**P, bounds="soft", w_max=2.0), d, dt_ms=0.5, w0=0.5))
    ref = [-P["A_minus"] * np.exp(-10 / P["tau_minus"]) * 0.5, P["A_plus"] * np.exp(-10 / P["tau_plus"]) * 1.5]
    np.testing.assert_allclose(dw, ref, rtol=1e-5)


@pytest.mark.parametrize("bounds", ["hard", "soft", "none"])
@pytest.mark.parametrize("w0", [0.5, 0.995, 2.0])
def test_analytic_window_equals_the_simulated_window(bounds, w0):
    # Δt on the 0.1 ms grid (the simulation snaps it); triplet terms and both rules included.
    # Tolerance: float32 Δw of a few 1e-3 after w0 + Δw − w0 cancels: atol 2e-7, rtol 2e-4.
    d = np.array([-100.0, -33.7, -5.0, -0.1, 0.0, 0.1, 2.5, 16.8, 60.0])
    for rule in ("all_to_all", "nearest"):
        p = stp.STDPParams(**dict(P, A_plus=0.02), w_max=1.0, rule=rule, bounds=bounds, A3_plus=0.01, A3_minus=0.003)
        sim = np.asarray(stp.stdp_window(p, d, dt_ms=0.1, w0=w0))
        ana = stp.stdp_window_analytic(p, d, w0=w0)
        np.testing.assert_allclose(sim, ana, rtol=2e-4, atol=2e-7)
    if bounds == "hard" and w0 == 0.995:  # potentiation clipped at w_max: Δw = w_max − w0
        assert ana[d > 0].max() == pytest.approx(0.005)


def test_analytic_window_batches_and_checks_arguments():
    p = stp.STDPParams(**dict(P, A_plus=[0.01, 0.02, 0.03]))
    out = stp.stdp_window_analytic(p, [-10.0, 10.0])
    assert out.shape == (3, 2)
    np.testing.assert_allclose(out[:, 1], np.array([0.01, 0.02, 0.03]) * np.exp(-10.0 / P["tau_plus"]), rtol=1e-6)
    assert stp.stdp_window_analytic(stp.STDPParams(**P), 10.0).shape == ()
    with pytest.raises(ValueError, match=r"delta_t_ms must be in \(-inf, inf\) ms, got nan"):
        stp.stdp_window_analytic(stp.STDPParams(**P), [float("nan")])


def test_same_step_spikes_do_not_pair():
    assert float(stp.stdp_window(stp.STDPParams(**P), 0.0, dt_ms=0.1)) == 0.0
    pre = np.zeros(50)
    post = np.zeros(50)
    pre[[10, 30]] = 1
    post[[10, 30]] = 1  # pre/post together, twice: only the cross-step pairs count
    tr = stp.simulate_stdp(stp.STDPParams(**P), pre, post, w0=0.5, dt_ms=1.0)
    d = 20.0
    expected = 0.5 + P["A_plus"] * np.exp(-d / P["tau_plus"]) - P["A_minus"] * np.exp(-d / P["tau_minus"])
    assert float(tr.w[-1]) == pytest.approx(expected, rel=1e-5)


def periodic_closed_form(delta, period, n, rule):
    a_p, a_m, tp, tm = P["A_plus"], P["A_minus"], P["tau_plus"], P["tau_minus"]
    k = np.arange(n)
    if rule == "all_to_all":
        pre_at_post = np.exp(-delta / tp) * np.array([np.sum(np.exp(-np.arange(j + 1) * period / tp)) for j in k])
        post_at_pre = np.exp(delta / tm) * np.array([np.sum(np.exp(-np.arange(1, j + 1) * period / tm)) for j in k])
    else:  # nearest: only the latest spike of the other train counts
        pre_at_post = np.full(n, np.exp(-delta / tp))
        post_at_pre = np.where(k > 0, np.exp(-(period - delta) / tm), 0.0)
    return a_p * pre_at_post.sum() - a_m * post_at_pre.sum()


@pytest.mark.parametrize("rule", ["all_to_all", "nearest"])
@pytest.mark.parametrize("delta,period", [(5.0, 50.0), (10.0, 20.0), (30.0, 100.0)])
def test_periodic_pairing_matches_closed_form(rule, delta, period):
    n, dt = 12, 0.5
    pre, post = stp.pairing_trains(delta, n_pairs=n, period_ms=period, duration_ms=n * period + 50.0, dt_ms=dt)
    tr = stp.simulate_stdp(stp.STDPParams(**P, rule=rule, w_min=-10.0, w_max=10.0), pre, post, w0=0.0, dt_ms=dt)
    assert float(tr.w[-1]) == pytest.approx(periodic_closed_form(delta, period, n, rule), rel=1e-4, abs=1e-7)


def test_traces_jump_and_decay_exactly():
    dt = 0.25
    pre = np.zeros(400)
    pre[[4, 8]] = 1
    tr = stp.simulate_stdp(stp.STDPParams(**P), pre, np.zeros(400), w0=0.5, dt_ms=dt)
    k = np.arange(9, 400)
    ref = np.exp(-(k - 8) * dt / P["tau_plus"]) * (1 + np.exp(-4 * dt / P["tau_plus"]))
    np.testing.assert_allclose(np.asarray(tr.pre_trace)[k], ref, rtol=1e-5)
    trn = stp.simulate_stdp(stp.STDPParams(**P, rule="nearest"), pre, np.zeros(400), w0=0.5, dt_ms=dt)
    np.testing.assert_allclose(np.asarray(trn.pre_trace)[k], np.exp(-(k - 8) * dt / P["tau_plus"]), rtol=1e-5)


def test_hard_bounds_clip_and_soft_bounds_stay_inside():
    pre, post = stp.pairing_trains(2.0, n_pairs=200, period_ms=10.0, duration_ms=2100.0, dt_ms=0.5)
    big = dict(P, A_plus=0.3)
    hard = stp.simulate_stdp(stp.STDPParams(**big, w_max=1.0), pre, post, w0=0.5, dt_ms=0.5)
    assert float(np.max(hard.w)) == 1.0
    soft = stp.simulate_stdp(stp.STDPParams(**big, w_max=1.0, bounds="soft"), pre, post, w0=0.5, dt_ms=0.5)
    w = np.asarray(soft.w)
    assert np.all((w > 0.0) & (w < 1.0))
    dep = stp.simulate_stdp(stp.STDPParams(**dict(P, A_minus=0.5)), post, pre, w0=0.5, dt_ms=0.5)
    assert float(np.min(dep.w)) == 0.0


def test_batched_stdp_equals_single():
    pre, post = stp.pairing_trains(-7.0, n_pairs=5, period_ms=40.0, duration_ms=300.0, dt_ms=0.5)
    A = np.array([0.0, 0.01, 0.05])
    tr = stp.simulate_stdp(stp.STDPParams(A_plus=A, A_minus=0.01, tau_plus=20.0, tau_minus=20.0), pre, post,
                           w0=0.5, dt_ms=0.5)
    for i, a in enumerate(A):
        one = stp.simulate_stdp(stp.STDPParams(A_plus=a, A_minus=0.01, tau_plus=20.0, tau_minus=20.0), pre, post,
                                w0=0.5, dt_ms=0.5)
        np.testing.assert_allclose(tr.w[i], one.w, rtol=1e-6)


def test_stdp_values_do_not_recompile():
    pre, post = stp.pairing_trains(5.0, n_pairs=5, period_ms=40.0, duration_ms=300.0, dt_ms=0.5)
    stp.simulate_stdp(stp.STDPParams(**P), pre, post, w0=0.5, dt_ms=0.5)
    with stp.count_compilations() as c:
        for i in range(50):
            p = stp.STDPParams(A_plus=0.001 * i, A_minus=np.float32(0.01), tau_plus=10 + i, tau_minus=20.0,
                               w_min=0, w_max=1 + i)
            stp.simulate_stdp(p, pre, post, w0=i / 50, dt_ms=0.5)
    assert c.n == 0
