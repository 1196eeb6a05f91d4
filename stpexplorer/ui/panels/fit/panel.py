"""Fit panel: amplitude trains (a mystery synapse, an uploaded CSV or a measured recording)
against the TM prediction. Views (``stpx-fit-views``): "Fit" and "Recording"
(:class:`~stpexplorer.ui.panels.fit.recording.RecordingView`, ``.recording``: ABF/NWB sweeps
measured into amplitudes; **Use these amplitudes** fits them here, :meth:`FitPanel.use_data`).
Data: a seeded **mystery synapse** (:mod:`stpexplorer.experiments.mystery`; **Reveal** shows its
hidden parameters), a CSV from the visitor's computer (parsed in memory, never a server path;
:mod:`stpexplorer.fit.read`) or a recording's amplitudes.

Figure ``stpx-fig-fit`` (time from each protocol's first spike): per-sweep amplitudes (dots),
mean ± SEM per spike and the sliders' prediction W·u_n·x_n (a line per protocol, colours as in
the legend under it); the status line shows the sliders' SSE over every observation, live.
Figure ``stpx-fig-landscape``: the SSE over two chosen parameters around the sliders (or the
fit), recomputed at every move without recompiling (:mod:`.landscape`).

**Fit** runs :func:`~stpexplorer.fit.fit_stp` in the background (:mod:`.job`; "tm", or "etm"
when f is free; 32 starts, ``N_BOOT`` = 40 bootstrap refits: 0.02 s once compiled) with a
progress bar and **Cancel**; the sliders keep working meanwhile. Then the sliders move to the
estimate, rounded to what their readouts show, and the table shows the 95 % intervals. New data
(CSV, recording) is fitted at once. **Save JSON** gives the sliders and the fit
(``FitResult.to_dict()`` under ``"fit"``), **Export CSV** per-spike means, SEMs, predictions.
"""

from __future__ import annotations

import dataclasses
import html
from typing import ClassVar

import ipywidgets as W

from stpexplorer.experiments import dump_json, simulate_fit
from stpexplorer.experiments.mystery import data_from_csv_text, hidden_params, mystery_data
from stpexplorer.fit import fit_stp
from stpexplorer.ui.panels.fit.figure import fit_figure
from stpexplorer.ui.panels.fit.job import FitRunner
from stpexplorer.ui.panels.fit.landscape import LandscapeView
from stpexplorer.ui.panels.fit.recording import RecordingView
from stpexplorer.ui.panels.fit.views import fit_json, plot_data, predictions_csv, slider_values, table_html
from stpexplorer.ui.parts.panel import Panel
from stpexplorer.ui.parts.tabs import LazyTab

__all__ = ["FitPanel"]

N_BOOT = 40       # bootstrap refits per Fit press: answers in about a second here (200 for a paper)
N_STARTS = 32
MAX_POINTS = 3000  # per-sweep dots drawn; more sweeps are thinned evenly (the status says so)


