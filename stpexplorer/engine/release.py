r"""The stochastic synapse: N binomial release sites with Tsodyks–Markram facilitation and depletion.

Model (times in ms). N independent release sites, each full or empty; at rest all are full.
At spike k (intervals Δ_k = t_k − t_{k−1}; the first spike is from rest) every full site
releases, independently, with probability u_k, the Tsodyks–Markram facilitation recursion
(:mod:`.tm`, the same function as every TM computation of the engine; ``f`` as in
:class:`~.stp.STPParams`, ``f=None`` meaning f = U)::

    u_0 = U,   u_{k+1} = U + (u_k + f(1 − u_k) − U) e^{−Δ_{k+1}/τf}      (τf = 0: u_k = U)

A released site stays empty until it refills; during an interval Δ each empty site refills with
probability ``1 − e^{−Δ/τd}`` (τd = 0: at once). With n_k the sites full just before spike k::

    r_k ~ Binomial(n_k, u_k),      n_{k+1} = n_k − r_k + j_k,   j_k ~ Binomial(N − n_k + r_k, 1 − e^{−Δ_{k+1}/τd})
    amplitude_k = q r_k + ε_k,     ε_k ~ Normal(0, σ²)

so ``E[n_k]/N`` is the TM depression variable x_k and the mean amplitude is exactly the TM
release ``W u_k x_k`` with ``W = N q`` (:func:`~.stp_sweep.release_at_intervals`).

Shapes: ``isi_ms`` is (n_spikes,); a :class:`ReleaseTrace` holds (*batch, n_trials, n_spikes)
arrays (``u``: (*batch, n_spikes)), the parameters' batch axes first. The binomial draws are
inverse-CDF look-ups in per-spike tables of (N+1)² probabilities, with one uniform number per
draw (24 bits), the noise by Box–Muller. The exact log-likelihood of
amplitudes (forward algorithm over n) is in :mod:`.release_loglik`.

Example
-------
>>> import numpy as np, stpexplorer as stp
>>> p = stp.BinomialParams(N=10, U=0.5, tau_f=0.0, tau_d=200.0, q=1.0, sigma=0.1)
>>> tr = stp.simulate_release(p, np.r_[0.0, [20.0] * 4], n_trials=1000, seed=1)
>>> tr.released.shape, int(tr.available[0, 0])
((1000, 5), 10)
"""

from __future__ import annotations

import math
from functools import cache, partial

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from stpexplorer.engine._batch import run_batched
from stpexplorer.engine._params import (
    _as_leaf,
    as_count,
    check_instance,
    check_range,
    float_dtype,
    params_class,
    trace_class,
)
from stpexplorer.engine._stp_f import canonical
from stpexplorer.engine.stp import STPParams
from stpexplorer.engine.stp_sweep import release_at_intervals
from stpexplorer.engine.tm import tm_decay

__all__ = [
    "MAX_SITES",
    "BinomialParams",
    "ReleaseTrace",
    "binomial_table",
    "n_states_for",
    "release_probability",
    "simulate_release",
]

#: the largest number of release sites. The forward algorithm of the likelihood costs (N+1)²
#: operations and holds (N+1)² numbers per sweep and spike (66,049 at N = 256), and the
#: simulation builds two tables of (N+1)² probabilities per spike; central synapses have
#: about 1–50 sites (Silver 2003), the calyx of Held a few hundred.
MAX_SITES = 256


