"""The Fit panel's background fit: :class:`FitRunner` (Fit and Cancel buttons, a progress bar).

**Fit** starts a :class:`~stpexplorer.fit.FitJob` (a daemon thread), so the kernel keeps
answering slider moves while it runs. The job's callbacks run in its thread and only set
traits (progress bar, stage text). The result is applied (sliders moved, table, SSE readout)
by :meth:`FitRunner.finish` on the kernel's own thread: the job hands it to the event loop
that was running when Fit was pressed (``loop.call_soon_threadsafe``), where widget
messages are sent in order; the final progress and stage are sent again from there, so a
message lost from the worker thread leaves no stale bar. Without a running loop (a script,
a test) the worker applies the result itself; :meth:`wait` blocks until it is applied.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

import ipywidgets as W

from stpexplorer.fit import FitJob

__all__ = ["FitRunner"]

_STAGE = {"waiting": "starting…", "multi-start": "multi-start least squares (compiles on the first fit of "
          "a data shape)", "bootstrap": "bootstrap refits for the intervals", "done": "finishing…"}


def _running_loop():
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


class FitRunner:
    """Fit / Cancel buttons, a progress bar and a stage line; :attr:`widget` is their row.

    ``apply(job)`` is called once per finished job, on the kernel thread (see the module
    docstring), with the panel's lock to take; it returns the text for the stage line."""

    def __init__(self, apply: Callable[[FitJob], str], tooltip: str = "", *, job_type=FitJob, label: str = "Fit",
                 busy: str = "Fitting…", css: str = "stpx-fit", noun: str = "fit"):
        self._apply, self._job_type, self._label, self._busy, self._noun = apply, job_type, label, busy, noun
        self.button = W.Button(description=label, icon="magic", button_style="primary", tooltip=tooltip)
        self.button.add_class(css)
        self.cancel_button = W.Button(description="Cancel", icon="stop", disabled=True,
                                      tooltip=f"stop the {noun} after its current stage")
        self.cancel_button.add_class(f"{css}-cancel")
        self.progress = W.FloatProgress(value=0.0, min=0.0, max=1.0, description="",
                                        layout=W.Layout(width="160px", visibility="hidden"))
        self.progress.add_class(f"{css}-progress")
        self.stage = W.HTML("")
        self.stage.add_class(f"{css}-stage")
        self.cancel_button.on_click(lambda _: self.cancel())
        self.job: FitJob | None = None
        self._applied = threading.Event()
        self._applied.set()
        self._finish_lock = threading.Lock()

    @property
    def running(self) -> bool:
        """True from Fit until the result is applied (or the job was cancelled or failed)."""
        return not self._applied.is_set()

    def start(self, data, **fit_kwargs) -> FitJob:
        """Start a background fit of ``data`` (``fit_kwargs`` as :func:`~stpexplorer.fit.fit_stp`)."""
        if self.running:
            raise RuntimeError(f"a {self._noun} is already running: wait for it or press Cancel")
        loop = _running_loop()
        job = self._job_type(data, on_progress=self._on_progress, on_done=lambda j: self._on_done(j, loop),
                     **fit_kwargs)
        self.job = job
        self._applied.clear()
        self.button.disabled, self.button.description = True, self._busy
        self.cancel_button.disabled = False
        self.progress.value, self.progress.bar_style = 0.0, ""
        self.progress.layout.visibility = "visible"
        self.stage.value = _STAGE["waiting"]
        try:
            job.start()
        except Exception:
            self._idle()
            raise
        return job

    def cancel(self) -> None:
        """Ask the running fit to stop after its current stage (returns at once)."""
        if self.job is not None and self.running:
            self.job.cancel()
            self.cancel_button.disabled = True
            self.stage.value = "cancelling after this stage…"

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the running fit is done and applied; returns False on a timeout."""
        job = self.job
        if job is None:
            return True
        if not job.wait(timeout):
            return False
        if not self._applied.wait(0.05):
            self.finish(job)  # the loop that should apply it is the caller's: apply here
        return self._applied.wait(timeout)

    # ------------------------------------------------------------------ worker-thread callbacks
    def _on_progress(self, fraction: float, stage: str) -> None:
        self.progress.value = fraction  # traits only (this runs in the job's thread)
        self.stage.value = _STAGE.get(stage, stage)

    def _on_done(self, job: FitJob, loop) -> None:
        if loop is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(self.finish, job)
                return
            except RuntimeError:  # the loop closed meanwhile
                pass
        self.finish(job)

    # ------------------------------------------------------------------ kernel thread
    def finish(self, job: FitJob) -> None:
        """Apply ``job``'s outcome once (later calls do nothing) and reset the buttons."""
        with self._finish_lock:
            if job is not self.job or self._applied.is_set():
                return
            try:
                if job.cancelled:
                    text, style = "cancelled: the sliders keep their values", "warning"
                elif job.error is not None:
                    e = job.error
                    text, style = f"the {self._noun} failed: {e if isinstance(e, ValueError) else repr(e)}", "danger"
                else:
                    text, style = self._apply(job), "success"
            except Exception as e:  # noqa: BLE001 - reported in the stage line
                text, style = f"the {self._noun} could not be applied: {type(e).__name__}: {e}", "danger"
            self.progress.value = 1.0 if style == "success" else self.progress.value
            self.progress.bar_style = style
            self.stage.value = text
            self._idle()
            # sent again from this thread: a message from the worker may have been lost
            for w, keys in ((self.progress, ["value", "bar_style"]), (self.stage, ["value"])):
                w.send_state(keys)
            self._applied.set()

    def _idle(self):
        self.button.disabled, self.button.description = False, self._label
        self.cancel_button.disabled = True
