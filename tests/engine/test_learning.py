"""Learning from correlated inputs (Song, Miller & Abbott 2000) and the Δw map over rate × Δt.

Tolerances: correlation and rate estimates from N binned counts have a standard error of about
1/sqrt(N) (correlation) and 1/sqrt(count) (rate); the bounds below are >= 4 standard errors.
The map cells are the events of stdp_frequency_curve (equal up to float round-off) and match
the dense simulate_stdp up to the round-off of sums over ~120 events (RTOL_SUM of test_triplet).
"""

import jax
import numpy as np
import pytest

import stpexplorer as stp
from stpexplorer.engine.learning import (
    LearningParams,
    correlated_inputs,
    simulate_learning,
    song2000_stdp,
)
from stpexplorer.engine.stdp_map import stdp_frequency_map

_COMPILES = [0]  # XLA compilations in this process, counted with JAX's public monitoring events


def _count(event, duration_secs, **kw):
    if event == "/jax/core/compile/backend_compile_duration":
        _COMPILES[0] += 1


jax.monitoring.register_event_duration_secs_listener(_count)

RTOL_SUM = 5e-5 if stp.float_dtype() == np.float32 else 1e-10

# 200 inputs (Song et al. used 1000 at 10 Hz): 30 Hz inputs, g_max scaled up, A-/A+ = 1.05, hard bounds
SONG = {"rate_hz": 30.0, "g_max": 0.04, "w0": 1.0, "inh_rate_hz": 2000.0}


def _offdiag_mean(c, rows, cols):
    block = c[np.ix_(rows, cols)]
    if np.array_equal(rows, cols):
        block = block[~np.eye(len(rows), dtype=bool)]
    return float(np.mean(block))


@pytest.mark.parametrize("c", [0.0, 0.1, 0.4])
def test_inputs_have_the_rate_and_the_pairwise_correlation_c(c):
    rate, dt, n, n_corr = 20.0, 1.0, 30, 15
    x = np.asarray(correlated_inputs(rate, n_inputs=n, n_corr=n_corr, c=c, duration_ms=100_000.0, dt_ms=dt,
                                     seed=4), dtype=np.float64)
    assert x.shape == (100_000, n)
    # every input keeps the rate: ~2000 spikes each, SE 2.2 % per input, 0.4 % for the mean of 30
    rates = x.mean(axis=0) * 1000.0 / dt
    np.testing.assert_allclose(rates, rate, rtol=0.1)
    assert rates.mean() == pytest.approx(rate, rel=0.03)
    g, rest = np.arange(n_corr), np.arange(n_corr, n)
    for bin_steps in (1, 10):  # the correlation coefficient of counts is c for any bin size
        counts = x.reshape(-1, bin_steps, n).sum(axis=1)
        cc = np.corrcoef(counts.T)
        se = 1.0 / np.sqrt(counts.shape[0])
        assert _offdiag_mean(cc, g, g) == pytest.approx(c, abs=4 * se + 0.01)
        assert _offdiag_mean(cc, rest, rest) == pytest.approx(0.0, abs=4 * se)
        assert _offdiag_mean(cc, g, rest) == pytest.approx(0.0, abs=4 * se)


def test_full_correlation_copies_the_shared_train():
    x = np.asarray(correlated_inputs(10.0, n_inputs=6, n_corr=4, c=1.0, duration_ms=20_000.0, dt_ms=0.5, seed=1))
    np.testing.assert_array_equal(x[:, :4], np.repeat(x[:, :1], 4, axis=1))
    assert not np.array_equal(x[:, 4], x[:, 0])