@params_class()
class BinomialParams:
    """Binomial release-site synapse parameters (scalars, or arrays with leading batch axes).

    N:     number of release sites, an integer in [1, MAX_SITES] (= 256: the likelihood's forward
           algorithm costs (N+1)² per amplitude); stored as a float leaf so that a new N never
           recompiles within its size bucket (:func:`n_states_for`)
    U:     baseline release probability of a full site, in (0, 1]
    tau_f: facilitation time constant, ms, >= 0 (0 disables facilitation: u_k = U)
    tau_d: refilling time constant of an empty site, ms, >= 0 (0: refilled before the next spike)
    q:     quantal size (amplitude of one released site), >= 0, in the amplitudes' units
    sigma: SD of the additive Gaussian noise of each amplitude, > 0, same units
    f:     facilitation increment in [0, 1], or None (default) for f = U, as in STPParams
    """

    N: jax.Array
    U: jax.Array
    tau_f: jax.Array
    tau_d: jax.Array
    q: jax.Array
    sigma: jax.Array
    f: jax.Array | None = None

    def _check(self):
        check_range("N", self.N, lo=1.0, hi=float(MAX_SITES), note="number of release sites")
        n = None if isinstance(self.N, jax.core.Tracer) else np.asarray(self.N, dtype=np.float64)
        if n is not None and np.any(n != np.round(n)):
            bad = float(np.ravel(n[n != np.round(n)] if n.ndim else n)[0])
            raise ValueError(f"N must be an integer in [1, {MAX_SITES}] (number of release sites; the "
                             f"likelihood costs (N+1)² per amplitude), got {bad:g}")
        check_range("U", self.U, lo=0.0, lo_open=True, hi=1.0)
        check_range("tau_f", self.tau_f, lo=0.0, unit="ms", note="0 disables facilitation")
        check_range("tau_d", self.tau_d, lo=0.0, unit="ms", note="0: sites refill before the next spike")
        check_range("q", self.q, lo=0.0, note="quantal size")
        check_range("sigma", self.sigma, lo=0.0, lo_open=True, note="SD of the amplitude noise")
        if self.f is not None:
            check_range("f", self.f, lo=0.0, hi=1.0, note="facilitation increment; None means f = U")


def _post_init(self):  # params_class's normalisation, but f may stay None (as STPParams)
    for name in ("N", "U", "tau_f", "tau_d", "q", "sigma"):
        object.__setattr__(self, name, _as_leaf(name, getattr(self, name)))
    if self.f is not None:
        object.__setattr__(self, "f", _as_leaf("f", self.f))
    self._check()


BinomialParams.__post_init__ = _post_init


@trace_class
class ReleaseTrace:
    """Trials of the binomial synapse: ``released`` and ``available`` (sites full just before the
    spike) are int32 (*batch, n_trials, n_spikes); ``amplitudes`` = q·released + noise, same
    shape; ``u`` the release probability of a full site at each spike, (*batch, n_spikes)."""

    released: jax.Array
    available: jax.Array
    amplitudes: jax.Array
    u: jax.Array


def n_states_for(n_max: int) -> int:
    """The padded number of states for sites up to ``n_max``: 1 + max(16, next power of two).
    Every N of a bucket (1–16, 17–32, ..., 129–256) shares one compiled function."""
    return 1 + max(16, 1 << max(0, int(n_max - 1).bit_length()))


def release_probability(p: BinomialParams, isi):
    """u_k (n_spikes,) of one parameter set: the engine's TM recursion with x held at 1
    (:func:`~.stp_sweep.release_at_intervals` with τd = 0 and W = 1). Pure JAX."""
    one = jnp.ones((), isi.dtype)
    tm = STPParams(U=p.U, tau_f=p.tau_f, tau_d=0 * one, W=one, f=p.f)
    return release_at_intervals(tm, isi)


@cache
def _log_choose(n_states: int) -> np.ndarray:
    """log C(m, k) for m, k = 0..n_states−1 (host float64; 0 where k > m)."""
    m = np.arange(n_states, dtype=np.float64)[:, None]
    k = np.arange(n_states, dtype=np.float64)[None, :]
    lg = np.array([math.lgamma(i + 1.0) for i in range(n_states)])
    return np.where(k <= m, lg[m.astype(int)] - lg[k.astype(int)] - lg[np.maximum(m - k, 0).astype(int)], 0.0)


