r"""Exact log-likelihood of amplitude trains under the binomial synapse (:mod:`.release`).

Forward algorithm over the hidden number of full sites n ∈ {0..N} (N+1 states), the released
count r summed out. Every sweep starts from rest (n = N). With α_k(n) the joint probability of
the amplitudes before spike k and n full sites just before it::

    α_0(n) = [n = N]
    β_k(m) = Σ_r α_k(m + r) Binomial(r; m + r, u_k) Normal(a_k; q r, σ²)          (release, m = n − r)
    α_{k+1}(n') = Σ_m β_k(m) Binomial(n' − m; N − m, 1 − e^{−Δ_{k+1}/τd})          (refill)
    log L = Σ_sweeps log Σ_n α_K(n)

A missing amplitude (NaN) has emission 1 (r still summed out). The release step is an elementwise
product over (n, r) and sums along its diagonals n − r = m: (N+1)² operations per amplitude; the
refill is one matrix product per spike for all sweeps. α is kept scaled (its maximum 1 per sweep,
the logarithm of the scale accumulated) and the emission is shifted by its maximum over r ≤ N, so
nothing underflows unless an amplitude is hundreds of log-units less likely under every reachable
release count than under the best (then log L is −inf). Run it in float64 (the fit does).

The state axis is padded to a static ``n_states`` (≥ N + 1; :func:`~.release.n_states_for`), so
every N up to ``n_states − 1`` shares one compiled function.
"""

from __future__ import annotations

import math
from functools import cache

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from stpexplorer.engine.release import BinomialParams, binomial_table, release_probability
from stpexplorer.engine.tm import tm_decay

__all__ = ["forward_loglik", "sweep_loglik"]

_LOG_2PI = 1.8378770664093453


def _refill_matrix(n_states: int, N, prob):
    """T[m, n'] = Binomial(n' − m; N − m, prob) for m, n' ≤ N (zero elsewhere), (..., S, S)."""
    table = binomial_table(n_states, N, prob)  # [empty sites, refilled]
    m = jnp.arange(n_states)[:, None]
    n2 = jnp.arange(n_states)[None, :]
    Ni = N.astype(jnp.int32)
    ok = (m <= Ni) & (n2 >= m) & (n2 <= Ni)
    e = jnp.clip(Ni - m, 0, n_states - 1)
    j = jnp.clip(n2 - m, 0, n_states - 1)
    return jnp.where(ok, table[..., e, j], 0.0)


@cache
def _constants(n_states: int):
    """Host constants of a state count: log n!, the Hankel index m + r, and log γ = log S."""
    lf = np.array([math.lgamma(i + 1.0) for i in range(n_states)])
    idx = np.arange(n_states)[:, None] + np.arange(n_states)[None, :]
    return lf, idx, math.log(n_states)


def _hankel(x, idx):
    """x (n, L) read at the (S, S) index pattern idx: (n, S, S)."""
    return x[:, idx]


@jax.custom_vjp
def _correlate(a, e):
    """c[s, m] = Σ_r a[s, m + r] e[s, r] (a taken as 0 beyond its end), (n, S) each. Its gradient is
    written out (two more correlations) because the automatic one is a scatter-add, ten times slower
    on a CPU than these gathers."""
    return _correlate_fwd(a, e)[0]


def _correlate_fwd(a, e):
    S = a.shape[-1]
    _, idx, _ = _constants(S)
    pad = jnp.concatenate([a, jnp.zeros_like(a)], axis=-1)
    return jnp.einsum("smr,sr->sm", _hankel(pad, idx), e), (pad, e)


def _correlate_bwd(res, g):
    pad, e = res
    S = e.shape[-1]
    _, idx, _ = _constants(S)
    g_left = jnp.concatenate([jnp.zeros_like(g), g], axis=-1)  # g[m] at S + m
    back = S + idx - 2 * np.arange(S)[None, :]  # S + n − r
    da = jnp.einsum("snr,sr->sn", _hankel(g_left, back), e)
    de = jnp.einsum("smr,sm->sr", _hankel(pad, idx), g)
    return da, de


_correlate.defvjp(_correlate_fwd, _correlate_bwd)


