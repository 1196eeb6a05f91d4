"""Published measurements the models are compared with, each with its citation.

``SJOSTROM_2001``: the frequency dependence of STDP in layer-5 pyramidal cells of rat visual
cortex (Sjöström, Turrigiano & Nelson 2001, Neuron 32:1149), the data the triplet rule of
Pfister & Gerstner (2006, J Neurosci 26:9673) was fitted to. Weight change as a fraction
(0.56 = +56 %), mean ± SEM, at five pairing rates for Δt = +10 and −10 ms; models are
compared after ``n_pairs = 60`` pairings (the default of ``stdp_frequency_curve``).

>>> from stpexplorer.experiments.datasets import SJOSTROM_2001 as d
>>> d.mean.shape == (d.rates_hz.size, d.delta_t_ms.size)
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["FrequencyData", "SJOSTROM_2001"]


def _frozen(values) -> np.ndarray:
    arr = np.array(values, dtype=np.float64)
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True, eq=False)
class FrequencyData:
    """Weight change against pairing rate, for one or more pre/post lags.

    rates_hz:   (n_rates,) pairing rates, Hz
    delta_t_ms: (n_dt,) lags Δt = t_post − t_pre, ms
    mean, sem:  (n_rates, n_dt) weight change as a fraction (Δw/w), mean and standard error;
                the layout of ``stdp_frequency_curve(params, rates_hz, delta_t_ms)``
    n_pairs:    pairings per rate used when a model is compared with the data
    citation:   where the numbers come from
    """

    rates_hz: np.ndarray
    delta_t_ms: np.ndarray
    mean: np.ndarray
    sem: np.ndarray
    n_pairs: int
    citation: str

    def __post_init__(self):
        for name in ("rates_hz", "delta_t_ms", "mean", "sem"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))
        want = (self.rates_hz.size, self.delta_t_ms.size)
        for name in ("mean", "sem"):
            if getattr(self, name).shape != want:
                raise ValueError(f"{name} must have shape (n_rates, n_dt) = {want}, "
                                 f"got {getattr(self, name).shape}")

    @property
    def significant(self) -> np.ndarray:
        """(n_rates, n_dt) booleans: |mean| > 2 SEM (the sign of the change is clear)."""
        return np.abs(self.mean) > 2.0 * self.sem


SJOSTROM_2001 = FrequencyData(
    rates_hz=[0.1, 10.0, 20.0, 40.0, 50.0],
    delta_t_ms=[10.0, -10.0],
    # columns: Δt = +10 ms, Δt = -10 ms
    mean=[[-0.04, -0.29], [0.14, -0.41], [0.29, -0.34], [0.53, 0.56], [0.56, 0.75]],
    sem=[[0.05, 0.08], [0.10, 0.11], [0.14, 0.10], [0.11, 0.32], [0.26, 0.19]],
    n_pairs=60,
    citation=("Sjöström, Turrigiano & Nelson (2001) Neuron 32:1149, frequency dependence of STDP "
              "(L5 visual cortex), as fitted by Pfister & Gerstner (2006) J Neurosci 26:9673"),
)
