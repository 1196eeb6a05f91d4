"""fit_stp through the public API: exact recovery, never worse than a grid search, honest intervals."""

import json

import jax
import numpy as np
import pytest

import stpexplorer as stp
from stpexplorer.fit import AmplitudeData, fit_stp, synthetic_amplitudes
from tests.reference import release_fraction

# one shape for every fit in this file (3 protocols x 9 spikes, R = 16 problems): one compilation per model
PROTOCOLS = {"10 Hz": np.r_[0.0, np.full(7, 100.0)],
             "50 Hz": np.r_[0.0, np.full(7, 20.0), 600.0],
             "paired 30 ms": np.array([0.0, 30.0])}
KW = dict(n_starts=16, n_boot=16)


def exact_data(params, n_sweeps=1):
    return AmplitudeData.from_dict({k: (v, np.tile(float(params.W) * release_fraction(params, v), (n_sweeps, 1)))
                                    for k, v in PROTOCOLS.items()})


@pytest.mark.parametrize("model, true", [
    ("tm", stp.STPParams(U=0.2, tau_f=150.0, tau_d=300.0, W=2.0)),
    ("tm", stp.STPParams(U=0.6, tau_f=20.0, tau_d=700.0, W=40.0)),
    ("etm", stp.STPParams(U=0.1, tau_f=200.0, tau_d=250.0, W=3.0, f=0.3)),
    ("etm", stp.STPParams(U=0.4, tau_f=80.0, tau_d=500.0, W=0.5, f=0.05)),
])
def test_noise_free_data_recover_parameters_to_1e_4(model, true):
    r = fit_stp(exact_data(true), model=model, **KW)
    for name in ("U", "tau_f", "tau_d", "W") + (("f",) if model == "etm" else ()):
        want = float(getattr(true, name))
        assert r.values[name] == pytest.approx(want, rel=1e-4), name
    assert r.sse < 1e-12 * float(true.W) ** 2
    assert r.n_converged >= 1 and r.params.f is None if model == "tm" else r.params.f is not None


def grid_sse(data, n=36):
    """Dense grid over U x tau_f x tau_d (W by least squares): the smallest SSE on the grid."""
    U = np.linspace(0.02, 0.98, n)[:, None, None]
    tf = np.geomspace(1.0, 5000.0, n)[None, :, None]
    td = np.geomspace(1.0, 5000.0, n)[None, None, :]
    num = den = const = 0.0
    for p in data.protocols:
        u, x = U + 0 * tf * td, np.ones(1) + 0 * U * tf * td
        ok = np.isfinite(p.amplitudes)
        c, s1 = ok.sum(0), np.where(ok, p.amplitudes, 0).sum(0)
        const += np.sum(np.where(ok, p.amplitudes, 0) ** 2)
        for k, d in enumerate(p.isi_ms):
            if k:
                x = 1 + (x - u * x - 1) * np.exp(-d / td)
                u = U + u * (1 - U) * np.exp(-d / tf)
            m = u * x
            num = num + s1[k] * m
            den = den + c[k] * m * m
    W = np.maximum(num / den, 0)
    sse = const - 2 * W * num + W * W * den
    return float(sse.min())


@pytest.mark.parametrize("seed", [0, 1])
def test_fit_sse_never_exceeds_a_dense_grid_search(seed):
    true = stp.STPParams(U=0.3, tau_f=60.0, tau_d=400.0)
    d = synthetic_amplitudes(true, PROTOCOLS, n_sweeps=8, n_sites=8, quantal_size=1.0, cv=0.3, seed=seed)
    r = fit_stp(d, model="tm", **KW)
    assert r.sse <= grid_sse(d) * (1 + 1e-9)
    assert r.objective == pytest.approx(r.sse, rel=1e-8)


def test_bootstrap_intervals_cover_the_truth_loosely():
    # nominal 95 %; a loose bound (>= 70 % of 20 datasets, each parameter) that a broken interval fails
    true = stp.STPParams(U=0.3, tau_f=100.0, tau_d=300.0)
    names = ("U", "tau_f", "tau_d")
    hits = {n: 0 for n in names}
    for seed in range(20):
        d = synthetic_amplitudes(true, PROTOCOLS, n_sweeps=20, n_sites=10, quantal_size=1.0, cv=0.3, seed=100 + seed)
        r = fit_stp(d, model="tm", seed=seed, **KW)
        for n in names:
            lo, hi = r.ci[n]
            hits[n] += lo <= float(getattr(true, n)) <= hi
        w = 10 * 1.0
        hits.setdefault("W", 0)
        hits["W"] += r.ci["W"][0] <= w <= r.ci["W"][1]
    assert all(h >= 14 for h in hits.values()), hits


