"""Quantal analysis (fit/quantal.py, fit/variance_mean.py) on synthetic data from simulate_release,
and binomial_loglik against the brute-force sum over release histories (tests/reference.py)."""

import numpy as np
import pytest

import stpexplorer as stp
from stpexplorer.fit import AmplitudeData, binomial_loglik, fit_quantal, variance_mean
from tests.reference import binomial_loglik_brute

ISI = np.r_[0.0, [20.0] * 9]
TRUE = {"N": 8, "tau_f": 50.0, "tau_d": 200.0, "q": 1.0, "sigma": 0.15}


def two_conditions(n_sweeps=100, sigma=0.15, Us=(("low", 0.2), ("high", 0.6)), tau_d=200.0):
    out = {}
    for i, (c, U) in enumerate(Us):
        p = stp.BinomialParams(**{**TRUE, "sigma": sigma, "tau_d": tau_d}, U=U)
        a = np.asarray(stp.simulate_release(p, ISI, n_trials=n_sweeps, seed=10 + i).amplitudes, np.float64)
        out[c] = (ISI, a, c)
    return AmplitudeData.from_dict(out)


def test_binomial_loglik_equals_brute_force_and_skips_nan():
    isi = np.array([0.0, 30.0, 15.0])
    rng = np.random.default_rng(0)
    a = rng.uniform(-0.2, 2.5, size=(3, 3))
    a[0, 1] = np.nan
    data = AmplitudeData.from_dict({"x": (isi, a)})
    for n_sites in (1, 2, 3):
        p = stp.BinomialParams(N=n_sites, U=0.5, tau_f=40.0, tau_d=100.0, q=0.9, sigma=0.4)
        # the reference gets the parameters as the engine holds them (float32 unless x64 is on)
        par = [float(np.asarray(getattr(p, n))) for n in ("U", "tau_f", "tau_d", "q", "sigma")]
        ref = sum(binomial_loglik_brute(n_sites, *par, isi, row) for row in a)
        np.testing.assert_allclose(binomial_loglik(p, data), ref, rtol=1e-12)


def test_binomial_loglik_new_values_do_not_recompile():
    data = two_conditions(n_sweeps=5)
    binomial_loglik(stp.BinomialParams(**TRUE, U=0.3), data)
    with stp.count_compilations() as c:
        for n_sites, U in ((3, 0.1), (12, 0.7), (16, 0.5)):  # one bucket: N <= 16
            binomial_loglik(stp.BinomialParams(**{**TRUE, "N": n_sites}, U=U), data)
    assert c.n == 0


@pytest.mark.slow
def test_fit_quantal_recovers_N_p_q_from_two_conditions():
    data = two_conditions()
    fit = fit_quantal(data, N_max=12)
    assert fit.N == 8
    assert list(fit.table.columns) == ["N", "loglik", "n_params", "BIC"] and len(fit.table) == 12
    assert fit.table["BIC"].idxmin() == 7
    v, ci = fit.values, fit.ci
    for name, true in (("U[low]", 0.2), ("U[high]", 0.6), ("q", 1.0), ("sigma", 0.15), ("tau_d", 200.0)):
        lo, hi = ci[name]
        assert lo <= true <= hi, (name, lo, v[name], hi)
    assert ci["N"][0] <= 8 <= ci["N"][1]
    pred = fit.predict()
    for p in data.protocols:  # the predicted mean against the data's mean: within 4 SE per spike
        se = np.nanstd(p.amplitudes, 0) / np.sqrt(p.amplitudes.shape[0])
        assert np.all(np.abs(pred[p.name] - np.nanmean(p.amplitudes, 0)) < 4 * se + 1e-9)


def test_variance_mean_recovers_q_and_N_within_intervals():
    # tau_d = 0 (refilled before each spike): every spike's count is Binomial(N, u_k), the
    # parabola is exact (with depletion the varying number of full sites adds variance)
    data = two_conditions(n_sweeps=300, sigma=0.05, Us=(("low", 0.15), ("mid", 0.4), ("high", 0.8)), tau_d=0.0)
    vm = variance_mean(data, noise_var=0.05**2)
    assert vm.q_ci[0] <= 1.0 <= vm.q_ci[1]
    assert vm.N_ci[0] <= 8 <= vm.N_ci[1]
    assert vm.mean.shape == vm.var.shape == vm.p.shape == (30,)
    np.testing.assert_allclose(vm.p[vm.spike == 0], [0.15, 0.4, 0.8], atol=0.05)  # first spikes: p = U


def test_bad_input_is_named():
    data = two_conditions(n_sweeps=4)
    with pytest.raises(ValueError, match=r"conditions must hold one label per protocol \(2: \['low', 'high'\]\), got 3"):
        fit_quantal(data, conditions=["a", "b", "c"])
    with pytest.raises(ValueError, match=r"conditions: unknown protocol 'mid'; the protocols are \['low', 'high'\]"):
        variance_mean(data, conditions={"low": "a", "mid": "b"})
    with pytest.raises(ValueError, match=r"missing 'high'"):
        variance_mean(data, conditions={"low": "a"})
    with pytest.raises(ValueError, match=r"N_max must be an integer in \[1, 256\].*got 1000"):
        fit_quantal(data, N_max=1000)
    with pytest.raises(ValueError, match=r"N_max must be an integer in \[1, 256\].*got 2.5"):
        fit_quantal(data, N_max=2.5)
    with pytest.raises(ValueError, match="model must be one of"):
        fit_quantal(data, model="x")
    one = AmplitudeData.from_dict({"a": (ISI, np.ones(ISI.size))})
    with pytest.raises(ValueError, match="at least 2 sweeps.*with one sweep the variance is undefined"):
        variance_mean(one)
    with pytest.raises(ValueError, match=r"params.U must be a scalar or hold one value per protocol \(2\)"):
        binomial_loglik(stp.BinomialParams(**TRUE, U=np.array([0.1, 0.2, 0.3])), data)
