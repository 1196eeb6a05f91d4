"""The result of :func:`~stpexplorer.fit.sample_posterior`: draws, diagnostics, predictions."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np

from stpexplorer.fit._posterior_model import ALL, PSpec, mean_amplitudes

__all__ = ["Posterior", "PredictiveBand", "sweep_log_likelihood"]


def _draw_vals(samples: dict, fixed: dict, model: str, idx=None) -> dict:
    """Per-draw parameter arrays (flattened over chains × draws, or ``idx`` of them)."""
    n = next(iter(samples.values())).size
    take = (lambda a: np.asarray(a).ravel()) if idx is None else (lambda a: np.asarray(a).ravel()[idx])
    size = n if idx is None else len(idx)
    out = {k: take(v) for k, v in samples.items()}
    for k in ALL:
        if k not in out:
            out[k] = np.full(size, fixed.get(k, 0.0 if k == "tau_f" else 1.0))
    if model == "dep":
        out["tau_f"] = np.zeros(size)
    return out


@functools.lru_cache(maxsize=8)
def _means_fn(model: str):
    def one(U, f, tau_f, tau_d, W, isi):
        return mean_amplitudes({"U": U, "f": f if model == "etm" else None, "tau_f": tau_f, "tau_d": tau_d, "W": W},
                               isi)

    return jax.jit(jax.vmap(one, in_axes=(0, 0, 0, 0, 0, None)))


def _means(vals: dict, isi: np.ndarray, model: str) -> np.ndarray:
    """W·u·x for every draw: isi (P, N) -> (draws, P, N), one vmapped call (compiled once per shape)."""
    with jax.enable_x64(True):
        args = [jnp.asarray(vals[k], dtype=jnp.float64) for k in ("U", "f", "tau_f", "tau_d", "W")]
        return np.asarray(_means_fn(model)(*args, jnp.asarray(isi, dtype=jnp.float64)))


def sweep_log_likelihood(data, spec: PSpec, samples: dict, fixed: dict, d) -> np.ndarray:
    """Log likelihood of every sweep (its observed spikes summed) under every draw:
    (chains, draws, total sweeps), protocols in order."""
    shape = next(iter(samples.values())).shape
    mu = _means(_draw_vals(samples, fixed, spec.model), np.asarray(d.isi), spec.model)  # (D, P, N)
    out = []
    sig = _draw_vals(samples, fixed, spec.model)["sigma"]
    for i, p in enumerate(data.protocols):
        n = p.isi_ms.size
        a = p.amplitudes  # (S, n)
        ok = np.isfinite(a)
        sd = np.asarray(d.sd)[i, :n][None, None, :] if spec.noise == "per_spike" else sig[:, None, None]
        z = (np.where(ok, a, 0)[None] - mu[:, i, None, :n]) / sd
        ll = np.where(ok[None], -0.5 * z * z - np.log(sd) - 0.5 * np.log(2 * np.pi), 0.0).sum(-1)  # (D, S)
        out.append(ll)
    return np.concatenate(out, axis=1).reshape(*shape, -1)


@dataclass(frozen=True)
class PredictiveBand:
    """The posterior of the mean amplitude W·u·x at each spike of a train: median and 95 % band."""

    times_ms: np.ndarray
    median: np.ndarray
    lo: np.ndarray
    hi: np.ndarray


@dataclass(frozen=True, eq=False)
class Posterior:
    """Draws ``samples`` {name: (chains, draws)} of the sampled parameters; ``divergences`` (NUTS
    transitions that diverged, after warm-up); ``log_likelihood`` (chains, draws, sweeps): each
    sweep's log likelihood, for PSIS-LOO; ``fixed``, ``priors``, ``model``, ``noise``, ``data``."""

    samples: dict
    model: str
    noise: str
    fixed: dict
    priors: dict
    data: object
    divergences: int
    log_likelihood: np.ndarray
    step_size: np.ndarray
    #: (chains, draws): which transitions diverged (None if not kept)
    diverging: np.ndarray | None = None

    @property
    def chains(self) -> int:
        return int(next(iter(self.samples.values())).shape[0])

    def summary(self):
        """A pandas DataFrame, one row per sampled parameter: mean, sd, 2.5 %, 50 %, 97.5 %, r_hat
        (rank-normalised split R-hat), ess_bulk, ess_tail, all computed by arviz-stats."""
        # optional dependencies: the posterior extra
        import pandas as pd

        # optional dependency: the posterior extra
        from arviz_stats.base import array_stats

        rows = {}
        for k, v in self.samples.items():
            q = np.quantile(v, [0.025, 0.5, 0.975])
            rows[k] = {"mean": float(np.mean(v)), "sd": float(np.std(v, ddof=1)), "2.5%": q[0], "50%": q[1],
                       "97.5%": q[2], "r_hat": float(array_stats.rhat(v)),
                       "ess_bulk": float(array_stats.ess(v, method="bulk")),
                       "ess_tail": float(array_stats.ess(v, method="tail", prob=(0.05, 0.95)))}
        return pd.DataFrame.from_dict(rows, orient="index")

    def to_arviz(self):
        """The draws as an ArviZ ``DataTree`` (``arviz_base.from_dict``): groups ``posterior``
        (the sampled parameters), ``log_likelihood`` (``sweep``: one value per sweep, for
        ``arviz_stats.loo``), ``sample_stats`` (``diverging``, ``step_size``) and
        ``observed_data`` (``amplitude`` per sweep and spike, NaN-padded). Needs arviz-base."""
        try:
            # optional dependency: the posterior extra
            import arviz_base
        except ImportError:
            raise ImportError('Posterior.to_arviz needs arviz-base: pip install "stpexplorer[posterior]"') from None
        shape = next(iter(self.samples.values())).shape
        div = self.diverging if self.diverging is not None else np.zeros(shape, bool)
        step = np.broadcast_to(np.asarray(self.step_size, dtype=float).reshape(-1, 1), shape)
        n = max(p.isi_ms.size for p in self.data.protocols)
        obs = np.concatenate([np.pad(p.amplitudes, ((0, 0), (0, n - p.isi_ms.size)), constant_values=np.nan)
                              for p in self.data.protocols])
        names = [p.name for p in self.data.protocols for _ in range(p.amplitudes.shape[0])]
        return arviz_base.from_dict(
            {"posterior": dict(self.samples), "log_likelihood": {"sweep": self.log_likelihood},
             "sample_stats": {"diverging": div, "step_size": step}, "observed_data": {"amplitude": obs}},
            dims={"sweep": ["sweep"], "amplitude": ["sweep", "spike"]},
            coords={"sweep": np.arange(obs.shape[0]), "spike": np.arange(n)},
            attrs={"posterior": {"model": self.model, "noise": self.noise},
                   "observed_data": {"protocol_of_sweep": ",".join(names)}})

    def predict(self, protocol=None, isi_ms=None, *, max_draws: int = 1000) -> PredictiveBand:
        """The band of W·u·x for a recorded ``protocol`` or a new train ``isi_ms`` (first entry 0)."""
        if isi_ms is None:
            if protocol is None:
                raise ValueError("predict: give a recorded protocol or isi_ms")
            isi_ms = self.data[protocol].isi_ms
        isi = np.asarray(isi_ms, dtype=np.float64).ravel()
        if isi.size < 1 or not np.all(np.isfinite(isi)) or np.any(isi < 0):
            raise ValueError(f"isi_ms: must be finite intervals >= 0 ms, got {isi_ms!r}")
        n = next(iter(self.samples.values())).size
        idx = np.linspace(0, n - 1, min(n, max_draws)).astype(int)
        mu = _means(_draw_vals(self.samples, self.fixed, self.model, idx), isi[None, :], self.model)[:, 0]
        lo, med, hi = np.quantile(mu, [0.025, 0.5, 0.975], axis=0)
        return PredictiveBand(np.cumsum(np.concatenate([[0.0], isi[1:]])), med, lo, hi)
