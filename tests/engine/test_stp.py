"""Tsodyks–Markram STP against the exact event-driven recursion and independent references."""

import numpy as np
import pytest

import stpexplorer as stp

from tests.reference import ngclearn_stp, tm_release_at_times
from tests._tol import assert_close

SYNAPSES = {
    "depressing": dict(U=0.5, tau_f=0.0, tau_d=800.0),  # TPM98
    "facilitating": dict(U=0.03, tau_f=530.0, tau_d=130.0),  # TPM98
    "mixed": dict(U=0.2, tau_f=200.0, tau_d=300.0),
}
DTS = [0.01, 0.1, 0.25, 1.0]


def trains(dt):
    reg = stp.regular_train(20.0, 12, duration_ms=2000.0, dt_ms=dt, probe_delay_ms=700.0)
    poi = stp.poisson_train(30.0, duration_ms=2000.0, dt_ms=dt, seed=3)
    return {"regular": reg, "poisson": poi}


@pytest.mark.parametrize("dt", DTS)
@pytest.mark.parametrize("name", list(SYNAPSES))
def test_exact_equals_recursion_for_any_dt(name, dt):
    par = SYNAPSES[name]
    for label, s in trains(dt).items():
        tr = stp.simulate_stp(stp.STPParams(**par, W=0.7), s, dt_ms=dt)
        idx = np.flatnonzero(s)
        ref = tm_release_at_times(**par, times_ms=idx * dt, W=0.7)
        assert_close(np.asarray(tr.release)[idx], ref, err_msg=f"{name} {label} dt={dt}")
        # release is zero off spikes, wdyn holds the last release
        rel = np.asarray(tr.release)
        assert np.all(rel[s == 0] == 0)
        wdyn = np.asarray(tr.wdyn)
        assert np.all(wdyn[: idx[0]] == 0)
        assert_close(wdyn[idx[-1]:], np.full(s.size - idx[-1], ref[-1]))


@pytest.mark.parametrize("name", list(SYNAPSES))
def test_sweep_equals_recursion_and_simulation(name):
    dt = 0.1
    s = trains(dt)["poisson"]
    idx = np.flatnonzero(s)
    U = np.linspace(0.05, 0.95, 7)
    par = {**SYNAPSES[name], "U": U}
    sw = np.asarray(stp.sweep_stp(stp.STPParams(**par), s, dt_ms=dt).release)
    assert sw.shape == (7, idx.size)
    for i, u0 in enumerate(U):
        ref = tm_release_at_times(u0, par["tau_f"], par["tau_d"], idx * dt)
        assert_close(sw[i], ref)
    sim = np.asarray(stp.simulate_stp(stp.STPParams(**par), s, dt_ms=dt).release)[:, idx]
    assert_close(sw, sim)


def test_traces_between_spikes_decay_exactly():
    dt = 0.1
    s = stp.paired_pulses(100.0, duration_ms=1000.0, dt_ms=dt)
    p = stp.STPParams(U=0.2, tau_f=200.0, tau_d=300.0)
    tr = stp.simulate_stp(p, s, dt_ms=dt)
    i0 = np.flatnonzero(s)[0]
    k = np.arange(1, 500)
    # after the first spike: u+ = U, x+ = 1 - U (u·x released), then exact exponential decay
    assert_close(np.asarray(tr.u)[i0 + k], 0.2 * np.exp(-k * dt / 200.0))
    assert_close(np.asarray(tr.x)[i0 + k], 1 - 0.2 * np.exp(-k * dt / 300.0))
    assert np.asarray(tr.u)[0] == 0 and np.asarray(tr.x)[0] == 1


def test_first_spike_efficacy_is_U_not_the_peers_value():
    # brainstate/brainpy return u·x after depletion with u starting at U: 0.15 + 0.15·0.85 = 0.2775 ... ·(1-u)
    s = stp.regular_train(10.0, 1, duration_ms=100.0, dt_ms=0.1)
    tr = stp.simulate_stp(stp.STPParams(U=0.15, tau_f=1500.0, tau_d=200.0), s, dt_ms=0.1)
    assert float(np.asarray(tr.release).max()) == pytest.approx(0.15, rel=1e-6)


def test_switching_off_facilitation_and_depression():
    dt = 0.5
    s = stp.regular_train(40.0, 10, duration_ms=1000.0, dt_ms=dt)
    idx = np.flatnonzero(s)
    tr = stp.simulate_stp(stp.STPParams(U=0.3, tau_f=0.0, tau_d=0.0), s, dt_ms=dt)
    assert np.all(np.asarray(tr.u) == np.float32(0.3))
    assert np.all(np.asarray(tr.x) == 1.0)
    assert_close(np.asarray(tr.release)[idx], np.full(idx.size, 0.3))
    tr = stp.simulate_stp(stp.STPParams(U=0.3, tau_f=0.0, tau_d=100.0), s, dt_ms=dt)
    assert np.all(np.asarray(tr.u) == np.float32(0.3))
    assert_close(np.asarray(tr.release)[idx], tm_release_at_times(0.3, 0.0, 100.0, idx * dt))


