"""Quantal analysis by maximum likelihood: the binomial synapse (:mod:`stpexplorer.engine.release`)
fitted to amplitude trains for every number of release sites N, and N chosen by BIC (as Gontier &
Pfister 2020). Times in ms; amplitudes in the data's units.

:func:`binomial_loglik` is the exact log-likelihood (the engine's forward algorithm, float64);
:func:`fit_quantal` maximises it over (U per condition, τf, τd, q, σ [, f]) for N = 1..N_max.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import jax
import numpy as np

from stpexplorer.engine._params import check_instance
from stpexplorer.engine.release import MAX_SITES, BinomialParams, n_states_for
from stpexplorer.engine.release_loglik import forward_loglik
from stpexplorer.engine.stp import STPParams
from stpexplorer.fit._data import AmplitudeData
from stpexplorer.fit._quantal_data import check_data, pack, resolve_conditions
from stpexplorer.fit._quantal_opt import hessian, optimise
from stpexplorer.fit._synthetic import release_fraction

__all__ = ["QUANTAL_MODELS", "QuantalFit", "binomial_loglik", "fit_quantal"]

QUANTAL_MODELS = ("tm", "etm")
_loglik = jax.jit(forward_loglik, static_argnums=3)


def _as64(p: BinomialParams) -> BinomialParams:
    return jax.tree_util.tree_map(lambda x: np.asarray(x, np.float64), p)


def binomial_loglik(params: BinomialParams, data: AmplitudeData) -> float:
    """Exact log-likelihood of ``data`` under the binomial synapse ``params`` (one parameter set;
    a leaf may instead hold one value per protocol). Every sweep starts from rest; NaN amplitudes
    are skipped. Forward algorithm over the number of full sites (:mod:`stpexplorer.engine.release_loglik`),
    computed in float64; every N of a size bucket shares one compiled function."""
    check_instance("params", params, BinomialParams)
    data = check_data(data)
    for name, leaf in zip(params._data_fields, jax.tree_util.tree_leaves(params)):
        if np.ndim(leaf) and np.shape(leaf) != (len(data),):
            raise ValueError(f"params.{name} must be a scalar or hold one value per protocol ({len(data)}), "
                             f"got shape {np.shape(leaf)}")
    isi, amps = pack(data)
    with jax.enable_x64(True):
        return float(_loglik(_as64(params), isi, amps, n_states_for(int(np.max(params.N)))))


@dataclass(frozen=True, eq=False)
class QuantalFit:
    """Result of :func:`fit_quantal`.

    ``table``: pandas DataFrame, one row per N: ``N``, ``loglik`` (maximum log-likelihood),
    ``n_params``, ``BIC`` = k ln(n_obs) − 2 loglik; ``N``: the N of the smallest BIC; ``values``:
    its estimates ``{"N", "U" (or "U[label]" per condition), "p" (= U), "tau_f", "tau_d", "q",
    "sigma"[, "f"]}``; ``ci``: 95 % intervals ``{name: (lo, hi)}``. For N: the profile-likelihood
    interval over the table (every N with 2(loglik_max − loglik_N) ≤ 3.84). For the others: Wald
    intervals from the observed information at the chosen N, computed in the transformed
    parameters (logit U, log τ, log q, log σ) and mapped back, so they stay in range; N is held at
    its estimate (these intervals do not include the uncertainty in N).
    """

    rows: tuple
    N: int
    values: dict
    ci: dict
    model: str
    conditions: tuple
    data: AmplitudeData = field(repr=False)
    cond_index: np.ndarray = field(repr=False)

    @property
    def table(self):
        import pandas as pd  # optional dependency: only the table needs pandas

        return pd.DataFrame(list(self.rows), columns=["N", "loglik", "n_params", "BIC"])

    def params(self) -> BinomialParams:
        """The estimate as BinomialParams (U per protocol when there are several conditions)."""
        v = self.values
        U = np.array([v["U"] if len(self.conditions) == 1 else v[f"U[{self.conditions[i]}]"]
                      for i in self.cond_index])
        return BinomialParams(N=self.N, U=U if len(self.conditions) > 1 else U[0], tau_f=v["tau_f"],
                              tau_d=v["tau_d"], q=v["q"], sigma=v["sigma"], f=v.get("f"))

    def predict(self) -> dict[str, np.ndarray]:
        """Mean amplitude at each spike of each protocol, ``{protocol: (n_spikes,)}``: N q u_k x_k."""
        v, out = self.values, {}
        for i, p in enumerate(self.data.protocols):
            U = v["U"] if len(self.conditions) == 1 else v[f"U[{self.conditions[self.cond_index[i]]}]"]
            tm = STPParams(U=U, tau_f=v["tau_f"], tau_d=v["tau_d"], W=1.0, f=v.get("f"))
            out[p.name] = self.N * v["q"] * release_fraction(tm, p.isi_ms)
        return out


def _starts(data, cidx, n_cond, N, etm):
    """A moment start for N: first-spike mean m_c and variance v_c of each condition give
    q ≈ (v_c + m_c²/N)/m_c and U_c = m_c/(N q)."""
    m, v = np.zeros(n_cond), np.zeros(n_cond)
    for c in range(n_cond):
        first = np.concatenate([p.amplitudes[:, 0] for p, i in zip(data.protocols, cidx) if i == c])
        first = first[np.isfinite(first)]
        m[c], v[c] = max(abs(first.mean()), 1e-12), first.var() if first.size > 1 else 0.0
    q = max(float(np.mean((v + m**2 / N) / m)), 1e-9)
    U = np.clip(m / (N * q), 0.02, 0.98)
    z = [*np.log(U / (1 - U)), np.log(50.0), np.log(300.0), np.log(q), np.log(max(0.2 * q, 1e-9))]
    return np.array(z + ([0.0] if etm else []))


def fit_quantal(data: AmplitudeData, *, N_max=50, model="tm", conditions=None) -> QuantalFit:
    """Maximum-likelihood quantal parameters for every N = 1..N_max, N chosen by BIC.

    Free: U per condition (the release probability p of a full site at the first spike), τf, τd
    (ms), q, σ, and f for ``model="etm"`` (``"tm"``: f = U). With several conditions (``conditions``,
    see :mod:`._quantal_data`; default the protocols' own labels) N and q are shared and U differs,
    what multiple-probability fluctuation analysis assumes. For each N, BFGS runs from two starts
    (moments of the first spikes, and the optimum of N − 1 with q scaled by (N − 1)/N), vmapped;
    the better one is kept. Every N of a size bucket (1–16, 17–32, ...) shares one compilation.
    Returns :class:`QuantalFit` (its ``ci`` says how the intervals are made).
    """
    data = check_data(data)
    if model not in QUANTAL_MODELS:
        raise ValueError(f"model must be one of {QUANTAL_MODELS}, got {model!r}")
    if isinstance(N_max, bool) or not isinstance(N_max, (int, np.integer)) or not 1 <= N_max <= MAX_SITES:
        raise ValueError(f"N_max must be an integer in [1, {MAX_SITES}] (the likelihood costs (N+1)² per "
                         f"amplitude), got {N_max!r}")
    labels, cidx = resolve_conditions(data, conditions)
    etm, C = model == "etm", len(labels)
    isi, amps = pack(data)
    n_obs = data.n_observations
    k = C + 4 + etm
    rows, best_z, prev = [], {}, None
    kw = {"n_cond": C, "etm": etm}
    with jax.enable_x64(True):
        for N in range(1, int(N_max) + 1):
            z0 = _starts(data, cidx, C, N, etm)
            warm = z0 if prev is None else prev.copy()
            if prev is not None:
                warm[C + 2] += np.log((N - 1) / N)
            z, nll, _ = optimise(np.stack([z0, warm]), np.float64(N), cidx, isi, amps,
                                 n_states=n_states_for(N), **kw)
            z, nll = np.asarray(z), np.asarray(nll)
            j = int(np.nanargmin(np.where(np.isfinite(nll), nll, np.inf)))
            prev = z[j]
            best_z[N] = z[j]
            ll = -float(nll[j])
            rows.append((N, ll, k, k * np.log(n_obs) - 2 * ll))
        bic = np.array([r[3] for r in rows])
        N_hat = int(rows[int(np.argmin(bic))][0])
        z_hat = best_z[N_hat]
        H = np.asarray(hessian(z_hat, np.float64(N_hat), cidx, isi, amps, n_states=n_states_for(N_hat), **kw))
    values, ci = _summaries(z_hat, H, N_hat, labels, etm, rows)
    return QuantalFit(rows=tuple(rows), N=N_hat, values=values, ci=ci, model=model, conditions=labels,
                      data=data, cond_index=cidx)


def _summaries(z, H, N_hat, labels, etm, rows):
    C = len(labels)
    try:
        cov = np.linalg.inv(H)
        se = np.sqrt(np.where(np.diag(cov) > 0, np.diag(cov), np.nan))
    except np.linalg.LinAlgError:
        se = np.full(z.size, np.nan)
    sig = lambda x: 1.0 / (1.0 + np.exp(-x))
    names = [("U" if C == 1 else f"U[{c}]") for c in labels] + ["tau_f", "tau_d", "q", "sigma"] + (["f"] if etm else [])
    back = [sig] * C + [np.exp] * 4 + ([sig] if etm else [])
    values, ci = {"N": N_hat}, {}
    for name, zi, si, fn in zip(names, z, se, back):
        values[name] = float(fn(zi))
        ci[name] = (float(fn(zi - 1.96 * si)), float(fn(zi + 1.96 * si)))
    if C == 1:
        values["p"], ci["p"] = values["U"], ci["U"]
    ll = np.array([r[1] for r in rows])
    inside = [r[0] for r, x in zip(rows, ll) if 2 * (ll.max() - x) <= 3.84]
    ci["N"] = (min(inside), max(inside))
    return values, ci
