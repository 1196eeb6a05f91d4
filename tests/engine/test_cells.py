"""WTAS and adaptive LIF cells: an independent ngclearn reference, invariants and closed forms."""

import jax
import numpy as np
import pytest

import stpexplorer as stp
from stpexplorer.engine.wtas import initial_thresholds
from tests.reference import ngclearn_wtascell


def test_wtas_reproduces_wtascell_spike_for_spike_without_refractoriness():
    n = 6
    rng = np.random.default_rng(0)
    cur = rng.random((800, n)) * 4.0
    p = stp.WTASParams(n_units=n, thr_base=0.3, thr_gain=0.002, refract_ms=0.0, thr_jitter=0.05)
    tr = stp.simulate_wtas(p, cur, dt_ms=1.0, seed=7)
    thr0 = np.asarray(initial_thresholds(p, jax.random.key(7)))
    ref = ngclearn_wtascell(cur, thr0, 0.002, 0.0, 1.0)
    assert np.array_equal(np.asarray(tr.spikes), ref)
    assert np.all(np.abs(thr0 - 0.3) <= 0.05 + 1e-7)


def test_refractory_unit_cannot_fire_unlike_wtascell():
    n = 3
    cur = np.tile([5.0, 0.0, 0.0], (200, 1))  # unit 0 always wins the softmax
    p = stp.WTASParams(n_units=n, thr_base=0.4, thr_gain=0.0, refract_ms=5.0, thr_jitter=0.0)
    s = np.asarray(stp.simulate_wtas(p, cur, dt_ms=1.0, seed=0).spikes)
    fire = np.flatnonzero(s[:, 0])
    assert np.all(np.diff(fire) >= 5)  # blocked for refract_ms after each spike
    # WTASCell lets the masked unit keep a probability 1/n > thr... here it would still be masked;
    # the reference fires unit 0 whenever p_0 > thr, including from v = 0 (p = 1/3 < 0.4 here)
    ref = ngclearn_wtascell(cur, np.full(n, 0.4), 0.0, 5.0, 1.0)
    ref_low = ngclearn_wtascell(cur, np.full(n, 0.3), 0.0, 5.0, 1.0)  # 1/3 > 0.3: fires while refractory
    s_low = np.asarray(stp.simulate_wtas(stp.WTASParams(n_units=n, thr_base=0.3, thr_gain=0.0, refract_ms=5.0,
                                                        thr_jitter=0.0), cur, dt_ms=1.0, seed=0).spikes)
    assert np.array_equal(s, ref)
    assert np.all(np.diff(np.flatnonzero(ref_low[:, 0])) == 1)  # the peer's defect
    assert np.all(np.diff(np.flatnonzero(s_low[:, 0])) >= 5)


@pytest.mark.parametrize("seed", range(4))
def test_wtas_invariants(seed):
    n = 8
    rng = np.random.default_rng(seed)
    cur = rng.normal(size=(500, n)) * 3.0
    hi = stp.WTASParams(n_units=n, thr_base=0.6, thr_gain=0.0, refract_ms=0.0, thr_jitter=0.05)
    assert np.all(np.asarray(stp.simulate_wtas(hi, cur, dt_ms=1.0, seed=seed).spikes).sum(axis=1) <= 1)
    lo = stp.WTASParams(n_units=n, thr_base=0.1, thr_gain=0.0, refract_ms=0.0, thr_jitter=0.02)  # < 1/8
    assert np.all(np.asarray(stp.simulate_wtas(lo, cur, dt_ms=1.0, seed=seed).spikes).sum(axis=1) >= 1)
    # with adaptation, whatever the thresholds do, a step whose thresholds were all >= 0.5 has <= 1 spike
    ad = stp.WTASParams(n_units=n, thr_base=0.5, thr_gain=0.01, refract_ms=0.0, thr_jitter=0.05)
    tr = stp.simulate_wtas(ad, cur, dt_ms=1.0, seed=seed)
    thr_before = np.vstack([np.asarray(initial_thresholds(ad, jax.random.key(seed)))[None], np.asarray(tr.thr)[:-1]])
    count = np.asarray(tr.spikes).sum(axis=1)
    assert np.all(count[thr_before.min(axis=1) >= 0.5] <= 1)
    assert np.all(count[thr_before.max(axis=1) < 1 / n] >= 1)


def test_wtas_homeostasis_settles_to_one_winner():
    n = 10
    cur = np.random.default_rng(1).random((3000, n)) * 2.0
    p = stp.WTASParams(n_units=n, thr_base=0.15, thr_gain=0.002, refract_ms=0.0, thr_jitter=0.05)
    count = np.asarray(stp.simulate_wtas(p, cur, dt_ms=1.0, seed=0).spikes).sum(axis=1)
    assert abs(count[-1000:].mean() - 1.0) < 0.1


def test_wtas_active_mask_equals_smaller_layer():
    cur = np.random.default_rng(2).random((300, 8)) * 3.0
    kw = dict(thr_base=0.3, thr_gain=0.003, refract_ms=2.0, thr_jitter=0.0)
    small = stp.simulate_wtas(stp.WTASParams(n_units=5, **kw), cur[:, :5], dt_ms=1.0, seed=0)
    masked = stp.simulate_wtas(stp.WTASParams(n_units=8, **kw), cur, dt_ms=1.0, seed=0,
                               active=np.r_[np.ones(5), np.zeros(3)])
    assert np.array_equal(np.asarray(masked.spikes)[:, :5], np.asarray(small.spikes))
    assert np.all(np.asarray(masked.spikes)[:, 5:] == 0)


def test_alif_first_spike_time_and_regular_period_match_closed_form():
    dt = 0.01
    p = stp.ALIFParams(tau_m=20.0, v_rest=-70.0, v_reset=-70.0, v_th=-54.0, R=10.0, theta_plus=0.0,
                       tau_theta=100.0, refract_ms=2.0)
    current = np.full(40000, 2.0)  # v_inf = -50 mV
    tr = stp.simulate_alif(p, current, dt_ms=dt)
    t_sp = np.flatnonzero(np.asarray(tr.spikes)) * dt
    # v(t) = v_inf + (v_rest - v_inf) e^{-t/τ} reaches v_th at t* = τ ln((v_inf - v_rest)/(v_inf - v_th))
    t_star = 20.0 * np.log(20.0 / 4.0)
    assert t_sp[0] == pytest.approx(t_star, abs=2 * dt)
    # later spikes: refractory period, then the same charging curve from v_reset
    period = 2.0 + t_star
    np.testing.assert_allclose(np.diff(t_sp), period, atol=2 * dt)


def test_alif_adaptation_lengthens_intervals_and_subthreshold_stays_silent():
    p = stp.ALIFParams(theta_plus=3.0, tau_theta=300.0)
    tr = stp.simulate_alif(p, np.full(10000, 2.5), dt_ms=0.1)
    isi = np.diff(np.flatnonzero(np.asarray(tr.spikes)))
    assert isi.size > 3 and isi[-1] > isi[0] * 1.5
    thr = np.asarray(tr.thr)
    assert thr.max() > -54.0 + 3.0 and thr.min() == pytest.approx(-54.0)
    quiet = stp.simulate_alif(p, np.full(5000, 1.5), dt_ms=0.1)  # v_inf = -55 < v_th
    assert float(np.sum(quiet.spikes)) == 0.0
    v = np.asarray(quiet.v)
    assert v[-1] == pytest.approx(-55.0, abs=1e-3)
