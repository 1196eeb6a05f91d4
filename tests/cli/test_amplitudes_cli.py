"""``stpexplorer amplitudes RECORDING`` and ``stpexplorer fit RECORDING``: measure (and fit) an
ABF recording written here with pyabf."""

import json

import numpy as np
import pytest

from stpexplorer import AmplitudeData, read_recording
from stpexplorer.cli import main
from tests.recordings.sweeps import tm_amplitudes, train_sweeps

pyabf = pytest.importorskip("pyabf")

DT = 0.05
TIMES = 20.0 + np.arange(8) * 50.0


@pytest.fixture
def abf_path(tmp_path):
    y = train_sweeps(TIMES, tm_amplitudes(20, 8, 6), dt_ms=DT, duration_ms=500.0, noise=1.0, artefact=300.0)
    path = tmp_path / "cell 7.abf"
    pyabf.abfWriter.writeABF1(y.astype(np.float32), str(path), 1000.0 / DT, units="pA")
    return path


def test_amplitudes_writes_the_csv_the_fit_reads(abf_path, tmp_path, capsys):
    out = tmp_path / "amps.csv"
    assert main(["amplitudes", str(abf_path), "--method", "local", "--out", str(out)]) == 0
    assert "48 amplitudes of 6 sweeps" in capsys.readouterr().err
    back = AmplitudeData.from_csv(out)
    direct = read_recording(abf_path).amplitudes("local")
    np.testing.assert_allclose(back[direct.names[0]].amplitudes, direct[direct.names[0]].amplitudes, rtol=1e-12)
    np.testing.assert_allclose(back[direct.names[0]].isi_ms, [0] + [50.0] * 7, atol=DT)


def test_given_stimuli_replace_the_detected_ones(abf_path, capsys):
    assert main(["amplitudes", str(abf_path), "--stimuli", "20Hz:4@20ms"]) == 0
    text = capsys.readouterr().out
    assert text.splitlines()[0] == "protocol,sweep,spike,isi_ms,amplitude"
    assert len(text.splitlines()) == 1 + 6 * 4


def test_fit_measures_a_recording_and_names_the_connection_after_its_file(abf_path, tmp_path, capsys):
    out = tmp_path / "fit.json"
    assert main(["fit", str(abf_path), "--boot", "4", "--starts", "8", "--out", str(out)]) == 0
    conns = json.loads(out.read_text())["connections"]
    assert list(conns) == ["cell 7"]
    assert 0 < conns["cell 7"]["params"]["U"] < 1


def test_fit_names_a_csv_of_one_connection_after_its_file(abf_path, tmp_path):
    csv_path = tmp_path / "pair3.csv"
    assert main(["amplitudes", str(abf_path), "--out", str(csv_path)]) == 0
    out = tmp_path / "fit.json"
    assert main(["fit", str(csv_path), "--boot", "4", "--starts", "8", "--out", str(out)]) == 0
    assert list(json.loads(out.read_text())["connections"]) == ["pair3"]


def test_a_bad_recording_is_a_clear_message(tmp_path, capsys):
    bad = tmp_path / "broken.abf"
    bad.write_bytes(b"ABF " + b"\x00" * 20)
    assert main(["amplitudes", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("stpexplorer amplitudes: ") and "broken.abf" in err
    assert main(["amplitudes", str(tmp_path / "none.txt")]) == 1
    assert "cannot read '.txt' recordings" in capsys.readouterr().err
