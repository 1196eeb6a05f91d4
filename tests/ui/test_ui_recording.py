"""The Fit tab's Recording view: sweeps in, amplitudes out, into the fit (kernel side)."""

import os
import tempfile

import numpy as np
import pytest

from stpexplorer.recordings.example import example_recording
from stpexplorer.ui.panels.fit.panel import FitPanel
from stpexplorer.ui.panels.fit.recording import UPLOAD_MAX_BYTES
from stpexplorer.ui.panels.fit.recording_plot import MAX_POINTS
from tests.recordings.sweeps import tm_amplitudes, train_sweeps


@pytest.fixture(scope="module")
def panel():
    p = FitPanel()
    p.views.selected_index = 1  # the Recording view: the example recording is shown
    return p


def test_first_show_measures_the_example_recording(panel):
    v = panel.recording
    assert v.recording is not None and v.recording.name == "example recording"
    assert v.data.names == ("20 Hz", "50 Hz", "100 Hz")
    assert "PPR A2/A1" in v.summary.value and v.message.value == ""
    sweeps = v.marks["sweeps"]
    assert np.asarray(sweeps.x).shape[1] <= MAX_POINTS and np.asarray(sweeps.y).shape[0] == 10
    # the figure shows the train, not the whole sweep
    t = v.recording.stimuli_ms[v.protocol.value]
    assert v.marks["_x"].min == pytest.approx(t[0] - 20.0) and v.marks["_x"].max < v.recording.t_ms[-1]
    n_peaks = np.isfinite(v.data[v.protocol.value].amplitudes).sum()
    assert len(v.marks["peaks"].x) == n_peaks


def test_windows_and_method_change_the_amplitudes(panel):
    v = panel.recording
    v.protocol.value = "100 Hz"
    v.method.value = "tail"
    tail = v.data["100 Hz"].amplitudes.mean(0)
    v.method.value = "local"
    local = v.data["100 Hz"].amplitudes.mean(0)
    assert np.all(local[1:] < tail[1:])  # local is biased low where responses overlap
    assert "local:" in v.summary.value
    v.window.value = (0.5, 3.0)
    assert v.data.measurement.window_ms == (0.5, 3.0)
    wx = np.asarray(v.marks["window"].x)
    assert wx[0] == pytest.approx(v.recording.stimuli_ms["100 Hz"][0] + 0.5, abs=1e-4)
    v.method.value = "tail"


def test_a_bad_window_says_so_and_keeps_the_last_amplitudes(panel):
    v = panel.recording
    before = v.data
    v.baseline.value = (-1.0, -1.0)
    assert "baseline_ms: needs finite start < end" in v.message.value.replace("&lt;", "<")
    assert v.data is before
    v.baseline.value = (-2.0, -0.05)
    assert v.message.value == "" and v.data is not before


def test_clicking_a_sweep_excludes_it_and_again_includes_it(panel):
    v = panel.recording
    v.protocol.value = "20 Hz"
    first = int(v.recording.sweep_indices("20 Hz")[0])
    v.marks["sweeps"]._handle_custom_msgs(None, {"event": "element_click", "data": {"index": 0}})
    assert v.excluded == {first}
    assert v.data["20 Hz"].amplitudes.shape[0] == 9 and first not in v.data.measurement.sweeps["20 Hz"]
    assert v.marks["sweeps"].colors[0] != v.marks["sweeps"].colors[1]
    assert "9 of 10 sweeps" in v.summary.value
    v.marks["sweeps"]._handle_custom_msgs(None, {"event": "element_click", "data": {"index": 0}})
    assert v.excluded == set()


def test_use_these_amplitudes_fits_them_in_the_fit_view(panel):
    v = panel.recording
    v.toggle_sweep(3)
    v.use_button.click()
    assert panel.views.selected_index == 0
    assert panel.data is v.data and panel.fit_result is not None
    assert "example recording (tail)" in panel.status_text
    truth = {"U": 0.45, "tau_d": 250.0}
    assert abs(panel.fit_result.values["U"] - truth["U"]) < 0.1
    v.include_all()


def _abf_bytes(tmp_path, name="cell.abf"):
    pyabf = pytest.importorskip("pyabf")
    t = 20.0 + np.arange(6) * 20.0
    y = train_sweeps(t, tm_amplitudes(50, 6, 4), dt_ms=0.05, duration_ms=400.0, noise=1.0)
    path = tmp_path / name
    pyabf.abfWriter.writeABF1(y.astype(np.float32), str(path), 20000.0, units="pA")
    return path.read_bytes()


def test_an_uploaded_abf_is_read_in_memory_and_measured(panel, tmp_path):
    content = _abf_bytes(tmp_path)
    before = set(os.listdir(tempfile.gettempdir())), set(os.listdir("."))
    panel.recording.upload.set_state({"value": [{"name": "cell.abf", "type": "", "size": len(content),
                                                 "last_modified": 0, "content": memoryview(content)}]})
    after = set(os.listdir(tempfile.gettempdir())), set(os.listdir("."))
    assert after == before  # nothing written on the server
    v = panel.recording
    assert v.recording.name == "cell.abf" and v.message.value == ""
    assert v.data.names == v.recording.protocols
    np.testing.assert_allclose(v.recording.stimuli_ms[v.protocol.value], 20.0 + np.arange(6) * 20.0, atol=0.051)


def test_a_bad_or_large_upload_changes_nothing(panel):
    v = panel.recording
    shown = v.recording
    v.load_bytes(b"ABF " + b"\x00" * 100, "broken.abf")
    assert "broken.abf" in v.message.value and v.recording is shown
    v.load_bytes(b"x" * 10, "notes.txt")
    assert "not a recording" in v.message.value and v.recording is shown
    v.load_bytes(b"\x00" * (UPLOAD_MAX_BYTES + 1), "huge.nwb")
    assert "over the upload limit" in v.message.value and v.recording is shown


def test_example_recording_is_reproducible():
    a, b = example_recording(seed=3), example_recording(seed=3)
    np.testing.assert_array_equal(a.sweeps, b.sweeps)
    assert a.protocols == ("20 Hz", "50 Hz", "100 Hz") and a.units == "pA"


def test_an_uploaded_nwb_pair_shows_the_postsynaptic_cell_and_lists_the_electrodes(tmp_path):
    pytest.importorskip("pynwb")
    from tests.recordings.test_nwb import PULSES, write

    content = write(tmp_path / "pair.nwb").read_bytes()
    p = FitPanel()
    p.views.selected_index = 1
    v = p.recording
    assert v.load_bytes(content, "pair.nwb") is not None, v.message.value
    assert v.recording.meta["electrode"] == "post"  # "pre" has no stimulus times of its own partner
    assert [o[1] for o in v.channel.options] == ["pre", "post"]
    assert v.recording.units == "pA"
    np.testing.assert_allclose(v.recording.stimuli_ms["20Hz"], PULSES["20Hz"] * 0.05, atol=0.051)
    v.channel.value = "pre"  # no stimuli there: a message, the post recording stays
    assert "no stimulus times" in v.message.value and v.recording.meta["electrode"] == "post"
    assert v.channel.value == "post"
