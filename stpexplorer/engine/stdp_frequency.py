r"""Weight change against pairing frequency (the protocol of Sjöström, Turrigiano & Nelson 2001).

``n_pairs`` pre/post pairs at ``rate_hz``, each with ``Δt = t_post − t_pre``: presynaptic
spikes at ``t_k = k·T`` (T = 1000 / rate_hz ms, k = 0 .. n_pairs−1; shifted by |Δt| when
Δt < 0 so that the first spike is at 0) and postsynaptic spikes at ``t_k + Δt``, all snapped
to the grid of ``dt_ms`` exactly as :func:`pairing_trains` does. The result is the total
change ``Δw = w(end) − w0`` of :func:`simulate_stdp` on these trains (pair or triplet rule).

The simulation is event driven: between spikes the traces only decay, and they decay exactly
(``e^{-elapsed/τ}`` from the last spike of their train), so the 2·n_pairs spike times are the
only steps needed and the answer equals the dense simulation on the dt grid up to float
round-off, even for 60 pairs at 0.1 Hz (10 minutes of pairing). Every (rate, Δt) has the same
number of events (pre and post spikes in one step are merged into one event and the freed
slot becomes an empty event, which changes nothing), so the shapes never depend on the rates
and one compiled function serves every value.

With the minimal all-to-all triplet rule (A2+ = 0) the potentiation of a post spike needs
an earlier post spike within ~τy, which is why potentiation appears only at high rates and
for both signs of Δt (Pfister & Gerstner 2006, Fig. 5).
"""

from __future__ import annotations

import numpy as np

from stpexplorer.engine._batch import run_batched
from stpexplorer.engine._params import (
    as_float_scalar,
    check_instance,
    check_range,
    float_dtype,
)
from stpexplorer.engine.protocols import _as_count
from stpexplorer.engine.stdp import STDPParams
from stpexplorer.engine.stdp_window import _window_batched, _window_single

__all__ = ["stdp_frequency_curve", "pairing_events"]


def pairing_events(rates_hz, delta_t_ms, n_pairs: int, dt_ms: float):
    """Host-side event sequences of periodic pairing.

    Args: ``rates_hz`` (n_rates,), ``delta_t_ms`` (n_dt,) (both validated by the caller),
    ``n_pairs`` and ``dt_ms``.

    Returns ``(pre, post, el_pre, el_post)``, each (n_rates·n_dt, 2·n_pairs), rates major:
    0/1 spike flags of each event and the time (ms) from the last pre / post spike strictly
    before the event (any value before the first one: the traces are 0 there).
    """
    dt = float(dt_ms)
    period_steps = 1000.0 / (np.asarray(rates_hz, np.float64) * dt)          # (R,)
    steps_delta = np.floor(np.asarray(delta_t_ms, np.float64) / dt + 0.5).astype(np.int64)  # (D,)
    k = np.arange(n_pairs)
    pre_idx = (np.floor(k[None, None, :] * period_steps[:, None, None] + 0.5).astype(np.int64)
               + np.maximum(0, -steps_delta)[None, :, None])                    # (R, D, n)
    post_idx = pre_idx + steps_delta[None, :, None]
    idx = np.concatenate([pre_idx, post_idx], axis=-1).reshape(-1, 2 * n_pairs)  # (M, 2n)
    order = np.argsort(idx, axis=-1, kind="stable")
    idx = np.take_along_axis(idx, order, axis=-1)
    pre = order < n_pairs
    post = ~pre
    # a pre and a post spike in the same step form one event (they do not pair); pre spikes
    # are at least one step apart (rate <= 1000/dt), so at most two entries share a step
    same = idx[:, 1:] == idx[:, :-1]
    pre[:, :-1] |= same & pre[:, 1:]
    post[:, :-1] |= same & post[:, 1:]
    pre[:, 1:] &= ~same
    post[:, 1:] &= ~same
    el_pre, el_post = (_elapsed(idx, f, dt) for f in (pre, post))
    dtype = float_dtype()
    return pre.astype(dtype), post.astype(dtype), el_pre, el_post


def _elapsed(idx, spikes, dt):
    last = np.maximum.accumulate(np.where(spikes, idx, idx[:, :1] - 1), axis=-1)
    before = np.concatenate([idx[:, :1] - 1, last[:, :-1]], axis=-1)
    return ((idx - before) * dt).astype(float_dtype())


def _as_vector(name, value, **range_kw):
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number or a 1-D array of numbers, got {value!r}") from None
    if arr.ndim > 1 or arr.size == 0:
        raise ValueError(f"{name} must be a number or a non-empty 1-D array, got shape {arr.shape}")
    check_range(name, arr, **range_kw)
    return np.atleast_1d(arr)


def stdp_frequency_curve(params: STDPParams, rates_hz, delta_t_ms, *, n_pairs=60, dt_ms=0.1, w0=0.5):
    """Δw after ``n_pairs`` pre/post pairings at each rate (and each Δt), in one jitted call.

    Args:
        params: :class:`STDPParams`, pair or triplet rule (leaves may carry batch axes).
        rates_hz: pairing rate(s), Hz, scalar or (n_rates,), each in (0, 1000/dt_ms].
        delta_t_ms: Δt = t_post − t_pre, ms, scalar or (n_dt,); snapped to the dt grid.
        n_pairs: number of pairs (60 in Pfister & Gerstner 2006 for Sjöström et al. 2001).
        dt_ms: time grid, ms (spike times are snapped to it).
        w0: initial weight (clipped into [w_min, w_max] unless bounds="none").

    Returns:
        Δw = w(end) − w0 of shape (*batch, n_rates, n_dt); a scalar ``rates_hz`` or
        ``delta_t_ms`` drops its axis. With ``bounds="none"`` Δw does not depend on w0;
        Pfister & Gerstner compare it directly with the measured fractional change.

    Example
    -------
    >>> import stpexplorer as stp
    >>> p = stp.STDPParams(A_plus=0.0, A_minus=7.1e-3, A3_plus=6.5e-3, tau_plus=16.8,
    ...                    tau_minus=33.7, tau_y=114.0, bounds="none")
    >>> stp.stdp_frequency_curve(p, [0.1, 50.0], [-10.0, 10.0]).shape
    (2, 2)
    """
    check_instance("params", params, STDPParams)
    dt = as_float_scalar("dt_ms", dt_ms, lo=0.0, lo_open=True, unit="ms")
    rates = _as_vector("rates_hz", rates_hz, lo=0.0, lo_open=True, hi=1000.0 / float(dt), unit="Hz",
                       note="at most one spike per step of dt_ms")
    deltas = _as_vector("delta_t_ms", delta_t_ms, unit="ms")
    n = _as_count("n_pairs", n_pairs, lo=1)
    w = as_float_scalar("w0", w0)
    pre, post, el_pre, el_post = pairing_events(rates, deltas, n, float(dt))
    out = run_batched(_window_single, _window_batched, params, pre, post, el_pre, el_post, w, dt)
    out = out.reshape(out.shape[:-1] + (rates.size, deltas.size))
    if np.ndim(delta_t_ms) == 0:
        out = out[..., 0]
    if np.ndim(rates_hz) == 0:
        out = out[..., 0, :] if np.ndim(delta_t_ms) else out[..., 0]
    return out
