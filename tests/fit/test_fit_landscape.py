"""loss_landscape: each cell is the fit's objective (against a direct numpy loop), the fit is the
minimum on noise-free data, and moving the centre does not recompile."""

import numpy as np
import pytest

import stpexplorer as stp
from stpexplorer.fit import AmplitudeData, LossLandscape, fit_stp, loss_landscape, synthetic_amplitudes
from tests.reference import release_fraction

PROTOCOLS = {"10 Hz": np.r_[0.0, np.full(7, 100.0)],
             "50 Hz": np.r_[0.0, np.full(7, 20.0), 600.0],
             "paired 30 ms": np.array([0.0, 30.0])}
KW = dict(n_starts=16, n_boot=16)  # the shapes of tests/fit/test_fit.py: no extra compilation
TRUE = stp.STPParams(U=0.2, tau_f=150.0, tau_d=300.0, W=2.0)


def direct_sse(data, values, weights="observations"):
    """Σ w_p (amplitude − W u_n x_n)² by the numpy recursion of release_fraction, protocol by protocol."""
    p = stp.STPParams(U=values["U"], tau_f=values["tau_f"], tau_d=values["tau_d"], W=values["W"],
                      f=values.get("f"))
    per, n_obs = [], []
    for prot in data.protocols:
        pred = float(values["W"]) * release_fraction(p, prot.isi_ms)
        per.append(float(np.nansum((prot.amplitudes - pred[None]) ** 2)))
        n_obs.append(int(np.isfinite(prot.amplitudes).sum()))
    per, n_obs = np.array(per), np.array(n_obs)
    w = np.ones_like(per) if weights == "observations" else n_obs.sum() / (len(per) * n_obs)
    return float(np.sum(w * per))


@pytest.fixture(scope="module")
def noisy():
    d = synthetic_amplitudes(TRUE, PROTOCOLS, n_sweeps=7, n_sites=50, quantal_size=0.04, cv=0.3, seed=2)
    amps = {p.name: (p.isi_ms, np.array(p.amplitudes)) for p in d.protocols}
    amps["50 Hz"][1][2, 4] = np.nan  # a missing value
    return AmplitudeData.from_dict(amps)


@pytest.mark.parametrize("xp, yp, weights", [("U", "tau_d", "observations"), ("tau_f", "W", "observations"),
                                             ("f", "tau_d", "protocols")])
def test_cells_equal_the_sse_of_a_direct_loop(noisy, xp, yp, weights):
    ls = loss_landscape(noisy, TRUE, xp, yp, n=12, weights=weights)
    assert isinstance(ls, LossLandscape) and ls.sse.shape == (12, 12) and (ls.x_param, ls.y_param) == (xp, yp)
    assert ls.x[ls.ix] == ls.x0 == pytest.approx(float(getattr(TRUE, xp) if xp != "f" else TRUE.U))
    for j, i in [(0, 0), (3, 7), (6, 6), (11, 2), (11, 11)]:
        vals = dict(ls.center)
        vals[xp], vals[yp] = ls.x[i], ls.y[j]
        if "f" not in (xp, yp):
            vals["f"] = None  # the "tm" model: f follows U
        assert ls.sse[j, i] == pytest.approx(direct_sse(noisy, vals, weights), rel=1e-5), (j, i)


def test_grid_spacing_log_and_logit():
    d = synthetic_amplitudes(TRUE, PROTOCOLS, n_sweeps=2, n_sites=5, quantal_size=0.4, cv=0.3, seed=0)
    ls = loss_landscape(d, TRUE, "U", "tau_d", n=9, span=(1.5, 0.5))
    np.testing.assert_allclose(np.diff(np.log10(ls.y)), 0.5 / 4, rtol=1e-9)  # 4 steps per half width
    logit = np.log(ls.x) - np.log1p(-ls.x)
    np.testing.assert_allclose(np.diff(logit), 1.5 / 4, rtol=1e-6)
    assert np.all((ls.x > 0) & (ls.x < 1))


@pytest.mark.parametrize("model, true, pairs", [
    ("tm", TRUE, [("U", "tau_d"), ("tau_f", "W"), ("U", "tau_f")]),
    ("etm", stp.STPParams(U=0.1, tau_f=200.0, tau_d=250.0, W=3.0, f=0.3), [("f", "tau_f"), ("U", "f")]),
])
def test_the_fit_is_the_minimum_on_noise_free_data(model, true, pairs):
    data = AmplitudeData.from_dict({k: (v, float(true.W) * release_fraction(true, v)) for k, v in PROTOCOLS.items()})
    r = fit_stp(data, model=model, **KW)
    for xp, yp in pairs:
        ls = loss_landscape(data, r, xp, yp, n=16, span=0.3)
        assert ls.sse[ls.iy, ls.ix] == pytest.approx(r.sse, rel=1e-6, abs=1e-20)
        assert ls.argmin == (ls.x0, ls.y0), (xp, yp)
        rest = np.delete(ls.sse.ravel(), ls.iy * 16 + ls.ix)
        assert rest.min() > ls.sse[ls.iy, ls.ix] + 1e-9 * float(true.W) ** 2


def _compiles():
    from stpexplorer.engine import compile_count  # the engine's public compile counter

    return compile_count()


def test_moving_the_centre_or_the_axes_does_not_recompile(noisy):
    loss_landscape(noisy, TRUE, "U", "tau_d", n=10)
    before = _compiles()
    for k, (xp, yp) in enumerate([("U", "tau_d"), ("tau_f", "W"), ("f", "U"), ("tau_d", "tau_f")]):
        p = stp.STPParams(U=0.1 + 0.1 * k, tau_f=50.0 + k, tau_d=200.0 * (k + 1), W=1.0 + k)
        loss_landscape(noisy, p, xp, yp, n=10, span=0.2 + k)
        loss_landscape(noisy, dict(U=0.3, tau_f=10.0, tau_d=90.0, W=2.0, f=0.4), xp, yp, n=10)
    assert _compiles() == before


@pytest.mark.parametrize("kwargs, match", [
    (dict(x_param="tau"), r"x_param must be one of \['U', 'f', 'tau_f', 'tau_d', 'W'\], got 'tau'"),
    (dict(y_param="U"), "x_param and y_param must differ, got 'U' twice"),
    (dict(n=2), "n must be an integer >= 3, got 2"),
    (dict(span=-1.0), r"span must be > 0, got -1.0"),
    (dict(span=(1.0, 2.0, 3.0)), r"span must be a number or a pair \(x, y\)"),
    (dict(weights="sweeps"), "weights must be one of"),
    (dict(params=stp.STPParams(U=0.2, tau_f=150.0, tau_d=0.0)), r"tau_d must be > 0 \(a log-spaced axis\).*got 0.0"),
    (dict(params=dict(U=0.2, tau_f=1.0)), r"params: missing \['tau_d', 'W'\]"),
    (dict(data={"a": 1}), "data must be an AmplitudeData, got dict"),
])
def test_bad_arguments(noisy, kwargs, match):
    args = dict(data=noisy, params=TRUE, x_param="U", y_param="tau_d")
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        loss_landscape(args.pop("data"), args.pop("params"), args.pop("x_param"), args.pop("y_param"), **args)
