"""Maximum likelihood of the binomial synapse for one N: BFGS in transformed parameters (pure JAX).

Parameters ``z`` (free, unbounded): logit U per condition, log τf, log τd, log q, log σ, and logit f
(model "etm"). τ stays in [0.5, 1e5] ms and U, f in [1e-4, 1 − 1e-4] by clipping z. BFGS with a
backtracking (Armijo) line search; a non-finite trial point counts as worse. Each (N bucket, number
of parameters, data shape) compiles once; the starts of one N run vmapped.
"""

from __future__ import annotations

import math
from functools import partial

import jax
import jax.numpy as jnp

from stpexplorer.engine.release import BinomialParams
from stpexplorer.engine.release_loglik import forward_loglik

__all__ = ["hessian", "optimise", "to_params"]

_TAU = (math.log(0.5), math.log(1e5))
_LOGIT = (-9.2, 9.2)


def _bounds(n_cond: int, etm: bool):
    lo = [_LOGIT[0]] * n_cond + [_TAU[0], _TAU[0], -30.0, -30.0] + ([_LOGIT[0]] if etm else [])
    hi = [_LOGIT[1]] * n_cond + [_TAU[1], _TAU[1], 30.0, 30.0] + ([_LOGIT[1]] if etm else [])
    return jnp.array(lo), jnp.array(hi)



def to_params(z, N, cond, n_cond: int, etm: bool) -> BinomialParams:
    """BinomialParams with U per protocol (``cond`` (P,) indexes the conditions) from z."""
    lo, hi = _bounds(n_cond, etm)
    z = jnp.clip(z, lo, hi)
    U = jax.nn.sigmoid(z[:n_cond])[cond]
    tf, td, q, s = (jnp.exp(z[n_cond + i]) for i in range(4))
    f = jax.nn.sigmoid(z[n_cond + 4]) if etm else None
    return BinomialParams(N=N, U=U, tau_f=tf, tau_d=td, q=q, sigma=s, f=f)


def negloglik(z, N, cond, isi, amps, n_cond, etm, n_states):
    return -forward_loglik(to_params(z, N, cond, n_cond, etm), isi, amps, n_states)


@partial(jax.jit, static_argnames=("n_cond", "etm", "n_states", "max_iter"))
def optimise(z0, N, cond, isi, amps, *, n_cond, etm, n_states, max_iter=100):
    """Minimise the negative log-likelihood from each start z0 (n_starts, k): ``(z, nll, n_iter)``."""
    vg = jax.value_and_grad(negloglik)
    args = (N, cond, isi, amps, n_cond, etm, n_states)

    def one(z):
        k = z.shape[0]
        f, g = vg(z, *args)
        eye = jnp.eye(k, dtype=z.dtype)

        def cond_fn(s):
            return (~s[5]) & (s[4] < max_iter)

        def body(s):
            z, f, g, H, it, _ = s
            d = -H @ g
            bad = ~(g @ d < 0)
            H = jnp.where(bad, eye, H)
            d = jnp.where(bad, -g, d)

            def ls_cond(t):
                return (t[0] > 1e-10) & ~((t[1] <= f + 1e-4 * t[0] * (g @ d)) & jnp.isfinite(t[1]))

            def ls_body(t):
                step = t[0] * 0.5
                return step, negloglik(z + step * d, *args)

            t0 = jnp.asarray(1.0, z.dtype)
            step, _ = jax.lax.while_loop(ls_cond, ls_body, (t0, negloglik(z + d, *args)))
            z_new = z + step * d
            f_new, g_new = vg(z_new, *args)
            ok = jnp.isfinite(f_new) & (f_new <= f) & jnp.all(jnp.isfinite(g_new))
            s_, y = z_new - z, g_new - g
            sy = s_ @ y
            rho = 1.0 / jnp.where(sy > 1e-12, sy, 1.0)
            V = eye - rho * jnp.outer(s_, y)
            H_new = jnp.where(sy > 1e-12, V @ H @ V.T + rho * jnp.outer(s_, s_), H)
            done = ~ok | (jnp.abs(f - f_new) <= 1e-9 * (1.0 + jnp.abs(f))) | (jnp.max(jnp.abs(g_new)) < 1e-4)
            z, f, g, H = (jnp.where(ok, a, b) for a, b in ((z_new, z), (f_new, f), (g_new, g), (H_new, H)))
            return z, f, g, H, it + 1, done

        init = (z, f, g, eye, jnp.asarray(0), jnp.asarray(False))
        z, f, _, _, it, _ = jax.lax.while_loop(cond_fn, body, init)
        return z, f, it

    return jax.vmap(one)(z0)


@partial(jax.jit, static_argnames=("n_cond", "etm", "n_states"))
def hessian(z, N, cond, isi, amps, *, n_cond, etm, n_states):
    """Hessian of the negative log-likelihood in z (the observed information)."""
    return jax.hessian(negloglik)(z, N, cond, isi, amps, n_cond, etm, n_states)
