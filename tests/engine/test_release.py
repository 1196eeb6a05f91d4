"""The binomial synapse (engine/release.py, engine/release_loglik.py) against closed forms and
a brute-force sum over release histories (tests/reference.py)."""

import jax
import numpy as np
import pytest

import stpexplorer as stp
from tests._tol import assert_close
from tests.reference import binomial_loglik_brute, tm_release_at_intervals

ISI = np.r_[0.0, [25.0] * 7, 300.0, 25.0]
P = {"N": 20, "U": 0.3, "tau_f": 120.0, "tau_d": 250.0, "q": 0.8, "sigma": 0.2}


def test_mean_over_trials_is_the_tsodyks_markram_mean():
    # E[amplitude_k] = N q u_k x_k exactly; 10^5 trials: the Monte-Carlo SE per spike is sd/sqrt(1e5)
    n = 100_000
    tr = stp.simulate_release(stp.BinomialParams(**P), ISI, n_trials=n, seed=3)
    a = np.asarray(tr.amplitudes, dtype=np.float64)
    tm = tm_release_at_intervals(P["U"], P["tau_f"], P["tau_d"], ISI, W=P["N"] * P["q"])
    z = (a.mean(0) - tm) / (a.std(0) / np.sqrt(n))
    assert np.all(np.abs(z) < 4.5), z  # 10 spikes: P(any |z| > 4.5) < 1e-4
    # available sites: mean N x_k; u: the TM facilitation with x held at 1
    x = tm_release_at_intervals(P["U"], P["tau_f"], P["tau_d"], ISI) / tm_release_at_intervals(
        P["U"], P["tau_f"], 0.0, ISI)
    avail = np.asarray(tr.available, dtype=np.float64)
    assert np.all(np.abs(avail.mean(0) - P["N"] * x) < 4.5 * avail.std(0).clip(1e-9) / np.sqrt(n))
    assert_close(tr.u, tm_release_at_intervals(P["U"], P["tau_f"], 0.0, ISI))
    assert tr.released.dtype == np.int32 and tr.released.shape == (n, ISI.size)
    assert np.all((0 <= tr.released) & (tr.released <= tr.available) & (tr.available <= P["N"]))
    # first spike from rest: every site full, released ~ Binomial(N, U): variance N U (1 - U)
    assert np.all(avail[:, 0] == P["N"])
    r0 = np.asarray(tr.released[:, 0], dtype=np.float64)
    var = P["N"] * P["U"] * (1 - P["U"])
    assert abs(r0.var() - var) < 4.5 * var * np.sqrt(2 / n) * 1.2
    # the noise: amplitude − q·released is Normal(0, σ)
    resid = a - P["q"] * np.asarray(tr.released)
    assert abs(resid.std() - P["sigma"]) < 0.01 * P["sigma"]


def test_no_facilitation_and_instant_refill():
    tr = stp.simulate_release(stp.BinomialParams(N=5, U=0.4, tau_f=0.0, tau_d=0.0, q=1.0, sigma=0.1),
                              ISI, n_trials=200, seed=0)
    assert_close(tr.u, np.full(ISI.size, 0.4))
    assert np.all(np.asarray(tr.available) == 5)  # tau_d = 0: refilled before every spike


def test_batched_parameters_and_seeds():
    p = stp.BinomialParams(**{**P, "U": np.array([0.1, 0.5, 0.9])})
    tr = stp.simulate_release(p, ISI, n_trials=50, seed=1)
    assert tr.released.shape == (3, 50, ISI.size) and tr.u.shape == (3, ISI.size)
    assert_close(tr.u[2], tm_release_at_intervals(0.9, P["tau_f"], 0.0, ISI))
    one = stp.simulate_release(stp.BinomialParams(**P), ISI, n_trials=50, seed=1)
    again = stp.simulate_release(stp.BinomialParams(**P), ISI, n_trials=50, seed=1)
    other = stp.simulate_release(stp.BinomialParams(**P), ISI, n_trials=50, seed=2)
    np.testing.assert_array_equal(one.amplitudes, again.amplitudes)
    assert not np.array_equal(one.released, other.released)


def test_new_values_do_not_recompile():
    stp.simulate_release(stp.BinomialParams(**P), ISI, n_trials=100, seed=0)
    with stp.count_compilations() as c:
        for i, n_sites in enumerate((17, 25, 32)):  # one size bucket (17–32)
            p = stp.BinomialParams(N=n_sites, U=0.2 + 0.1 * i, tau_f=np.float32(50.0 * i), tau_d=100 + i,
                                   q=1, sigma=0.5)
            stp.simulate_release(p, ISI, n_trials=100, seed=i)
    assert c.n == 0


@pytest.mark.parametrize("n_sites", [1, 2, 3])
def test_forward_loglik_equals_brute_force_over_histories(n_sites):
    isi = np.array([0.0, 20.0, 60.0, 35.0])
    par = {"N": n_sites, "U": 0.35, "tau_f": 90.0, "tau_d": 140.0, "q": 1.0, "sigma": 0.35}
    amps = np.asarray(stp.simulate_release(stp.BinomialParams(**par), isi, n_trials=4, seed=n_sites).amplitudes,
                      dtype=np.float64).copy()
    amps[1, 2] = np.nan  # a missing value: skipped
    ref = sum(binomial_loglik_brute(n_sites, 0.35, 90.0, 140.0, 1.0, 0.35, isi, a) for a in amps)
    with jax.enable_x64(True):
        p = stp.BinomialParams(**par)
        got = float(jax.jit(stp.forward_loglik, static_argnums=3)(p, isi[None], amps[None], 17))
        # three spikes, facilitation increment f, two protocols at once
        pf = p.replace(f=0.6)
        two = float(stp.forward_loglik(pf, np.stack([isi, isi * 2]), np.stack([amps, amps]), 17))
    ref_f = sum(binomial_loglik_brute(n_sites, 0.35, 90.0, 140.0, 1.0, 0.35, s * isi, a, f=0.6)
                for s in (1, 2) for a in amps)
    np.testing.assert_allclose(got, ref, rtol=1e-12)
    np.testing.assert_allclose(two, ref_f, rtol=1e-12)


@pytest.mark.parametrize("bad, message", [
    ({"N": 2.5}, r"N must be an integer in \[1, 256\].*got 2.5"),
    ({"N": 10_000}, r"N must be in \[1, 256\].*got 10000"),
    ({"N": 0}, r"N must be in \[1, 256\].*got 0"),
    ({"sigma": 0.0}, r"sigma must be in \(0, inf\).*got 0"),
    ({"sigma": -1.0}, r"sigma must be in \(0, inf\).*got -1"),
    ({"U": 1.5}, r"U must be in \(0, 1\], got 1.5"),
    ({"q": -1.0}, r"q must be in \[0, inf\).*got -1"),
])
def test_bad_parameters_name_argument_range_and_value(bad, message):
    with pytest.raises(ValueError, match=message):
        stp.BinomialParams(**{**P, **bad})


def test_bad_simulation_arguments():
    p = stp.BinomialParams(**P)
    with pytest.raises(ValueError, match="n_trials must be an integer >= 1, got 0"):
        stp.simulate_release(p, ISI, n_trials=0)
    with pytest.raises(ValueError, match=r"isi_ms must be in \[0, inf\) ms.*got -5"):
        stp.simulate_release(p, [0.0, -5.0], n_trials=3)
    with pytest.raises(ValueError, match="params must be a BinomialParams, got STPParams"):
        stp.simulate_release(stp.STPParams(U=0.5, tau_f=0.0, tau_d=100.0), ISI, n_trials=3)
