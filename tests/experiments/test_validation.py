"""Bad input: each error names the argument, the valid range and the value received.
Good input: no NaN or Inf anywhere inside the ranges the sliders offer (property test)."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import stpexplorer as stp
from stpexplorer.experiments import EXPERIMENTS

S = stp.regular_train(20.0, 3, duration_ms=200.0, dt_ms=0.5)


@pytest.mark.parametrize("call,match", [
    (lambda: stp.STPParams(U=0.0, tau_f=1.0, tau_d=1.0), r"U must be in \(0, 1\], got 0"),
    (lambda: stp.STPParams(U=1.2, tau_f=1.0, tau_d=1.0), r"U must be in \(0, 1\], got 1.2"),
    (lambda: stp.STPParams(U=0.5, tau_f=-5.0, tau_d=1.0), r"tau_f must be in \[0, inf\) ms .*got -5"),
    (lambda: stp.STPParams(U=0.5, tau_f=1.0, tau_d=np.inf), r"tau_d must be in \[0, inf\) ms .*got inf"),
    (lambda: stp.STPParams(U=0.5, tau_f=np.nan, tau_d=1.0), r"tau_f must be .*got nan"),
    (lambda: stp.STPParams(U=[0.5, 2.0], tau_f=1.0, tau_d=1.0), r"U must be in \(0, 1\], got 2"),
    (lambda: stp.STPParams(U="a", tau_f=1.0, tau_d=1.0), r"U must be a real number"),
    (lambda: stp.simulate_stp(stp.STPParams(U=0.5, tau_f=1.0, tau_d=1.0), S, dt_ms=0.0),
     r"dt_ms must be in \(0, inf\) ms, got 0"),
    (lambda: stp.simulate_stp(stp.STPParams(U=0.5, tau_f=1.0, tau_d=1.0), S, dt_ms=-1.0), r"dt_ms .* got -1"),
    (lambda: stp.simulate_stp(stp.STPParams(U=0.5, tau_f=1.0, tau_d=1.0), np.ones((3, 4)), dt_ms=1.0),
     r"spikes must have shape \(n_steps,\).*got shape \(3, 4\)"),
    (lambda: stp.simulate_stp(stp.STPParams(U=0.5, tau_f=1.0, tau_d=1.0), np.array([0, 2.0]), dt_ms=1.0),
     r"spikes must contain only 0 and 1.*got 2"),
    (lambda: stp.simulate_stp(stp.STPParams(U=0.5, tau_f=1.0, tau_d=1.0), S, dt_ms=1.0, method="rk4"),
     r"method must be one of"),
    (lambda: stp.steady_state(stp.STPParams(U=0.5, tau_f=1.0, tau_d=1.0), -3.0), r"rate_hz must be .*got -3"),
    (lambda: stp.regular_train(-5.0, 3, duration_ms=100.0, dt_ms=0.1), r"rate_hz must be in \(0, 10000\] Hz.*got -5"),
    (lambda: stp.regular_train(np.nan, 3, duration_ms=100.0, dt_ms=0.1), r"rate_hz .*got nan"),
    (lambda: stp.poisson_train(2000.0, duration_ms=100.0, dt_ms=1.0, seed=0), r"rate_hz must be in \[0, 1000\] Hz"),
    (lambda: stp.poisson_train(10.0, duration_ms=10.0, dt_ms=20.0, seed=0),
     r"dt_ms must be in \(0, duration_ms=10\] ms, got 20"),
    (lambda: stp.regular_train(10.0, 0, duration_ms=100.0, dt_ms=1.0), r"n_spikes must be an integer >= 1, got 0"),
    (lambda: stp.STDPParams(A_plus=0.1, A_minus=0.1, tau_plus=10.0, tau_minus=10.0, w_min=1.0, w_max=0.5),
     r"w_max must be > w_min=1, got 0.5"),
    (lambda: stp.STDPParams(A_plus=-0.1, A_minus=0.1, tau_plus=10.0, tau_minus=10.0), r"A_plus must be in \[0, inf\)"),
    (lambda: stp.STDPParams(A_plus=0.1, A_minus=0.1, tau_plus=0.0, tau_minus=10.0), r"tau_plus must be in \(0, inf\) ms"),
    (lambda: stp.STDPParams(A_plus=0.1, A_minus=0.1, tau_plus=1.0, tau_minus=1.0, rule="triplet"), r"rule must be one of"),
    (lambda: stp.simulate_stdp(stp.STDPParams(A_plus=0.1, A_minus=0.1, tau_plus=1.0, tau_minus=1.0), S, S[:-1],
                               w0=0.5, dt_ms=0.5), r"post must have the shape of pre"),
    (lambda: stp.WTASParams(n_units=0, thr_base=0.2, thr_gain=0.0, refract_ms=0.0, thr_jitter=0.0),
     r"n_units must be an integer >= 1, got 0"),
    (lambda: stp.WTASParams(n_units=3, thr_base=0.2, thr_gain=0.0, refract_ms=-1.0, thr_jitter=0.0),
     r"refract_ms must be in \[0, inf\) ms, got -1"),
    (lambda: stp.simulate_wtas(stp.WTASParams(n_units=3, thr_base=0.2, thr_gain=0.0, refract_ms=0.0, thr_jitter=0.0),
                               np.ones((10, 4)), dt_ms=1.0, seed=0), r"current must have shape \(n_steps, n_units=3\)"),
    (lambda: stp.simulate_alif(stp.ALIFParams(), np.array([1.0, np.nan]), dt_ms=1.0), r"current must be in .*got nan"),
    (lambda: stp.ALIFParams(v_th=-80.0), r"v_th must be > v_rest=-70 mV, got -80"),
    (lambda: stp.ALIFParams(tau_m=0.0), r"tau_m must be in \(0, inf\) ms, got 0"),
    (lambda: stp.simulate_circuit(stp.CircuitParams(stp=stp.STPParams(U=0.5, tau_f=1.0, tau_d=1.0),
                                                    neuron=stp.ALIFParams(),
                                                    stdp=stp.STDPParams(A_plus=0.1, A_minus=0.1, tau_plus=1.0,
                                                                        tau_minus=1.0)),
                                  np.zeros((10, 3)), w0=np.ones(4), dt_ms=1.0), r"w0 must be a scalar or have shape \(n_syn=3,\)"),
])
def test_errors_name_argument_range_and_value(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def _control_values(exp):
    """A hypothesis strategy over every control of an experiment, within the slider ranges."""
    fields = {}
    for c in exp.controls:
        if c.kind == "choice":
            fields[c.name] = st.sampled_from(c.options)
        elif c.kind == "int":
            fields[c.name] = st.integers(int(c.lo), int(c.hi))
        elif c.kind == "log":
            s = st.floats(np.log10(c.lo), np.log10(c.hi)).map(lambda e, c=c: min(max(float(10 ** e), c.lo), c.hi))
            fields[c.name] = st.one_of(st.just(0.0), s) if c.zero_ok else s
        else:
            fields[c.name] = st.floats(c.lo, c.hi)
    return st.fixed_dictionaries(fields)


@pytest.mark.parametrize("name", list(EXPERIMENTS))
def test_no_nan_or_inf_anywhere_in_slider_ranges(name):
    exp = EXPERIMENTS[name]

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(_control_values(exp))
    def check(values):
        if name == "stdp" and values["w_max"] <= values["w_min"]:
            with pytest.raises(ValueError, match="w_max must be > w_min"):
                exp.run(values)
            return
        if name == "threshold" and values["v_th"] <= values["v_rest"]:
            with pytest.raises(ValueError, match="v_th must be > v_rest"):
                exp.run(values)
            return
        if name == "map" and values["x_param"] == values["y_param"]:
            with pytest.raises(ValueError, match="x_param and y_param must differ"):
                exp.run(values)
            return
        res = exp.run(values)
        for k, v in vars(res).items():
            if isinstance(v, str):
                continue  # the note
            if k == "contour":  # the map's level lines: a tuple of (k, 2) arrays of different k
                v = np.concatenate(v) if v else np.zeros((0, 2))
            a = np.asarray(v, dtype=np.float64)
            if k in ("release_ratio",) and not np.isfinite(a).all():
                continue  # ratio to a first release of 0 (W = 0) is undefined, shown as a gap
            if k == "r_lim_hz":
                continue  # +inf when depression is off, by definition
            assert np.isfinite(a).all(), (k, values)

    check()
