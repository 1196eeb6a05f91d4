"""The base of the explorer panels: :class:`Panel`, an ipywidgets ``VBox``."""

from __future__ import annotations

import contextlib
import html
import threading
from typing import ClassVar

import ipywidgets as W
import numpy as np

from stpexplorer.experiments import EXPERIMENTS, VIEWS
from stpexplorer.ui.parts.header import PanelChrome
from stpexplorer.ui.parts.control import ControlWidget
from stpexplorer.ui.parts.file_row import PanelFiles
from stpexplorer.ui.plot.marks import apply_marks, place_legends, time_scale
from stpexplorer.ui.parts.pins import PanelPins
from stpexplorer.ui.parts.style import STYLE
from stpexplorer.ui.parts.zoom import PanelZoom

__all__ = ["Panel"]


class Panel(PanelPins, PanelZoom, PanelChrome, PanelFiles, W.VBox):
    """One experiment's controls and figures, itself a widget (``W.VBox([STPPanel()])``,
    ``display(panel)``). Built from ``EXPERIMENTS[key]``: one :class:`ControlWidget` per
    control (grouped as the experiment's ``groups``), a preset menu with its citation,
    the subclass's figures (:meth:`_build`), a status line, an error area and a file row.
    Every change runs one simulation and updates the marks in place (:meth:`_plot_data`);
    a failing run shows its message and keeps the last good plot.

    Public state: ``values`` (last simulated), ``result``, ``n_runs``, ``error``, ``sliders``
    (name -> value widget), ``lines`` (name -> mark), ``figures``, ``files``; pinned curves
    (:mod:`._pins`: ``pin()``, ``clear_pins()``, ``pins``) and the time axis' zoom
    (:mod:`._zoom`: ``zoom_fit()``, ``zoom_full()``, ``time_range``) in the tool row.

    Test API (what the browser shows, without private attributes):

    * ``control(name)`` -> the :class:`ControlWidget` (``.widget`` slider, ``.off`` toggle);
    * ``readout(name)`` -> the text the browser shows for the control ("off" while off);
    * ``is_off(name)`` / ``set_off(name, on)`` -> the "off" toggle of a zero_ok control
      (``set_off`` acts as a click: one simulation);
    * ``visible_controls()`` -> names of the controls shown (the others do not apply);
    * ``inactive(values)`` -> names of the controls that do not apply to ``values``;
    * ``control_values()`` -> the values the next run simulates;
    * ``status_text``, ``error_text``, ``citation_text`` -> those lines as plain text;
    * ``preset`` -> the preset menu's entry ("" = custom: values changed since a preset);
      ``preset_menu`` is the Dropdown itself (set its value as a user's pick).
    """

    key: str = ""
    #: control groups: (title, [control names]); the experiment's ``groups`` win when it has them
    groups: list | None = None
    #: slider steps that differ from the Control's (e.g. a step below the model's dt)
    step_overrides: ClassVar[dict] = {}

    def __init__(self, *, defer: bool = False, files: str = "auto", **values):
        """``values`` set controls (one simulation); ``defer=True`` builds the panel without
        simulating until :meth:`ensure_plotted`; ``files``: "auto", "browser" or "local"
        (see :mod:`stpexplorer.ui.parts.file_access`)."""
        super().__init__(layout=W.Layout(width="100%"))
        self.experiment = EXPERIMENTS[self.key] if self.key in EXPERIMENTS else VIEWS[self.key]
        self._lock = threading.RLock()  # a user may update a panel from another thread
        self.n_runs, self.error, self.result, self.values = 0, "", None, {}
        self.sliders, self.lines, self.figures = {}, {}, {}
        #: traces drawn as rows of a shared multi-line mark: name -> row (int or slice)
        self.rows: dict = {}
        self._muted, self._last = False, None
        self._build_controls()
        self.x = time_scale()  # shared time axis of the panel's time figures
        body = place_legends(self._build())  # each figure's legend row under it
        self._build_chrome(files)
        self._tools = W.VBox([W.HBox(self._build_pins() + self._build_zoom(),
                                     layout=W.Layout(flex_flow="row wrap", align_items="center")),
                              self._pin_html])
        self._tools.add_class("stpx-tools")
        self.children = [W.HTML(STYLE), self._header, self._controls_box, self._tools, body,
                         self._status, self._error_w, self.files.widget]
        self.add_class("stpx-panel")
        self.add_class(f"stpx-panel-{self.key}")
        for c in self._controls.values():
            c.on_change(lambda c: self._on_change({"owner": c.widget, "control": c}))
        self.preset_menu.observe(self._on_preset, "value")
        if values:
            self.set_values(**values)
        elif not defer:
            self._update()

    @property
    def widget(self):
        """The panel itself (it is a widget); kept for code written before Panel was one."""
        return self

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

    # -------------------------------------------------------------- test API
    def control(self, name: str) -> ControlWidget:
        self.experiment.control(name)  # ValueError naming the valid controls
        return self._controls[name]

    def readout(self, name: str) -> str:
        return self.control(name).readout()

    def is_off(self, name: str) -> bool:
        return self.control(name).is_off

    def set_off(self, name: str, on: bool = True) -> None:
        c = self.control(name)
        if c.off is None:
            raise ValueError(f"{name} has no 'off' toggle (only zero_ok log controls: "
                             f"{', '.join(k for k, w in self._controls.items() if w.off is not None)})")
        c.off.value = bool(on)

    def visible_controls(self) -> list[str]:
        return [n for n, c in self._controls.items() if c.active]

    def inactive(self, values: dict) -> set:
        if type(self)._inactive is not Panel._inactive or not hasattr(self.experiment, "inactive"):
            return set(self._inactive(values))
        return set(self.experiment.inactive(values))

    def control_values(self) -> dict:
        return {n: c.value for n, c in self._controls.items()}

    _read_values = control_values

    # -------------------------------------------------------------- building
    def _build_controls(self):
        grid = {}  # values each slider must show exactly: its presets'
        for name in self.presets:
            for k, v in self.experiment.preset_values(name).items():
                grid.setdefault(k, []).append(v)
        self._controls = {c.name: ControlWidget(c, step=self.step_overrides.get(c.name),
                                                grid_values=grid.get(c.name, ()))
                          for c in self.experiment.controls}
        self.sliders = {n: c.widget for n, c in self._controls.items()}
        groups = getattr(self.experiment, "groups", None) or self.groups or [("", self.experiment.names)]
        cols = []
        for title, names in groups:
            kids = ([W.HTML(f"<span class='stpx-group-title'>{html.escape(title)}</span>")] if title else [])
            g = W.VBox(kids + [self._controls[n] for n in names],
                       layout=W.Layout(min_width="330px", flex="1 1 330px"))
            g.add_class("stpx-group")
            cols.append(g)
        self._controls_box = W.HBox(cols, layout=W.Layout(flex_flow="row wrap", width="100%"))
        self._controls_box.add_class("stpx-controls")

    # -------------------------------------------------------------- values
    @contextlib.contextmanager
    def _quiet(self):
        """Hold every control's notifications and mute the observer: no run inside."""
        muted, self._muted = self._muted, True
        try:
            with contextlib.ExitStack() as stack:
                for c in self._controls.values():
                    stack.enter_context(c.widget.hold_trait_notifications())
                    if c.off is not None:
                        stack.enter_context(c.off.hold_trait_notifications())
                yield
        finally:
            self._muted = muted

    def set_values(self, **values):
        """Set many controls at once and run one simulation. Raises ValueError (and shows
        it) for an unknown name or an out-of-range value; nothing changes then."""
        try:
            checked = {k: self.experiment.control(k).check(v) for k, v in values.items()}
        except ValueError as e:
            self._set_error(str(e))
            raise
        with self._quiet():
            for k, v in checked.items():
                self._controls[k].set(v)
        if values:
            self._last = list(values)[-1] if len(values) == 1 else None
        self._show_preset("")
        self._update()

    def load_preset(self, name: str):
        """Apply preset ``name`` (every value it has for this panel) with one simulation;
        the menu and the citation line show it until a control is changed."""
        try:
            vals = self.experiment.preset_values(name)
        except ValueError as e:
            self._set_error(str(e))
            raise
        self.set_values(**vals)
        self._last = None
        self._show_preset(name)

    # -------------------------------------------------------------- observers
    def _on_change(self, change):
        """A control changed (``change["owner"]`` is its value widget): one run."""
        if self._muted:
            return
        c = change.get("control") or next(c for c in self._controls.values() if c.widget is change["owner"])
        self._last = c.name
        self._show_preset("")  # the values are no longer the preset's
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
            data["_x"] = self._x_range(result, float(t[-1]))  # the shared time axis (zoom mode)
        except Exception as e:  # noqa: BLE001 - shown in the panel, last plot kept
            self._set_error(str(e) if isinstance(e, ValueError) else f"{type(e).__name__}: {e}")
            self._show_status(values, None)
            return False
        marks = getattr(self, "_marks", {})
        apply_marks(lambda n: self.x if n == "_x" else (self.lines.get(n) or marks.get(n)), data)
        self.result, self.values = result, checked
        self._set_error("")
        self._show_status(checked, result)
        self._refresh_pins()  # pin labels name what differs from the new values
        return True

    def _set_active(self, values):
        """Hide the controls that do not apply to the current choices (:meth:`inactive`)."""
        off = self.inactive(values)
        for name, c in self._controls.items():
            c.set_active(name not in off)

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
