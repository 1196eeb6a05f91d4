"""The batched solver stages of :mod:`._fit`: multi-start and bootstrap refits as vmapped LM calls.

Every call solves B independent problems (rows) with one jitted, vmapped Levenberg–Marquardt
(:mod:`._solver`); shapes are fixed per chunk of connections so each stage compiles once.
"""

from __future__ import annotations

from functools import lru_cache, partial

import jax
import numpy as np
from jax.sharding import PartitionSpec

from stpexplorer.engine._batch import batch_sharding
from stpexplorer.fit._model import Spec, Stats, params_of, residuals
from stpexplorer.fit._solver import levenberg_marquardt

# iteration caps (traced, so changing them does not recompile): a vmapped while loop runs until its
# slowest problem stops; refits warm-started at the estimate need few iterations
MAX_ITER, MAX_ITER_BOOT = 100, 30
MAX_ITER_ALL, TOP = 20, 4  # batches: every start 20 iterations, then the best 4 of each connection on
# stop when an accepted step predicts a relative decrease below ftol: tight for the estimate, looser
# for bootstrap refits (their spread, not the last digits, makes the interval: a relative cost
# change of 1e-7 moves a parameter by ~1 % of its interval's half width at 500 observations)
FTOL, FTOL_BOOT = 1e-12, 1e-7
BOOT_FIRST = 10  # batches: bootstrap refits still running after 10 iterations go on in smaller buckets


def _solve_rows(z0, st: Stats, fixed_vals, max_iter, ftol, spec: Spec):
    """z0 (B, k), st leaves (B, ...), fixed_vals (B, 5); max_iter, ftol traced -> (LMResult, values (B, 5))."""

    def one(z, s, fv):
        out = levenberg_marquardt(residuals, z, s, fv, spec, max_iter=max_iter, ftol=ftol)
        return out, params_of(out.z, s, fv, spec)

    return jax.vmap(one)(z0, st, fixed_vals)


_solve = jax.jit(_solve_rows, static_argnames=("spec",))


@lru_cache(maxsize=None)
def _solve_sharded(mesh, spec: Spec):
    """_solve_rows per device (shard_map): each device runs its own while loop on its rows, with
    no cross-device reduction of the loop condition in every iteration."""
    rows, rep = PartitionSpec("batch"), PartitionSpec()
    return jax.jit(jax.shard_map(partial(_solve_rows, spec=spec), mesh=mesh, in_specs=(rows, rows, rows, rep, rep),
                                 out_specs=rows, check_vma=False))


def _run(z0, st, fixed_vals, max_iter, ftol, spec):
    """_solve, split over the visible accelerators when there are several and the rows split evenly.

    Not over forced host devices (``--xla_force_host_platform_device_count``): they share the
    same cores, so nothing is gained, and a sharded solve of 20,000 rows over 2 of them stalled
    in our tests (the per-device while loops compete for one intra-op thread pool)."""
    sharding = batch_sharding(z0.shape[0])
    if sharding is not None and jax.devices()[0].platform != "cpu" and z0.shape[0] % jax.device_count() == 0:
        z0, st, fixed_vals = jax.device_put((z0, st, fixed_vals), sharding)
        return _solve_sharded(sharding.mesh, spec)(z0, st, fixed_vals, max_iter, ftol)
    return _solve(z0, st, fixed_vals, max_iter, ftol, spec)


def _flat(tree, lead=2):
    return jax.tree_util.tree_map(lambda x: np.reshape(x, (-1,) + np.shape(x)[lead:]), tree)


def _compacted(z0, st, fv, spec, *, compact: bool):
    """Bootstrap refits: (converged (B,), values (B, 5)). With ``compact`` every row gets
    BOOT_FIRST iterations, then only the rows still running go on, gathered into buckets of B/8
    rows (one more compiled shape), up to MAX_ITER_BOOT in all: a vmapped while loop costs its
    slowest row's iterations times every row."""
    if not compact:
        res, vals = _run(z0, st, fv, MAX_ITER_BOOT, FTOL_BOOT, spec)
        return np.asarray(res.converged), np.array(vals)
    res, vals = _run(z0, st, fv, BOOT_FIRST, FTOL_BOOT, spec)
    conv, vals, z = np.array(res.converged), np.array(vals), np.asarray(res.z)
    left = np.flatnonzero(~conv & (np.asarray(res.n_iter) >= BOOT_FIRST))
    size = max(1, z0.shape[0] // 8)
    for lo in range(0, left.size, size):
        idx = left[lo: lo + size]
        rows = np.concatenate([idx, np.full(size - idx.size, idx[0])])  # pad to the bucket shape
        pick = lambda x: np.asarray(x)[rows]  # noqa: E731
        r2, v2 = _run(z[rows], jax.tree_util.tree_map(pick, st), fv[rows], MAX_ITER_BOOT - BOOT_FIRST, FTOL_BOOT, spec)
        conv[idx], vals[idx] = np.asarray(r2.converged)[: idx.size], np.asarray(v2)[: idx.size]
    return conv, vals


def _rows(st: Stats, R: int) -> Stats:
    return _flat(Stats(*(np.repeat(x, R, axis=1) for x in st)))


def _starts(st: Stats, fv_c, z_design, R1: int, spec: Spec, refine=None):
    """Multi-start LM for C connections: cost, converged, z, values per start, each (C, n_starts, ...).

    One connection: one call with R1 = max(n_starts, n_boot) rows (the bootstrap's shape: a single
    compilation), the design padded with repeats that are dropped. A batch: every start gets
    MAX_ITER_ALL iterations, then the TOP best of each connection continue up to MAX_ITER (a vmapped
    while loop runs as long as its slowest problem, and most starts are far from the best basin).
    ``refine()``, if given, is called before that second stage.
    """
    C, n = fv_c.shape[0], z_design.shape[0]
    R = R1 if C == 1 else n
    z0 = np.broadcast_to(z_design[np.arange(R) % n], (C, R, z_design.shape[1]))
    res, vals = _run(_flat(z0), _rows(st, R), np.repeat(fv_c, R, 0), MAX_ITER if C == 1 else MAX_ITER_ALL, FTOL, spec)
    cut = lambda x: np.array(x).reshape((C, R) + np.shape(x)[1:])[:, :n]  # noqa: E731
    cost, conv, z, vals = cut(res.cost), cut(res.converged), cut(res.z), cut(vals)
    cost = np.where(np.isfinite(cost), cost, np.inf)
    if C > 1:
        if refine is not None:
            refine()
        k = min(TOP, n)
        top = np.argsort(cost, axis=1)[:, :k]
        ii = np.arange(C)[:, None]
        res2, vals2 = _run(_flat(z[ii, top]), _rows(st, k), np.repeat(fv_c, k, 0), MAX_ITER, FTOL, spec)
        c2 = np.array(res2.cost).reshape(C, k)
        better = np.isfinite(c2) & (c2 <= cost[ii, top])
        cost[ii, top] = np.where(better, c2, cost[ii, top])
        z[ii, top] = np.where(better[..., None], np.array(res2.z).reshape(C, k, -1), z[ii, top])
        vals[ii, top] = np.where(better[..., None], np.array(vals2).reshape(C, k, 5), vals[ii, top])
        conv[ii, top] = np.where(better, np.array(res2.converged).reshape(C, k), conv[ii, top])
    return cost, conv, z, vals