def binomial_table(n_states: int, n, prob):
    """Binomial(k; m, prob) for m, k = 0..n_states−1 as an (..., n_states, n_states) array [m, k],
    zero where k > m or m > n; ``prob`` may carry leading axes (one table each). Pure JAX.

    The logarithms are floored at the dtype's smallest normal number, so prob = 0 or 1 gives
    finite values and gradients (an entry that should be 0 is below 1e-300 in float64)."""
    prob = jnp.asarray(prob)[..., None, None]
    tiny = jnp.finfo(prob.dtype).tiny
    m = jnp.arange(n_states, dtype=prob.dtype)[:, None]
    k = jnp.arange(n_states, dtype=prob.dtype)[None, :]
    ok = (k <= m) & (m <= n)
    ks, rest = jnp.where(ok, k, 0.0), jnp.where(ok, m - k, 0.0)
    log_p = jnp.log(jnp.maximum(prob, tiny))
    log_q = jnp.where(prob < 0.5, jnp.log1p(-jnp.minimum(prob, 0.5)), jnp.log(jnp.maximum(1.0 - prob, tiny)))
    logc = jnp.asarray(_log_choose(n_states), prob.dtype)
    log_pmf = logc + jnp.where(ks > 0, ks * log_p, 0.0) + jnp.where(rest > 0, rest * log_q, 0.0)
    return jnp.where(ok, jnp.exp(log_pmf), 0.0)


def _draw(cdf, n, v, n_states: int):
    """Inverse-CDF draws: the number of k < n with cdf[n, k] <= v, by binary search (n, v: (T,)).
    A fori_loop, not a Python loop: unrolled, XLA fuses the steps and recomputes each one's
    bounds in every later step."""
    flat = cdf.reshape(-1)
    row = n * n_states

    def halve(_, b):
        lo, hi = b
        mid = (lo + hi) // 2
        below = flat[row + mid] <= v
        go = lo < hi
        return jnp.where(go & below, mid + 1, lo), jnp.where(go & ~below, mid, hi)

    return lax.fori_loop(0, max(1, int(n_states).bit_length()), halve, (jnp.zeros_like(n), n))[0]


def _uniform(bits, dtype):
    # uniform numbers in [0, 1) from uint32 words (the top 24 bits)
    return (bits >> 8).astype(dtype) * (1.0 / 16777216.0)


def _gaussian(bits, dtype):
    """Standard normal numbers by Box–Muller, two from each pair of words: (..., 2) -> (..., 2)."""
    rad = jnp.sqrt(-2.0 * jnp.log(1.0 - _uniform(bits[..., 0], dtype)))  # 1 − u in (0, 1]: log finite
    ang = (2.0 * np.pi) * _uniform(bits[..., 1], dtype)
    return jnp.stack([rad * jnp.cos(ang), rad * jnp.sin(ang)], axis=-1)


