"""AmplitudeData: dict, CSV (long and wide), pandas; the bad-input table; synthetic data; the fit CLI."""

import csv
import json

import numpy as np
import pytest

import stpexplorer as stp
from stpexplorer import cli
from stpexplorer.fit import AmplitudeData, connections_from_csv, synthetic_amplitudes
from tests.reference import release_fraction

ISI = [0.0, 50.0, 50.0]


def write(path, header, rows):
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


LONG = ["protocol", "sweep", "spike", "isi_ms", "amplitude"]


def long_rows(prot="20 Hz", sweeps=2, amps=(1.0, 0.7, 0.6)):
    return [[prot, s, k, ISI[k], amps[k] + 0.1 * s] for s in range(sweeps) for k in range(3)]


def test_long_csv_round_trip_and_pandas(tmp_path):
    rows = long_rows() + long_rows("paired", 1, (2.0, 2.5, 2.2))
    rows[1][4] = ""  # a missing value
    d = AmplitudeData.from_csv(write(tmp_path / "a.csv", LONG, rows))
    assert d.names == ("20 Hz", "paired")
    np.testing.assert_array_equal(d["20 Hz"].isi_ms, ISI)
    a = d["20 Hz"].amplitudes
    assert a.shape == (2, 3) and np.isnan(a[0, 1]) and a[1, 2] == pytest.approx(0.7)
    df = d.to_frame()
    assert list(df.columns) == LONG and len(df) == 8
    d2 = AmplitudeData.from_frame(df)
    np.testing.assert_array_equal(d2["20 Hz"].amplitudes, a)
    d3 = AmplitudeData.from_dict(d.to_dict())
    np.testing.assert_array_equal(d3["paired"].amplitudes, d["paired"].amplitudes)


def test_wide_csv(tmp_path):
    rows = [["20 Hz", "isi_ms", 0, 50, 50], ["20 Hz", 0, 1.0, 0.7, 0.6], ["20 Hz", 1, 1.1, "", 0.5],
            ["pp", "isi_ms", 0, 30, ""], ["pp", 0, 2.0, 2.4, ""]]
    d = AmplitudeData.from_csv(write(tmp_path / "w.csv", ["protocol", "sweep", "a0", "a1", "a2"], rows))
    assert d["20 Hz"].amplitudes.shape == (2, 3) and np.isnan(d["20 Hz"].amplitudes[1, 1])
    np.testing.assert_array_equal(d["pp"].isi_ms, [0.0, 30.0])


@pytest.mark.parametrize("rows, match", [
    ([["20 Hz", 0, 0, 0, 1.0], ["20 Hz", 0, 1, -5, 0.7]],
     r"row 3, column 'isi_ms': protocol '20 Hz' spike 1: interval must be finite and >= 0 ms, got -5"),
    ([["20 Hz", 0, 0, 0, 1.0], ["20 Hz", 0, 1, "inf", 0.7]], r"row 3, column 'isi_ms'.*got inf"),
    ([["20 Hz", 0, 0, 0, 1.0], ["20 Hz", 0, 1, 50, "abc"]], r"row 3, column 'amplitude': 'abc' is not a number"),
    ([["20 Hz", 0, 0, 0, 1.0], ["20 Hz", "x", 1, 50, 0.7]], r"row 3, column 'sweep': 'x' is not a number"),
    ([["20 Hz", 0, 0, 0, 1.0], ["20 Hz", 0, 0, 0, 0.7]],
     r"row 3: duplicate \(protocol, sweep, spike\) = \('20 Hz', 0, 0\), first given in row 2"),
    ([["20 Hz", 0, 0, 0, 1.0], ["20 Hz", 0, 2, 50, 0.7]], r"protocol '20 Hz': spike 1 is missing in every sweep"),
    ([["20 Hz", 0, 0, 0, 1.0], ["20 Hz", 0, 1, 50, 0.7], ["20 Hz", 1, 1, 40, 0.7]],
     r"row 4, column 'isi_ms': protocol '20 Hz' spike 1 has interval 40 ms but 50 ms in row 3"),
    ([["20 Hz", 0, 0, 0, ""], ["20 Hz", 0, 1, 50, "nan"]], r"protocol '20 Hz' has no values"),
    ([["20 Hz", 0, 0, 10, 1.0]], r"protocol '20 Hz': isi_ms\[0\] must be 0 \(the first spike is from rest\), got 10"),
    ([], r"no protocols"),
])
def test_bad_long_csv(tmp_path, rows, match):
    with pytest.raises(ValueError, match=match):
        AmplitudeData.from_csv(write(tmp_path / "bad.csv", LONG, rows))


