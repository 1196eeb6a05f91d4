"""Stimulus times: train specs, and artefact detection within one sample."""

import numpy as np
import pytest

from stpexplorer.recordings import Recording, Train, parse_train
from tests.recordings.sweeps import tm_amplitudes, train_sweeps

DT = 0.05


def test_train_spec():
    tr = parse_train("20Hz:10@20ms")
    assert tr == Train(20.0, 10, 20.0)
    np.testing.assert_allclose(tr.times_ms, 20.0 + 50.0 * np.arange(10))
    assert parse_train("100 hz : 5").first_ms == 0.0
    with pytest.raises(ValueError, match=r"Train: rate_hz must be in \(0, 10000\] Hz, got 0.0"):
        parse_train("0Hz:5")


@pytest.mark.parametrize("rate,first", [(20, 20.0), (100, 13.35), (50, 101.1)])
def test_artefacts_found_within_one_sample(rate, first):
    t = first + np.arange(8) * 1000.0 / rate
    t = np.round(t / DT) * DT  # the artefact starts at a sample
    y = train_sweeps(t, tm_amplitudes(rate, 8, 5), dt_ms=DT, noise=2.0, artefact=300.0)
    found = Recording.from_arrays(y, DT).detect_stimuli()["recording"]
    assert found.size == t.size
    np.testing.assert_allclose(found, t, atol=DT + 1e-9)


def test_spontaneous_event_in_one_sweep_is_not_a_stimulus():
    t = 20.0 + np.arange(5) * 50.0
    y = train_sweeps(t, tm_amplitudes(20, 5, 6), dt_ms=DT, artefact=300.0)
    y[2, int(300 / DT)] += 500.0  # a glitch in one sweep
    found = Recording.from_arrays(y, DT).detect_stimuli()["recording"]
    np.testing.assert_allclose(found, t, atol=DT + 1e-9)


def test_no_artefact_no_stimuli():
    t = 20.0 + np.arange(5) * 50.0
    y = train_sweeps(t, tm_amplitudes(20, 5, 6), dt_ms=DT, artefact=0.0, noise=1.0)
    rec = Recording.from_arrays(y, DT)
    found = rec.detect_stimuli()
    # responses rise over ~0.4 ms: no sharper deflection, so nothing or only response onsets
    assert "recording" not in found or np.all(np.diff(found["recording"]) > 1.0)