class FitPanel(Panel):
    """Fit Tsodyks–Markram parameters to amplitude trains: by hand (sliders, live SSE, a loss
    landscape) or by fit_stp (the Fit button, in the background).

    Public: ``data``, ``fit_result``, :meth:`fit` (synchronous), :meth:`fit_async` /
    :meth:`wait_fit` / :meth:`cancel_fit` (what the Fit and Cancel buttons do), ``fitting``,
    ``fit_button``, ``cancel_button``, ``progress`` (FloatProgress), ``stage_text``,
    ``landscape`` (the :class:`LandscapeView`: ``.landscape``, ``.heat``, ``.x_menu``...),
    ``table`` and :meth:`reveal` / :meth:`hidden`."""

    key = "fit"
    #: U and f on a 0.001 grid: a fit's estimate moves by at most 0.0005 to sit on it
    step_overrides: ClassVar[dict] = {"U": 0.001, "f": 0.001}

    def __init__(self, **kwargs):
        self._data = None          # uploaded AmplitudeData (None: the mystery synapse of the controls)
        self._source = ""          # the uploaded file's name
        self.fit_result = None     # FitResult of the data shown, or None
        self._fit_notes: list[str] = []
        self.revealed = False
        super().__init__(**kwargs)
        up = self.files.upload
        up.accept, up.description = ".csv,text/csv,.json,application/json", "Upload CSV"
        up.tooltip = "amplitude trains (CSV, long or wide format) or a parameter file (JSON)"
        self.files.offer_json = lambda: self.files.offer("fit-result.json", self._json_text(), "application/json")
        self.files.offer_csv = lambda: self.files.offer("fit-predictions.csv", self._csv_text(), "text/csv")
        self.recording = RecordingView(self._use_recording)
        style, *rest = self.children
        self.views = LazyTab([W.VBox(rest, layout=W.Layout(width="100%")), self.recording.widget],
                             ["Fit", "Recording"], layout=W.Layout(width="100%"),
                             on_show=lambda i: i == 1 and self.recording.ensure_loaded())
        self.views.add_class("stpx-fit-views")
        self.children = [style, self.views]

    # the experiment's simulation, on this panel's data (an upload) when there is one
    @property
    def experiment(self):
        return self._experiment

    @experiment.setter
    def experiment(self, exp):
        self._experiment = dataclasses.replace(exp, simulate=lambda v: simulate_fit(v, self._data))

    @property
    def data(self):
        """The AmplitudeData shown: the upload, or the mystery synapse of the controls."""
        v = self.values or self._read_values()
        return self._data if self._data is not None else mystery_data(v["mystery"], v["seed"])

    # -------------------------------------------------------------- widgets
    def _build(self):
        marks, f = fit_figure(self.x)
        self._y, self._x_axis, self._y_axis = marks.pop("_y"), *f.axes
        self.lines.update(marks)
        self.figures["fit"] = f
        self._legend = W.HTML("")
        self._legend.add_class("stpx-fit-legend")
        self.runner = FitRunner(self._apply_job, tooltip=f"least squares in the background (fit_stp, "
                                f"{N_STARTS} starts, {N_BOOT} bootstrap refits)")
        self.fit_button, self.cancel_button = self.runner.button, self.runner.cancel_button
        self.progress = self.runner.progress
        self.reveal_button = W.ToggleButton(description="Reveal", icon="eye", value=False,
                                            tooltip="show the mystery synapse's hidden parameters")
        self.reveal_button.add_class("stpx-reveal")
        self.fit_button.on_click(lambda _: self._guarded(self.fit_async))
        self.reveal_button.observe(lambda ch: self._guarded(lambda: self.reveal(ch["new"])), "value")
        self.table = W.HTML("")
        self.table.add_class("stpx-fit-table")
        self.landscape = LandscapeView(lambda: self._guarded(self._draw_landscape),
                                       lambda vals: self._guarded(lambda: self._pick(vals)))
        self.figures["landscape"] = self.landscape.figure
        row = W.HBox([self.fit_button, self.cancel_button, self.progress, self.runner.stage, self.reveal_button],
                     layout=W.Layout(flex_flow="row wrap", align_items="center"))
        return W.VBox([f, self._legend, row, self.table, self.landscape.widget], layout=W.Layout(width="100%"))

    @property
    def stage_text(self) -> str:
        """The progress line's text (what the fit is doing, or how it ended)."""
        return html.unescape(self.runner.stage.value)

    fitting = property(lambda self: self.runner.running, doc="True while a background fit runs (until applied).")

    def _guarded(self, fn):
        try:
            fn()
        except Exception as e:  # noqa: BLE001 - shown in the panel, the last good state kept
            self._set_error(str(e) if isinstance(e, ValueError) else f"{type(e).__name__}: {e}")

    # -------------------------------------------------------------- data
    def _forget_fit(self):
        self.fit_result, self._fit_notes = None, []
        self.revealed = False
        self.reveal_button.value = False
        self.cancel_fit()  # a running fit belongs to the old data

    def _to_mystery(self):
        if self._data is not None or self.fit_result is not None or self.fitting:
            self._data, self._source = None, ""
            self._forget_fit()

    def _on_change(self, change):
        if not self._muted and change["owner"] in (self.sliders["mystery"], self.sliders["seed"]):
            self._to_mystery()  # a mystery chosen replaces uploaded data
        super()._on_change(change)

    def set_values(self, **values):
        if not self._muted and ("mystery" in values or "seed" in values):
            cur = self.values or {}
            if self._data is not None or any(values.get(k, cur.get(k)) != cur.get(k) for k in ("mystery", "seed")):
                self._to_mystery()
        super().set_values(**values)

    def _load_text(self, text, source):
        """An uploaded file: a parameter file (JSON) or amplitude trains (CSV), which are fitted at once.
        A bad CSV shows what is wrong (row, column) and changes nothing."""
        if text.lstrip().startswith("{"):
            return super()._load_text(text, source)
        try:
            return self.use_data(data_from_csv_text(text, source), source)
        except ValueError as e:
            self._set_error(str(e))
            return None

    def use_data(self, data, source: str):
        """Show ``data`` (an AmplitudeData; ``source`` names it in the status line) and fit it at
        once; if it cannot be fitted, ValueError and what was shown stays."""
        old = (self._data, self._source, self.fit_result, self._fit_notes)
        self._data, self._source = data, source
        self._forget_fit()
        try:
            self.fit()
        except Exception as e:  # noqa: BLE001 - the data could not be fitted: keep what was shown
            self._data, self._source, self.fit_result, self._fit_notes = old
            raise ValueError(f"{source}: the fit failed: {e}") from e
        return data

    def _use_recording(self, data, source):
        self.use_data(data, source)
        self.views.selected_index = 0

    # -------------------------------------------------------------- fit and reveal
    def _model(self) -> str:
        return "etm" if (self.values or self._read_values())["f_mode"] == "free" else "tm"

    def fit(self):
        """Fit the data shown now, in this thread (model "etm" if f is free, else "tm"), and set
        the sliders to the estimate. Returns the FitResult."""
        with self._lock:
            model = self._model()
            res = fit_stp(self.data, model=model, n_starts=N_STARTS, n_boot=N_BOOT, seed=0)
            self._show_fit(res, model)
            return res

    def fit_async(self):
        """What **Fit** does: start the fit in the background and return the FitJob at once.
        The result is applied when it is done (:meth:`wait_fit` blocks until then)."""
        return self.runner.start(self.data, model=self._model(), n_starts=N_STARTS, n_boot=N_BOOT, seed=0)

    def wait_fit(self, timeout: float | None = None):
        """Wait for the background fit to be done and applied; returns its FitResult (None if it
        was cancelled, failed or belonged to data no longer shown). TimeoutError after ``timeout`` s."""
        if not self.runner.wait(timeout):
            raise TimeoutError(f"the fit did not finish within {timeout} s")
        job = self.runner.job
        return job.result if job is not None and job.result is self.fit_result else None

    def cancel_fit(self):
        """What **Cancel** does: stop the background fit after its current stage."""
        self.runner.cancel()

    def _apply_job(self, job) -> str:
        """A finished job (on the kernel thread): its estimate on the sliders, if its data is still shown."""
        with self._lock:
            if job.data is not self.data:
                return "the data changed while fitting: this fit was discarded"
            model = job.fit_kwargs["model"]
            self._show_fit(job.result, model)
            return f"done: SSE {job.result.sse:.4g}; the sliders show the fit"

    def _show_fit(self, res, model):
        vals, notes = slider_values(res.values, model, self.experiment.control, self.control)
        self.fit_result, self._fit_notes = res, notes
        self.set_values(**vals)
        self._show_table()

    def reveal(self, on: bool = True):
        """Show (or hide) the mystery synapse's hidden parameters in the table."""
        self.revealed = bool(on)
        if self.reveal_button.value != self.revealed:
            self.reveal_button.value = self.revealed
        self._show_table()

    def hidden(self) -> dict | None:
        """The mystery synapse's hidden parameters (None for uploaded data)."""
        if self._data is not None:
            return None
        v = self.values or self._read_values()
        return hidden_params(v["mystery"], v["seed"])

    def _show_table(self):
        if self.values:
            self.table.value = table_html(self.values, self.fit_result, self.hidden() if self.revealed else None,
                                          self._fit_notes, uploaded=self._data is not None)

    def _draw_landscape(self):
        if self.values:
            lows = {n: self.experiment.control(n).lo for n in ("tau_f", "tau_d", "W")}
            self.landscape.update(self.data, self.values, self.fit_result and self.fit_result.values, lows)

    def _pick(self, picked: dict):
        """A landscape cell clicked: its two values on the sliders (rounded to what they show)."""
        vals, _ = slider_values({**self.values, **picked}, self._model(), self.experiment.control, self.control)
        self.set_values(**{k: vals[k] for k in picked})

    # -------------------------------------------------------------- plot
    def _plot_data(self, r, v):
        data = self._data if self._data is not None else mystery_data(v["mystery"], v["seed"])
        d, legend, self._thinned = plot_data(data, r, MAX_POINTS)
        self._legend.value = legend
        return d

    @property
    def _marks(self):
        return {"_y": self._y, "_x_axis": self._x_axis, "_y_axis": self._y_axis}

    def _update_locked(self):
        ok = super()._update_locked()
        if ok and hasattr(self, "table"):
            self._show_table()
            self._guarded(self._draw_landscape)
        return ok

    def _summary(self, r):
        src = (f"data: {self._source}" if self._data is not None
               else f"data: mystery {self.values.get('mystery', '')} #{self.values.get('seed', '')}"
               if self.values else "data: mystery")
        fit = f" (fit {self.fit_result.sse:.4g})" if self.fit_result is not None else ""
        thin = f" · dots: every {self._thinned}th sweep" if getattr(self, "_thinned", 1) > 1 else ""
        return f"SSE {r.sse:.4g}{fit} · {int(r.n_obs)} values · {src}{thin}"

    # -------------------------------------------------------------- files
    def _json_text(self) -> str:
        return fit_json(dump_json(self.experiment, self.values or self._read_values()), self.fit_result,
                        self._source or "mystery synapse")

    def _csv_text(self) -> str:
        if self.result is None:
            raise ValueError("nothing to export: no successful run yet")
        return predictions_csv(self.data, self.result, self.fit_result)
