"""Fitting Tsodyks–Markram short-term plasticity to recorded amplitude trains (pure JAX + numpy).

:class:`AmplitudeData` holds the recordings (several protocols; CSV, dict or pandas),
:func:`synthetic_amplitudes` makes quantal test data, :func:`fit_stp` fits one connection and
:func:`fit_many` many at once; both return :class:`FitResult`. :class:`FitJob` runs a fit in a
background thread with progress and cancellation; :func:`loss_landscape` maps the objective over
two parameters (:class:`LossLandscape`). Quantal analysis of the binomial synapse: :func:`binomial_loglik`,
:func:`fit_quantal` (:class:`QuantalFit`), :func:`variance_mean` (:class:`VarianceMean`). Times in ms.
"""

from stpexplorer.fit._data import (
           AmplitudeData,
           Protocol,
           connections_from_csv,
           connections_from_csv_text,
)
from stpexplorer.fit._fit import MODELS, WEIGHTS, fit_many, fit_stp
from stpexplorer.fit._job import CompareJob, FitCancelled, FitJob, PosteriorJob
from stpexplorer.fit._landscape import LossLandscape, loss_landscape
from stpexplorer.fit._result import FitResult
from stpexplorer.fit._synthetic import release_fraction, synthetic_amplitudes
from stpexplorer.fit.quantal import QuantalFit, binomial_loglik, fit_quantal
from stpexplorer.fit.variance_mean import VarianceMean, variance_mean
from stpexplorer.fit.compare import compare_models
from stpexplorer.fit.posterior import Posterior, sample_posterior
from stpexplorer.fit.posterior_many import sample_many

__all__ = ["AmplitudeData", "Protocol", "connections_from_csv", "connections_from_csv_text", "synthetic_amplitudes", "release_fraction",
           "fit_stp", "fit_many", "FitResult", "MODELS", "WEIGHTS", "FitJob", "FitCancelled", "PosteriorJob", "CompareJob",
           "loss_landscape", "LossLandscape", "sample_posterior", "compare_models", "Posterior", "sample_many",
           "binomial_loglik", "fit_quantal", "QuantalFit", "variance_mean", "VarianceMean"]