def test_non_identifiable_tau_f_of_a_depressing_synapse_reaches_the_bound():
    true = stp.STPParams(U=0.5, tau_f=0.0, tau_d=500.0)
    d = synthetic_amplitudes(true, PROTOCOLS, n_sweeps=10, n_sites=20, quantal_size=1.0, cv=0.2, seed=3)
    r = fit_stp(d, model="tm", **KW)
    assert r.at_bound["tau_f"] == "lower"
    assert r.at_bound["tau_d"] is None and r.ci["tau_d"][0] < 500.0 < r.ci["tau_d"][1]
    # pinning tau_f = 0 is allowed and reported as fixed
    r0 = fit_stp(d, model="tm", fixed={"tau_f": 0.0}, **KW)
    assert r0.values["tau_f"] == 0.0 and r0.at_bound["tau_f"] == "fixed" and r0.sse <= r.sse * (1 + 1e-6)


def test_result_api_predict_residuals_r2_json():
    true = stp.STPParams(U=0.2, tau_f=150.0, tau_d=300.0, W=2.0)
    d = synthetic_amplitudes(true, PROTOCOLS, n_sweeps=20, n_sites=50, quantal_size=0.04, cv=0.3, seed=5)
    r = fit_stp(d, **KW)
    pred = r.predict("50 Hz")
    assert pred.shape == (9,)
    np.testing.assert_allclose(r.predict(PROTOCOLS["50 Hz"]), pred)
    # the model is the engine's (float32 by default): residuals near 0 agree to float32 round-off
    np.testing.assert_allclose(r.residuals["50 Hz"], d["50 Hz"].amplitudes - pred[None], atol=1e-6)
    sse = sum(float(np.nansum(v ** 2)) for v in r.residuals.values())
    assert r.sse == pytest.approx(sse, rel=1e-10)
    assert all(0 < r.r2[k] < 1 for k in PROTOCOLS) and r.r2_means["50 Hz"] > 0.9
    assert set(r.boot) == {"U", "f", "tau_f", "tau_d", "W"} and r.boot["U"].shape == (16,)
    out = json.loads(json.dumps(r.to_dict(), allow_nan=False))
    assert out["params"]["U"] == pytest.approx(r.values["U"]) and out["n_starts"] == 16


def test_same_shapes_do_not_recompile_and_weights():
    from stpexplorer.engine import compile_count

    true = stp.STPParams(U=0.2, tau_f=150.0, tau_d=300.0, W=2.0)
    d1 = synthetic_amplitudes(true, PROTOCOLS, n_sweeps=6, n_sites=10, quantal_size=0.2, cv=0.3, seed=1)
    fit_stp(d1, **KW)
    before = compile_count()
    for seed in range(3):
        d = synthetic_amplitudes(true, PROTOCOLS, n_sweeps=6 + seed, n_sites=10, quantal_size=0.2, cv=0.3, seed=seed)
        r_obs = fit_stp(d, seed=seed, **KW)
        r_prot = fit_stp(d, seed=seed, weights="protocols", **KW)
    assert compile_count() == before
    # equal observation counts per protocol... differ here (9, 9, 2 spikes): weighting changes the fit
    assert r_prot.objective != pytest.approx(r_obs.objective)
    assert r_prot.sse >= r_obs.sse * (1 - 1e-9)  # the unweighted SSE is minimised by "observations"


