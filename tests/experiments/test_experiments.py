"""The experiments layer: presets, parameter files and CSV export."""

import json

import numpy as np
import pytest

import stpexplorer as stp
from stpexplorer import experiments as ex
from stpexplorer.experiments.presets import PRESETS


def _same_run(a, b) -> bool:
    da, db = a.to_dict(), b.to_dict()
    return da.keys() == db.keys() and all(np.array_equal(np.asarray(da[k], dtype=object), np.asarray(db[k], dtype=object))
                                          for k in da)


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_is_in_range_and_its_values_reach_the_simulation(name):
    """A preset's values pass their controls' checks unchanged, and its run differs from the
    defaults' run exactly when it sets a value that acts (not hidden by a choice) to something
    other than the default: a value that never reached the simulation would fail here."""
    preset = PRESETS[name]
    assert preset.citation
    for panel in preset.panels:
        exp = ex.EXPERIMENTS[panel]
        vals = exp.preset_values(name)
        assert vals, (name, panel)
        for k, v in vals.items():
            assert exp.control(k).check(v) == v, (name, panel, k)
        d = exp.defaults()
        acting = {k for k, v in vals.items() if k not in exp.inactive({**d, **vals}) and v != d[k]}
        res, base = exp.run(vals), exp.run({})
        for f in exp.per_step:
            assert np.isfinite(np.asarray(getattr(res, f), dtype=np.float64)).all(), (name, panel, f)
        assert _same_run(res, base) == (not acting), (name, panel, sorted(acting))


def test_tpm98_presets_reproduce_depression_and_facilitation():
    dep = ex.run("stp", preset="TPM98 depressing", values={"probe_delay_ms": 0.0})
    fac = ex.run("stp", preset="TPM98 facilitating", values={"probe_delay_ms": 0.0})
    assert np.all(np.diff(dep.release_at_spikes) < 0)
    assert fac.release_at_spikes[1] > fac.release_at_spikes[0]
    assert dep.release_at_spikes[0] == pytest.approx(0.5)


def test_stp_result_matches_engine():
    vals = {"U": 0.3, "tau_f": 100.0, "tau_d": 400.0, "protocol": "poisson", "rate_hz": 25.0, "seed": 4}
    res = ex.run("stp", values=vals)
    s = stp.poisson_train(25.0, duration_ms=2000.0, dt_ms=0.1, seed=4)
    tr = stp.simulate_stp(stp.STPParams(U=0.3, tau_f=100.0, tau_d=400.0), s, dt_ms=0.1)
    np.testing.assert_array_equal(res.u, np.asarray(tr.u))
    u, x, r = stp.steady_state(stp.STPParams(U=0.3, tau_f=100.0, tau_d=400.0), 25.0)
    assert res.release_star == pytest.approx(float(r))


def test_unknown_preset_and_parameter_name_the_valid_ones():
    with pytest.raises(ValueError, match="valid presets: .*TPM98 depressing"):
        ex.run("stp", preset="nope")
    with pytest.raises(ValueError, match="unknown parameter 'tauf' for stp; valid parameters: U, tau_f"):
        ex.run("stp", values={"tauf": 3})
    with pytest.raises(ValueError, match=r"U must be in \(0, 1\], got 3"):
        ex.run("stp", values={"U": 3})
    with pytest.raises(ValueError, match="method must be one of"):
        ex.run("stp", values={"method": "rk4"})


@pytest.mark.parametrize("panel", list(ex.EXPERIMENTS))
def test_json_round_trip(panel):
    exp = ex.EXPERIMENTS[panel]
    vals = exp.defaults()
    text = ex.dump_json(exp, vals)
    assert ex.load_json(exp, text) == exp.validate(vals)


@pytest.mark.parametrize("text,match", [
    ("{not json", "not a valid JSON parameter file"),
    ("[1, 2]", "not a stpexplorer parameter file"),
    (json.dumps({"format": ex.FORMAT, "panel": "stdp", "values": {}}), "parameters of panel 'stdp', not 'stp'"),
    (json.dumps({"format": ex.FORMAT, "panel": "stp", "values": {"U": 0.5}}), "missing parameters for stp: tau_f"),
    (json.dumps({"format": ex.FORMAT, "panel": "stp", "values": {"__import__('os')": 1}}), "missing parameters"),
])
def test_bad_parameter_files_are_rejected(text, match):
    with pytest.raises(ValueError, match=match):
        ex.load_json(ex.EXPERIMENTS["stp"], text)


def test_out_of_range_and_code_like_values_are_rejected():
    exp = ex.EXPERIMENTS["stp"]
    doc = json.loads(ex.dump_json(exp, exp.defaults()))
    doc["values"]["tau_d"] = -3
    with pytest.raises(ValueError, match=r"tau_d must be in \[0, inf\) ms \(0 = off\), got -3"):
        ex.load_json(exp, json.dumps(doc))
    doc["values"]["tau_d"] = "__import__('os').system('echo hi')"
    with pytest.raises(ValueError, match="tau_d must be a number"):
        ex.load_json(exp, json.dumps(doc))
    doc["values"]["tau_d"] = 100.0
    doc["values"]["extra"] = 1
    with pytest.raises(ValueError, match="unknown parameter 'extra'"):
        ex.load_json(exp, json.dumps(doc))


def test_csv_has_time_and_every_per_step_trace():
    exp = ex.EXPERIMENTS["circuit"]
    res = exp.run()
    text = ex.to_csv(exp, res)
    lines = text.splitlines()
    header = lines[0].split(",")
    assert header[0] == "t_ms" and "v_mV" in header and "w_mean" in header  # units in the headers
    assert len(lines) == 1 + res.t.size
    row = np.array(lines[10].split(","), dtype=float)
    assert row[0] == pytest.approx(res.t[9])
    assert row[header.index("v_mV")] == pytest.approx(res.v[9], rel=1e-6)
