"""FitResult: estimates, bootstrap intervals, predictions and residuals of one fitted connection."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import jax
import numpy as np

from stpexplorer.engine.stp import STPParams
from stpexplorer.fit._data import AmplitudeData
from stpexplorer.fit._model import BOUNDS, NAMES
from stpexplorer.fit._synthetic import release_fraction

__all__ = ["FitResult"]


@dataclass(frozen=True, eq=False)
class FitResult:
    """Result of :func:`fit_stp`.

    params:      :class:`STPParams` at the estimate (``f`` is None for model "tm")
    values:      {name: float} estimates in float64 for U, f, tau_f, tau_d (ms), W (f = U for "tm")
    sse:         Σ over all observations of (amplitude − prediction)², amplitude units squared
    objective:   the weighted objective minimised (equals ``sse`` for weights="observations")
    ci:          {name: (lo, hi)} 95 % percentile-bootstrap intervals over sweeps ((nan, nan) if n_boot = 0;
                 (v, v) for a fixed parameter). Sweeps are redrawn within each protocol, so a protocol
                 recorded once adds no spread: with one sweep per protocol the interval is (v, v)
    boot:        {name: array (n_boot,)} bootstrap estimates
    at_bound:    {name: "lower" | "upper" | "both" | None | "fixed" | "tied to U"}: the interval reaches a
                 bound of the transform (U, f: [1e-4, 1]; τ: [0.5, 1e5] ms; W: 0), i.e. the data do not
                 determine the parameter beyond it. τf of a purely depressing synapse: "lower" (τf is
                 indistinguishable from 0 and the interval gives only an upper limit); "both": undetermined
    residuals:   {protocol: (n_sweeps, n_spikes)} amplitude − prediction, NaN where missing
    r2:          {protocol: float} 1 − SSE/SST over that protocol's observations (sweep-to-sweep noise
                 bounds it below 1); r2_means: the same for the per-spike means
    n_converged: starts (of n_starts) that met the solver's convergence test; boot_converged likewise
    """

    model: str
    params: STPParams
    values: dict
    sse: float
    objective: float
    ci: dict
    boot: dict
    at_bound: dict
    residuals: dict
    r2: dict
    r2_means: dict
    n_converged: int
    n_starts: int
    boot_converged: int
    n_boot: int
    weights: str
    fixed: dict = field(default_factory=dict)
    data: AmplitudeData | None = None

    def predict(self, protocol) -> np.ndarray:
        """Predicted mean amplitude per spike, (n_spikes,): a protocol name or an isi_ms vector (ms)."""
        if isinstance(protocol, str):
            if self.data is None:
                raise ValueError("this FitResult has no data; pass the protocol's isi_ms instead of its name")
            isi = self.data[protocol].isi_ms
        else:
            isi = np.asarray(protocol, dtype=np.float64)
        return self.values["W"] * release_fraction(_params(self.values, self.model), isi)

    def to_dict(self) -> dict:
        """JSON-safe summary (NaN and inf become None)."""
        def num(x):
            x = float(x)
            return x if math.isfinite(x) else None

        return {
            "model": self.model, "weights": self.weights, "fixed": {k: num(v) for k, v in self.fixed.items()},
            "params": {k: num(v) for k, v in self.values.items()},
            "ci": {k: [num(lo), num(hi)] for k, (lo, hi) in self.ci.items()},
            "at_bound": dict(self.at_bound),
            "sse": num(self.sse), "objective": num(self.objective),
            "r2": {k: num(v) for k, v in self.r2.items()},
            "r2_means": {k: num(v) for k, v in self.r2_means.items()},
            "n_converged": int(self.n_converged), "n_starts": int(self.n_starts),
            "n_boot": int(self.n_boot), "boot_converged": int(self.boot_converged),
        }


def _params(values: dict, model: str) -> STPParams:
    """STPParams of the estimate (the engine's float dtype; the fit itself runs in float64)."""
    return STPParams(U=values["U"], tau_f=values["tau_f"], tau_d=values["tau_d"], W=values["W"],
                  f=None if model == "tm" else values["f"])


def _bound(name, lo, hi, fixed) -> str | None:
    if name in fixed:
        return "fixed"
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return None
    b_lo, b_hi = BOUNDS[name]
    if name.startswith("tau"):  # within 5 % of a bound, on the log scale the transform uses
        near_lo, near_hi = lo <= b_lo * 1.05, hi >= b_hi / 1.05
    elif np.isfinite(b_hi):
        tol = 1e-3 * (b_hi - b_lo)
        near_lo, near_hi = lo <= b_lo + tol, hi >= b_hi - tol
    else:
        near_lo, near_hi = lo <= b_lo, False
    return "both" if near_lo and near_hi else "lower" if near_lo else "upper" if near_hi else None


def make_result(data: AmplitudeData, model, fixed, weights, v_best, boot, obj, conv, n_starts, boot_conv) -> FitResult:
    values = {n: float(v) for n, v in zip(NAMES, v_best)}
    with jax.enable_x64(False):
        params = _params(values, model)
    boots = {n: np.asarray(boot[:, i], dtype=np.float64) for i, n in enumerate(NAMES)}
    ci, at_bound = {}, {}
    for n in NAMES:
        b = boots[n][np.isfinite(boots[n])]
        if n in fixed:
            lo = hi = values[n]
        elif b.size:
            lo, hi = (float(q) for q in np.percentile(b, [2.5, 97.5]))
        else:
            lo = hi = math.nan
        ci[n] = (lo, hi)
        at_bound[n] = "tied to U" if (n == "f" and model == "tm") else _bound(n, lo, hi, fixed)
    res, r2, r2m, sse = {}, {}, {}, 0.0
    for p in data.protocols:
        pred = values["W"] * release_fraction(params, p.isi_ms)
        r = p.amplitudes - pred[None, :]
        res[p.name] = r
        ok = np.isfinite(p.amplitudes)
        sse_p = float(np.nansum(r * r))
        sse += sse_p
        sst = float(np.sum((p.amplitudes[ok] - p.amplitudes[ok].mean()) ** 2))
        r2[p.name] = 1.0 - sse_p / sst if sst > 0 else math.nan
        with np.errstate(invalid="ignore"):
            means = np.nanmean(np.where(ok, p.amplitudes, np.nan), axis=0)
        mk = np.isfinite(means)
        sst_m = float(np.sum((means[mk] - means[mk].mean()) ** 2))
        r2m[p.name] = 1.0 - float(np.sum((means[mk] - pred[mk]) ** 2)) / sst_m if sst_m > 0 else math.nan
    return FitResult(model=model, params=params, values=values, sse=sse, objective=float(obj), ci=ci, boot=boots,
                     at_bound=at_bound, residuals=res, r2=r2, r2_means=r2m, n_converged=int(conv),
                     n_starts=int(n_starts), boot_converged=int(boot_conv), n_boot=int(boot.shape[0]),
                     weights=weights, fixed=dict(fixed), data=data)
