"""read_nwb: paired recordings written here with pynwb (icephys tables, or bare series), the
presynaptic pulses as stimulus times, uploads read in memory, and malformed files always a
ValueError naming the file (parsed in a worker: an HDF5 crash kills only the worker)."""

import datetime
import os
import tempfile
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stpexplorer.recordings import _source
from stpexplorer.recordings.nwb import read_nwb

pynwb = pytest.importorskip("pynwb")
h5py = pytest.importorskip("h5py")
from pynwb.icephys import (  # noqa: E402
    CurrentClampSeries,
    CurrentClampStimulusSeries,
    VoltageClampSeries,
    VoltageClampStimulusSeries,
)

RATE = 20_000.0  # Hz: dt = 0.05 ms
PULSES = {"20Hz": np.array([200, 1200, 2200, 3200]), "50Hz": np.array([200, 600, 1000, 1400])}


def epsc(n, seed):
    return np.random.default_rng(seed).normal(0, 5, n) - 100 * (np.arange(n) % 1000 < 40)  # pA


def write(path, *, protocols=(("20Hz", 2), ("50Hz", 1)), n=4000, tables=True, lengths=None, rates=None,
          three=False):
    """Presynaptic cell 'pre' (current clamp, 1 nA pulses of 1 ms), postsynaptic 'post' (voltage
    clamp, response stored in nA: conversion 1e-9 A per unit, offset 2e-12 A)."""
    f = pynwb.NWBFile(session_description="pair", identifier="id",
                      session_start_time=datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc))
    dev = f.create_device(name="amp")
    pre = f.create_icephys_electrode(name="pre", description="presynaptic", device=dev)
    post = f.create_icephys_electrode(name="post", description="postsynaptic", device=dev)
    other = f.create_icephys_electrode(name="other", description="third", device=dev) if three else None
    sweep, seq = 0, []
    for proto, count in protocols:
        sims = []
        for _ in range(count):
            m = lengths[sweep] if lengths else n
            rate = rates[sweep] if rates else RATE
            stim = np.zeros(m)
            for s in PULSES[proto]:
                stim[s:s + 20] = 1e-9
            t0 = 10.0 * sweep
            kw = dict(rate=rate, gain=1.0, sweep_number=sweep, starting_time=t0)
            series = [(pre, CurrentClampStimulusSeries(name=f"Ipre{sweep}", data=stim, electrode=pre, **kw),
                       CurrentClampSeries(name=f"Vpre{sweep}", data=np.full(m, -0.065), electrode=pre, **kw)),
                      (post, VoltageClampStimulusSeries(name=f"Vcmd{sweep}", data=np.full(m, -0.07), electrode=post,
                                                        **kw),
                       VoltageClampSeries(name=f"Ipost{sweep}", data=(epsc(m, sweep) - 2.0) * 1e-3, electrode=post,
                                          conversion=1e-9, offset=2e-12, **kw))]
            if three:
                series.append((other, None, VoltageClampSeries(name=f"Iother{sweep}", data=np.zeros(m),
                                                               electrode=other, **kw)))
            if not tables:  # an older NWB 2 file: only the series, matched by sweep_number
                for _, stim_s, resp in series:
                    if stim_s is not None:
                        f.add_stimulus(stim_s)
                    f.add_acquisition(resp)
                sweep += 1
                continue
            rows = [f.add_intracellular_recording(electrode=e, stimulus=a, response=b) for e, a, b in series]
            sims.append(f.add_icephys_simultaneous_recording(recordings=rows))
            sweep += 1
        seq.append((proto, sims))
    for proto, sims in seq:
        if sims:
            f.add_icephys_sequential_recording(simultaneous_recordings=sims, stimulus_type=proto)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pynwb.NWBHDF5IO(str(path), "w") as io:
            io.write(f)
    return path


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    return write(tmp_path_factory.mktemp("nwb") / "pair.nwb")


