"""The base of the explorer panels: :class:`Panel`, an ipywidgets ``VBox`` made of parts, each
built with what it needs (figures, time scale, :class:`~stpexplorer.ui.parts.state.PanelState`,
callables); flow: control -> state -> experiment -> view."""

from __future__ import annotations

import html
import threading
from typing import ClassVar

import ipywidgets as W
import numpy as np

from stpexplorer.experiments import EXPERIMENTS, VIEWS, dump_json, load_json, to_csv
from stpexplorer.ui.parts.controls import Controls
from stpexplorer.ui.parts.delegate import delegate
from stpexplorer.ui.parts.files import PanelFiles
from stpexplorer.ui.parts.header import Header, StatusArea
from stpexplorer.ui.parts.pins import Pins
from stpexplorer.ui.parts.state import PanelState
from stpexplorer.ui.parts.style import STYLE
from stpexplorer.ui.parts.zoom import Zoom
from stpexplorer.ui.plot.marks import apply_marks, place_legends, time_scale

__all__ = ["Panel"]

#: public names of the parts the panel answers for: {part attribute: names}
_DELEGATED = {
    "pinning": ("pins", "pin_results", "pin_labels", "pin_text", "pin_readout", "ghost_marks", "pin",
                "clear_pins", "pin_button", "clear_button"),
    "zoom": ("zoom_fit", "zoom_full", "zoom_mode", "time_range", "zoom_fit_button", "zoom_full_button",
             "zoom_pan_toggle"),
    "header": ("preset", "preset_menu", "citation_text"),
    "messages": ("status_text", "error_text"),
    "file_part": ("save_json", "load_json", "export_csv"),
    "controls": ("control", "readout", "is_off", "set_off", "visible_controls"),
}


