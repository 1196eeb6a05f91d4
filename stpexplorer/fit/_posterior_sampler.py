"""The compiled NUTS runs behind :func:`~stpexplorer.fit.sample_posterior` and
:func:`~stpexplorer.fit.sample_many` (blackjax; see :mod:`stpexplorer.fit.posterior`).

A run is two compiled calls per data shape: the warm-up (window adaptation: step size and a
dense mass matrix, per chain) and a *segment* of draws, called ``segments`` times in a row with
the chains' states carried over, so that the caller can report progress and stop between
segments (a compiled call cannot be interrupted). Chains are one ``jax.vmap``; with
``batched=True`` connections are a second, outer one: their per-(protocol, spike) statistics
padded to one shape (padded entries have count 0 and add nothing to the likelihood, so the
padding is exact), one call for the whole chunk.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import jax
import jax.numpy as jnp
import numpy as np

from stpexplorer.fit._posterior_model import PData, PSpec
from stpexplorer.fit._posterior_model import log_density as _log_density

__all__ = ["pad_pdata", "run_chains", "segments_for"]


def _blackjax():
    try:
        # optional dependency: the posterior extra
        import blackjax
    except ImportError:
        raise ImportError('sample_posterior needs blackjax: pip install "stpexplorer[posterior]"') from None
    return blackjax


def segments_for(draws: int) -> int:
    """How many equal segments the draws are taken in (progress and Cancel between them)."""
    return next(s for s in (10, 8, 5, 4, 2, 1) if draws % s == 0 and draws // s >= 10 or s == 1)


def _density(spec, d, fv, is_log, lo, hi):
    return functools.partial(_log_density, d=d, fixed_vals=fv, is_log=is_log, lo=lo, hi=hi, spec=spec)


def _batched(fn, batched: bool, n_data_args: int):
    """vmap over chains (keys and states; the data shared), then over connections if batched."""
    chains = jax.vmap(fn, in_axes=(0, 0) + (None,) * n_data_args)
    return jax.jit(jax.vmap(chains) if batched else chains)


@functools.lru_cache(maxsize=16)
def _warm_fn(spec: PSpec, warmup: int, batched: bool):
    bj = _blackjax()

    def one(key, z0, d, fv, is_log, lo, hi):
        adapt = bj.window_adaptation(bj.nuts, _density(spec, d, fv, is_log, lo, hi), is_mass_matrix_diagonal=False,
                                     target_acceptance_rate=0.85)
        (state, params), _ = adapt.run(key, z0, num_steps=warmup)
        return state, params["step_size"], params["inverse_mass_matrix"]

    return _batched(one, batched, 5)


@functools.lru_cache(maxsize=16)
def _draw_fn(spec: PSpec, seg: int, batched: bool):
    bj = _blackjax()

    def one(key, state, step_size, inv_mass, d, fv, is_log, lo, hi):
        kernel = bj.nuts(_density(spec, d, fv, is_log, lo, hi), step_size=step_size,
                         inverse_mass_matrix=inv_mass).step

        def step(st, k):
            st, info = kernel(k, st)
            return st, (st.position, info.is_divergent)

        state, (pos, div) = jax.lax.scan(step, state, jax.random.split(key, seg))
        return state, pos, div

    fn = jax.vmap(one, in_axes=(0, 0, 0, 0) + (None,) * 5)
    return jax.jit(jax.vmap(fn) if batched else fn)


def pad_pdata(ds: list) -> PData:
    """Stack per-connection PData (each (P_i, N_i)) into one (C, P, N); padding: count 0, σ 1."""
    P = max(d.isi.shape[0] for d in ds)
    N = max(d.isi.shape[1] for d in ds)
    out = []
    for field in PData._fields:
        fill = 1.0 if field == "sd" else 0.0
        arr = np.full((len(ds), P, N), fill)
        for i, d in enumerate(ds):
            a = np.asarray(getattr(d, field))
            arr[i, :a.shape[0], :a.shape[1]] = a
        out.append(arr)
    return PData(*out)


def run_chains(spec: PSpec, keys, z0, d: PData, fv, is_log, lo, hi, *, draws: int, warmup: int,
               batched: bool = False, progress: Callable[[float, str], None] | None = None):
    """Warm-up then the draws in segments: ``(positions (…, chains, draws, k), divergent (…,
    chains, draws), step sizes (…, chains))``, ``…`` the connections when batched. Arrays go in
    as numpy/JAX arrays in float64 (the caller holds ``jax.enable_x64``); ``progress(fraction,
    stage)`` is called after the warm-up and after each segment, and an exception it raises stops
    the run there (how a background job cancels)."""
    n_seg = segments_for(draws)
    seg = draws // n_seg
    args = tuple(jnp.asarray(a) for a in (fv, is_log, lo, hi))
    d = PData(*(jnp.asarray(x) for x in d))
    k_warm, k_draw = _split(keys)
    state, step, inv = _warm_fn(spec, warmup, batched)(k_warm, jnp.asarray(z0), d, *args)
    if progress:
        progress(0.3, "sampling")
    draw = _draw_fn(spec, seg, batched)
    pos, div = [], []
    for s in range(n_seg):
        ks = jax.vmap(jax.random.fold_in, in_axes=(0, None))(k_draw.reshape(-1), s).reshape(k_draw.shape)
        state, p, dv = draw(ks, state, step, inv, d, *args)
        pos.append(np.asarray(p))
        div.append(np.asarray(dv))
        if progress:
            progress(0.3 + 0.7 * (s + 1) / n_seg, "sampling")
    return np.concatenate(pos, axis=-2), np.concatenate(div, axis=-1), np.asarray(step)


def _split(keys):
    """Each chain's key -> (warm-up key, draws key), keeping the leading axes."""
    flat = keys.reshape(-1)
    pairs = jax.vmap(jax.random.split)(flat)  # (n, 2)
    return pairs[:, 0].reshape(keys.shape), pairs[:, 1].reshape(keys.shape)
