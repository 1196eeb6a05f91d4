"""The facilitation increment f of STPParams: f=None is today's model bit for bit, f=U equals
it exactly, and a general f follows the recursion u_{n+1} = U + (u_n + f(1−u_n) − U)e^{−Δ/τf}."""

import jax
import numpy as np
import pytest

import stpexplorer as stp
from stpexplorer.engine import stp as stp_mod

from tests.reference import tm_release_at_times
from tests._tol import assert_close

CASES = {
    "depressing": dict(U=0.5, tau_f=0.0, tau_d=800.0),
    "facilitating": dict(U=0.03, tau_f=530.0, tau_d=130.0),
    "mixed": dict(U=0.2, tau_f=200.0, tau_d=300.0, W=0.7),
    "off": dict(U=0.3, tau_f=0.0, tau_d=0.0),
    "U=1": dict(U=1.0, tau_f=50.0, tau_d=80.0),
}


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("dt", [0.1, 1.0])
def test_f_equal_U_is_f_none_exactly(name, dt):
    par = CASES[name]
    s = stp.poisson_train(30.0, duration_ms=1500.0, dt_ms=dt, seed=3)
    a, b = stp.STPParams(**par), stp.STPParams(**par, f=par["U"])
    for method in stp_mod.METHODS:
        ta, tb = (stp.simulate_stp(p, s, dt_ms=dt, method=method) for p in (a, b))
        for field in ("u", "x", "wdyn", "release"):
            np.testing.assert_array_equal(np.asarray(getattr(ta, field)), np.asarray(getattr(tb, field)))
    np.testing.assert_array_equal(np.asarray(stp.sweep_stp(a, s, dt_ms=dt).release),
                                  np.asarray(stp.sweep_stp(b, s, dt_ms=dt).release))
    rates = np.array([2.0, 20.0, 80.0])
    for ya, yb in zip(stp.steady_state(a, rates), stp.steady_state(b, rates)):
        assert_close(ya, yb)


def test_batched_f_equal_U_is_f_none_exactly():
    s = stp.poisson_train(30.0, duration_ms=1000.0, dt_ms=0.5, seed=4)
    U = np.linspace(0.05, 1.0, 6)
    a = stp.STPParams(U=U, tau_f=np.geomspace(1.0, 900.0, 6), tau_d=150.0)
    b = a.replace(f=U)
    for method in stp_mod.METHODS:
        np.testing.assert_array_equal(np.asarray(stp.simulate_stp(a, s, dt_ms=0.5, method=method).release),
                                      np.asarray(stp.simulate_stp(b, s, dt_ms=0.5, method=method).release))
    np.testing.assert_array_equal(np.asarray(stp.sweep_stp(a, s, dt_ms=0.5).release),
                                  np.asarray(stp.sweep_stp(b, s, dt_ms=0.5).release))
    # a batch where f differs from U somewhere runs the f path: f = U elements agree to round-off
    c = a.replace(f=np.r_[U[:-1], 0.5])
    assert_close(np.asarray(stp.sweep_stp(c, s, dt_ms=0.5).release)[:-1],
                 np.asarray(stp.sweep_stp(a, s, dt_ms=0.5).release)[:-1])
    assert_close(np.asarray(stp.simulate_stp(c, s, dt_ms=0.5).release)[:-1],
                 np.asarray(stp.simulate_stp(a, s, dt_ms=0.5).release)[:-1])


def test_f_none_keeps_the_four_leaf_tree():
    p = stp.STPParams(U=0.2, tau_f=100.0, tau_d=300.0)
    assert p.f is None and len(jax.tree_util.tree_leaves(p)) == 4
    assert len(jax.tree_util.tree_leaves(p.replace(f=0.4))) == 5


