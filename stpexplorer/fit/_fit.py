"""fit_stp: least-squares fit of Tsodyks–Markram parameters to amplitude trains, with bootstrap intervals.

Procedure (every stage one vmapped, jitted call; float64 inside):

1. Pack the data into per-(protocol, spike) statistics (:mod:`._model`), amplitudes divided by
   their mean absolute value.
2. Multi-start: ``n_starts`` points of a shifted Halton design over U, f ∈ [0.02, 0.95] and
   τf, τd ∈ [5, 3000] ms (log-uniform), each refined by Levenberg–Marquardt (:mod:`._solver`) in
   the transformed parameters; W by variable projection. The lowest objective wins. (In a batch of
   connections every start gets 20 iterations and the best 4 per connection go on to 100.)
3. Bootstrap: ``n_boot`` replicates that redraw the sweeps of each protocol with replacement; each
   is refitted from the estimate, all in one vmapped call (in a batch, refits still running after
   10 iterations go on in smaller calls). 95 % intervals are the 2.5 and 97.5 percentiles of the
   replicates (percentile bootstrap over sweeps).

Many connections (:func:`fit_many`) run as one batch, in chunks of equal shape (one compilation),
sharded over the devices when several are visible (as :mod:`stpexplorer.engine._batch` does).
``n_converged`` counts the starts that met the solver's convergence test within those iterations.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import jax
import numpy as np

from stpexplorer.fit._data import AmplitudeData
from stpexplorer.fit._model import NAMES, Stats, constant, design, make_spec
from stpexplorer.fit._result import FitResult, make_result
from stpexplorer.fit._stages import _compacted, _flat, _starts

__all__ = ["fit_stp", "fit_many", "MODELS", "WEIGHTS"]

MODELS = ("tm", "etm")
WEIGHTS = ("observations", "protocols")
_RANGES = {"U": (0.0, 1.0, True), "f": (0.0, 1.0, False), "tau_f": (0.0, None, False),
           "tau_d": (0.0, None, False), "W": (0.0, None, False)}


def _count(name, v, lo):
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < lo:
        raise ValueError(f"{name} must be an integer >= {lo}, got {v!r}")
    return int(v)


def _check(model, fixed, n_starts, n_boot, seed, weights) -> dict:
    if model not in MODELS:
        raise ValueError(f"model must be one of {MODELS}, got {model!r}")
    if weights not in WEIGHTS:
        raise ValueError(f"weights must be one of {WEIGHTS}, got {weights!r}")
    _count("n_starts", n_starts, 1), _count("n_boot", n_boot, 0), _count("seed", seed, 0)
    fixed = dict(fixed or {})
    allowed = NAMES if model == "etm" else tuple(n for n in NAMES if n != "f")
    out = {}
    for k, v in fixed.items():
        if k not in allowed:
            raise ValueError(f"fixed: unknown parameter {k!r} for model {model!r}; valid names are {list(allowed)}")
        lo, hi, lo_open = _RANGES[k]
        try:
            x = float(v)
        except (TypeError, ValueError):
            raise ValueError(f"fixed[{k!r}] must be a number, got {v!r}") from None
        if not np.isfinite(x) or (x <= lo if lo_open else x < lo) or (hi is not None and x > hi):
            rng = f"{'(' if lo_open else '['}{lo:g}, {'inf)' if hi is None else f'{hi:g}]'}"
            raise ValueError(f"fixed[{k!r}] must be in {rng}, got {v!r}")
        out[k] = x
    if all(n in out for n in NAMES[:4] if not (n == "f" and model == "tm")):
        raise ValueError(f"fixed leaves nothing but W to fit; free at least one of {[n for n in allowed if n != 'W']}")
    return out


def _pack(datas: list[AmplitudeData], P: int, N: int, weights: str):
    """Zero-filled amplitudes (C, P, S, N), observed mask, sweep counts (C, P), isi (C, P, N), w, scale."""
    C = len(datas)
    S = max(p.amplitudes.shape[0] for d in datas for p in d.protocols)
    a = np.zeros((C, P, S, N))
    m = np.zeros((C, P, S, N))
    isi = np.zeros((C, P, N))
    n_sw = np.zeros((C, P), dtype=np.int64)
    for i, d in enumerate(datas):
        for j, p in enumerate(d.protocols):
            ns, nk = p.amplitudes.shape
            ok = np.isfinite(p.amplitudes)
            a[i, j, :ns, :nk] = np.where(ok, p.amplitudes, 0.0)
            m[i, j, :ns, :nk] = ok
            isi[i, j, :nk] = p.isi_ms
            n_sw[i, j] = ns
    scale = np.abs(a).sum(axis=(1, 2, 3)) / np.maximum(m.sum(axis=(1, 2, 3)), 1)
    scale = np.where(scale > 0, scale, 1.0)
    a /= scale[:, None, None, None]
    n_obs = m.sum(axis=(2, 3))
    if weights == "observations":
        w = (n_sw > 0).astype(float)
    else:
        n_prot = (n_sw > 0).sum(axis=1, keepdims=True)
        w = np.where(n_obs > 0, n_obs.sum(axis=1, keepdims=True) / (n_prot * np.maximum(n_obs, 1)), 0.0)
    return a, m, n_sw, isi, w, scale


def _stats(a, m, isi, w, mult) -> Stats:
    """Statistics for sweep multiplicities ``mult`` (C, R, P, S): leaves (C, R, P, N)."""
    c = np.einsum("crps,cpsn->crpn", mult, m)
    s1 = np.einsum("crps,cpsn->crpn", mult, a)
    s2 = np.einsum("crps,cpsn->crpn", mult, a * a)
    R = mult.shape[1]
    return Stats(np.repeat(isi[:, None], R, 1), c, s1, s2, np.repeat(w[:, None], R, 1))


def fit_many(datasets: Mapping[str, AmplitudeData], *, model="tm", fixed=None, n_starts=64, n_boot=200,
             seed=0, weights="observations", chunk: int = 200,
             progress: Callable[[int, int], None] | None = None,
             stage_progress: Callable[[float, str], None] | None = None) -> dict[str, FitResult]:
    """Fit many connections in batched calls (chunks of ``chunk`` connections, one compiled shape).

    Arguments as :func:`fit_stp`; ``progress(done, total)`` is called after each chunk, and
    ``stage_progress(fraction, stage)`` before each stage of each chunk (see :func:`fit_stp`;
    fraction of all connections, 1.0 with stage "done" at the end). An exception raised by either
    callback stops the fit there (how :class:`FitJob` cancels). Returns ``{connection: FitResult}``
    in the input order.
    """
    fixed = _check(model, fixed, n_starts, n_boot, seed, weights)
    if not isinstance(datasets, Mapping) or not datasets:
        raise ValueError(f"datasets must be a non-empty dict {{connection: AmplitudeData}}, got {datasets!r}")
    for k, d in datasets.items():
        if not isinstance(d, AmplitudeData):
            raise ValueError(f"datasets[{k!r}] must be an AmplitudeData, got {type(d).__name__}")
    spec = make_spec(model, fixed)
    keys = list(datasets)
    datas = [datasets[k] for k in keys]
    P = max(len(d) for d in datas)
    N = max(p.isi_ms.size for d in datas for p in d.protocols)
    chunk = max(1, min(int(chunk), len(datas)))
    rng = np.random.default_rng(seed)
    z_design = design(spec, n_starts, seed)
    out: dict[str, FitResult] = {}
    with jax.enable_x64(True):
        for lo in range(0, len(datas), chunk):
            part = datas[lo: lo + chunk]
            part = part + [part[-1]] * (chunk - len(part))  # pad: one compiled shape for every chunk
            n_part = min(chunk, len(datas) - lo)
            report = None if stage_progress is None else (
                lambda frac, name, lo=lo, k=n_part: stage_progress((lo + frac * k) / len(datas), name))
            fits = _fit_chunk(part, P, N, spec, fixed, z_design, n_boot, weights, rng, report)
            for i, k in enumerate(keys[lo: lo + chunk]):
                out[k] = make_result(datas[lo + i], model, fixed, weights, *(f[i] for f in fits))
            if progress is not None:
                progress(min(lo + chunk, len(datas)), len(datas))
    if stage_progress is not None:
        stage_progress(1.0, "done")
    return out


# share of a chunk's time before each stage (bootstrap refits are warm-started but as many rows)
_STAGE_AT = {"multi-start": 0.0, "refine": 0.4, "bootstrap": 0.5}


def _fit_chunk(datas, P, N, spec, fixed, z_design, n_boot, weights, rng, report=None):
    report = report or (lambda frac, name: None)
    a, m, n_sw, isi, w, scale = _pack(datas, P, N, weights)
    C, S = a.shape[0], a.shape[2]
    fv = np.array([fixed.get(n, np.nan) for n in NAMES])
    fv = np.where(np.isnan(fv), 1.0, fv)
    fv_c = np.repeat(fv[None], C, 0)
    if "W" in fixed:
        fv_c[:, 4] = fv[4] / scale
    present = (np.arange(S)[None, None, :] < n_sw[..., None]).astype(float)  # (C, P, S)
    st = _stats(a, m, isi, w, present[:, None])
    n_starts = z_design.shape[0]
    report(_STAGE_AT["multi-start"], "multi-start")
    refine = (lambda: report(_STAGE_AT["refine"], "refine")) if C > 1 else None
    cost, conv, z_all, vals = _starts(st, fv_c, z_design, max(n_starts, n_boot), spec, refine)
    best = np.argmin(cost, axis=1)
    z_best = z_all[np.arange(C), best]
    v_best = np.array(vals[np.arange(C), best])
    conv = conv.sum(axis=1)
    obj = (cost[np.arange(C), best] + constant(st)[:, 0]) * scale**2
    if n_boot:
        report(_STAGE_AT["bootstrap"], "bootstrap")
        R = max(n_starts, n_boot) if C == 1 else n_boot
        mult = np.zeros((C, R, P, S))
        for i in range(C):
            for j in range(P):
                ns = n_sw[i, j]
                if ns:
                    mult[i, :n_boot, j, :ns] = rng.multinomial(ns, np.full(ns, 1.0 / ns), size=n_boot)
        mult[:, n_boot:] = present[:, None]  # padding rows (R > n_boot): the data themselves
        st_b = _stats(a, m, isi, w, mult)
        zb = np.repeat(z_best[:, None], R, 1)
        conv_b, vals_b = _compacted(_flat(zb), _flat(st_b), np.repeat(fv_c, R, 0), spec, compact=C > 1)
        boot = vals_b.reshape(C, R, 5)[:, :n_boot]
        boot_conv = conv_b.reshape(C, R)[:, :n_boot].sum(axis=1)
    else:
        boot = np.full((C, 0, 5), np.nan)
        boot_conv = np.zeros(C, dtype=np.int64)
    v_best[:, 4] *= scale
    boot[..., 4] *= scale[:, None]
    return v_best, boot, obj, conv, [n_starts] * C, boot_conv


def fit_stp(data: AmplitudeData, *, model="tm", fixed=None, n_starts=64, n_boot=200, seed=0,
            weights="observations", progress: Callable[[float, str], None] | None = None) -> FitResult:
    """Fit a Tsodyks–Markram synapse to amplitude trains by least squares, with bootstrap intervals.

    Model: mean amplitude at spike n of a protocol = ``W u_n x_n`` of the exact recursion
    (:mod:`stpexplorer.engine.stp_sweep`), intervals in ms. ``model="tm"``: U, tau_f, tau_d, W
    free and f = U; ``"etm"``: f free too. ``fixed={"tau_f": 0.0}`` pins any parameter.

    Objective: ``Σ_obs (amplitude − prediction)²`` (``weights="observations"``) or each protocol's
    sum divided by its number of observations, so every protocol counts equally
    (``"protocols"``; rescaled to the total number of observations).

    Parameters stay in range by transforms (BOUNDS in :mod:`._model`: U, f in [1e-4, 1], τ in
    [0.5, 1e5] ms, W ≥ 0). A parameter the data cannot determine (τf of a purely depressing
    synapse) drifts to a bound: its interval then reaches that bound and ``at_bound`` says which
    ("lower": indistinguishable from the lower bound, e.g. τf ≈ 0; "upper": no upper limit).

    ``progress(fraction, stage)``, if given, is called before each stage with the fraction of the
    work done (0 … 1) and its name: "multi-start" (0.0), "bootstrap" (0.5, if n_boot > 0), then
    (1.0, "done"); "refine" (the best starts of each connection continued) runs only in batches
    (:func:`fit_many`). Each stage is one compiled call, so that is the granularity; an exception
    raised by the callback stops the fit before the next stage. To fit in a background thread
    with progress and cancellation, use :class:`FitJob`.

    Returns :class:`FitResult`. Compiles once per data shape (protocols × spikes), n_starts and n_boot.
    """
    if not isinstance(data, AmplitudeData):
        raise ValueError(f"data must be an AmplitudeData, got {type(data).__name__}")
    return fit_many({"": data}, model=model, fixed=fixed, n_starts=n_starts, n_boot=n_boot, seed=seed,
                    weights=weights, chunk=1, stage_progress=progress)[""]

