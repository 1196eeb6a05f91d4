r"""Δw over pairing rate × Δt: the frequency protocol of :mod:`.stdp_frequency` on a grid.

``stdp_frequency_map(params, rates_hz, delta_t_ms_grid)[i, j]`` is the weight change after
``n_pairs`` pre/post pairs with ``Δt = delta_t_ms_grid[i]`` (t_post − t_pre, ms, snapped to the
dt grid) at ``rates_hz[j]`` (Hz) — the value :func:`stdp_frequency_curve` gives for that rate
and Δt, transposed so that rows are Δt (the map's y axis) and columns the rates (its x axis).
Every cell has the same number of events, so the whole map is one jitted batched call and
new values (rates, lags, rule amplitudes) never recompile; only a new grid size does.

Example
-------
>>> import stpexplorer as stp
>>> p = stp.STDPParams(A_plus=0.0, A_minus=7.1e-3, A3_plus=6.5e-3, tau_plus=16.8,
...                    tau_minus=33.7, tau_y=114.0, bounds="none")
>>> stp.stdp_frequency_map(p, [1.0, 10.0, 50.0], [-20.0, -10.0, 10.0, 20.0]).shape
(4, 3)
"""

from __future__ import annotations

import jax.numpy as jnp

from stpexplorer.engine.stdp import STDPParams
from stpexplorer.engine.stdp_frequency import _as_vector, stdp_frequency_curve

__all__ = ["stdp_frequency_map"]


def stdp_frequency_map(params: STDPParams, rates_hz, delta_t_ms_grid, *, n_pairs=60, dt_ms=0.1, w0=0.5):
    """Δw for every (Δt, rate) of the grids, shape (*batch, n_dt, n_rates), in one jitted call.

    Args:
        params: :class:`STDPParams`, pair or triplet rule (leaves may carry batch axes).
        rates_hz: 1-D array of pairing rates, Hz, each in (0, 1000/dt_ms].
        delta_t_ms_grid: 1-D array of Δt = t_post − t_pre, ms.
        n_pairs, dt_ms, w0: as for :func:`stdp_frequency_curve`.
    """
    rates = _as_vector("rates_hz", rates_hz)
    deltas = _as_vector("delta_t_ms_grid", delta_t_ms_grid, unit="ms")
    out = stdp_frequency_curve(params, rates, deltas, n_pairs=n_pairs, dt_ms=dt_ms, w0=w0)
    return jnp.swapaxes(out, -1, -2)