@pytest.mark.parametrize("f", [0.0, 0.05, 0.6, 1.0])
def test_general_f_follows_the_recursion(f):
    dt = 0.1
    s = stp.regular_train(40.0, 10, duration_ms=1200.0, dt_ms=dt, probe_delay_ms=600.0)
    idx = np.flatnonzero(s)
    par = dict(U=0.1, tau_f=150.0, tau_d=250.0, W=1.5)
    ref = tm_release_at_times(**par, f=f, times_ms=idx * dt)
    p = stp.STPParams(**par, f=f)
    assert_close(np.asarray(stp.simulate_stp(p, s, dt_ms=dt).release)[idx], ref)
    assert_close(np.asarray(stp.sweep_stp(p, s, dt_ms=dt).release), ref)
    # Euler converges to it (first order): at dt = 0.01 within 1 %
    s2 = stp.regular_train(40.0, 10, duration_ms=1200.0, dt_ms=0.01, probe_delay_ms=600.0)
    eul = np.asarray(stp.simulate_stp(p, s2, dt_ms=0.01, method="euler").release)[s2 > 0]
    np.testing.assert_allclose(eul, ref, rtol=1e-2)


def test_batched_f_equals_single_calls_and_steady_state():
    s = stp.poisson_train(25.0, duration_ms=1000.0, dt_ms=0.5, seed=1)
    f = np.array([0.05, 0.3, 0.9])
    p = stp.STPParams(U=0.2, tau_f=np.array([50.0, 200.0, 600.0]), tau_d=200.0, f=f)
    sw = np.asarray(stp.sweep_stp(p, s, dt_ms=0.5).release)
    sim = np.asarray(stp.simulate_stp(p, s, dt_ms=0.5).release)[:, s > 0]
    for i in range(3):
        one = stp.STPParams(U=0.2, tau_f=float(p.tau_f[i]), tau_d=200.0, f=float(f[i]))
        assert_close(sw[i], np.asarray(stp.sweep_stp(one, s, dt_ms=0.5).release))
    assert_close(sim, sw)
    q = stp.STPParams(U=0.15, tau_f=300.0, tau_d=200.0, W=2.0, f=0.4)
    long = stp.regular_train(20.0, 300, duration_ms=300 * 50.0 + 20.0, dt_ms=0.5)
    rel = np.asarray(stp.sweep_stp(q, long, dt_ms=0.5).release)
    assert float(stp.steady_state(q, 20.0)[2]) == pytest.approx(rel[-1], rel=1e-4)


def test_f_values_do_not_recompile():
    s = stp.regular_train(20.0, 8, duration_ms=600.0, dt_ms=0.1)
    stp.simulate_stp(stp.STPParams(U=0.3, tau_f=50.0, tau_d=100.0, f=0.2), s, dt_ms=0.1)
    with stp.count_compilations() as c:
        for i, k in enumerate([float, np.float32, np.float64, float]):
            stp.simulate_stp(stp.STPParams(U=0.3, tau_f=50.0, tau_d=100.0, f=k(0.15 + 0.2 * i)), s, dt_ms=0.1)
    assert c.n == 0


@pytest.mark.parametrize("bad", [-0.1, 1.5, float("nan")])
def test_f_out_of_range_names_argument_range_and_value(bad):
    with pytest.raises(ValueError, match=r"f must be in \[0, 1\] \(facilitation increment; None means f = U\), got"):
        stp.STPParams(U=0.2, tau_f=10.0, tau_d=10.0, f=bad)


def test_circuit_accepts_f():
    pre = stp.poisson_train(20.0, duration_ms=300.0, dt_ms=0.5, seed=0, n_trains=4)
    sd = stp.STDPParams(A_plus=0.01, A_minus=0.0105, tau_plus=20.0, tau_minus=20.0)
    base = dict(U=0.2, tau_f=200.0, tau_d=300.0)
    runs = [stp.simulate_circuit(stp.CircuitParams(stp=stp.STPParams(**base, f=f), neuron=stp.ALIFParams(), stdp=sd),
                                 pre, w0=0.5, dt_ms=0.5) for f in (None, 0.2, 0.6)]
    np.testing.assert_array_equal(np.asarray(runs[0].x), np.asarray(runs[1].x))
    assert not np.allclose(np.asarray(runs[1].x), np.asarray(runs[2].x))
