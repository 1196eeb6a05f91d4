"""The synapse lab against its parts: STP per synapse, LIF on the recorded current, STDP traces."""

import numpy as np
import pytest

import stpexplorer as stp

STP = dict(U=0.2, tau_f=200.0, tau_d=300.0)
STDP = dict(A_plus=0.01, A_minus=0.0105, tau_plus=20.0, tau_minus=20.0)


def _params(**kw):
    return stp.CircuitParams(stp=stp.STPParams(**STP), neuron=stp.ALIFParams(),
                             stdp=stp.STDPParams(**{**STDP, **kw.pop("stdp", {})}), **kw)


@pytest.fixture(scope="module")
def pre():
    return stp.poisson_train(20.0, duration_ms=1000.0, dt_ms=0.5, seed=4, n_trains=12)


def test_synapses_equal_simulate_stp_and_current_is_their_filtered_sum(pre):
    p = _params(gain=8.0, stdp=dict(A_plus=0.0, A_minus=0.0))
    tr = stp.simulate_circuit(p, pre, w0=0.5, dt_ms=0.5)
    for i in range(pre.shape[1]):
        one = stp.simulate_stp(stp.STPParams(**STP), pre[:, i], dt_ms=0.5)
        np.testing.assert_allclose(tr.u[:, i], one.u, rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(tr.x[:, i], one.x, rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(tr.wdyn[:, i], 0.5 * np.asarray(one.wdyn), rtol=1e-5, atol=1e-7)
    assert np.all(np.asarray(tr.w) == np.float32(0.5))
    # current: I_n = I_{n-1} e^{-dt/τs} + g Σ w rel
    rel = np.asarray(stp.simulate_stp(stp.STPParams(**STP), pre[:, 0], dt_ms=0.5).release)
    assert rel.shape == (2000,)
    drive = 8.0 * 0.5 * np.sum([np.asarray(stp.simulate_stp(stp.STPParams(**STP), pre[:, i], dt_ms=0.5).release)
                                for i in range(pre.shape[1])], axis=0)
    ref = np.zeros_like(drive)
    acc = 0.0
    for n, d in enumerate(drive):
        acc = acc * np.exp(-0.5 / 5.0) + d
        ref[n] = acc
    np.testing.assert_allclose(tr.current, ref, rtol=1e-4, atol=1e-6)
    # the neuron is simulate_alif driven by the recorded current
    alif = stp.simulate_alif(stp.ALIFParams(), np.asarray(tr.current), dt_ms=0.5)
    np.testing.assert_array_equal(np.asarray(alif.spikes), np.asarray(tr.spikes))
    np.testing.assert_allclose(alif.v, tr.v, rtol=1e-5)


def test_weights_follow_stdp_with_the_neurons_spikes(pre):
    p = _params(gain=12.0)
    tr = stp.simulate_circuit(p, pre, w0=0.5, dt_ms=0.5)
    post = np.asarray(tr.spikes)
    assert post.sum() > 3
    for i in (0, 5):
        ref = stp.simulate_stdp(stp.STDPParams(**STDP), pre[:, i], post, w0=0.5, dt_ms=0.5)
        np.testing.assert_allclose(tr.w[:, i], ref.w, rtol=1e-5, atol=1e-7)


def test_batched_circuit_equals_single(pre):
    U = np.array([0.1, 0.6])
    p = stp.CircuitParams(stp=stp.STPParams(U=U, tau_f=100.0, tau_d=200.0), neuron=stp.ALIFParams(),
                          stdp=stp.STDPParams(**STDP), gain=10.0)
    tr = stp.simulate_circuit(p, pre, w0=np.linspace(0.2, 0.8, 12), dt_ms=0.5)
    assert tr.w.shape == (2, 2000, 12) and tr.v.shape == (2, 2000)
    for i, u in enumerate(U):
        one = stp.simulate_circuit(
            stp.CircuitParams(stp=stp.STPParams(U=u, tau_f=100.0, tau_d=200.0), neuron=stp.ALIFParams(),
                              stdp=stp.STDPParams(**STDP), gain=10.0),
            pre, w0=np.linspace(0.2, 0.8, 12), dt_ms=0.5)
        np.testing.assert_allclose(tr.v[i], one.v, rtol=1e-5)
        np.testing.assert_allclose(tr.w[i], one.w, rtol=1e-5)
