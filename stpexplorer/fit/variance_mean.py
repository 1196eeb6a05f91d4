"""Variance–mean (multiple-probability fluctuation) analysis of amplitude trains (numpy).

For each (condition, protocol, spike) with at least two observed sweeps: the mean I and the
variance V across sweeps (ddof = 1), with standard errors SE(I) = sqrt(V/n) and, for normally
distributed amplitudes, SE(V) = V sqrt(2/(n − 1)). The binomial parabola (Clements & Silver 2000)

    V = q I − I²/N                  (after subtracting ``noise_var``, the baseline noise variance)

is linear in (q, 1/N) and is fitted by weighted least squares with weights 1/SE(V)², SE(V)
computed from the fitted variance (five reweighting steps: weights from the observed variances
would favour the points whose variance happens to be low); the
covariance is (XᵀWX)⁻¹ scaled by the reduced χ² when that exceeds 1. 95 % intervals: q ± 1.96 se;
N from the interval of 1/N (its upper end inf when 1/N's interval reaches 0). Each point's
release probability is p = I/(N q). The parabola is exact when every site is full before the
spike (first spikes, or full recovery); later spikes of a depressing train vary also in the
number of full sites, which adds variance and biases q and N (use the first spikes then).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stpexplorer.fit._quantal_data import check_data, resolve_conditions

__all__ = ["VarianceMean", "variance_mean"]


@dataclass(frozen=True, eq=False)
class VarianceMean:
    """Points (each (n_points,)): ``condition``, ``protocol``, ``spike``, ``n`` sweeps, ``mean``,
    ``mean_se``, ``var``, ``var_se``, ``p`` (= mean/(N q)); the fit: ``q``, ``N`` (may be inf:
    no curvature), ``q_ci``, ``N_ci`` (95 %), ``inv_N`` and ``cov`` of (q, 1/N)."""

    condition: np.ndarray
    protocol: np.ndarray
    spike: np.ndarray
    n: np.ndarray
    mean: np.ndarray
    mean_se: np.ndarray
    var: np.ndarray
    var_se: np.ndarray
    q: float
    N: float
    inv_N: float
    cov: np.ndarray
    q_ci: tuple
    N_ci: tuple

    @property
    def p(self) -> np.ndarray:
        return self.mean / (self.N * self.q) if np.isfinite(self.N) else np.zeros_like(self.mean)

    def parabola(self, mean) -> np.ndarray:
        """The fitted variance q I − I²/N at means ``mean``."""
        m = np.asarray(mean, dtype=np.float64)
        return self.q * m - self.inv_N * m * m


def variance_mean(data, *, conditions=None, noise_var=0.0) -> VarianceMean:
    """Variance–mean analysis of ``data`` (see the module); ``conditions`` as for
    :func:`~stpexplorer.fit.fit_quantal`. Needs at least two sweeps of some protocol (a variance
    across one sweep is undefined) and two points with different means."""
    data = check_data(data)
    labels, cidx = resolve_conditions(data, conditions)
    nv = float(noise_var)
    if not (np.isfinite(nv) and nv >= 0):
        raise ValueError(f"noise_var must be in [0, inf) (the baseline noise variance), got {noise_var!r}")
    rows = []
    for p, c in zip(data.protocols, cidx):
        a = p.amplitudes
        for k in range(a.shape[1]):
            x = a[:, k][np.isfinite(a[:, k])]
            if x.size >= 2:
                v = x.var(ddof=1)
                rows.append((labels[c], p.name, k, x.size, x.mean(), np.sqrt(v / x.size), v - nv,
                             v * np.sqrt(2.0 / (x.size - 1))))
    if not rows:
        most = max(int(np.isfinite(p.amplitudes).sum(0).max()) for p in data.protocols)
        raise ValueError(f"data: the variance across sweeps needs at least 2 sweeps at a spike; every spike has "
                         f"at most {most} (with one sweep the variance is undefined)")
    cond, prot, spike, n, m, mse, v, vse = (np.array(col) for col in zip(*rows))
    if np.unique(m).size < 2:
        raise ValueError(f"data: the parabola needs points with at least 2 different means, got {np.unique(m).size}")
    X = np.stack([m, -m * m], axis=1)
    floor = 1e-6 * max(float(np.max(np.abs(v))), 1e-300)
    sd = vse
    for _ in range(5):  # reweighted: SE(V) from the fitted variance, not the noisy observed one
        w = 1.0 / np.maximum(sd, floor) ** 2
        A = X.T @ (w[:, None] * X)
        beta = np.linalg.solve(A, X.T @ (w * v))
        sd = np.maximum(X @ beta + nv, floor) * np.sqrt(2.0 / (n - 1))
    resid = v - X @ beta
    dof = max(m.size - 2, 1)
    chi2 = float(resid @ (w * resid)) / dof
    cov = np.linalg.inv(A) * max(chi2, 1.0)
    q, b = float(beta[0]), float(beta[1])
    se_q, se_b = np.sqrt(np.diag(cov))
    N = 1.0 / b if b > 0 else np.inf
    lo_b, hi_b = b - 1.96 * se_b, b + 1.96 * se_b
    N_ci = (1.0 / hi_b if hi_b > 0 else np.inf, 1.0 / lo_b if lo_b > 0 else np.inf)
    return VarianceMean(condition=cond, protocol=prot, spike=spike, n=n, mean=m, mean_se=mse, var=v, var_se=vse,
                        q=q, N=N, inv_N=b, cov=cov, q_ci=(q - 1.96 * se_q, q + 1.96 * se_q), N_ci=N_ci)
