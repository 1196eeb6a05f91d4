"""compare_models' held-out protocols, Posterior.to_arviz and sample_many's batched chunks,
against independent numpy computations and closed expectations."""

import numpy as np
import pytest

pytest.importorskip("blackjax")
pytest.importorskip("arviz_stats")

from stpexplorer import STPParams  # noqa: E402
from stpexplorer.fit import AmplitudeData, compare_models, sample_many, sample_posterior, synthetic_amplitudes  # noqa: E402
from stpexplorer.fit.compare import held_out_elpd  # noqa: E402
from tests.reference import tm_release_at_intervals  # noqa: E402

ISI = {"20 Hz": np.r_[0, [50.0] * 7], "100 Hz": np.r_[0, [10.0] * 7]}
KW = {"chains": 2, "draws": 300, "warmup": 300}


def _data(U, tau_f, tau_d, seed, n_sweeps=20):
    return synthetic_amplitudes(STPParams(U=U, tau_f=tau_f, tau_d=tau_d, W=1.0), ISI, n_sweeps=n_sweeps, n_sites=20,
                                quantal_size=5.0, cv=0.3, seed=seed)


@pytest.fixture(scope="module")
def facil():
    return _data(0.1, 300.0, 200.0, seed=3)


def test_held_out_elpd_equals_an_independent_numpy_computation(facil):
    train = AmplitudeData((facil["20 Hz"],))
    post = sample_posterior(train, model="tm", seed=1, **KW)
    p = facil["100 Hz"]
    sd = np.nanstd(p.amplitudes, axis=0, ddof=1)
    U, tf, td, W = (post.samples[k].ravel() for k in ("U", "tau_f", "tau_d", "W"))
    ll = np.empty((U.size, p.amplitudes.shape[0]))
    for j in range(U.size):  # float64 reference recursion, one draw at a time
        mu = tm_release_at_intervals(U[j], tf[j], td[j], p.isi_ms, W=W[j])
        ll[j] = np.sum(-0.5 * ((p.amplitudes - mu) / sd) ** 2 - np.log(sd) - 0.5 * np.log(2 * np.pi), axis=1)
    m = ll.max(0)
    want = float(np.sum(m + np.log(np.mean(np.exp(ll - m), axis=0))))
    assert held_out_elpd(post, p) == pytest.approx(want, rel=1e-7)


def test_held_out_protocols_reject_depression_only_for_a_facilitating_synapse(facil):
    cmp = compare_models(facil, models=("dep", "tm"), seed=2, **KW)
    table = cmp.attrs["held_out"]
    assert list(table.index) == ["20 Hz", "100 Hz"] and set(table.columns) == {"dep", "tm"}
    assert cmp.loc["tm", "elpd_held_out"] == pytest.approx(table["tm"].sum())
    # depression alone, fitted to one train, cannot predict the other train's facilitation
    assert cmp.loc["tm", "elpd_held_out"] > cmp.loc["dep", "elpd_held_out"] + 20
    assert cmp.index[0] == "tm"
    one = AmplitudeData((facil["20 Hz"],))
    assert "elpd_held_out" not in compare_models(one, models=("tm",), seed=2, **KW).columns


def test_to_arviz_holds_the_draws_the_likelihood_and_the_data(facil):
    post = sample_posterior(facil, model="tm", seed=4, **KW)
    dt = post.to_arviz()
    for k, v in post.samples.items():
        np.testing.assert_array_equal(dt.posterior[k].values, v)
    assert dt.log_likelihood["sweep"].shape == (2, 300, 40)
    np.testing.assert_array_equal(dt.log_likelihood["sweep"].values, post.log_likelihood)
    assert int(dt.sample_stats["diverging"].values.sum()) == post.divergences
    np.testing.assert_array_equal(dt.observed_data["amplitude"].values[20:], facil["100 Hz"].amplitudes)
    assert dt.posterior.attrs["model"] == "tm"


def test_sample_many_batched_chunks_agree_with_one_at_a_time():
    conns = {f"c{i}": _data(0.2 + 0.2 * i, 50.0, 300.0, seed=10 + i, n_sweeps=12) for i in range(3)}
    many = sample_many(conns, chunk=2, model="tm", chains=4, draws=400, warmup=400)
    for i, (name, data) in enumerate(conns.items()):
        one = sample_posterior(data, model="tm", chains=4, draws=400, warmup=400, seed=i)
        a, b = many[name].summary(), one.summary()
        # the same posterior: means within 4 Monte-Carlo SEs (sd / sqrt(ess) of both runs)
        for k in ("U", "tau_d"):
            mcse = np.hypot(a.loc[k, "sd"] / np.sqrt(a.loc[k, "ess_bulk"]), b.loc[k, "sd"] / np.sqrt(b.loc[k, "ess_bulk"]))
            assert abs(a.loc[k, "mean"] - b.loc[k, "mean"]) < 4 * mcse, (name, k)
    with pytest.raises(ValueError, match=r"unknown argument\(s\) \['n_boot'\]"):
        sample_many(conns, n_boot=3)


def test_posterior_and_compare_jobs_run_in_the_background_and_cancel(facil):
    from stpexplorer.fit import CompareJob, PosteriorJob

    job = PosteriorJob(facil, seed=4, **KW).start()
    assert job.wait(300) and job.error is None
    np.testing.assert_array_equal(job.result.samples["U"], sample_posterior(facil, seed=4, **KW).samples["U"])
    stages = []
    job = CompareJob(facil, models=("dep", "tm"), held_out=False, on_progress=lambda f, s: stages.append(s), **KW)
    job.start()
    assert job.wait(300) and list(job.result.index) == ["tm", "dep"] or set(job.result.index) == {"tm", "dep"}
    assert stages[0] == "model dep (1 of 2)" and stages[-1] == "done"
    job = PosteriorJob(facil, **KW)
    job.cancel()
    job.start()
    assert job.wait(60) and job.cancelled and job.result is None
    with pytest.raises(ValueError, match=r"PosteriorJob: unknown sample_posterior argument\(s\) \['n_boot'\]"):
        PosteriorJob(facil, n_boot=3)