def test_float32_roundoff_does_not_accumulate_over_long_gaps():
    # 20,000 steps between a train and a probe: decaying from the last spike keeps
    # the error at round-off; a per-step product of rounded factors would not.
    dt = 0.01
    s = stp.regular_train(50.0, 5, duration_ms=400.0, dt_ms=dt, probe_delay_ms=200.0)
    par = dict(U=0.1, tau_f=50.0, tau_d=70.0)
    tr = stp.simulate_stp(stp.STPParams(**par), s, dt_ms=dt)
    idx = np.flatnonzero(s)
    ref = tm_release_at_times(**par, times_ms=idx * dt)
    np.testing.assert_allclose(np.asarray(tr.release)[idx], ref, rtol=2e-6)


@pytest.mark.parametrize("name", list(SYNAPSES))
def test_euler_with_dt_1_reproduces_ngclearn(name):
    par = SYNAPSES[name]
    s = stp.poisson_train(40.0, duration_ms=1000.0, dt_ms=1.0, seed=1)
    tr = stp.simulate_stp(stp.STPParams(**par), s, dt_ms=1.0, method="euler")
    assert_close(np.asarray(tr.release), ngclearn_stp(par["U"], par["tau_f"], par["tau_d"], s), rtol=1e-5)


def test_euler_converges_at_order_one():
    par = SYNAPSES["mixed"]
    times = np.array([10.0, 30.0, 50.0, 70.0, 90.0, 300.0])
    ref = tm_release_at_times(**par, times_ms=times)
    errs = []
    dts = [1.0, 0.5, 0.25, 0.125]  # spike times stay on the grid
    for dt in dts:
        s = np.zeros(int(round(400.0 / dt)))
        s[np.round(times / dt).astype(int)] = 1
        tr = stp.simulate_stp(stp.STPParams(**par), s, dt_ms=dt, method="euler")
        errs.append(np.max(np.abs(np.asarray(tr.release)[s > 0] - ref)))
    orders = np.log2(np.array(errs[:-1]) / np.array(errs[1:]))
    assert np.all((orders > 0.85) & (orders < 1.15)), orders


@pytest.mark.parametrize("name", list(SYNAPSES))
@pytest.mark.parametrize("rate", [2.0, 20.0, 80.0])
def test_steady_state_matches_long_simulation(name, rate):
    p = stp.STPParams(**SYNAPSES[name], W=2.0)
    s = stp.regular_train(rate, 400, duration_ms=400 * 1000.0 / rate + 20.0, dt_ms=0.5)
    sw = np.asarray(stp.sweep_stp(p, s, dt_ms=0.5).release)
    u, x, r = (float(a) for a in stp.steady_state(p, rate))
    assert r == pytest.approx(2.0 * u * x, rel=1e-6)
    assert sw[-1] == pytest.approx(r, rel=1e-4)


def test_steady_state_limiting_frequency_law():
    # depressing synapse: release* ≈ 1/(r τd) well above r_lim = 1/(U τd)
    p = stp.STPParams(U=0.5, tau_f=0.0, tau_d=800.0)
    r_lim = 1000.0 / (0.5 * 800.0)  # 2.5 Hz
    rates = np.array([30.0, 60.0, 120.0])
    rel = np.asarray(stp.steady_state(p, rates)[2])
    np.testing.assert_allclose(rel * rates * 800.0 / 1000.0, 1.0, rtol=0.12)
    assert rates[0] > 10 * r_lim


def test_batched_equals_single_calls():
    s = trains(0.1)["poisson"]
    U = np.array([[0.1, 0.4, 0.9], [0.2, 0.5, 1.0]])
    tau_f = np.array([0.0, 100.0, 700.0])
    tr = stp.simulate_stp(stp.STPParams(U=U, tau_f=tau_f, tau_d=250.0), s, dt_ms=0.1)
    assert tr.u.shape == (2, 3, s.size)
    for i in range(2):
        for j in range(3):
            one = stp.simulate_stp(stp.STPParams(U=U[i, j], tau_f=tau_f[j], tau_d=250.0), s, dt_ms=0.1)
            for f in ("u", "x", "wdyn", "release"):
                np.testing.assert_allclose(getattr(tr, f)[i, j], getattr(one, f), rtol=1e-6, atol=1e-7)


