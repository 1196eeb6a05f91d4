"""Independent references the tests compare the package with (one place, float64 numpy).

None of these is used by the package: each is written from the equations or transcribed
from the model we learned from, so that a test of the engine against one of them checks two
implementations, not one implementation against itself.
"""

from __future__ import annotations

import numpy as np


def tm_release_at_intervals(U, tau_f, tau_d, isi_ms, f=None, W=1.0):
    """Tsodyks–Markram release W·u_n·x_n at spikes with intervals ``isi_ms`` (ms; the first
    entry is ignored, the first spike is from rest). ``f`` None: f = U. Float64 loop::

        u_{n+1} = U + (u_n + f(1 − u_n) − U) e^{−Δ/τf},   x_{n+1} = 1 + (x_n − u_n x_n − 1) e^{−Δ/τd}
    """
    f = U if f is None else f
    isi = np.asarray(isi_ms, dtype=np.float64).ravel()
    u, x = float(U), 1.0
    out = np.empty(isi.size)
    for n in range(isi.size):
        if n:
            ef = np.exp(-isi[n] / tau_f) if tau_f > 0 else 0.0
            ed = np.exp(-isi[n] / tau_d) if tau_d > 0 else 0.0
            u_next = U + (u + f * (1 - u) - U) * ef
            x = 1.0 + (x - u * x - 1.0) * ed
            u = u_next
        out[n] = W * u * x
    return out


def tm_release_at_times(U, tau_f, tau_d, times_ms, W=1.0, f=None):
    """:func:`tm_release_at_intervals` for spike times (ms)."""
    t = np.asarray(times_ms, dtype=np.float64).ravel()
    isi = np.diff(t, prepend=t[:1]) if t.size else t
    return tm_release_at_intervals(U, tau_f, tau_d, isi, f=f, W=W)


def release_fraction(params, isi_ms):
    """u_n·x_n (W = 1) of one :class:`~stpexplorer.STPParams` (scalar leaves) at intervals ``isi_ms``."""
    U, tf, td = (float(np.asarray(v)) for v in (params.U, params.tau_f, params.tau_d))
    f = None if params.f is None else float(np.asarray(params.f))
    return tm_release_at_intervals(U, tf, td, isi_ms, f=f)


def tm_regular_ratio(U, tau_f, tau_d, interval_ms, n):
    """g_n/g_1 of a regular train, written with the state before each spike (u_pre, x_pre)."""
    ef = np.exp(-interval_ms / tau_f) if tau_f > 0 else 0.0
    ed = np.exp(-interval_ms / tau_d) if tau_d > 0 else 0.0
    u_pre, x_pre, rel = 0.0, 1.0, []
    for _ in range(n):
        u = u_pre + U * (1 - u_pre)  # u jumps at the spike
        rel.append(u * x_pre)
        x_after = x_pre - u * x_pre
        u_pre, x_pre = u * ef, 1 + (x_after - 1) * ed
    return rel[-1] / rel[0]


def ngclearn_stp(U, tau_f, tau_d, spikes):
    """ngclearn's STPDenseSynapse.advance_state, transcribed for one synapse (one step = 1 ms)."""
    u, x, wdyn = 0.0, 1.0, 0.0
    rel = []
    for s in spikes:
        u = u - u * (1.0 / tau_f) + (U * (1.0 - u)) * s if tau_f > 0 else U
        wdyn = (u * x) * s + wdyn * (1.0 - s)
        if tau_d > 0:
            x = x + (1.0 - x) * (1.0 / tau_d) - u * x * s
        rel.append(wdyn * s)
    return np.array(rel)


def ngclearn_wtascell(current, thr0, thr_gain, refract, dt, R=1.0):
    """ngclearn's WTASCell.advance_state, transcribed for one batch row (float32)."""
    f = np.float32
    thr = thr0.astype(f).copy()
    rfr = np.full(current.shape[1], refract, f)
    spikes = []
    for j in current.astype(f):
        mask = (rfr >= refract).astype(f)
        v = j * f(R) * mask
        e = np.exp(v - v.max())
        p = e / e.sum()
        s = (p > thr).astype(f)
        thr = np.maximum(thr + (s.sum() - 1) * f(thr_gain), f(0.025))
        rfr = (rfr + f(dt)) * (1 - s) + s * f(dt)
        spikes.append(s)
    return np.array(spikes)


def binomial_loglik_brute(N, U, tau_f, tau_d, q, sigma, isi_ms, amplitudes, f=None):
    """Log-likelihood of one sweep of the binomial synapse by summing over every release history:
    all sequences of released counts r_k and refilled counts j_k (float64 loop; NaN = missing).
    u_k from :func:`tm_release_at_intervals` with τd = 0 (x = 1), refill 1 − e^{−Δ/τd}."""
    from math import comb

    u = tm_release_at_intervals(U, tau_f, 0.0, isi_ms, f=f)
    isi = np.asarray(isi_ms, dtype=np.float64)
    a = np.asarray(amplitudes, dtype=np.float64)
    K = isi.size

    def binom(k, n, p):
        return comb(n, k) * p**k * (1 - p) ** (n - k)

    def total(k, n_full):  # probability of the amplitudes from spike k on, n_full sites full
        if k == K:
            return 1.0
        out = 0.0
        for r in range(n_full + 1):
            emit = 1.0 if np.isnan(a[k]) else np.exp(-0.5 * ((a[k] - q * r) / sigma) ** 2) / (np.sqrt(2 * np.pi) * sigma)
            left = n_full - r
            if k + 1 == K:
                out += binom(r, n_full, u[k]) * emit
                continue
            p_ref = 1.0 - (np.exp(-isi[k + 1] / tau_d) if tau_d > 0 else 0.0)
            for j in range(N - left + 1):
                out += binom(r, n_full, u[k]) * emit * binom(j, N - left, p_ref) * total(k + 1, left + j)
        return out

    return float(np.log(total(0, N)))