def test_song_miller_abbott_bimodal_weights_and_the_correlated_group_wins():
    p = LearningParams(**SONG, n_corr=50.0, c=0.2, stdp=song2000_stdp())
    assert float(p.stdp.A_minus / p.stdp.A_plus) == pytest.approx(1.05)
    tr = simulate_learning(p, n_inputs=200, duration_ms=200_000.0, dt_ms=1.0, seed=0, record_every_ms=10_000.0)
    w = np.asarray(tr.w[-1])
    g = np.asarray(tr.in_group)
    assert g.sum() == 50 and g[:50].all()
    near_0, near_max = np.mean(w < 0.1), np.mean(w > 0.9)
    assert near_0 + near_max > 0.7, np.histogram(w, bins=10, range=(0, 1))
    assert near_0 > 0.25 and near_max > 0.2  # both modes populated: competition, not a drift to one bound
    assert w[g].mean() > 0.9 and w[~g].mean() < 0.3
    # the rule is competitive: the output rate falls from its start as most weights are depressed
    assert float(tr.rate_hz[-1]) < 0.5 * float(tr.rate_hz[0])


def test_shapes_time_axis_and_records():
    tr = simulate_learning(LearningParams(**SONG), n_inputs=20, duration_ms=3000.0, dt_ms=0.5, seed=0,
                           record_every_ms=500.0)
    assert tr.w.shape == (6, 20) and tr.rate_hz.shape == (6,) and tr.in_group.shape == (20,)
    np.testing.assert_allclose(np.asarray(tr.t_ms), 500.0 * np.arange(1, 7), rtol=1e-6)
    # output rate is a spike count over 500 ms: a multiple of 2 Hz
    r = np.asarray(tr.rate_hz, np.float64)
    np.testing.assert_allclose(r / 2.0, np.round(r / 2.0), atol=1e-4)
    assert np.all((np.asarray(tr.w) >= 0.0) & (np.asarray(tr.w) <= 1.0))


def test_seeded_runs_reproduce_and_new_values_do_not_recompile():
    kw = {"n_inputs": 40, "duration_ms": 4000.0, "dt_ms": 1.0, "record_every_ms": 1000.0}
    p = LearningParams(**SONG, n_corr=10.0, c=0.3)
    a = simulate_learning(p, seed=3, **kw)
    before = _COMPILES[0]
    b = simulate_learning(p, seed=3, **kw)
    np.testing.assert_array_equal(np.asarray(a.w), np.asarray(b.w))
    np.testing.assert_array_equal(np.asarray(a.rate_hz), np.asarray(b.rate_hz))
    c = simulate_learning(p, seed=4, **kw)
    assert not np.array_equal(np.asarray(a.w), np.asarray(c.w))
    q = p.replace(n_corr=25, c=0.05, rate_hz=12, g_max=0.05, stdp=p.stdp.replace(A_plus=0.01, A_minus=0.0105))
    simulate_learning(q, seed=5, **kw)
    assert _COMPILES[0] == before


def test_no_input_no_spikes_and_no_weight_change():
    p = LearningParams(**{**SONG, "rate_hz": 0.0, "inh_rate_hz": 0.0, "w0": 0.7})
    tr = simulate_learning(p, n_inputs=10, duration_ms=2000.0, dt_ms=1.0, seed=0)
    np.testing.assert_array_equal(np.asarray(tr.rate_hz), 0.0)
    np.testing.assert_allclose(np.asarray(tr.w), 0.7, rtol=1e-7)


@pytest.mark.parametrize("kwargs,match", [
    ({"c": 1.5}, r"c must be in \[0, 1\], got 1.5"),
    ({"n_corr": -1.0}, r"n_corr must be in \[0, inf\), got -1"),
    ({"tau_m": 0.0}, r"tau_m must be in \(0, inf\) ms, got 0"),
    ({"v_reset": -50.0}, r"v_reset must be < v_th=-54 mV, got -50"),
])
def test_params_errors_name_the_argument_range_and_value(kwargs, match):
    with pytest.raises(ValueError, match=match):
        LearningParams(**kwargs)