def test_changing_values_never_recompiles():
    import jax.numpy as jnp

    s = trains(0.1)["regular"]
    stp.simulate_stp(stp.STPParams(U=0.5, tau_f=10.0, tau_d=100.0), s, dt_ms=0.1)
    stp.sweep_stp(stp.STPParams(U=0.5, tau_f=10.0, tau_d=100.0), s, dt_ms=0.1)
    kinds = [float, np.float32, np.float64, jnp.float32, lambda v: int(round(v * 10)) or 1]
    # values built first: creating a jnp.float32 compiles a conversion (eagerly, once), not the engine
    calls = [(stp.STPParams(U=0.1 + 0.8 * i / 50, tau_f=k(5.0 + i), tau_d=k(50.0 + 10 * i), W=k(1.0)),
              k(0.1) if k is not kinds[-1] else 0.1) for i, k in ((i, kinds[i % len(kinds)]) for i in range(50))]
    with stp.count_compilations() as c:
        for p, dt in calls:
            stp.simulate_stp(p, s, dt_ms=dt)
            stp.sweep_stp(p, s, dt_ms=0.1)
    assert c.n == 0


def test_spike_count_changes_do_not_recompile_simulate():
    stp.simulate_stp(stp.STPParams(U=0.5, tau_f=10.0, tau_d=100.0),
                     stp.poisson_train(5.0, duration_ms=2000.0, dt_ms=0.1, seed=0), dt_ms=0.1)
    with stp.count_compilations() as c:
        for rate in (1.0, 10.0, 50.0, 150.0):
            s = stp.poisson_train(rate, duration_ms=2000.0, dt_ms=0.1, seed=0)
            stp.simulate_stp(stp.STPParams(U=0.5, tau_f=10.0, tau_d=100.0), s, dt_ms=0.1)
    assert c.n == 0


def test_no_spikes_and_spike_at_every_step():
    p = stp.STPParams(U=0.4, tau_f=50.0, tau_d=80.0)
    tr = stp.simulate_stp(p, np.zeros(100), dt_ms=0.1)
    assert np.all(np.asarray(tr.u) == 0) and np.all(np.asarray(tr.x) == 1) and np.all(np.asarray(tr.release) == 0)
    s = np.ones(200)
    tr = stp.simulate_stp(p, s, dt_ms=1.0)
    assert_close(np.asarray(tr.release), tm_release_at_times(0.4, 50.0, 80.0, np.arange(200.0)))


def test_compile_counter_counts_new_shapes_not_new_values():
    p = stp.STPParams(U=0.5, tau_f=10.0, tau_d=100.0)
    with stp.count_compilations() as c:  # a length no other test uses: a new shape compiles
        stp.simulate_stp(p, stp.regular_train(20.0, 3, duration_ms=123.7, dt_ms=0.1), dt_ms=0.1)
    assert c.n >= 1
    before = stp.compile_count()
    for i in range(5):  # new values, same shapes: nothing compiles
        stp.simulate_stp(p.replace(U=0.1 + 0.1 * i, tau_d=np.float32(50.0 + i)),
                         stp.regular_train(10.0 + i, 2, duration_ms=123.7, dt_ms=0.1), dt_ms=0.1)
    assert stp.compile_count() - before == 0


def test_stp_step_scanned_equals_simulate_and_tm_jump_is_the_tm_release_at_times():
    import jax
    import jax.numpy as jnp

    dt, par = 0.5, dict(U=0.2, tau_f=120.0, tau_d=300.0)
    p = stp.STPParams(**par)
    s = stp.poisson_train(40.0, duration_ms=600.0, dt_ms=dt, seed=5)
    el = stp.elapsed_since_last_spike(s, dt)
    inputs = stp.STPInputs(s, stp.tm_decay(el, p.tau_f), stp.tm_decay(el, p.tau_d))
    _, (u, x, frac) = jax.lax.scan(lambda st, i: stp.stp_step(p, st, i), stp.stp_init((), s.dtype), inputs)
    tr = stp.simulate_stp(p, s, dt_ms=dt)
    idx = np.flatnonzero(s)
    assert_close(np.asarray(frac)[idx], tm_release_at_times(**par, times_ms=idx * dt))
    assert_close(np.asarray(u), np.asarray(tr.u))
    assert_close(np.asarray(x), np.asarray(tr.x))
    # the jump from rest: u+ = U, x+ = 1 - U, release fraction U
    u1, x1, f1 = stp.tm_jump(p, jnp.float32(0.0), jnp.float32(1.0))
    assert_close([u1, x1, f1], [0.2, 0.8, 0.2])
