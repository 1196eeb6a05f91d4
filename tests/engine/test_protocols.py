import numpy as np
import pytest

import stpexplorer as stp


def test_lengths_depend_only_on_duration_and_dt():
    for rate in (0.5, 5.0, 100.0):
        assert stp.regular_train(rate, 5, duration_ms=1000.0, dt_ms=0.1).shape == (10000,)
        assert stp.poisson_train(rate, duration_ms=1000.0, dt_ms=0.1, seed=0).shape == (10000,)
    pre, post = stp.pairing_trains(-10.0, n_pairs=100, period_ms=5.0, duration_ms=300.0, dt_ms=0.5)
    assert pre.shape == post.shape == (600,)
    assert stp.poisson_train(10.0, duration_ms=100.0, dt_ms=0.1, seed=0, n_trains=7).shape == (1000, 7)


def test_regular_train_times_and_probe():
    s = stp.regular_train(20.0, 8, duration_ms=2000.0, dt_ms=0.1, start_ms=10.0, probe_delay_ms=750.0)
    t = np.flatnonzero(s) * 0.1
    np.testing.assert_allclose(t, list(10.0 + 50.0 * np.arange(8)) + [10.0 + 350.0 + 750.0], atol=1e-9)
    assert s.dtype == stp.float_dtype() and set(np.unique(s)) == {0.0, 1.0}
    # spikes beyond the window are outside the observation and are left out
    assert stp.regular_train(1.0, 5, duration_ms=2500.0, dt_ms=1.0).sum() == 3


def test_poisson_is_seeded_nested_and_has_the_right_rate():
    a = stp.poisson_train(30.0, duration_ms=20000.0, dt_ms=0.1, seed=5)
    b = stp.poisson_train(30.0, duration_ms=20000.0, dt_ms=0.1, seed=5)
    c = stp.poisson_train(60.0, duration_ms=20000.0, dt_ms=0.1, seed=5)
    assert np.array_equal(a, b) and np.all(c >= a)
    assert a.sum() / 20.0 == pytest.approx(30.0, rel=0.1)  # 600 expected, sd ≈ 24
    assert not np.array_equal(a, stp.poisson_train(30.0, duration_ms=20000.0, dt_ms=0.1, seed=6))


def test_pairing_delta_t_is_post_minus_pre():
    for d in (-20.0, 0.0, 7.5):
        pre, post = stp.pairing_trains(d, n_pairs=4, period_ms=100.0, duration_ms=500.0, dt_ms=0.5)
        tp, tq = np.flatnonzero(pre) * 0.5, np.flatnonzero(post) * 0.5
        assert tp.size == tq.size == 4
        np.testing.assert_allclose(tq - tp, d)
        assert min(tp.min(), tq.min()) == pytest.approx(10.0)


def test_paired_pulses():
    s = stp.paired_pulses(35.0, duration_ms=200.0, dt_ms=0.5)
    np.testing.assert_allclose(np.flatnonzero(s) * 0.5, [10.0, 45.0])
