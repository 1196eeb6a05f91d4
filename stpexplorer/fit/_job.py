"""FitJob: :func:`fit_stp` in a background thread, with progress and cancellation (no widgets).

A user interface starts a job and keeps serving events; it reads ``job.progress`` (or passes
``on_progress``) and collects ``job.result`` when ``job.done``::

    job = FitJob(data, n_boot=200).start()
    ...                                  # the event loop keeps running
    job.progress                         # (0.5, "bootstrap")
    job.cancel()                         # or: job.wait(); job.result

Cancellation takes effect between stages (each stage is one compiled call that cannot be
interrupted), so ``cancel()`` returns at once and the thread ends after the current stage;
``job.cancelled`` is then True and ``job.result`` None. JAX releases the GIL while a compiled
call runs, so the thread that started the job stays responsive.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from stpexplorer.fit._data import AmplitudeData
from stpexplorer.fit._fit import fit_stp
from stpexplorer.fit._result import FitResult
from stpexplorer.fit.compare import compare_models
from stpexplorer.fit.posterior import sample_posterior

__all__ = ["CompareJob", "FitCancelled", "FitJob", "PosteriorJob"]


class FitCancelled(Exception):
    """Raised inside a fit whose :class:`FitJob` was cancelled (caught by the job)."""


class FitJob:
    """A :func:`fit_stp` call run in a daemon thread.

    ``FitJob(data, on_progress=None, on_done=None, **fit_kwargs)``; fit_kwargs as :func:`fit_stp`
    (model, fixed, n_starts, n_boot, seed, weights), checked when the job is made.
    ``on_progress(fraction, stage)`` and ``on_done(job)`` are called from the worker thread (a
    widget callback must only set traits there).

    Attributes: ``progress`` (fraction 0 … 1, stage name; stage "done" at the end), ``done``,
    ``cancelled``, ``result`` (:class:`FitResult` or None), ``error`` (the exception a failed
    fit raised, or None).
    """

    _ARGS = frozenset({"model", "fixed", "n_starts", "n_boot", "seed", "weights"})
    _FN = None  # None: fit_stp, looked up when the job runs

    def __init__(self, data: AmplitudeData, *, on_progress: Callable[[float, str], None] | None = None,
                 on_done: Callable[[FitJob], None] | None = None, **fit_kwargs):
        if not isinstance(data, AmplitudeData):
            raise ValueError(f"data must be an AmplitudeData, got {type(data).__name__}")
        unknown = set(fit_kwargs) - self._ARGS
        if unknown:
            raise ValueError(f"{type(self).__name__}: unknown {(self._FN or fit_stp).__name__} argument(s) "
                             f"{sorted(unknown)}")
        self.data, self.fit_kwargs = data, fit_kwargs
        self._on_progress, self._on_done = on_progress, on_done
        self._cancel = threading.Event()
        self._finished = threading.Event()
        self._thread: threading.Thread | None = None
        self.progress: tuple[float, str] = (0.0, "waiting")
        self.result: FitResult | None = None
        self.error: BaseException | None = None
        self.cancelled = False

    def start(self) -> FitJob:
        """Start the fit in a daemon thread; returns the job (``FitJob(d).start()``)."""
        if self._thread is not None:
            raise RuntimeError("FitJob.start: this job was already started; make a new FitJob to fit again")
        self._thread = threading.Thread(target=self._run, name="stpexplorer-fit", daemon=True)
        self._thread.start()
        return self

    def _report(self, fraction: float, stage: str):
        if self._cancel.is_set():
            raise FitCancelled()
        self.progress = (float(fraction), stage)
        if self._on_progress is not None:
            self._on_progress(float(fraction), stage)

    def _run(self):
        try:
            fn = self._FN or fit_stp
            self.result = fn(self.data, progress=self._report, **self.fit_kwargs)
        except FitCancelled:
            self.cancelled = True
        except Exception as err:  # noqa: BLE001 - handed to the caller through .error
            self.error = err
        finally:
            self._finished.set()
            if self._on_done is not None:
                self._on_done(self)

    def cancel(self):
        """Ask the fit to stop at the next stage boundary (returns immediately)."""
        self._cancel.set()

    @property
    def done(self) -> bool:
        """True once the fit finished, failed or was cancelled."""
        return self._finished.is_set()

    @property
    def running(self) -> bool:
        return self._thread is not None and not self.done

    def wait(self, timeout: float | None = None) -> bool:
        """Block until done (or ``timeout`` seconds); returns ``done``."""
        return self._finished.wait(timeout)


class PosteriorJob(FitJob):
    """A :func:`~stpexplorer.fit.sample_posterior` call run in a daemon thread, as :class:`FitJob`
    (``PosteriorJob(data, on_progress=None, on_done=None, **kwargs)``, kwargs as sample_posterior:
    model, noise, chains, draws, warmup, seed, fixed, priors). Cancellation takes effect after
    the warm-up or after the current tenth of the draws; ``result`` is a
    :class:`~stpexplorer.fit.Posterior`."""

    _ARGS = frozenset({"model", "noise", "chains", "draws", "warmup", "seed", "fixed", "priors"})
    _FN = staticmethod(sample_posterior)


class CompareJob(FitJob):
    """:func:`~stpexplorer.fit.compare_models` in a daemon thread, as :class:`FitJob` (kwargs:
    models, held_out and sample_posterior's); cancels between models; ``result`` is its DataFrame."""

    _ARGS = PosteriorJob._ARGS | {"models", "held_out"}
    _FN = staticmethod(compare_models)