def _shifted_exp(x, axis=-1):
    """exp(x − max x) along ``axis`` and the max (−inf rows give zeros and shift 0)."""
    mx = jnp.max(x, axis=axis, keepdims=True)
    mx = jnp.where(jnp.isfinite(mx), mx, 0.0)
    return jnp.exp(x - mx), jnp.squeeze(mx, axis)


def sweep_loglik(p: BinomialParams, isi, amps, n_states: int):
    """Per-sweep log-likelihood (n_sweeps,) of one protocol: ``isi`` (K,) ms (the first entry
    ignored), ``amps`` (n_sweeps, K), NaN = missing; scalar parameter leaves. Pure JAX."""
    dtype = amps.dtype
    K = isi.shape[0]
    S = n_states
    lf, _, log_g = _constants(S)
    lf = jnp.asarray(lf, dtype)
    u = release_probability(p, isi)
    refill = jnp.where(jnp.arange(K) == 0, 0.0, 1.0 - tm_decay(isi, p.tau_d))
    refills = _refill_matrix(S, p.N, refill)  # (K, S, S) [m, n']
    r = jnp.arange(S, dtype=dtype)
    valid = r <= p.N
    tiny = jnp.finfo(dtype).tiny
    log_u = jnp.log(jnp.maximum(u, tiny))[:, None]
    log_1u = jnp.log(jnp.maximum(1.0 - u, tiny))[:, None]
    # Binomial(r; m + r, u) = C(m + r, r) u^r (1 − u)^m factorised as
    # [(m + r)!/γ^(m+r)] · [u^r γ^r / r!] · [(1 − u)^m γ^m / m!], γ = S (keeps each factor moderate)
    a_w, a_shift = _shifted_exp(lf - r * log_g)
    m_w, m_shift = _shifted_exp(jnp.where(valid, r * (log_1u + log_g) - lf, -jnp.inf))  # (K, S)
    r_log = jnp.where(valid, r * (log_u + log_g) - lf, -jnp.inf)  # (K, S)

    def spike(carry, inp):
        alpha, logc = carry
        a, r_lw, m_wk, m_sh, ref = inp
        alpha = alpha @ ref
        mx = jnp.max(alpha, axis=-1)
        mx = jnp.where(mx > 0, mx, 1.0)
        alpha, logc = alpha / mx[:, None], logc + jnp.log(mx)
        seen = jnp.isfinite(a)
        z = (jnp.where(seen, a, 0.0)[:, None] - p.q * r) / p.sigma
        le = jnp.where(seen[:, None], -0.5 * z * z - jnp.log(p.sigma) - 0.5 * _LOG_2PI, 0.0)
        emit, e_shift = _shifted_exp(le + r_lw)  # (n_sweeps, S): emission × u^r γ^r / r!
        beta = m_wk * _correlate(alpha * a_w, emit)  # Σ_r α(m + r) ... (the release)
        return (beta, logc + e_shift + m_sh + a_shift), None

    alpha0 = jnp.broadcast_to((r == p.N).astype(dtype), (amps.shape[0], S))
    xs = (amps.T, r_log, m_w, m_shift, refills)
    (alpha, logc), _ = lax.scan(spike, (alpha0, jnp.zeros(amps.shape[0], dtype)), xs)
    total = jnp.sum(alpha, axis=-1)
    ok = total > 0
    ll = logc + jnp.log(jnp.where(ok, total, 1.0))
    return jnp.where(ok, ll, -jnp.inf)


def forward_loglik(p: BinomialParams, isi, amps, n_states: int):
    """Total log-likelihood of several protocols: ``isi`` (P, K) ms, ``amps`` (P, n_sweeps, K) with
    NaN for missing values and padding (an all-NaN sweep adds 0); parameter leaves scalar or
    (P,) (one value per protocol, e.g. U per condition). Pure JAX; jit it with ``n_states`` static."""
    P = isi.shape[0]
    leaves = jax.tree_util.tree_map(lambda x: jnp.broadcast_to(x, (P,)), p)
    per = jax.vmap(sweep_loglik, in_axes=(0, 0, 0, None))(leaves, isi, amps, n_states)
    return jnp.sum(per)
