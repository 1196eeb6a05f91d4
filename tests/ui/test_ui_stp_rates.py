"""The STP panel's rate curves are computed only while the "Ratios & steady state" view is
shown, and what it shows then is what an eager run computes."""

from __future__ import annotations

import numpy as np

from stpexplorer.experiments import run
from stpexplorer.ui import STPPanel


def shown_curves(p):
    return {k: np.asarray(p.trace(k)[1], np.float64) for k in ("curve_regular", "curve_poisson", "curve_steady")}


def test_rate_curves_are_computed_only_while_shown():
    p = STPPanel()
    p.set_values(U=0.3, tau_d=600.0)
    p.set_values(ratio_n=4)
    assert p.rate_view.n_draws == 0  # hidden: slider moves do not compute them
    assert p.result.curve_regular is None  # nor does the panel's run
    p.views.selected_index = p.RATES_VIEW
    assert p.rate_view.n_draws == 1  # shown after the moves: computed then, once
    eager = run("stp", p.values)  # the experiment's own run computes them eagerly
    got = shown_curves(p)
    np.testing.assert_allclose(got["curve_regular"], eager.curve_regular, rtol=1e-6)
    np.testing.assert_allclose(got["curve_poisson"], eager.curve_poisson_mean, rtol=1e-6)
    np.testing.assert_allclose(got["curve_steady"], eager.curve_steady, rtol=1e-6)
    p.set_values(tau_f=300.0)  # shown: each move that changes them recomputes
    assert p.rate_view.n_draws == 2
    p.set_values(W=0.5)  # W cancels in g_n/g_1: nothing to recompute
    assert p.rate_view.n_draws == 2
    p.views.selected_index = 0
    p.set_values(U=0.5)
    p.set_values(tau_d=300.0)
    assert p.rate_view.n_draws == 2
    p.views.selected_index = p.RATES_VIEW
    assert p.rate_view.n_draws == 3
    np.testing.assert_allclose(shown_curves(p)["curve_regular"], run("stp", p.values).curve_regular, rtol=1e-6)