def test_round_trip_units_protocols_and_presynaptic_pulses(pair):
    r = read_nwb(pair, electrode="post")
    assert r["sweeps"].shape == (3, 4000) and r["sweeps"].dtype == np.float64
    # stored in nA with conversion 1e-9 A and offset 2e-12 A, read back in pA
    expected = np.array([epsc(4000, k) for k in range(3)])
    np.testing.assert_allclose(r["sweeps"], expected, rtol=1e-9, atol=1e-9)
    assert r["units"] == "pA" and r["dt_ms"] == pytest.approx(0.05, rel=1e-12)
    assert r["protocol"] == ["20Hz", "20Hz", "50Hz"]
    for proto, edges in PULSES.items():
        np.testing.assert_allclose(r["stimuli_ms"][proto], edges * 0.05, atol=0.05 + 1e-12)
    assert r["meta"] == {"file": "pair.nwb", "channel": "post", "electrode": "post", "clamp": "voltage",
                         "stimulus_source": "stimulus of electrode pre", "electrodes": ["pre", "post"]}
    assert read_nwb(pair, electrode=1)["meta"]["electrode"] == "post"
    v = read_nwb(pair, electrode="pre", name="cell")
    assert v["units"] == "mV" and v["meta"]["clamp"] == "current" and v["meta"]["file"] == "cell"
    np.testing.assert_allclose(v["sweeps"], -65.0)
    assert v["stimuli_ms"] == {}  # the post electrode's command is flat, its own stimulus is not counted


def test_electrode_choice_errors(pair):
    with pytest.raises(ValueError, match=r"pair.nwb: .*2 electrodes.*\['pre', 'post'\]"):
        read_nwb(pair)
    with pytest.raises(ValueError, match=r"electrode must be one of \['pre', 'post'\].*got 'x'"):
        read_nwb(pair, electrode="x")
    with pytest.raises(ValueError, match=r"index in \[0, 1\].*got 4"):
        read_nwb(pair, electrode=4)
    with pytest.raises(ValueError, match="electrode: a name"):
        read_nwb(pair, electrode=1.5)


def test_unequal_lengths_are_padded_and_rates_must_agree(tmp_path):
    r = read_nwb(write(tmp_path / "pad.nwb", lengths=[4000, 3000, 3500]), electrode="post")
    assert r["sweeps"].shape == (3, 4000)
    assert np.isnan(r["sweeps"][1, 3000:]).all() and np.isfinite(r["sweeps"][1, :3000]).all()
    np.testing.assert_allclose(r["sweeps"][1, :3000], epsc(3000, 1), atol=1e-9)
    with pytest.raises(ValueError, match=r"rate.nwb: .*different rates \(20000 Hz and 10000 Hz\)"):
        read_nwb(write(tmp_path / "rate.nwb", rates=[RATE, 10_000.0, RATE]), electrode="post")


def test_without_tables_series_are_grouped_by_sweep_number(tmp_path):
    r = read_nwb(write(tmp_path / "bare.nwb", tables=False), electrode="post")
    assert r["sweeps"].shape == (3, 4000) and r["protocol"] == ["bare (1)", "bare (1)", "bare (2)"]
    np.testing.assert_allclose(r["stimuli_ms"]["bare (1)"], PULSES["20Hz"] * 0.05, atol=0.05)
    np.testing.assert_allclose(r["stimuli_ms"]["bare (2)"], PULSES["50Hz"] * 0.05, atol=0.05)


def test_a_third_electrode_without_stimulus(tmp_path):
    r = read_nwb(write(tmp_path / "three.nwb", three=True), electrode="other")
    assert r["sweeps"].shape == (3, 4000)
    np.testing.assert_allclose(r["stimuli_ms"]["20Hz"], PULSES["20Hz"] * 0.05, atol=0.05)


def test_external_links_are_refused(tmp_path):
    path = write(tmp_path / "ext.nwb")
    h5py.File(tmp_path / "other.h5", "w").create_dataset("x", data=np.arange(3.0))
    with h5py.File(path, "a") as h:
        h["acquisition/elsewhere"] = h5py.ExternalLink(str(tmp_path / "other.h5"), "/x")
    with pytest.raises(ValueError, match="ext.nwb: .*external link"):
        read_nwb(path, electrode="post")


