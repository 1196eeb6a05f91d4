"""The Fit panel's data side, without widgets: mystery synapses, CSV text, per-spike summaries, predictions.

A **mystery synapse** is a Tsodyks–Markram synapse with hidden parameters drawn from a seed
(:func:`hidden_params`), recorded with quantal noise by
:func:`~stpexplorer.fit.synthetic_amplitudes` on three protocols (:data:`MYSTERY_PROTOCOLS`):
20 release sites, quantal size 5 (so W = 100 amplitude units), CV 0.3, 12 sweeps each.
A class fits it by hand with the sliders, then with :func:`~stpexplorer.fit.fit_stp`, then reveals it.

>>> d = mystery_data("facilitating", 0)
>>> d.names
('10 Hz', '20 Hz + recovery', '50 Hz')
>>> s = summary(d, dict(U=0.5, tau_f=0.0, tau_d=800.0, W=100.0, f=None))
>>> round(float(s.predictions[0][0]), 6)   # first spike from rest: W·U
50.0
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from stpexplorer.engine.stp import STPParams
from stpexplorer.fit import (
    AmplitudeData,
    connections_from_csv_text,
    release_fraction,
    synthetic_amplitudes,
)

__all__ = ["MYSTERY_KINDS", "MYSTERY_PROTOCOLS", "hidden_params", "mystery_data", "data_from_csv_text",
           "Summary", "summary"]

MYSTERY_PROTOCOLS = {
    "10 Hz": [0.0] + [100.0] * 7,
    "20 Hz + recovery": [0.0] + [50.0] * 7 + [500.0],
    "50 Hz": [0.0] + [20.0] * 7,
}
#: kind -> ranges of the hidden U, tau_f (ms), tau_d (ms); log-uniform for the time constants
MYSTERY_KINDS = {
    "depressing": dict(U=(0.4, 0.7), tau_f=(5.0, 30.0), tau_d=(300.0, 900.0)),
    "facilitating": dict(U=(0.05, 0.2), tau_f=(200.0, 800.0), tau_d=(50.0, 200.0)),
}
N_SITES, QUANTAL_SIZE, CV, N_SWEEPS = 20, 5.0, 0.3, 12


def hidden_params(kind: str, seed: int) -> dict:
    """The hidden U, tau_f, tau_d, W (= 20 sites × quantal size 5) and f (None: f = U) of a mystery."""
    if kind not in MYSTERY_KINDS:
        raise ValueError(f"mystery must be one of {list(MYSTERY_KINDS)}, got {kind!r}")
    rng = np.random.default_rng([int(seed), list(MYSTERY_KINDS).index(kind)])
    r = MYSTERY_KINDS[kind]
    U = float(rng.uniform(*r["U"]))
    tf, td = (float(np.exp(rng.uniform(*np.log(r[k])))) for k in ("tau_f", "tau_d"))
    return dict(U=round(U, 3), tau_f=round(tf, 1), tau_d=round(td, 1), W=N_SITES * QUANTAL_SIZE, f=None)


@functools.lru_cache(maxsize=32)
def mystery_data(kind: str, seed: int) -> AmplitudeData:
    """Quantal amplitude trains of mystery ``kind`` with ``seed`` (the same every time)."""
    h = hidden_params(kind, seed)
    p = STPParams(U=h["U"], tau_f=h["tau_f"], tau_d=h["tau_d"])
    return synthetic_amplitudes(p, MYSTERY_PROTOCOLS, n_sweeps=N_SWEEPS, n_sites=N_SITES,
                                quantal_size=QUANTAL_SIZE, cv=CV, seed=int(seed))


def data_from_csv_text(text: str, source: str = "upload") -> AmplitudeData:
    """AmplitudeData from the text of a CSV (long or wide format, see :mod:`stpexplorer.fit.read`),
    parsed in memory: no file on the server is read. Errors name ``source``, the row and column."""
    conns = connections_from_csv_text(text, source)
    if len(conns) > 1:
        raise ValueError(f"{source}: column 'connection' holds {len(conns)} connections; the Fit panel "
                         "fits one (use `stpexplorer fit` for many)")
    return next(iter(conns.values()))


@dataclass(frozen=True)
class Summary:
    """Per protocol (lists in data order): spike times from the first spike (ms), mean, SEM and count
    of the observed amplitudes per spike, the prediction W·u_n·x_n; all points; the SSE over every
    observation (amplitude units²) of the prediction."""

    names: tuple
    times: list
    means: list
    sems: list
    counts: list
    predictions: list
    sse: float
    n_obs: int


def _params(v: dict) -> STPParams:
    return STPParams(U=v["U"], tau_f=v["tau_f"], tau_d=v["tau_d"], W=v["W"], f=v.get("f"))


def summary(data: AmplitudeData, values: dict) -> Summary:
    """Means, SEMs and the prediction of ``values`` (U, tau_f, tau_d, W, f or None) for every protocol."""
    p = _params(values)
    times, means, sems, counts, preds, sse = [], [], [], [], [], 0.0
    for prot in data.protocols:
        a = prot.amplitudes
        ok = np.isfinite(a)
        n = ok.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            m = np.where(n > 0, np.nansum(a, axis=0) / np.maximum(n, 1), np.nan)
            var = np.nansum((a - m) ** 2, axis=0) / np.maximum(n - 1, 1)
            sem = np.where(n > 1, np.sqrt(var / np.maximum(n, 1)), 0.0)
        pred = float(values["W"]) * release_fraction(p, prot.isi_ms)
        sse += float(np.nansum((a - pred[None, :]) ** 2))
        times.append(prot.times_ms)
        means.append(m)
        sems.append(sem)
        counts.append(n)
        preds.append(pred)
    return Summary(data.names, times, means, sems, counts, preds, sse, data.n_observations)