def test_run_errors_name_the_argument_range_and_value():
    p = LearningParams(n_corr=30.0)
    with pytest.raises(ValueError, match=r"n_corr must be in \[0, 20\] \(the group is part of the n_inputs\), got 30"):
        simulate_learning(p, n_inputs=20, duration_ms=1000.0)
    with pytest.raises(ValueError, match=r"record_every_ms must be a whole number of steps of dt_ms=0.5, got 1000.2"):
        simulate_learning(LearningParams(), n_inputs=20, duration_ms=5000.0, dt_ms=0.5, record_every_ms=1000.2)
    with pytest.raises(ValueError, match=r"duration_ms must be in \[1000, inf\) ms \(at least one record\), got 10"):
        simulate_learning(LearningParams(), n_inputs=20, duration_ms=10.0)
    with pytest.raises(ValueError, match=r"rate_hz must be in \[0, 1000\] Hz"):
        simulate_learning(LearningParams(rate_hz=1500.0), n_inputs=20, duration_ms=1000.0, dt_ms=1.0)


# --- Δw over rate × Δt ------------------------------------------------------------------------

TRIPLET = {"A_plus": 5e-3, "A_minus": 7e-3, "A3_plus": 6.2e-3, "A3_minus": 2.3e-4, "tau_plus": 16.8, "tau_minus": 33.7,
               "tau_x": 101.0, "tau_y": 125.0, "bounds": "none"}


def test_map_cells_equal_the_frequency_curve_and_the_dense_simulation():
    p = stp.STDPParams(**TRIPLET)
    rates = np.array([0.5, 5.0, 20.0, 40.0, 50.0])
    deltas = np.array([-25.0, -10.0, -2.5, 2.5, 10.0, 25.0])
    m = np.asarray(stdp_frequency_map(p, rates, deltas, n_pairs=30, dt_ms=0.5))
    assert m.shape == (deltas.size, rates.size)
    for i, j in [(1, 4), (4, 0), (0, 2), (5, 3), (2, 1)]:
        cell = float(stp.stdp_frequency_curve(p, rates[j], deltas[i], n_pairs=30, dt_ms=0.5))
        # same events, other batch shape: XLA may fuse (and round) differently
        assert m[i, j] == pytest.approx(cell, rel=RTOL_SUM, abs=RTOL_SUM * float(np.max(np.abs(m))))
    for i, j in [(1, 4), (4, 3), (3, 1)]:
        period = 1000.0 / rates[j]
        pre, post = stp.pairing_trains(deltas[i], n_pairs=30, period_ms=period, duration_ms=30 * period + 40.0,
                                       dt_ms=0.5)
        tr = stp.simulate_stdp(p.replace(bounds="hard", w_min=-10.0, w_max=10.0), pre, post, w0=0.0, dt_ms=0.5)
        scale = float(np.max(np.abs(m))) + abs(float(m[i, j]))
        assert float(tr.w[-1]) == pytest.approx(m[i, j], rel=RTOL_SUM, abs=RTOL_SUM * 10 * scale)


def test_map_batches_params_and_reuses_the_compiled_function():
    rates, deltas = np.array([1.0, 10.0, 50.0]), np.array([-10.0, 10.0])
    p = stp.STDPParams(**TRIPLET)
    stdp_frequency_map(p, rates, deltas)
    before = _COMPILES[0]
    a = np.asarray(stdp_frequency_map(p.replace(A3_plus=0.0), rates * 0.9, deltas * 1.5))
    assert _COMPILES[0] == before
    both = np.asarray(stdp_frequency_map(p.replace(A3_plus=np.array([0.0, 6.2e-3])), rates * 0.9, deltas * 1.5))
    assert both.shape == (2, 2, 3)
    np.testing.assert_allclose(both[0], a, rtol=1e-6, atol=1e-9)
    # pair rule (A3 = 0) vs triplet: the triplet term only adds potentiation
    assert np.all(both[1] >= both[0] - 1e-9)


def test_map_error_names_the_argument():
    p = stp.STDPParams(**TRIPLET)
    with pytest.raises(ValueError, match=r"delta_t_ms_grid must be a number or a non-empty 1-D array"):
        stdp_frequency_map(p, [1.0], np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"rates_hz must be in \(0, 10000\] Hz"):
        stdp_frequency_map(p, [0.0, 1.0], [10.0])