def test_bytes_equal_the_path_and_write_no_file(pair, tmp_path, monkeypatch):
    from_path = read_nwb(pair, electrode="post")  # the worker is running before the listing
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    before = set(os.listdir(tempfile.gettempdir()))
    data = pair.read_bytes()
    for source in (data, bytearray(data), memoryview(data)):
        r = read_nwb(source, electrode="post")
        np.testing.assert_array_equal(r["sweeps"], from_path["sweeps"])
        assert r["protocol"] == from_path["protocol"] and r["meta"]["file"] == "upload"
        for p in from_path["stimuli_ms"]:
            np.testing.assert_array_equal(r["stimuli_ms"][p], from_path["stimuli_ms"][p])
    assert os.listdir(work) == [] and set(os.listdir(tempfile.gettempdir())) == before


def test_size_limit_and_missing_file(pair, monkeypatch):
    monkeypatch.setattr(_source, "MAX_BYTES", 4096)
    for source in (pair, pair.read_bytes()):
        with pytest.raises(ValueError, match=r"over the limit of .*4096 bytes"):
            read_nwb(source)
    monkeypatch.undo()
    with pytest.raises(FileNotFoundError, match="gone.nwb"):
        read_nwb(pair.parent / "gone.nwb")


def test_empty_text_and_random_files(tmp_path):
    (tmp_path / "empty.nwb").write_bytes(b"")
    (tmp_path / "notes.nwb").write_text("not hdf5\n")
    with pytest.raises(ValueError, match="empty.nwb: the file is empty"):
        read_nwb(tmp_path / "empty.nwb")
    with pytest.raises(ValueError, match="notes.nwb: not an HDF5"):
        read_nwb(tmp_path / "notes.nwb")
    h5py.File(tmp_path / "plain.nwb", "w").create_dataset("x", data=np.arange(3.0))
    with pytest.raises(ValueError, match="plain.nwb"):
        read_nwb(tmp_path / "plain.nwb")


FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _value_error_or_ok(data):
    try:
        r = read_nwb(data, electrode="post", name="fuzz.nwb")
    except ValueError as e:
        assert "fuzz.nwb" in str(e)
        return
    assert r["sweeps"].ndim == 2


@FUZZ
@given(frac=st.floats(0.0, 0.999))
def test_fuzz_truncated(pair, frac):
    data = pair.read_bytes()
    with pytest.raises(ValueError, match="fuzz.nwb"):
        read_nwb(data[: int(frac * len(data))], electrode="post", name="fuzz.nwb")


@FUZZ
@given(flips=st.lists(st.tuples(st.floats(0.0, 0.999), st.integers(0, 255)), min_size=1, max_size=20),
       head=st.booleans())
def test_fuzz_byte_flips(pair, flips, head):
    data = bytearray(pair.read_bytes())
    span = 4096 if head else len(data)  # the superblock and root group, or anywhere
    for at, value in flips:
        data[int(at * span)] = value
    _value_error_or_ok(bytes(data))


@FUZZ
@given(data=st.binary(min_size=1, max_size=4000))
def test_fuzz_random_bytes(data):
    _value_error_or_ok(b"\x89HDF\r\n\x1a\n" + data)


def test_a_crash_of_the_reader_is_a_value_error_and_the_next_read_works(pair):
    import signal
    import subprocess
    import sys

    from stpexplorer.recordings import _isolate

    with _isolate._LOCK:  # replace the worker by one that segfaults as HDF5 does on some corrupt files
        _isolate._kill()
        _isolate._WORKER.append(subprocess.Popen(
            [sys.executable, "-c", "import os, signal, sys; sys.stdin.buffer.read(8); os.kill(os.getpid(), signal.SIGSEGV)"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0))
    with pytest.raises(ValueError, match=rf"crash.nwb: corrupt file: the reader crashed on it \(exit code -{int(signal.SIGSEGV)}\)"):
        read_nwb(pair, electrode="post", name="crash.nwb")
    assert read_nwb(pair, electrode="post")["sweeps"].shape == (3, 4000)