def test_bad_csv_columns_and_files(tmp_path):
    with pytest.raises(ValueError, match=r"long format needs columns .* missing \['isi_ms'\]"):
        AmplitudeData.from_csv(write(tmp_path / "c.csv", ["protocol", "sweep", "spike", "amplitude"], []))
    with pytest.raises(ValueError, match=r"the file is empty"):
        AmplitudeData.from_csv(write(tmp_path / "e.csv", [], []))
    rows = [["20 Hz", "isi_ms", 0, 50, ""], ["20 Hz", 0, 1.0, 0.7, 0.5]]
    with pytest.raises(ValueError, match=r"row 3: protocol '20 Hz' has 2 spikes but values beyond column 'a1'"):
        AmplitudeData.from_csv(write(tmp_path / "w.csv", ["protocol", "sweep", "a0", "a1", "a2"], rows))
    # a cell that looks like code is data, never evaluated
    with pytest.raises(ValueError, match=r"'__import__\(\"os\"\)' is not a number"):
        AmplitudeData.from_csv(write(tmp_path / "x.csv", LONG, [["p", 0, 0, 0, '__import__("os")']]))


@pytest.mark.parametrize("d, match", [
    ({}, r"from_dict needs a non-empty dict"),
    ({"a": ([0, -1], [1, 1])}, r"protocol 'a': isi_ms\[1\] must be a finite interval >= 0 ms, got -1"),
    ({"a": ([0, np.nan], [1, 1])}, r"protocol 'a': isi_ms\[1\] must be a finite interval >= 0 ms, got nan"),
    ({"a": ([0, 10, 10], [[1, 1]])}, r"protocol 'a': amplitudes must have shape \(n_sweeps, 3\) or \(3,\) "
                                     r"to match isi_ms, got shape \(1, 2\)"),
    ({"a": ([0, 10], [np.nan, np.nan])}, r"protocol 'a' has no values"),
    ({"a": ([0, 10], ["x", 1])}, r"protocol 'a': amplitudes must be numbers"),
    ({"a": ([0, 10], [np.inf, 1])}, r"protocol 'a': amplitude of sweep 0, spike 0 must be finite"),
    ({"a": [0, 10, 20]}, r"protocol 'a': value must be a pair \(isi_ms, amplitudes\)"),
])
def test_bad_dict(d, match):
    with pytest.raises(ValueError, match=match):
        AmplitudeData.from_dict(d)


def test_synthetic_mean_is_n_sites_q_u_x():
    p = stp.STPParams(U=0.3, tau_f=100.0, tau_d=200.0, f=0.2)
    isi = [0.0, 20.0, 20.0, 20.0]
    d = synthetic_amplitudes(p, {"a": isi}, n_sweeps=20000, n_sites=5, quantal_size=2.0, cv=0.4, seed=0)
    want = 5 * 2.0 * release_fraction(p, isi)
    np.testing.assert_allclose(d["a"].amplitudes.mean(0), want, rtol=0.02)
    d0 = synthetic_amplitudes(p, {"a": isi}, n_sweeps=3, n_sites=5, quantal_size=2.0, cv=0.0, seed=0)
    assert np.all(np.mod(d0["a"].amplitudes, 2.0) == 0)
    with pytest.raises(ValueError, match=r"cv must be >= 0 \(0: identical quanta\), got -1.0"):
        synthetic_amplitudes(p, {"a": isi}, n_sweeps=3, n_sites=5, quantal_size=2.0, cv=-1, seed=0)


def test_cli_fit_many_connections(tmp_path, capsys):
    prots = {"10 Hz": np.r_[0.0, np.full(7, 100.0)], "50 Hz": np.r_[0.0, np.full(7, 20.0), 600.0],
             "paired 30 ms": np.array([0.0, 30.0])}
    rows = []
    truth = {"c1": stp.STPParams(U=0.5, tau_f=20.0, tau_d=400.0), "c2": stp.STPParams(U=0.1, tau_f=300.0, tau_d=100.0),
             "c3": stp.STPParams(U=0.3, tau_f=100.0, tau_d=300.0)}
    for c, p in truth.items():
        for r in synthetic_amplitudes(p, prots, n_sweeps=5, n_sites=10, quantal_size=1.0, cv=0.3, seed=1).to_records():
            rows.append([c, *r])
    path = write(tmp_path / "many.csv", ["connection", *LONG], rows)
    out = tmp_path / "fit.csv"
    assert cli.main(["fit", str(path), "--boot", "16", "--starts", "16", "--chunk", "2", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "2/3 connections" in err and "3/3 connections" in err
    table = list(csv.DictReader(open(out)))
    assert [r["connection"] for r in table] == ["c1", "c2", "c3"]
    for r in table:
        assert float(r["U_lo"]) <= float(r["U"]) <= float(r["U_hi"])
    js = tmp_path / "fit.json"
    # same shapes and options as above: the compiled solver is reused
    assert cli.main(["fit", str(path), "--boot", "16", "--starts", "16", "--chunk", "2", "--out", str(js)]) == 0
    assert set(json.loads(js.read_text())["connections"]) == {"c1", "c2", "c3"}
    assert cli.main(["fit", str(tmp_path / "missing.csv")]) == 1
    assert "stpexplorer fit:" in capsys.readouterr().err
    assert set(connections_from_csv(path)) == {"c1", "c2", "c3"}


def test_docstring_examples_of_the_fit_modules():
    import doctest

    from stpexplorer.fit import _data

    res = doctest.testmod(_data, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert res.attempted > 0 and res.failed == 0
