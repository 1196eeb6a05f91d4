"""Response amplitudes from sweeps: the peak in a window after each stimulus against a baseline.

For sweep ``y`` (n_samples,), sampling interval ``dt`` (ms), stimulus ``k`` at ``t_k`` (ms) and
``sign`` = ±1 (the polarity: −1 for inward currents), with the windows relative to ``t_k``:

* the artefact is blanked: the samples of ``blank_ms`` (default −0.05 to +0.25 ms, as the Allen
  Institute's pipeline) are replaced by the straight line between their neighbours before
  anything else, so no artefact enters a window or the smoothing;
* ``baseline_ms`` (default −2 ms to the blank, shortened to 40 % of the shortest interval):
  the mean of the raw trace there is the baseline ``b_k``; the standard deviation about its
  linear trend is the response's ``noise_sd``;
* ``window_ms`` (default from the blank's end to 5 ms, shortened to 90 % of the shortest
  interval): the peak of ``sign·ỹ`` there, where ``ỹ`` is the trace smoothed by a centred
  boxcar of ``smooth_ms`` (default 0.3 ms; it lowers the noise of a peak, and the peak of an
  EPSC by well under 1 %).

``method="local"``: ``amplitude_k = max_window(sign·ỹ) − sign·b_k``. The preceding responses'
tails keep decaying through the window, so at 50–100 Hz this underestimates (by 10–30 % for
EPSCs decaying in a few ms).

``method="tail"``: the preceding responses are extrapolated and subtracted. The decay of the
residual ``r = sign·(ỹ − b_0)`` (``b_0``: the baseline before the first stimulus) is modelled
by exponentials with time constants ``τ_j`` (``tau_ms``, or fitted once per recording to the
mean trace after the last stimulus of its longest-tailed protocol: one exponential, or two
when the Bayesian information criterion prefers them by more than 10 — real EPSC decays are
often biexponential, and an alpha-shaped response's decay is not one exponential). Before
stimulus ``k`` their coefficients ``c_j`` are fitted (linear least squares, per sweep) to ``r``
over the last two thirds of the interval from the previous response's peak (in the mean of the
sweeps) to the blank, where that response's rise has faded, and::

    tail_k(t) = Σ_j c_j exp(−(t − t_k)/τ_j),   amplitude_k = max_window(r − tail_k)

For the first stimulus the tail is zero. Where the fitting interval is shorter than 0.5 ms the
tail is the interval's mean (the local baseline).

A response is a *failure* when its amplitude is below ``failure_sd × noise_sd``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["Measurement", "measure_sweeps", "fit_decay", "DEFAULT_BLANK_MS"]

DEFAULT_BLANK_MS = (-0.05, 0.25)
_TAU_GRID = np.geomspace(0.2, 2000.0, 121)


@dataclass(frozen=True)
class Measurement:
    """How amplitudes were measured (windows in ms relative to each stimulus)."""

    method: str
    polarity: int
    window_ms: tuple[float, float]
    baseline_ms: tuple[float, float]
    blank_ms: tuple[float, float]
    smooth_ms: float
    failure_sd: float
    tau_ms: tuple[float, ...] = ()
    tau_source: str = ""
    source: str = ""
    units: str = ""
    sweeps: dict = field(default_factory=dict)
    peaks_ms: dict = field(default_factory=dict)

    def describe(self) -> str:
        tau = ""
        if self.tau_ms:
            tau = ", decay τ " + " + ".join(f"{t:.3g}" for t in self.tau_ms) + f" ms ({self.tau_source})"
        w, b = self.window_ms, self.baseline_ms
        return (f"{self.method}: peak {w[0]:g}–{w[1]:g} ms after each stimulus against {b[0]:g}–{b[1]:g} ms"
                f"{tau}; failures < {self.failure_sd:g}× noise SD")


def _smooth(y: np.ndarray, n: int) -> np.ndarray:
    if n <= 1:
        return y
    pad = np.pad(y, ((0, 0), (n // 2, n - 1 - n // 2)), mode="edge")
    c = np.cumsum(pad, axis=1)
    c = np.concatenate([np.zeros((y.shape[0], 1)), c], axis=1)
    return (c[:, n:] - c[:, :-n]) / n


def _exp_basis(s: np.ndarray, taus) -> np.ndarray:
    return np.exp(-s[:, None] / np.asarray(taus)[None, :])


def fit_decay(r: np.ndarray, dt_ms: float) -> tuple[tuple[float, ...], str]:
    """Time constants (ms) of one or two exponentials decaying to 0 fitted to ``r`` (a decay
    from its first sample), chosen by BIC; see the module's docstring."""
    r = np.asarray(r, dtype=np.float64)
    r = r[np.isfinite(r)]
    n = r.size
    if n < 8:
        raise ValueError(f"tau_ms: the decay after the last stimulus is {n} samples long; give tau_ms")
    f = -(-n // 2000)  # averaged in bins of f samples: at most 2,000 points (a few ms to fit)
    if f > 1:
        n = n // f
        r = r[:n * f].reshape(n, f).mean(axis=1)
    s = (np.arange(n) * f + (f - 1) / 2) * dt_ms
    e = np.exp(-s[None, :] / _TAU_GRID[:, None])  # (G, n)
    # one exponential: c = <e, r>/<e, e> for every τ of the grid
    ee = np.einsum("gn,gn->g", e, e)
    er = e @ r
    rss1 = r @ r - er**2 / ee
    g = int(np.argmin(rss1))
    best1 = (float(_TAU_GRID[g]),)
    # two exponentials: 2×2 normal equations for every pair τ1 < τ2 of the grid, τ2 at most a
    # third of the decay's length (a slower one is not identified by it)
    i, j = np.triu_indices(_TAU_GRID.size, k=3)
    keep = _TAU_GRID[j] <= s[-1] / 3
    i, j = i[keep], j[keep]
    e12 = e @ e.T
    a, b, c = ee[i], e12[i, j], ee[j]
    det = a * c - b * b
    ok = det > 1e-12 * a * c
    c1 = np.where(ok, (c * er[i] - b * er[j]) / np.where(ok, det, 1), 0)
    c2 = np.where(ok, (a * er[j] - b * er[i]) / np.where(ok, det, 1), 0)
    rss2 = r @ r - (c1 * er[i] + c2 * er[j])
    same_sign = (c1 * c2 > 0) & ok
    if not np.any(same_sign) or g >= _TAU_GRID.size - 1:
        return best1, "one exponential fitted to the last decay"
    rss2 = np.where(same_sign, rss2, np.inf)
    h = int(np.argmin(rss2))
    bic1 = n * np.log(max(rss1[g], 1e-300) / n) + 2 * np.log(n)
    bic2 = n * np.log(max(rss2[h], 1e-300) / n) + 4 * np.log(n)
    if bic2 < bic1 - 10:
        return (float(_TAU_GRID[i[h]]), float(_TAU_GRID[j[h]])), "two exponentials fitted to the last decay"
    return best1, "one exponential fitted to the last decay"


def _index(ms, dt_ms) -> int:
    return int(round(ms / dt_ms))


def measure_sweeps(y: np.ndarray, dt_ms: float, times_ms: np.ndarray, *, method: str, sign: int,
                   window_ms, baseline_ms, blank_ms, smooth_ms: float, taus=()):
    """Measure one protocol: ``y`` (n_sweeps, n_samples) raw, stimulus ``times_ms`` (n_spikes,).

    Returns ``(amplitudes, noise_sd, peaks_ms)``, each (n_sweeps, n_spikes); NaN where a window
    leaves the sweep or holds a missing sample."""
    idx = np.round(np.asarray(times_ms) / dt_ms).astype(np.int64)
    w0, w1 = _index(window_ms[0], dt_ms), max(_index(window_ms[1], dt_ms), _index(window_ms[0], dt_ms))
    b0, b1 = _index(baseline_ms[0], dt_ms), _index(baseline_ms[1], dt_ms)
    b1 = max(b1, b0 + 2)
    # only the samples the windows, the blank and the smoothing reach (a 10 s sweep, a 0.5 s train)
    reach = _index(smooth_ms, dt_ms) + 2
    lo = max(0, int(idx.min()) + min(b0, w0, _index(blank_ms[0], dt_ms)) - reach)
    hi = min(np.shape(y)[1], int(idx.max()) + max(w1, _index(blank_ms[1], dt_ms)) + reach + 1)
    y = np.asarray(y, dtype=np.float64)[:, lo:hi]
    idx = idx - lo
    n_s, n_t = y.shape
    wins = idx[:, None] + np.arange(w0, w1 + 1)[None, :]  # (K, W)
    bases = idx[:, None] + np.arange(b0, b1)[None, :]  # (K, B)
    inside = (wins.min(1) >= 0) & (wins.max(1) < n_t) & (bases.min(1) >= 0) & (bases.max(1) < n_t)
    wins, bases = np.clip(wins, 0, n_t - 1), np.clip(bases, 0, n_t - 1)
    y = _blank(y, idx, _index(blank_ms[0], dt_ms), _index(blank_ms[1], dt_ms))
    ys = _smooth(y, max(1, _index(smooth_ms, dt_ms)))
    yb = y[:, bases]  # (S, K, B)
    base = yb.mean(axis=2)
    x = np.arange(yb.shape[2]) - (yb.shape[2] - 1) / 2
    slope = (yb - base[..., None]) @ x / (x @ x)
    resid = yb - base[..., None] - slope[..., None] * x
    noise = np.sqrt((resid**2).sum(axis=2) / max(1, yb.shape[2] - 2))
    win = sign * ys[:, wins]  # (S, K, W)
    if method == "local":
        win = win - sign * base[..., None]
    else:
        r = sign * (ys - base[:, :1])
        win = win - sign * base[:, :1, None]
        win = win - _tails(r, dt_ms, idx, wins, b1, taus)
    arg = np.argmax(np.nan_to_num(win, nan=-np.inf), axis=2)
    amps = np.take_along_axis(win, arg[..., None], axis=2)[..., 0]
    peaks = (idx[None, :] + lo + w0 + arg) * dt_ms
    bad = ~inside[None, :] | ~np.isfinite(amps) | ~np.isfinite(noise)
    amps, noise, peaks = (np.where(bad, np.nan, a) for a in (amps, noise, peaks))
    return amps, noise, peaks


def _blank(y, idx, lo, hi) -> np.ndarray:
    """``y`` with the samples ``idx + lo .. idx + hi`` of every stimulus replaced by the straight
    line between their neighbours, so that smoothing spreads no artefact into a window."""
    y = y.copy()
    n_t = y.shape[1]
    for i in idx:
        a, b = int(i + lo) - 1, int(i + hi) + 1
        if a < 0 or b >= n_t:
            continue
        f = np.arange(1, b - a) / (b - a)
        y[:, a + 1:b] = y[:, a:a + 1] * (1 - f) + y[:, b:b + 1] * f
    return y


def _least_squares(basis: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Coefficients (S, m) of ``basis`` (L, m), m = 1 or 2, fitted to each of ``rows`` (S, L):
    the normal equations solved in closed form (LAPACK's threads cost more than the solve)."""
    g = np.einsum("lm,ln->mn", basis, basis)
    b = np.einsum("lm,sl->sm", basis, rows)
    if basis.shape[1] == 1:
        return b / max(g[0, 0], 1e-300)
    det = g[0, 0] * g[1, 1] - g[0, 1] ** 2
    if not abs(det) > 1e-12 * g[0, 0] * g[1, 1]:
        return np.stack([b[:, 0] / max(g[0, 0], 1e-300), np.zeros(len(b))], 1)
    return np.stack([(g[1, 1] * b[:, 0] - g[0, 1] * b[:, 1]) / det, (g[0, 0] * b[:, 1] - g[0, 1] * b[:, 0]) / det], 1)


def _tails(r, dt_ms, idx, wins, b1, taus) -> np.ndarray:
    """The extrapolated decay of the preceding responses under each window, (S, K, W)."""
    n_s, n_t = r.shape
    out = np.zeros((n_s, idx.size, wins.shape[1]))
    mean = np.nanmean(r, axis=0)
    min_len = max(3, _index(0.5, dt_ms))
    for k in range(1, idx.size):
        prev = wins[k - 1]
        peak = int(prev[np.argmax(np.nan_to_num(mean[prev], nan=-np.inf))])
        stop = int(idx[k] + b1)
        start = peak + 1 + max(0, (stop - peak) // 3)  # the rise of the previous response has faded
        if stop - start < min_len or start < 0 or stop > n_t:
            lo, hi = max(0, stop - min_len), max(1, min(n_t, stop))
            out[:, k, :] = np.nanmean(r[:, lo:hi], axis=1, keepdims=True)
            continue
        s_fit = (np.arange(start, stop) - idx[k]) * dt_ms
        basis = _exp_basis(s_fit, taus)
        coef = _least_squares(basis, np.nan_to_num(r[:, start:stop]))  # (S, m)
        out[:, k, :] = np.einsum("wm,sm->sw", _exp_basis((wins[k] - idx[k]) * dt_ms, taus), coef)
    return out
