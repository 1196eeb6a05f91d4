"""pulse_onsets against traces whose edges are known exactly, and group_sweeps' protocol split."""

import numpy as np
import pytest

from stpexplorer.recordings._pulses import group_sweeps, pulse_onsets

DT = 0.05  # ms


def train(n=4000, starts=(400, 800, 1200, 1600), width=20, low=0.0, high=5.0):
    y = np.full(n, low)
    for s in starts:
        y[s:s + width] = high
    return y


def test_rising_edges_of_a_ttl_train_are_exact():
    t = pulse_onsets(train(), DT)
    np.testing.assert_allclose(t, np.array([400, 800, 1200, 1600]) * DT, atol=1e-12)


def test_edges_with_finite_rise_are_the_first_sample_past_halfway():
    y = train()
    for s in (400, 800, 1200, 1600):  # a 4-sample ramp 0, 1.25, 2.5, 3.75 then 5: halfway at s + 2
        y[s:s + 4] = [0.0, 1.25, 2.5, 3.75]
    np.testing.assert_allclose(pulse_onsets(y, DT), (np.array([400, 800, 1200, 1600]) + 2) * DT, atol=1e-12)


def test_negative_going_pulses_and_offset_baseline():
    y = train(low=-65.0, high=-90.0)  # hyperpolarising pulses from -65 mV
    np.testing.assert_allclose(pulse_onsets(y, DT), np.array([400, 800, 1200, 1600]) * DT, atol=1e-12)


def test_noisy_edges_count_once_within_one_sample():
    rng = np.random.default_rng(1)
    y = train() + rng.normal(0, 0.3, 4000)  # noise 6 % of the pulse: chatter near the level is re-armed away
    t = pulse_onsets(y, DT)
    assert t.size == 4
    np.testing.assert_allclose(t, np.array([400, 800, 1200, 1600]) * DT, atol=DT * 1.0001)


def test_action_potentials_of_the_presynaptic_cell():
    v = np.full(2000, -65.0)
    for s in (200, 700, 1200):  # spikes to +30 mV: level -17.5 mV crossed at s + 1
        v[s:s + 6] = [-50, -10, 30, 10, -40, -60]
    np.testing.assert_allclose(pulse_onsets(v, 0.1), (np.array([200, 700, 1200]) + 1) * 0.1, atol=1e-12)


def test_flat_empty_nan_and_a_pulse_under_way_at_the_start():
    assert pulse_onsets(np.zeros(100), DT).size == 0
    assert pulse_onsets(np.full(100, 3.0), DT).size == 0
    assert pulse_onsets(np.array([]), DT).size == 0
    assert pulse_onsets(np.full(10, np.nan), DT).size == 0
    y = train(starts=(0, 800))
    np.testing.assert_allclose(pulse_onsets(y, DT), [800 * DT])
    y = train()
    y[1000:1100] = np.nan  # NaN never crosses
    np.testing.assert_allclose(pulse_onsets(y, DT), np.array([400, 800, 1200, 1600]) * DT)


def test_threshold_replaces_the_halfway_level():
    y = train()
    y[1200:1220] = 2.0  # a smaller third pulse: missed at a threshold of 3, found at 1
    np.testing.assert_allclose(pulse_onsets(y, DT, threshold=3.0), np.array([400, 800, 1600]) * DT)
    np.testing.assert_allclose(pulse_onsets(y, DT, threshold=1.0), np.array([400, 800, 1200, 1600]) * DT)
    assert pulse_onsets(y, DT, threshold=9.0).size == 0


@pytest.mark.parametrize("kw, word", [({"dt_ms": 0}, "dt_ms"), ({"dt_ms": float("nan")}, "dt_ms"),
                                      ({"dt_ms": 0.1, "threshold": float("inf")}, "threshold")])
def test_errors_name_the_argument(kw, word):
    with pytest.raises(ValueError, match=word):
        pulse_onsets(train(), **kw)
    with pytest.raises(ValueError, match="1-D"):
        pulse_onsets(np.zeros((2, 3)), 0.1)


def test_group_sweeps_splits_a_protocol_whose_times_differ():
    a, b = np.array([10.0, 60.0]), np.array([10.0, 260.0])
    names, stim = group_sweeps(["rec", "rec", "rec", "x"], [a, a + DT, b, None], DT)
    assert names == ["rec (1)", "rec (1)", "rec (2)", "x"]  # within one sample: the same protocol
    np.testing.assert_array_equal(stim["rec (1)"], a)
    np.testing.assert_array_equal(stim["rec (2)"], b)
    assert "x" not in stim
    names, stim = group_sweeps(["p", "p"], [a, a], DT)
    assert names == ["p", "p"] and list(stim) == ["p"]
