"""Triplet STDP (Pfister & Gerstner 2006) against closed forms, the pair rule and the Sjöström data.

Tolerances: float32 round-off of sums over ~120 events whose traces reach ~10 stays below
5e-5 relative to the gross potentiation + depression (RTOL_SUM); single exponentials use the
dtype tolerances of tests/_tol.py; "bit for bit" is exact equality on the same backend.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax import lax

import stpexplorer as stp
from stpexplorer.experiments.datasets import SJOSTROM_2001
from stpexplorer.experiments.presets import PRESETS, TRIPLET_PRESETS, presets_for

from tests._tol import assert_close

RTOL_SUM = 5e-5 if stp.float_dtype() == np.float32 else 1e-10
TRIPLET = dict(A_plus=5e-3, A_minus=7e-3, A3_plus=6.2e-3, A3_minus=2.3e-4, tau_plus=16.8, tau_minus=33.7,
               tau_x=101.0, tau_y=125.0, bounds="none")


def _rule(**kw):
    return stp.STDPParams(**{**TRIPLET, **kw})


# --- the pair rule is the special case A3 = 0 -------------------------------------------------

def _old_step(p, carry, pre_s, post_s, e_pre, e_post):
    # stdp_step as it was before the triplet terms (commit 278a679), verbatim
    w, pre_last, post_last = carry
    a_pre = pre_last * e_pre
    a_post = post_last * e_post
    pot = p.A_plus * a_pre * post_s
    dep = p.A_minus * a_post * pre_s
    if p.bounds == "soft":
        w = w + pot * (p.w_max - w) - dep * (w - p.w_min)
    else:
        w = w + pot - dep
    w = jnp.clip(w, p.w_min, p.w_max)
    if p.rule == "nearest":
        a_pre = jnp.where(pre_s > 0.5, 1.0, a_pre)
        a_post = jnp.where(post_s > 0.5, 1.0, a_post)
    else:
        a_pre = a_pre + pre_s
        a_post = a_post + post_s
    pre_last = jnp.where(pre_s > 0.5, a_pre, pre_last)
    post_last = jnp.where(post_s > 0.5, a_post, post_last)
    return (w, pre_last, post_last), (w, a_pre, a_post)


@jax.jit
def _old_simulate(p, pre, post, el_pre, el_post, w0, dt):
    e_pre = jnp.exp(-el_pre / p.tau_plus)
    e_post = jnp.exp(-el_post / p.tau_minus)

    def step(carry, s):
        return _old_step(p, carry, *s)

    zero = jnp.zeros(pre.shape[1:], pre.dtype)
    w_init = jnp.clip(jnp.broadcast_to(w0, pre.shape[1:]).astype(pre.dtype), p.w_min, p.w_max)
    _, (w, a_pre, a_post) = lax.scan(step, (w_init, zero, zero), (pre, post, e_pre, e_post))
    return w, a_pre, a_post  # all outputs, as before: XLA's fusion (and so float rounding) depends on them


def _pair_rule_before_triplets(p, pre, post, w0, dt):
    """The pair rule exactly as simulate_stdp computed it before the triplet terms existed."""
    dt = np.asarray(dt, stp.float_dtype())  # as simulate_stdp normalises dt_ms
    el = (stp.elapsed_since_last_spike(pre, dt), stp.elapsed_since_last_spike(post, dt))
    return _old_simulate(p, pre, post, *el, np.asarray(w0, pre.dtype), dt)[0]


def test_a3_zero_is_the_pair_rule_bit_for_bit():
    rng = np.random.default_rng(3)
    pre, post = ((rng.random(4000) < 0.02).astype(stp.float_dtype()) for _ in range(2))
    pair = dict(A_plus=0.01, A_minus=0.012, tau_plus=16.8, tau_minus=33.7, w_max=2.0)
    ref = np.asarray(_pair_rule_before_triplets(stp.STDPParams(**pair), pre, post, 0.7, 0.1))
    for tau_x, tau_y in [(101.0, 125.0), (5.0, 900.0)]:
        tr = stp.simulate_stdp(stp.STDPParams(**pair, tau_x=tau_x, tau_y=tau_y), pre, post, w0=0.7, dt_ms=0.1)
        np.testing.assert_array_equal(np.asarray(tr.w), ref)


def test_isolated_pair_is_the_pair_window():
    d = np.array([-80.0, -33.7, -5.0, -0.1, 0.1, 2.5, 16.8, 60.0])
    for rule in ("all_to_all", "nearest"):
        dw = stp.stdp_window(_rule(rule=rule), d, dt_ms=0.1)
        ref = np.where(d > 0, TRIPLET["A_plus"] * np.exp(-d / 16.8), -TRIPLET["A_minus"] * np.exp(d / 33.7))
        assert_close(dw, ref)


# --- closed forms of periodic pairing -----------------------------------------------------------

def _s(q, n):
    """sum_{j=0}^{n-1} q^{j+1}"""
    return q * (1 - q ** n) / (1 - q)


def periodic_all_to_all(p, delta, period, n):
    """Potentiation and depression (Δw = pot − dep) of n pairs (pre at kT, post at kT + Δ, 0 < |Δ| < T), all-to-all triplet rule, unbounded.

    At post spike j: r1 = e^{-Δ/τ+} Σ_{m=m0}^{j} q+^m (m0 = 0 if Δ > 0 else 1) and
    o2(before the jump) = Σ_{m=1}^{j} qy^m; at pre spike k: o1 = e^{Δ/τ-} Σ_{m=m1}^{k} q-^m
    (m1 = 1 if Δ > 0 else 0) and r2 = Σ_{m=1}^{k} qx^m, with q = e^{-T/τ}. With
    Σ_{m=a}^{j} q^m = (q^a − q^{j+1})/(1 − q), the sums over j of these and of their products are
    geometric again: Σ_j G_a(q) = (n q^a − S(q))/(1 − q) and
    Σ_j G_a(q) G_1(r) = (n q^a r − q^a S(r) − r S(q) + S(qr)) / ((1 − q)(1 − r)), S(q) = Σ_{j<n} q^{j+1}.
    """
    qp, qm, qx, qy = (np.exp(-period / t) for t in (p["tau_plus"], p["tau_minus"], p["tau_x"], p["tau_y"]))
    a, b = (0, 1) if delta > 0 else (1, 0)

    def sum_g(q, a):
        return (n * q ** a - _s(q, n)) / (1 - q)

    def sum_gg(q, a, r):
        return (n * q ** a * r - q ** a * _s(r, n) - r * _s(q, n) + _s(q * r, n)) / ((1 - q) * (1 - r))

    pot = np.exp(-delta / p["tau_plus"]) * (p["A_plus"] * sum_g(qp, a) + p["A3_plus"] * sum_gg(qp, a, qy))
    dep = np.exp(delta / p["tau_minus"]) * (p["A_minus"] * sum_g(qm, b) + p["A3_minus"] * sum_gg(qm, b, qx))
    return pot, dep


def periodic_nearest(p, delta, period, n):
    """(pot, dep) for the same protocol, nearest-spike rule, 0 < Δ < T: each trace was reset to 1
    at the last spike of its train, so r1 = e^{-Δ/τ+}, o2 = qy (j ≥ 1), o1 = e^{-(T-Δ)/τ-}, r2 = qx (k ≥ 1)."""
    qx, qy = np.exp(-period / p["tau_x"]), np.exp(-period / p["tau_y"])
    pot = np.exp(-delta / p["tau_plus"]) * (n * p["A_plus"] + (n - 1) * p["A3_plus"] * qy)
    dep = (n - 1) * np.exp(-(period - delta) / p["tau_minus"]) * (p["A_minus"] + p["A3_minus"] * qx)
    return pot, dep


@pytest.mark.parametrize("delta,period", [(10.0, 20.0), (-10.0, 20.0), (5.0, 50.0), (-7.5, 100.0), (30.0, 40.0)])
def test_periodic_pairing_matches_the_closed_form(delta, period):
    n, dt = 60, 0.5
    pot, dep = periodic_all_to_all(TRIPLET, delta, period, n)
    # Δw is a difference of two sums of ~60 terms: round-off scales with pot + dep, not with Δw
    tol = dict(rel=RTOL_SUM, abs=RTOL_SUM * (pot + dep))
    curve = float(stp.stdp_frequency_curve(_rule(), 1000.0 / period, delta, n_pairs=n, dt_ms=dt))
    assert curve == pytest.approx(pot - dep, **tol)
    # the dense simulation on the dt grid gives the same (bounds far away: hard bounds never act)
    pre, post = stp.pairing_trains(delta, n_pairs=n, period_ms=period, duration_ms=n * period + 20.0, dt_ms=dt)
    tr = stp.simulate_stdp(_rule(bounds="hard", w_min=-10.0, w_max=10.0), pre, post, w0=0.0, dt_ms=dt)
    assert float(tr.w[-1]) == pytest.approx(pot - dep, **tol)
    if delta > 0:
        pot, dep = periodic_nearest(TRIPLET, delta, period, n)
        near = float(stp.stdp_frequency_curve(_rule(rule="nearest"), 1000.0 / period, delta, n_pairs=n, dt_ms=dt))
        assert near == pytest.approx(pot - dep, rel=RTOL_SUM, abs=RTOL_SUM * (pot + dep))


def test_triplet_traces_jump_and_decay_exactly():
    dt, tau_x = 0.25, 101.0
    pre = np.zeros(800)
    pre[[4, 8]] = 1
    tr = stp.simulate_stdp(_rule(), pre, np.zeros(800), w0=0.5, dt_ms=dt)
    k = np.arange(9, 800)
    assert_close(np.asarray(tr.pre_trace_x)[k], np.exp(-(k - 8) * dt / tau_x) * (1 + np.exp(-4 * dt / tau_x)))
    trn = stp.simulate_stdp(_rule(rule="nearest"), np.zeros(800), pre, w0=0.5, dt_ms=dt)
    assert_close(np.asarray(trn.post_trace_y)[k], np.exp(-(k - 8) * dt / 125.0))


def test_unbounded_rule_leaves_the_bounds():
    pre, post = stp.pairing_trains(5.0, n_pairs=50, period_ms=20.0, duration_ms=1100.0, dt_ms=0.5)
    tr = stp.simulate_stdp(_rule(A3_plus=0.2, w_max=1.0), pre, post, w0=5.0, dt_ms=0.5)
    w = np.asarray(tr.w)
    assert w[0] == 5.0 and w[-1] > 6.0
    hard = stp.simulate_stdp(_rule(A3_plus=0.2, bounds="hard"), pre, post, w0=5.0, dt_ms=0.5)
    assert float(np.max(hard.w)) == 1.0


# --- the published fits -------------------------------------------------------------------------

@pytest.mark.parametrize("name", TRIPLET_PRESETS[:3])
def test_visual_cortex_rules_have_the_sign_of_the_sjostrom_data(name):
    d = SJOSTROM_2001
    dw = np.asarray(stp.stdp_frequency_curve(stp.STDPParams(**PRESETS[name].values), d.rates_hz, d.delta_t_ms,
                                             n_pairs=d.n_pairs))
    assert dw.shape == d.mean.shape
    sig = d.significant
    assert sig.sum() == 7
    np.testing.assert_array_equal(np.sign(dw[sig]), np.sign(d.mean[sig]))
    # the frequency dependence: at -10 ms depression at low rates turns into potentiation at 50 Hz
    assert dw[0, 1] < 0 < dw[-1, 1]


def test_triplet_presets_are_complete_and_cited():
    for name in TRIPLET_PRESETS:
        pr = PRESETS[name]
        assert "Pfister & Gerstner (2006) J Neurosci 26:9673" in pr.citation
        v = pr.values
        assert v["bounds"] == "none" and (v["tau_plus"], v["tau_minus"]) == (16.8, 33.7)
        assert ("tau_x" in v) or v["A3_minus"] == 0.0
        stp.STDPParams(**v)
    # the STDP panel has the triplet controls: the presets are registered for it (and only it:
    # the synapse lab has no triplet terms)
    assert all(PRESETS[n].panels == ("stdp",) and n in presets_for("stdp") for n in TRIPLET_PRESETS)


def test_sjostrom_data_is_read_only_and_cited():
    d = SJOSTROM_2001
    assert "Neuron 32:1149" in d.citation
    with pytest.raises(ValueError):
        d.mean[0, 0] = 1.0


# --- batching, compilation, errors --------------------------------------------------------------

def test_frequency_curve_shapes_and_batch_equal_loop_of_singles():
    rates, lags = np.array([1.0, 20.0, 50.0]), np.array([-10.0, 10.0])
    a3 = np.array([0.0, 6.5e-3, 2e-2])
    out = np.asarray(stp.stdp_frequency_curve(_rule(A3_plus=a3), rates, lags))
    assert out.shape == (3, 3, 2)
    for i, a in enumerate(a3):
        one = np.asarray(stp.stdp_frequency_curve(_rule(A3_plus=a), rates, lags))
        np.testing.assert_allclose(out[i], one, rtol=1e-6, atol=1e-9)
        for j, r in enumerate(rates):
            assert float(stp.stdp_frequency_curve(_rule(A3_plus=a), r, lags[1])) == pytest.approx(one[j, 1], rel=1e-6)
    assert np.shape(stp.stdp_frequency_curve(_rule(), 20.0, lags)) == (2,)
    assert np.shape(stp.stdp_frequency_curve(_rule(), rates, 10.0)) == (3,)


def test_batched_triplet_simulation_equals_single():
    pre, post = stp.pairing_trains(-7.0, n_pairs=8, period_ms=25.0, duration_ms=300.0, dt_ms=0.5)
    tau_y = np.array([20.0, 125.0, 400.0])
    tr = stp.simulate_stdp(_rule(tau_y=tau_y), pre, post, w0=0.5, dt_ms=0.5)
    for i, t in enumerate(tau_y):
        one = stp.simulate_stdp(_rule(tau_y=t), pre, post, w0=0.5, dt_ms=0.5)
        np.testing.assert_allclose(tr.w[i], one.w, rtol=1e-6)


def test_triplet_in_the_synapse_lab_equals_simulate_stdp():
    pre = stp.poisson_train(20.0, duration_ms=1000.0, dt_ms=0.5, seed=4, n_trains=12)
    rule = _rule(A3_plus=0.02, A3_minus=0.002, bounds="hard")
    p = stp.CircuitParams(stp=stp.STPParams(U=0.2, tau_f=200.0, tau_d=300.0), neuron=stp.ALIFParams(),
                          stdp=rule, gain=12.0)
    tr = stp.simulate_circuit(p, pre, w0=0.5, dt_ms=0.5)
    post = np.asarray(tr.spikes)
    assert post.sum() > 3
    for i in (0, 5):
        ref = stp.simulate_stdp(rule, pre[:, i], post, w0=0.5, dt_ms=0.5)
        np.testing.assert_allclose(tr.w[:, i], ref.w, rtol=1e-5, atol=1e-7)


def test_changing_values_never_recompiles():
    stp.stdp_frequency_curve(_rule(), [0.1, 10.0, 20.0, 40.0, 50.0], [10.0, -10.0])
    pre, post = stp.pairing_trains(5.0, n_pairs=5, period_ms=40.0, duration_ms=300.0, dt_ms=0.5)
    stp.simulate_stdp(_rule(), pre, post, w0=0.5, dt_ms=0.5)
    # built first: creating a jnp.float32 compiles a conversion (eagerly, once), not the engine
    rules = [stp.STDPParams(A_plus=0.001 * i, A_minus=np.float32(0.01), A3_plus=i, A3_minus=jnp.float32(1e-3),
                            tau_plus=10 + i, tau_minus=20.0, tau_x=np.float64(50 + i), tau_y=100, bounds="none")
             for i in range(20)]
    with stp.count_compilations() as c:
        for i, p in enumerate(rules):
            stp.stdp_frequency_curve(p, np.array([1, 5, 10, 20, 40]) + i, [i + 1, -i - 1], w0=i)
            stp.simulate_stdp(p, pre, post, w0=i / 20, dt_ms=0.5)
    assert c.n == 0


@pytest.mark.parametrize("kw,match", [
    (dict(tau_x=-5.0), r"tau_x must be in \(0, inf\) ms, got -5"),
    (dict(tau_y=0.0), r"tau_y must be in \(0, inf\) ms, got 0"),
    (dict(A3_plus=-1e-3), r"A3_plus must be in \[0, inf\), got -0.001"),
    (dict(A3_minus=np.nan), r"A3_minus must be in \[0, inf\), got nan"),
    (dict(bounds="clip"), r"bounds must be one of \('hard', 'soft', 'none'\), got 'clip'"),
])
def test_bad_parameters_name_the_argument(kw, match):
    with pytest.raises(ValueError, match=match):
        _rule(**kw)


@pytest.mark.parametrize("args,kw,match", [
    ((0.0, 10.0), {}, r"rates_hz must be in \(0, 10000\] Hz \(at most one spike per step of dt_ms\), got 0"),
    (([[1.0, 2.0]], 10.0), {}, r"rates_hz must be a number or a non-empty 1-D array, got shape \(1, 2\)"),
    ((10.0, np.inf), {}, r"delta_t_ms must be in \(-inf, inf\) ms, got inf"),
    ((10.0, 10.0), dict(n_pairs=0), r"n_pairs must be an integer >= 1, got 0"),
    ((10.0, 10.0), dict(dt_ms=-0.1), r"dt_ms must be in \(0, inf\) ms, got -0.1"),
    ((2000.0, 10.0), dict(dt_ms=1.0), r"rates_hz must be in \(0, 1000\] Hz"),
])
def test_bad_frequency_curve_arguments_name_the_argument(args, kw, match):
    with pytest.raises(ValueError, match=match):
        stp.stdp_frequency_curve(_rule(), *args, **kw)


@pytest.mark.parametrize("name", ["stpexplorer.engine.stdp_frequency", "stpexplorer.experiments.datasets",
                                  "stpexplorer.engine.tm", "stpexplorer.engine.stdp_window",
                                  "stpexplorer.engine._compiles"])
def test_docstring_examples_of_the_new_modules(name):
    import doctest
    import importlib

    res = doctest.testmod(importlib.import_module(name), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert res.attempted > 0 and res.failed == 0