def _simulate(p: BinomialParams, isi, key, n_trials: int, n_states: int):
    dtype = isi.dtype
    u = release_probability(p, isi)
    refill = 1.0 - tm_decay(isi, p.tau_d)
    refill = refill.at[0].set(0.0)  # the first spike is from rest
    n_sp = isi.shape[0]
    k_draw, k_noise = jax.random.split(key)
    draws = _uniform(jax.random.bits(k_draw, (n_sp, 2, n_trials), jnp.uint32), dtype)
    noise = _gaussian(jax.random.bits(k_noise, (n_trials, n_sp // 2, 2), jnp.uint32), dtype).reshape(n_trials, n_sp)
    cdf_refill = jnp.cumsum(binomial_table(n_states, p.N, refill), axis=-1)
    cdf_release = jnp.cumsum(binomial_table(n_states, p.N, u), axis=-1)
    N = p.N.astype(jnp.int32)

    def spike(n_full, inp):
        c_ref, c_rel, v = inp
        n_full = n_full + _draw(c_ref, N - n_full, v[0], n_states)
        rel = _draw(c_rel, n_full, v[1], n_states)
        return n_full - rel, (rel, n_full)

    start = jnp.full((n_trials,), N, jnp.int32)
    _, (rel, avail) = lax.scan(spike, start, (cdf_refill, cdf_release, draws))
    rel, avail = rel.T, avail.T
    amps = p.q * rel.astype(dtype) + p.sigma * noise
    return ReleaseTrace(released=rel, available=avail, amplitudes=amps, u=u)


@partial(jax.jit, static_argnums=(3, 4))
def _single(p, isi, seed, n_trials, n_states):
    return _simulate(p, isi, jax.random.key(seed), n_trials, n_states)


@partial(jax.jit, static_argnums=(3, 4))
def _batched(p, isi, seed, n_trials, n_states):
    # every parameter set gets its own stream: the seed's key folded with the set's index
    n = jax.tree_util.tree_leaves(p)[0].shape[0]
    keys = jax.random.split(jax.random.key(seed), n)
    return jax.vmap(_simulate, in_axes=(0, None, 0, None, None))(p, isi, keys, n_trials, n_states)


def _padded_trials(n: int) -> int:
    """Trials padded so that nearby counts share a compiled function: a power of two (>= 64)
    up to 1,024, then a multiple of 1,024."""
    return max(64, 1 << (n - 1).bit_length()) if n <= 1024 else -(-n // 1024) * 1024


def check_isi(name: str, isi_ms) -> np.ndarray:
    """Intervals (n_spikes,) in ms, finite and >= 0, as the engine's float dtype."""
    try:
        isi = np.asarray(isi_ms, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an array of intervals in ms, got {isi_ms!r}") from None
    if isi.ndim != 1 or isi.size < 1:
        raise ValueError(f"{name} must have shape (n_spikes,) with n_spikes >= 1, got shape {isi.shape}")
    check_range(name, isi, lo=0.0, unit="ms", note="inter-spike intervals")
    return isi.astype(float_dtype())


def simulate_release(params: BinomialParams, isi_ms, *, n_trials, seed=0) -> ReleaseTrace:
    """Simulate ``n_trials`` independent trials of the binomial synapse on one spike train.

    Args:
        params: :class:`BinomialParams`; leaves may carry leading batch axes (each set gets its
            own random stream).
        isi_ms: (n_spikes,) inter-spike intervals in ms; ``isi_ms[0]`` is ignored (the first spike
            is from rest, every site full).
        n_trials: number of trials, an integer in [1, 1,000,000].
        seed: integer >= 0; the same seed gives the same trials.

    Returns:
        :class:`ReleaseTrace` (released, available: int32; amplitudes: float) of shape
        (*batch, n_trials, n_spikes) and u (*batch, n_spikes).

    Compiles once per bucket of N (:func:`n_states_for`), of spike count (a power of two >= 16)
    and of trial count; new parameter values and seeds never recompile.
    """
    check_instance("params", params, BinomialParams)
    params = canonical(params)
    trials = as_count("n_trials", n_trials, 1)
    if trials > 1_000_000:
        raise ValueError(f"n_trials must be an integer in [1, 1000000], got {n_trials!r}")
    s = as_count("seed", seed, 0)
    if s >= 2**32:
        raise ValueError(f"seed must be an integer in [0, 4294967295], got {seed!r}")
    isi = check_isi("isi_ms", isi_ms)
    n = isi.size
    padded = np.zeros(-(-n // 4) * 4, dtype=isi.dtype)  # a multiple of 4 spikes: one compilation each
    padded[:n] = isi
    n_states = n_states_for(int(np.max(params.N)))
    out = run_batched(_single, _batched, params, padded, np.uint32(s), _padded_trials(trials), n_states)
    return ReleaseTrace(released=out.released[..., :trials, :n], available=out.available[..., :trials, :n],
                        amplitudes=out.amplitudes[..., :trials, :n], u=out.u[..., :n])