@pytest.mark.parametrize("kwargs, match", [
    (dict(model="x"), r"model must be one of \('tm', 'etm'\), got 'x'"),
    (dict(weights="sweeps"), r"weights must be one of \('observations', 'protocols'\), got 'sweeps'"),
    (dict(n_starts=0), r"n_starts must be an integer >= 1, got 0"),
    (dict(n_boot=-1), r"n_boot must be an integer >= 0, got -1"),
    (dict(fixed={"g": 1.0}), r"fixed: unknown parameter 'g' for model 'tm'"),
    (dict(fixed={"f": 0.1}), r"fixed: unknown parameter 'f' for model 'tm'"),
    (dict(fixed={"U": 1.5}), r"fixed\['U'\] must be in \(0, 1\], got 1.5"),
    (dict(fixed={"tau_d": -3}), r"fixed\['tau_d'\] must be in \[0, inf\), got -3"),
    (dict(fixed={"U": 0.5, "tau_f": 0.0, "tau_d": 100.0}), r"fixed leaves nothing but W to fit"),
])
def test_bad_fit_options(kwargs, match):
    d = exact_data(stp.STPParams(U=0.2, tau_f=150.0, tau_d=300.0))
    with pytest.raises(ValueError, match=match):
        fit_stp(d, **kwargs)
    with pytest.raises(ValueError, match="data must be an AmplitudeData, got dict"):
        fit_stp({"a": 1})


def test_fit_runs_in_float64_and_leaves_the_engine_dtype_alone():
    r = fit_stp(exact_data(stp.STPParams(U=0.2, tau_f=150.0, tau_d=300.0)), **KW)
    assert np.asarray(r.params.U).dtype == stp.float_dtype()
    assert not jax.config.jax_enable_x64 or stp.float_dtype() == np.float64


# ----------------------------------------------------------------------------- progress, FitJob

def _quantal(seed=4):
    true = stp.STPParams(U=0.2, tau_f=150.0, tau_d=300.0, W=2.0)
    return synthetic_amplitudes(true, PROTOCOLS, n_sweeps=6, n_sites=20, quantal_size=0.1, cv=0.3, seed=seed)


def test_progress_reports_stages_in_order_and_does_not_change_the_fit():
    d = _quantal()
    calls = []
    r = fit_stp(d, progress=lambda frac, stage: calls.append((frac, stage)), **KW)
    assert calls == [(0.0, "multi-start"), (0.5, "bootstrap"), (1.0, "done")]
    plain = fit_stp(d, **KW)
    assert r.sse == plain.sse and r.ci == plain.ci
    # a batch also refines the best starts of each connection; fractions never go back
    calls = []
    stp.fit_many({"a": d, "b": _quantal(5), "c": _quantal(6)}, chunk=2,
                 stage_progress=lambda frac, stage: calls.append((frac, stage)), **KW)
    stages = [s for _, s in calls]
    assert stages == ["multi-start", "refine", "bootstrap"] * 2 + ["done"]
    fracs = [f for f, _ in calls]
    assert fracs == sorted(fracs) and fracs[0] == 0.0 and fracs[-1] == 1.0
    assert fracs[3] == pytest.approx(2 / 3)  # the second chunk starts after 2 of 3 connections


def test_fit_job_runs_in_the_background_and_matches_fit_stp():
    d = _quantal()
    seen, finished = [], []
    job = stp.fit.FitJob(d, on_progress=lambda f, s: seen.append(s), on_done=finished.append, seed=3, **KW)
    assert job.progress == (0.0, "waiting") and not job.done and job.result is None
    assert job.start() is job
    assert job.wait(timeout=120) and job.done and not job.running
    assert job.error is None and not job.cancelled and finished == [job]
    assert seen == ["multi-start", "bootstrap", "done"] and job.progress == (1.0, "done")
    ref = fit_stp(d, seed=3, **KW)
    assert job.result.sse == ref.sse and job.result.values == ref.values and job.result.ci == ref.ci
    with pytest.raises(RuntimeError, match="already started"):
        job.start()


def test_fit_job_cancel_stops_at_the_next_stage_and_errors_are_kept():
    d = _quantal()
    job = stp.fit.FitJob(d, **KW)
    job._on_progress = lambda f, s: job.cancel() if s == "multi-start" else None  # cancel while fitting
    job.start().wait(timeout=120)
    assert job.cancelled and job.result is None and job.error is None and job.progress == (0.0, "multi-start")
    bad = stp.fit.FitJob(d, model="xyz", **KW).start()
    assert bad.wait(timeout=60) and isinstance(bad.error, ValueError) and "model must be one of" in str(bad.error)
    assert bad.result is None and not bad.cancelled
    with pytest.raises(ValueError, match=r"unknown fit_stp argument\(s\) \['n_start'\]"):
        stp.fit.FitJob(d, n_start=3)
    with pytest.raises(ValueError, match="data must be an AmplitudeData, got dict"):
        stp.fit.FitJob({})