class Panel(W.VBox):
    """One experiment's controls and figures, itself a widget (``display(panel)``). Built from ``EXPERIMENTS[key]``: one :class:`ControlWidget` per
    control (grouped as the experiment's ``groups``), the header (``header``: preset menu and
    citation), the subclass's figures (:meth:`_build`), a status line and an error area
    (``messages``), the tool row (``pinning``, ``zoom``) and a file row (``files``). Every
    change runs one simulation and updates the marks in place (:meth:`_plot_data`); a failing
    run shows its message and keeps the last good plot.

    Public state (``state``, a :class:`PanelState`): ``values`` (last simulated), ``result``,
    ``error``, ``preset``; also ``n_runs``, ``sliders`` (name -> value widget), ``lines``
    (name -> mark), ``figures``, ``files``. The parts' public names are the panel's too:
    ``pin()``, ``clear_pins()``, ``pins``, ``zoom_fit()``, ``time_range``, ``preset_menu``,
    ``status_text``, ``save_json()``... Lecture mode's hooks: :meth:`fold_controls`,
    :meth:`show_file_row`, ``header.add_tools``.

    Test API: ``control(name)``, ``readout(name)``, ``is_off`` / ``set_off``,
    ``visible_controls()``, ``inactive(values)``, ``control_values()``, ``trace(name)``.
    """

    key: str = ""
    #: control groups: (title, [control names]); the experiment's ``groups`` win when it has them
    groups: list | None = None
    #: slider steps that differ from the Control's (e.g. a step below the model's dt)
    step_overrides: ClassVar[dict] = {}
    _marks: ClassVar[dict] = {}  #: marks by name besides ``lines`` (scales, axes) that _plot_data sets

    def __init__(self, *, defer: bool = False, files: str = "auto", **values):
        """``values`` set controls (one simulation); ``defer=True`` builds the panel without
        simulating until :meth:`ensure_plotted`; ``files``: "auto", "browser" or "local"
        (see :mod:`stpexplorer.ui.parts.file_access`)."""
        super().__init__(layout=W.Layout(width="100%"))
        self.experiment = EXPERIMENTS[self.key] if self.key in EXPERIMENTS else VIEWS[self.key]
        self._lock = threading.RLock()  # a user may update a panel from another thread
        self.state = PanelState()
        self.n_runs = 0
        self.sliders, self.lines, self.figures = {}, {}, {}
        self.rows: dict = {}  #: traces drawn as rows of a shared multi-line mark: name -> row (int or slice)
        self.exports: dict = {}  #: figure name -> its PNG/SVG exporter (:func:`~.export.install_export`)
        self._last, self._preset_next = None, ""  # the control named last; the preset being loaded
        self._build_controls()
        self.header = Header(self.presets, self.state, on_pick=self.load_preset)
        self.messages = StatusArea(self.state)
        self.x = time_scale()  # shared time axis of the panel's time figures
        body = place_legends(self._build())  # each figure's legend row under it
        self.pinning = Pins(self.figures, self.x, self.state, self.controls.describe, self._set_error, lock=self._lock)
        self.zoom = Zoom(self.figures, self.x, self.state)
        self.file_part = PanelFiles(self.key, files, json_text=self._json_text, csv_text=self._csv_text,
                                    load_text=self._load_text, report=self._set_error)
        self.files = self.file_part.bar
        self._tools = W.VBox([W.HBox(self.pinning.buttons + self.zoom.buttons,
                                     layout=W.Layout(flex_flow="row wrap", align_items="center")),
                              self.pinning.labels])
        self._tools.add_class("stpx-tools")
        self.children = [W.HTML(STYLE), self.header.widget, self._controls_box, self._tools, body,
                         self.messages.status, self.messages.error_widget, self.files.widget]
        self.add_class("stpx-panel")
        self.add_class(f"stpx-panel-{self.key}")
        if values:
            self.set_values(**values)
        elif not defer:
            self._update()

    values = property(lambda self: self.state.values, doc="the values last simulated")  # state's fields
    result = property(lambda self: self.state.result, doc="the last good run (None before one)")
    error = property(lambda self: self.state.error, lambda self, msg: self.state.set(error=msg),
                     doc='the message shown in the error area ("" when none)')

    widget = property(lambda self: self, doc="the panel itself (kept for code written before Panel was a widget)")
    @property
    def presets(self) -> list[str]:
        return self.experiment.presets

    def trace(self, name: str):
        """``(x, y)`` the panel draws for trace ``name``, as numpy arrays (a trace drawn as
        one row of a shared multi-line mark is picked out of it)."""
        m = self.lines[name]
        x, y = np.asarray(m.x), np.asarray(m.y)
        row = self.rows.get(name)
        if row is None:
            return x, y
        return (x[row] if x.ndim == 2 else x), y[row]

    def ensure_plotted(self) -> None:
        """Run the first simulation of a deferred panel (no-op once it has run)."""
        with self._lock:
            if self.result is None:  # never plotted, or its first run failed: (re)try
                self._update()

    # -------------------------------------------------------------- hooks for the Explorer
    def fold_controls(self, folded: bool) -> None:
        """Fold (hide) the controls or show them again (lecture mode)."""
        self.controls.fold(folded)

    @property
    def controls_folded(self) -> bool:
        return self.controls.folded

    def show_file_row(self, shown: bool) -> None:
        """Show or hide the file row (lecture mode hides it)."""
        self.files.widget.layout.display = None if shown else "none"

    # -------------------------------------------------------------- test API
    def inactive(self, values: dict) -> set:
        if type(self)._inactive is not Panel._inactive or not hasattr(self.experiment, "inactive"):
            return set(self._inactive(values))
        return set(self.experiment.inactive(values))

    def control_values(self) -> dict:
        return self.controls.values()

    _read_values = control_values

    def fmt(self, name: str, value) -> str:
        """``value`` of control ``name`` as its readout shows it (plus the unit)."""
        return self.controls.fmt(name, value)

    # -------------------------------------------------------------- building
    def _build_controls(self):
        self.controls = Controls(self.experiment, self.groups, self.step_overrides,
                                 on_change=lambda c: self._on_change({"owner": c.widget, "control": c}))
        self._controls, self.sliders, self._controls_box = self.controls.widgets, self.controls.sliders, self.controls.box

    # -------------------------------------------------------------- values
    @property
    def _muted(self) -> bool:
        return self.controls.muted

    def _quiet(self):
        """Hold every control's notifications: no run inside (a context manager)."""
        return self.controls.quiet()

    def set_values(self, **values):
        """Set many controls at once and run one simulation. Raises ValueError (and shows
        it) for an unknown name or an out-of-range value; nothing changes then."""
        try:
            checked = {k: self.experiment.control(k).check(v) for k, v in values.items()}
        except ValueError as e:
            self._set_error(str(e))
            raise
        self.controls.set(checked)
        if values:
            self._last = list(values)[-1] if len(values) == 1 else None
        preset = self._preset_next  # "" unless load_preset: custom values
        self.state.set(preset=preset if preset in self.presets else "")  # once: the menu follows
        self._update()

    def load_preset(self, name: str):
        """Apply preset ``name`` (every value it has for this panel) with one simulation;
        the menu and the citation line show it until a control is changed."""
        try:
            vals = self.experiment.preset_values(name)
        except ValueError as e:
            self._set_error(str(e))
            raise
        self._preset_next = name  # through set_values (a subclass may act on its values): preset once
        try:
            self.set_values(**vals)
        finally:
            self._preset_next = ""
        self._last = None

    def _set_error(self, msg: str):
        self.state.set(error=msg)

    report_error = _set_error  #: show ``msg`` in the error area ("" clears it)

    # -------------------------------------------------------------- what the files hold
    def _json_text(self) -> str:
        return dump_json(self.experiment, self.values or self.control_values())

    def _csv_text(self) -> str:
        pinned = self.pinning.csv_text()  # the live run's columns and the pins'
        if pinned is not None:
            return pinned
        if self.result is None:
            raise ValueError("nothing to export: no successful run yet")
        return to_csv(self.experiment, self.result)

    def _load_text(self, text, source):
        try:
            vals = load_json(self.experiment, text)
        except ValueError as e:
            self._set_error(f"{source}: {e}")
            return None
        self.set_values(**vals)
        return vals

    # -------------------------------------------------------------- observers
    def _on_change(self, change):
        """A control changed (``change["owner"]`` is its value widget): one run."""
        if self._muted:
            return
        c = change.get("control") or next(c for c in self._controls.values() if c.widget is change["owner"])
        self._last = c.name
        self.state.set(preset="")  # the values are no longer the preset's
        self._update()

    # -------------------------------------------------------------- the update
    def _update(self):
        """Run the experiment with the current control values and redraw in place.
        On failure: message in the error area, marks unchanged."""
        with self._lock:
            return self._update_locked()

    def _update_locked(self):
        values = self._read_values()
        self._set_active(values)
        try:
            checked = self.experiment.validate(values)
            self.n_runs += 1
            result = self._simulate(checked)
            data = self._plot_data(result, checked)
            t = result.t if hasattr(result, "t") else result["t"]
            data["_x"] = self.zoom.x_range(result, float(t[-1]))  # the shared time axis (zoom mode)
        except Exception as e:  # noqa: BLE001 - shown in the panel, last plot kept
            self._set_error(str(e) if isinstance(e, ValueError) else f"{type(e).__name__}: {e}")
            self._show_status(values, None)
            return False
        marks = self._marks
        apply_marks(lambda n: self.x if n == "_x" else (self.lines.get(n) or marks.get(n)), data)
        self.state.set(result=result, values=checked, error="")  # the pins' labels follow
        self._show_status(checked, result)
        return True

    def _show_status(self, values, result):
        parts = []
        if self._last in values:
            label = self.experiment.control(self._last).label or self._last  # "Δt", not "delta_t_ms"
            parts.append(html.escape(f"{label} = {self.fmt(self._last, values[self._last])}"))
        if result is not None:
            parts.append(html.escape(self._summary(result)))
        elif self.error:
            parts.append("(last good plot kept)")
        self.messages.show(parts)

    def _set_active(self, values):
        """Hide the controls that do not apply to the current choices (:meth:`inactive`)."""
        self.controls.set_active(self.inactive(values))

    # -------------------------------------------------------------- subclass hooks
    def _inactive(self, values) -> set:
        return set()

    def _summary(self, result) -> str:
        return ""

    def _simulate(self, values: dict):
        """One run of the experiment at checked ``values`` (a panel may skip what it shows lazily)."""
        return self.experiment.simulate(values)

    def _build(self):
        """Build figures and marks (``self.lines``, ``self.figures``); return the body widget."""
        raise NotImplementedError

    def _plot_data(self, result, values: dict) -> dict:
        """``{mark name: {trait: value}}`` to draw ``result``."""
        raise NotImplementedError


for _part, _names in _DELEGATED.items():
    delegate(Panel, _part, _names)
