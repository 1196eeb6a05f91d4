"""read_abf: numbers round-trip through ABF1 files written here (and by pyabf), stimulus times
from a recorded channel and from the epoch table, uploads read in memory, and malformed files
always a ValueError naming the file."""

import os
import tempfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stpexplorer.recordings import _source
from stpexplorer.recordings.abf import read_abf
from tests.recordings._abf1 import write_abf1

pyabf = pytest.importorskip("pyabf")
RATE = 10_000.0  # Hz: dt = 0.1 ms
EDGES = np.array([300, 800, 1300, 1800])  # samples of the stimulus channel's rising edges
#: epochs of DAC 0: holding, then three 2 ms steps to 50 mV every 20 ms; the third moves 1 ms later each sweep
EPOCHS = [(1, 0.0, 100, 0), (1, 50.0, 20, 0), (1, 0.0, 180, 0), (1, 50.0, 20, 0), (1, 0.0, 180, 10), (1, 50.0, 20, 0)]


def two_channels(n_sweeps=3, n=2000, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.normal(0.0, 50.0, (2, n_sweeps, n))
    y[1] = 0.0
    for s in EDGES:
        y[1, :, s:s + 10] = 5.0  # a 5 V trigger monitor
    return y


@pytest.fixture
def paired(tmp_path):
    y = two_channels()
    path = write_abf1(tmp_path / "cell1.abf", y, RATE, ("pA", "V"), quantum=(0.01, 0.001),
                      protocol="C:\\protocols\\train 20Hz.pro")
    return path, y


def test_round_trip_of_sweeps_dt_units_and_protocol(paired):
    path, y = paired
    r = read_abf(path)
    assert r["sweeps"].dtype == np.float64 and r["sweeps"].shape == (3, 2000)
    # stored as round(value / 0.01): off by at most half a step, plus float32 rounding in pyabf
    np.testing.assert_allclose(r["sweeps"], y[0], rtol=0, atol=0.005 + 1e-6 * 200)
    assert r["dt_ms"] == pytest.approx(0.1, rel=1e-6)
    assert r["units"] == "pA" and r["meta"]["clamp"] == "voltage"
    assert r["protocol"] == ["train 20Hz"] * 3
    assert r["stimuli_ms"] == {} and r["meta"]["stimulus_source"] == ""
    assert r["meta"]["file"] == "cell1.abf" and r["meta"]["channel"] == 0
    v = read_abf(path, channel=1, name="mine")
    assert v["units"] == "V" and v["meta"]["file"] == "mine"
    np.testing.assert_allclose(v["sweeps"], y[1], atol=0.0005 + 1e-6 * 5)


def test_pyabf_written_file_and_file_stem_as_protocol(tmp_path):
    y = np.random.default_rng(3).normal(0, 20, (4, 500))
    pyabf.abfWriter.writeABF1(y, str(tmp_path / "sweeps.abf"), 20_000, "mV")
    r = read_abf(tmp_path / "sweeps.abf")
    # pyabf's writer truncates value * scale to int16, its scale a power of ten with
    # 32767 / scale >= max|y|: one step is at most 10 max|y| / 32767
    np.testing.assert_allclose(r["sweeps"], y, atol=10 * np.abs(y).max() / 32767 + 1e-5)
    assert r["dt_ms"] == pytest.approx(0.05) and r["units"] == "mV" and r["meta"]["clamp"] == "current"
    assert r["protocol"] == ["sweeps"] * 4


def test_stimulus_channel_gives_its_pulse_onsets(paired):
    path, _ = paired
    r = read_abf(path, stimulus_channel=1)
    np.testing.assert_allclose(r["stimuli_ms"]["train 20Hz"], EDGES * 0.1, atol=0.1 + 1e-9)
    assert r["meta"]["stimulus_source"] == "channel 1"


def test_epoch_table_command_waveform(tmp_path):
    path = write_abf1(tmp_path / "ep.abf", two_channels()[:1], RATE, ("pA",), epochs=EPOCHS, waveform_source=1)
    r = read_abf(path)
    # Clampex holds 1/64 of the sweep (2000 // 64 = 31 samples) before the first epoch
    first = 31 + 100
    expected = [np.array([first, first + 200, first + 400 + 10 * k]) * 0.1 for k in range(3)]
    assert r["protocol"] == ["ep (1)", "ep (2)", "ep (3)"]  # the third pulse moves: one protocol per sweep
    for k in range(3):
        np.testing.assert_allclose(r["stimuli_ms"][f"ep ({k + 1})"], expected[k], atol=1e-9)
    assert r["meta"]["stimulus_source"] == "command waveform DAC 0"


def test_a_single_test_pulse_is_not_a_train(tmp_path):
    path = write_abf1(tmp_path / "tp.abf", two_channels()[:1], RATE, ("pA",),
                      epochs=[(1, 0.0, 100, 0), (1, -5.0, 100, 0)], waveform_source=1)
    assert read_abf(path)["stimuli_ms"] == {}


def test_a_stimulus_file_is_never_looked_up(tmp_path, monkeypatch):
    (tmp_path / "stim.abf").write_bytes(b"ABF secret")
    monkeypatch.chdir(tmp_path)

    def refuse(*a, **k):
        raise AssertionError("pyabf was asked for the stimulus file")

    monkeypatch.setattr(pyabf.stimulus, "stimulusWaveformFromFile", refuse)
    monkeypatch.setattr(pyabf.stimulus, "findStimulusWaveformFile", refuse)
    path = write_abf1(tmp_path / "f.abf", two_channels()[:1], RATE, ("pA",), epochs=EPOCHS, waveform_source=2,
                      dac_file="C:\\stim\\stim.abf")
    r = read_abf(path)
    assert r["stimuli_ms"] == {} and r["meta"]["stimulus_source"] == ""


def test_bytes_read_in_memory_equal_the_path(paired, tmp_path, monkeypatch):
    path, _ = paired
    from_path = read_abf(path, stimulus_channel=1)
    data = path.read_bytes()
    calls = []
    real = os.memfd_create
    monkeypatch.setattr(os, "memfd_create", lambda *a: calls.append(a) or real(*a))

    def no_disk(*a, **k):
        raise AssertionError("an upload went to a temporary directory")

    monkeypatch.setattr(tempfile, "TemporaryDirectory", no_disk)
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    before = set(os.listdir(tempfile.gettempdir()))
    for source in (data, bytearray(data), memoryview(data)):
        r = read_abf(source, stimulus_channel=1)
        np.testing.assert_array_equal(r["sweeps"], from_path["sweeps"])
        np.testing.assert_array_equal(r["stimuli_ms"]["train 20Hz"], from_path["stimuli_ms"]["train 20Hz"])
        assert r["meta"]["file"] == "upload" and r["dt_ms"] == from_path["dt_ms"]
    assert len(calls) == 3
    assert os.listdir(work) == [] and set(os.listdir(tempfile.gettempdir())) == before


def test_without_memfd_the_private_directory_is_removed(paired, tmp_path, monkeypatch):
    path, _ = paired
    monkeypatch.delattr(os, "memfd_create")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    r = read_abf(path.read_bytes())
    assert r["sweeps"].shape == (3, 2000) and os.listdir(tmp) == []


def test_size_limit_missing_file_and_bad_arguments(paired, monkeypatch):
    path, _ = paired
    monkeypatch.setattr(_source, "MAX_BYTES", 1000)
    for source in (path, path.read_bytes()):
        with pytest.raises(ValueError, match=r"over the limit of .*1000 bytes"):
            read_abf(source)
    monkeypatch.undo()
    with pytest.raises(FileNotFoundError, match="nope.abf"):
        read_abf(path.parent / "nope.abf")
    with pytest.raises(ValueError, match=r"channel must be an ADC channel in \[0, 1\], got 2"):
        read_abf(path, channel=2)
    with pytest.raises(ValueError, match=r"stimulus_channel must be an ADC channel in \[0, 1\], got 5"):
        read_abf(path, stimulus_channel=5)
    with pytest.raises(ValueError, match="channel: must be an ADC channel index"):
        read_abf(path, channel=-1)


@pytest.fixture(scope="module")
def good_bytes(tmp_path_factory):
    path = tmp_path_factory.mktemp("abf") / "g.abf"
    return write_abf1(path, two_channels(n=600), RATE, ("pA", "V"), quantum=(0.01, 0.001),
                      epochs=EPOCHS[:4], waveform_source=1).read_bytes()


def _value_error_or_ok(data):
    try:
        r = read_abf(data, name="fuzz.abf")
    except ValueError as e:
        assert "fuzz.abf" in str(e)
        return
    assert r["sweeps"].ndim == 2 and r["sweeps"].dtype == np.float64


FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FAST
@given(cut=st.integers(min_value=0, max_value=9000))
def test_fuzz_truncated(good_bytes, cut):
    if cut >= len(good_bytes):
        return
    with pytest.raises(ValueError, match="fuzz.abf"):
        read_abf(good_bytes[:cut], name="fuzz.abf")


@FAST
@given(flips=st.lists(st.tuples(st.integers(0, 6143), st.integers(0, 255)), min_size=1, max_size=12))
def test_fuzz_header_byte_flips(good_bytes, flips):
    data = bytearray(good_bytes)
    for at, value in flips:
        data[at] = value
    _value_error_or_ok(bytes(data))


@FAST
@given(data=st.binary(min_size=0, max_size=8000), abf2=st.booleans())
def test_fuzz_random_bytes(data, abf2):
    data = (b"ABF2" if abf2 else b"ABF ") + data
    _value_error_or_ok(data)


def test_empty_and_text_files(tmp_path):
    (tmp_path / "empty.abf").write_bytes(b"")
    (tmp_path / "notes.abf").write_text("protocol,sweep\n20Hz,0\n")
    with pytest.raises(ValueError, match="empty.abf: the file is empty"):
        read_abf(tmp_path / "empty.abf")
    with pytest.raises(ValueError, match="notes.abf: not an ABF file"):
        read_abf(tmp_path / "notes.abf")
