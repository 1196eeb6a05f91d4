"""Rate curves of a Tsodyks–Markram synapse: g_n / g_1 against the input rate.

g_k is the release at spike k of a train that starts from rest (u = 0, x = 1), so
g_1 = W·U and the ratio g_n / g_1 does not depend on W. Two kinds of train, at each of
:data:`RATE_CURVE_RATES` (Hz):

* regular: every interval is exactly Δ = 1000 / r ms (the exact event-driven recursion of
  :func:`stpexplorer.engine.release_at_intervals`, no time grid); for n → ∞ the ratio tends
  to the analytic steady state release*(r) / (W·U) (:func:`stpexplorer.engine.steady_state`);
* Poisson: :data:`N_SEEDS` trains per rate whose intervals are exponential with mean
  1000 / r ms, rounded to the simulation step dt (at least one step), as a 0/1 train on that
  grid would have them (:func:`poisson_rate_train` builds that train). The draws come from
  ``numpy.random.default_rng(seed)`` (shape (N_SEEDS, N_MAX_SPIKES), one row per train; the
  same standard draws at every rate, rescaled by 1000 / r), so a seed gives the same curves.

Every train of every rate goes through one jitted, vmapped call of fixed shape
(``len(RATE_CURVE_RATES) · (1 + N_SEEDS)`` trains × :data:`N_MAX_SPIKES` spikes): changing
U, τf, τd, n or the seed never recompiles.
"""

from __future__ import annotations

from dataclasses import dataclass

import jax
import numpy as np

from stpexplorer import engine as eng

__all__ = ["N_MAX_SPIKES", "N_SEEDS", "RATE_CURVE_RATES", "RateCurves", "poisson_intervals",
           "poisson_rate_train", "rate_curves"]

RATE_CURVE_RATES = np.geomspace(0.5, 200.0, 48)  # Hz
N_SEEDS = 20
N_MAX_SPIKES = 40  # the largest n of g_n / g_1


@dataclass(frozen=True)
class RateCurves:
    """g_n / g_1 against rate. rates: (R,) Hz; n: the spike number; regular: (R,) for regular
    trains; poisson_mean, poisson_sd: (R,) mean and SD (ddof = 0) over the N_SEEDS Poisson
    trains; steady: (R,) release*(r) / (W·U), the regular train's limit n → ∞
    (W cancels in every ratio: computed at W = 1, so they are defined at W = 0 too)."""

    rates: np.ndarray
    n: int
    regular: np.ndarray
    poisson_mean: np.ndarray
    poisson_sd: np.ndarray
    steady: np.ndarray


def _check_n(n) -> int:
    if not (float(n) == int(n) and 2 <= int(n) <= N_MAX_SPIKES):
        raise ValueError(f"n must be an integer in [2, {N_MAX_SPIKES}], got {n!r}")
    return int(n)


def poisson_intervals(rate_hz, seed: int, dt_ms: float) -> np.ndarray:
    """Intervals (ms) of the N_SEEDS Poisson trains at each rate: shape (len(rate_hz), N_SEEDS,
    N_MAX_SPIKES), column 0 = 0 (the first spike comes from rest), on the dt grid, ≥ dt."""
    e = np.random.default_rng(int(seed)).standard_exponential((N_SEEDS, N_MAX_SPIKES))
    mean = 1000.0 / np.asarray(rate_hz, np.float64).reshape(-1, 1, 1)
    iv = np.maximum(np.rint(e * mean / dt_ms), 1.0) * dt_ms
    iv[..., 0] = 0.0
    return iv


def poisson_rate_train(rate_hz: float, seed: int, index: int, dt_ms: float, *, start_ms: float = 10.0):
    """The 0/1 train (on the dt grid) of Poisson train ``index`` (0 ≤ index < N_SEEDS) of
    ``seed`` at ``rate_hz``: its N_MAX_SPIKES spikes, the first at ``start_ms``."""
    iv = poisson_intervals([rate_hz], seed, dt_ms)[0, index]
    steps = np.rint(start_ms / dt_ms).astype(int) + np.cumsum(np.rint(iv / dt_ms).astype(int))
    train = np.zeros(steps[-1] + 2, np.float32)
    train[steps] = 1.0
    return train


@jax.jit
def _releases(p, intervals):
    return jax.vmap(eng.release_at_intervals, in_axes=(None, 0))(p, intervals)


def rate_curves(params, n: int, *, seed: int, dt_ms: float) -> RateCurves:
    """g_n / g_1 of ``params`` (scalar :class:`~stpexplorer.engine.STPParams`) for regular and
    Poisson trains at :data:`RATE_CURVE_RATES`; ``seed``, ``dt_ms``: the Poisson trains'."""
    n = _check_n(n)
    # g_n / g_1 does not depend on W: at W = 1 the curves exist even where W = 0 (no release)
    params = params.replace(W=1.0)
    rates = RATE_CURVE_RATES
    reg = np.broadcast_to((1000.0 / rates)[:, None], (rates.size, N_MAX_SPIKES)).copy()
    reg[:, 0] = 0.0
    poi = poisson_intervals(rates, seed, float(dt_ms)).reshape(-1, N_MAX_SPIKES)
    iv = np.concatenate([reg, poi]).astype(eng.float_dtype())
    rel = np.asarray(_releases(params, iv), np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = rel[:, n - 1] / rel[:, 0]
        first = float(params.U)  # W = 1
        steady = np.asarray(eng.steady_state(params, rates)[2], np.float64) / first
    regular, p = ratio[:rates.size], ratio[rates.size:].reshape(rates.size, N_SEEDS)
    return RateCurves(rates=rates, n=n, regular=regular, poisson_mean=p.mean(axis=1),
                      poisson_sd=p.std(axis=1), steady=steady)
