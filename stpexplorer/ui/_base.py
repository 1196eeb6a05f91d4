"""Shared base of the explorer panels: controls, figures, one observer, one ``_update``.

A :class:`Panel` is built from an :class:`~stpexplorer.experiments.Experiment`:

* one widget per :class:`~stpexplorer.experiments.Control` (``FloatSlider`` for
  "float", ``FloatLogSlider`` for "log", ``IntSlider`` for "int", ``ToggleButtons`` /
  ``Dropdown`` for "choice"), all in :attr:`Panel.sliders`, keyed by control name;
  sliders carry the DOM class ``stpx-slider-<name>``, choices ``stpx-choice-<name>``;
* a log control that accepts 0 (``zero_ok``, e.g. τf = 0 switches facilitation off)
  gets a small **"off" ToggleButton** right of its slider (``stpx-off-<name>``): it is
  reachable with Tab and toggled with Space/Enter; while it is pressed the value is 0
  and the slider is greyed; moving the slider (keys or mouse) switches "off" back off.
  ``panel.set_values(tau_f=0)`` presses it; ``panel.values["tau_f"]`` reads 0;
* a control that does not apply to the current choices (e.g. the Poisson ``seed`` with a
  regular train) is hidden and its DOM class becomes ``stpx-inactive-<name>``;
* figures and marks are built once by the subclass (:meth:`_build`), and updated in
  place inside ``hold_sync()`` from the arrays :meth:`_plot_data` computes from a run;
  x arrays are only sent when they change; long traces are min/max-decimated;
* every control is observed once (``observe(self._on_change, "value")``) and every
  change runs :meth:`_update`; :meth:`set_values`, :meth:`load_preset` and
  :meth:`load_json` set many values under ``hold_trait_notifications()`` and run once;
* a failing run shows its message in the error area (``stpx-error``) and leaves the
  marks as they were (the last good plot).
"""

from __future__ import annotations

import contextlib
import html
import math
import threading
from pathlib import Path

import ipywidgets as W
import numpy as np
from bqplot import Axis, Figure, LinearScale, Lines

from ..experiments import EXPERIMENTS, dump_json, load_json, to_csv
from ..presets import get_preset
from ._files import FileBar
from ._decimate import MAX_POINTS, decimate, decimate_columns
from ._format import INT_FORMAT, LOG_FORMAT, d3_format, float_format

__all__ = ["Panel", "COLORS", "ticks", "hline", "fig", "lines", "membrane_figure"]

# Okabe & Ito colour-blind-safe palette (no black: both light and dark themes)
COLORS = {
    "orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73", "yellow": "#F0E442",
    "blue": "#0072B2", "red": "#D55E00", "purple": "#CC79A7", "grey": "#999999",
}
CYCLE = [COLORS[c] for c in ("blue", "orange", "green", "purple", "sky", "red", "yellow", "grey")]

STYLE = """<style>
.stpx-panel { color: var(--jp-ui-font-color1); }
.stpx-panel .stpx-group { border-left: 3px solid var(--jp-border-color2); padding-left: 4px; margin: 2px 0; }
.stpx-panel .stpx-group-title { color: var(--jp-ui-font-color2); font-size: var(--jp-ui-font-size1); }
.stpx-panel .stpx-is-off .widget-readout { text-decoration: line-through; opacity: 0.5; }
.stpx-panel .stpx-is-off .noUi-connects, .stpx-panel .stpx-is-off .noUi-handle { opacity: 0.5; }
.stpx-panel .stpx-error { color: var(--jp-error-color1); font-weight: bold; }
.stpx-panel .stpx-status, .stpx-panel .stpx-citation { color: var(--jp-ui-font-color2); }
.stpx-panel .bqplot text { fill: var(--jp-ui-font-color1); }
.stpx-panel .bqplot .mainheading, .stpx-panel .bqplot .axislabel { fill: var(--jp-ui-font-color1) !important; }
.stpx-panel .bqplot .axis line, .stpx-panel .bqplot .axis path { stroke: var(--jp-ui-font-color2); }
</style>"""


# ----------------------------------------------------------------------------- plot helpers

def ticks(times, lo: float, hi: float):
    """One Lines path of vertical ticks (NaN-separated) at ``times``, from ``lo`` to ``hi``.

    The path ends on a point, not on a NaN separator: bqplot places a line's label at its
    last point, and a NaN there logs ``translate(x,undefined)`` errors in the browser."""
    t = np.asarray(times, dtype=np.float32)
    if t.size == 0:  # keep one invisible point so the mark stays valid
        return np.zeros(1, np.float32), np.full(1, np.nan, np.float32)
    x = np.repeat(t, 3)[:-1]
    y = np.tile(np.array([lo, hi, np.nan], dtype=np.float32), t.size)[:-1]
    return x, y


def hline(x0: float, x1: float, y: float):
    return np.array([x0, x1], np.float32), np.array([y, y], np.float32)


def lines(x_scale, y_scale, *, color, label=None, dash=False, width=1.5, **kw):
    """A Lines mark with the panel defaults (colour, legend label, dashed)."""
    colors = color if isinstance(color, list) else [color]
    labels = label if isinstance(label, list) else ([label] if label else [])
    return Lines(x=np.zeros(1, np.float32), y=np.zeros(1, np.float32),
                 scales={"x": x_scale, "y": y_scale}, colors=colors, labels=labels,
                 display_legend=bool(labels), stroke_width=width,
                 line_style="dashed" if dash else "solid", **kw)


def fig(name: str, marks, axes, *, title: str = "", height: int = 230, legend: str = "top-right"):
    f = Figure(marks=marks, axes=axes, title=title, legend_location=legend,
               fig_margin=dict(top=28, bottom=38, left=58, right=58),
               layout=W.Layout(width="100%", height=f"{height}px", min_width="320px"),
               legend_style={"fill": "none", "stroke": "none"}, animation_duration=0)
    f.add_class(f"stpx-fig-{name}")
    return f


def membrane_figure(name, x, keys, *, title, height=240):
    """v(t) under the threshold θ(t) with spike ticks on top: three Lines marks named
    ``keys`` = (v, threshold, spikes) on one mV scale, and their Figure."""
    yv = LinearScale()
    v, thr, spk = (lines(x, yv, color=COLORS["blue"], label="v"),
                   lines(x, yv, color=COLORS["red"], dash=True, label="θ (threshold)"),
                   lines(x, yv, color=COLORS["grey"], width=1))
    f = fig(name, [v, thr, spk], [x_axis(x, "time (ms)"), y_axis(yv, "membrane potential (mV)")],
            title=title, height=height)
    return dict(zip(keys, (v, thr, spk))), f


def x_axis(scale, label):
    # an explicit label offset: bqplot's automatic one is undefined until the figure is laid
    # out, which logs "translate(x,undefined)" errors
    return Axis(scale=scale, label=label, side="bottom", tick_format="~g", label_offset="32px")


def y_axis(scale, label, side="left"):
    return Axis(scale=scale, label=label, side=side, tick_format="~g",
                label_offset="40px")


def time_scale():
    return LinearScale()


def dec(x, y, max_points: int = MAX_POINTS):
    """Decimate one trace (1-D y) or several (2-D y, one column each) for a Lines mark."""
    y = np.asarray(y)
    if y.ndim == 2:
        return decimate_columns(x, y, max_points)
    return decimate(x, y, max_points)


# ----------------------------------------------------------------------------- the panel

class Panel:
    """One experiment's controls and figures. Subclasses set :attr:`key` and implement
    :meth:`_build` (figures and marks; return the list of figure widgets, or a widget)
    and :meth:`_plot_data` (``{mark name: {trait: value}}`` from a result)."""

    key: str = ""
    #: control groups: (title, [control names]) in display order; None = one group
    groups: list | None = None
    #: slider steps that differ from the Control's (e.g. a step below the model's dt)
    step_overrides: dict = {}

    def __init__(self, *, defer: bool = False, files: str = "auto", **values):
        """``values`` set controls (one simulation); ``defer=True`` builds the panel without
        simulating until :meth:`ensure_plotted` (the Explorer's hidden tabs); ``files``:
        "auto" (downloads and uploads only when the kernel serves a dashboard, see
        :mod:`stpexplorer.files`), "browser" (always) or "local"."""
        self._file_mode = files
        self.experiment = EXPERIMENTS[self.key]
        self._lock = threading.RLock()  # a user may update a panel from another thread
        self.n_runs = 0
        self.error = ""
        self.result: dict | None = None
        self.values: dict = {}
        self.sliders: dict = {}
        self.lines: dict = {}
        #: sliders showing a grid point near, not at, the exact value in ``values``
        self._snapped: dict = {}
        #: traces drawn as rows of a shared multi-line mark: name -> row (int or slice)
        self.rows: dict = {}
        self.figures: dict = {}
        self._off: dict = {}
        self._boxes: dict = {}
        self._muted = False
        self._last = None
        self._build_controls()
        self.x = time_scale()  # shared time axis of the panel's time figures
        body = self._build()
        self._build_chrome()
        self.widget = W.VBox([W.HTML(STYLE), self._header, self._controls_box, body,
                              self._status, self._error_w, self._files],
                             layout=W.Layout(width="100%"))
        self.widget.add_class("stpx-panel")
        self.widget.add_class(f"stpx-panel-{self.key}")
        for name, w in self.sliders.items():
            w.observe(self._on_change, "value")
        for name, b in self._off.items():
            b.observe(self._on_change, "value")
        self._preset.observe(self._on_preset, "value")
        if values:
            self.set_values(**values)
        elif not defer:
            self._update()

    def trace(self, name: str):
        """``(x, y)`` the panel draws for trace ``name``, as numpy arrays. Traces updated
        together share one multi-line mark (one message to the browser per change instead
        of one per trace); this picks the trace's row."""
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

    # -------------------------------------------------------------- display
    def _repr_mimebundle_(self, **kw):
        return self.widget._repr_mimebundle_(**kw)

    def _ipython_display_(self):
        from IPython.display import display
        display(self.widget)

    @property
    def presets(self) -> list[str]:
        return self.experiment.presets

    # -------------------------------------------------------------- controls
    def _make_control(self, c):
        desc = c.label or c.name
        unit = c.unit if c.unit not in ("", "-") else ""
        style = {"description_width": "7.5em"}
        lay = W.Layout(width="100%", max_width="420px")
        tip = c.help or c.name
        if c.kind == "choice":
            labels = [(f"{o:g} {unit}" if isinstance(o, float) else str(o)).strip() for o in c.options]
            opts = list(zip(labels, c.options))
            if len(c.options) <= 4 and all(isinstance(o, str) for o in c.options):
                w = W.ToggleButtons(options=opts, value=c.default, description=desc, style=dict(
                    style, button_width="auto"), tooltips=[tip] * len(opts))
            else:
                w = W.Dropdown(options=opts, value=c.default, description=desc, style=style, layout=lay)
            w.add_class(f"stpx-choice-{c.name}")
            return w, w
        full = f"{desc} ({unit})" if unit else desc
        common = dict(description=full, continuous_update=True, readout=True, style=style, layout=lay,
                      tooltip=tip)
        if c.kind == "log":
            lo, hi = math.log10(c.lo), math.log10(c.hi)
            step = (hi - lo) / 120
            v0 = c.default if c.default else c.lo
            # put the default on the slider's grid (the browser shows only grid points):
            # move the minimum down by less than one step
            lo = math.log10(v0) - math.ceil((math.log10(v0) - lo) / step - 1e-9) * step
            w = W.FloatLogSlider(value=v0, base=10, min=lo, max=hi, step=step,
                                 readout_format=LOG_FORMAT, **common)
        elif c.kind == "int":
            w = W.IntSlider(value=int(c.default), min=int(c.lo), max=int(c.hi), step=int(c.step or 1),
                            readout_format=INT_FORMAT, **common)
        else:
            step = self.step_overrides.get(c.name) or c.step or _nice_step((c.hi - c.lo) / 100)
            w = W.FloatSlider(value=c.default, min=c.lo, max=c.hi, step=step,
                              readout_format=float_format(step), **common)
        w.add_class(f"stpx-slider-{c.name}")
        if c.kind == "log" and c.zero_ok:
            off = W.ToggleButton(value=(c.default == 0), description="off", tooltip=f"{c.name} = 0 ({c.help or 'off'})",
                                 layout=W.Layout(width="3.4em"))
            off.add_class(f"stpx-off-{c.name}")
            self._off[c.name] = off
            if off.value:
                w.add_class("stpx-is-off")
            box = W.HBox([w, off], layout=W.Layout(width="100%", max_width="470px"))
            return w, box
        return w, w

    def _build_controls(self):
        for c in self.experiment.controls:
            w, box = self._make_control(c)
            self.sliders[c.name] = w
            self._boxes[c.name] = box
        groups = self.groups or [("", self.experiment.names)]
        cols = []
        for title, names in groups:
            kids = ([W.HTML(f"<span class='stpx-group-title'>{html.escape(title)}</span>")] if title else [])
            kids += [self._boxes[n] for n in names]
            g = W.VBox(kids, layout=W.Layout(min_width="330px", flex="1 1 330px"))
            g.add_class("stpx-group")
            cols.append(g)
        self._controls_box = W.HBox(cols, layout=W.Layout(flex_flow="row wrap", width="100%"))
        self._controls_box.add_class("stpx-controls")

    def _build_chrome(self):
        names = self.presets
        self._preset = W.Dropdown(options=[("— preset —", "")] + [(n, n) for n in names], value="",
                                  description="Preset", style={"description_width": "4em"},
                                  layout=W.Layout(width="340px"))
        self._preset.add_class("stpx-preset")
        self._citation = W.HTML("")
        self._citation.add_class("stpx-citation")
        self._header = W.HBox([self._preset, self._citation], layout=W.Layout(align_items="center"))
        self._status = W.HTML("")
        self._status.add_class("stpx-status")
        self._error_w = W.HTML("")
        self._error_w.add_class("stpx-error")
        self.files = FileBar(self.key, self._file_mode, json_text=self._json_text,
                             csv_text=self._csv_text, load_text=self._load_text, report=self._set_error)
        self._files = self.files.widget

    # -------------------------------------------------------------- values
    def _read_values(self) -> dict:
        out = {}
        for c in self.experiment.controls:
            v = self.sliders[c.name].value
            if c.kind == "choice":
                out[c.name] = v
            elif c.kind == "int":
                out[c.name] = int(v)
            else:
                v = float(v)
                if c.lo is not None:  # 10**log10(hi) may overshoot hi by an ulp
                    v = min(max(v, c.lo), c.hi)
                if self._snapped.get(c.name) == self.sliders[c.name].value:
                    v = self._exact(c.name)  # the exact value, not its position on the slider's grid
                if c.name in self._off and self._off[c.name].value:
                    v = 0.0
                out[c.name] = v
        return out

    def _exact(self, name: str):
        """The value the kernel last set for ``name`` (the default before a deferred
        panel's first run)."""
        return self.values[name] if self.values else self.experiment.control(name).default

    def _on_grid_of_current(self, name: str, new) -> bool:
        """True when ``new`` is the current value snapped onto the slider's grid.

        A slider can only show values on its step grid. When the kernel sets a value off
        the grid (a default such as τd = 800 ms on a log slider, a preset, a JSON file),
        the browser draws the knob at the nearest grid point and, with continuous_update,
        sends that point back. That echo is not a user's move: the exact value stays (and
        no simulation runs). A real move goes at least half a step away."""
        w = self.sliders.get(name)
        cur = self._exact(name)
        if not isinstance(w, (W.FloatSlider, W.FloatLogSlider)) or cur is None or not w.step:
            return False
        if name in self._off and self._off[name].value:
            return False
        if isinstance(w, W.FloatLogSlider):
            if cur <= 0 or new <= 0:
                return False
            dist = abs(math.log(new, w.base) - math.log(cur, w.base))
        else:
            dist = abs(float(new) - float(cur))
        return dist <= 0.5 * w.step * (1 + 1e-9) and new != cur

    @contextlib.contextmanager
    def _quiet(self):
        """Hold every control's notifications and mute the observer: no run inside."""
        muted, self._muted = self._muted, True
        try:
            with contextlib.ExitStack() as stack:
                for w in list(self.sliders.values()) + list(self._off.values()):
                    stack.enter_context(w.hold_trait_notifications())
                yield
        finally:
            self._muted = muted

    def _assign(self, values: dict):
        for k, v in values.items():
            w = self.sliders[k]
            if k in self._off:
                off = (v == 0)
                self._off[k].value = off
                if not off:
                    w.value = v
            else:
                w.value = v

    def set_values(self, **values):
        """Set many controls at once and run one simulation.

        Raises ValueError (and shows it) for an unknown name or an out-of-range value;
        nothing changes then."""
        try:
            checked = {k: self.experiment.control(k).check(v) for k, v in values.items()}
        except ValueError as e:
            self._set_error(str(e))
            raise
        with self._quiet():
            self._assign(checked)
        for k in checked:
            self._snapped.pop(k, None)
        if values:
            self._last = list(values)[-1] if len(values) == 1 else None
        self._sync_off_classes()
        self._update()

    def load_preset(self, name: str):
        """Apply preset ``name`` (the values it has for this panel) with one simulation."""
        try:
            vals = self.experiment.preset_values(name)
        except ValueError as e:
            self._set_error(str(e))
            raise
        self._show_citation(name)
        with self._quiet():
            self._preset.value = name if name in self.presets else ""
        self._last = None
        self.set_values(**vals)

    # -------------------------------------------------------------- files
    def _json_text(self) -> str:
        return dump_json(self.experiment, self.values or self._read_values())

    def _csv_text(self) -> str:
        if self.result is None:
            raise ValueError("nothing to export: no successful run yet")
        return to_csv(self.experiment, self.result)

    def _local_only(self, what: str):
        if self.files.mode != "local":
            raise PermissionError(f"{what}: this dashboard is served to visitors, so it reads and writes "
                                  "no files on the server; use the download links and Upload JSON")

    def save_json(self, path=None):
        """Write the current parameters as a stpexplorer JSON parameter file.

        In your own kernel, ``path`` is any path (your code decides); without one, the
        File box's plain name is used with its rules (:class:`~stpexplorer.files.LocalFiles`).
        In a served dashboard ``path`` must be None: a download link is offered instead
        and None is returned."""
        return self._write("save_json", path, self._json_text, "application/json",
                           self.files.offer_json, self.files.save_from_box)

    def _write(self, what, path, text, mime, offer, from_box):
        """Shared by save_json and export_csv: a download (served), the File box, or ``path``."""
        if path is None:
            if self.files.mode == "browser":
                offer()
                return None
            return str(from_box())
        self._local_only(what)
        body = text()
        Path(path).write_text(body, encoding="utf-8")
        if len(body) < 4_000_000:
            self.files.offer(Path(path).name, body, mime)
        return str(path)

    def load_json(self, path=None):
        """Load a parameter file: all values with one simulation. A malformed, incomplete,
        out-of-range or other panel's file changes nothing: the message goes to ``.error``
        and the error area, and None is returned (the values dict otherwise). Without
        ``path`` the File box's name is read. Not available in a served dashboard
        (PermissionError): visitors use Upload JSON."""
        self._local_only("load_json")
        if path is None:
            try:
                return self.files.load_from_box()
            except ValueError as e:
                self._set_error(str(e))
                return None
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            self._set_error(f"cannot read {path}: {e}")
            return None
        return self._load_text(text, str(path))

    def _load_text(self, text, source):
        try:
            vals = load_json(self.experiment, text)
        except ValueError as e:
            self._set_error(f"{source}: {e}")
            return None
        self.set_values(**vals)
        return vals

    def export_csv(self, path=None):
        """Write the last good run's per-step traces as CSV (see :meth:`save_json` for
        ``path``; in a served dashboard a download link is offered)."""
        return self._write("export_csv", path, self._csv_text, "text/csv",
                           self.files.offer_csv, self.files.export_from_box)

    # -------------------------------------------------------------- observers
    def _on_change(self, change):
        if self._muted:
            return
        owner = change["owner"]
        name = next((k for k, w in self.sliders.items() if w is owner), None)
        if name is not None and (self._snapped.get(name) == change["new"] or (
                name not in self._snapped and self._on_grid_of_current(name, change["new"]))):
            self._snapped[name] = change["new"]
            return  # the browser snapped our exact value onto its grid: not a move
        self._snapped.pop(name, None)
        if name is None:  # an "off" toggle
            name = next(k for k, b in self._off.items() if b is owner)
        elif name in self._off and self._off[name].value:
            with self._quiet():  # moving the slider means "use this value"
                self._off[name].value = False
        self._last = name
        self._sync_off_classes()
        if self._preset.value:
            with self._quiet():
                self._preset.value = ""
        self._update()

    def _on_preset(self, change):
        if self._muted or not change["new"]:
            return
        try:
            self.load_preset(change["new"])
        except ValueError:
            pass

    def _sync_off_classes(self):
        for name, b in self._off.items():
            w = self.sliders[name]
            if b.value and "stpx-is-off" not in w._dom_classes:
                w.add_class("stpx-is-off")
            elif not b.value and "stpx-is-off" in w._dom_classes:
                w.remove_class("stpx-is-off")

    def _show_citation(self, name):
        p = get_preset(name)
        self._citation.value = f"<small>{html.escape(p.citation)}</small>"
        self._preset.tooltip = p.citation

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
            result = self.experiment.simulate(checked)
            data = self._plot_data(result, checked)
            data["_x"] = {"min": 0.0, "max": float(result["t"][-1])}  # the shared time axis
        except Exception as e:  # noqa: BLE001 - shown in the panel, last plot kept
            self._set_error(_message(e))
            self._show_status(values, None)
            return False
        self._apply(data)
        self.result, self.values = result, checked
        self._set_error("")
        self._show_status(checked, result)
        return True

    def _apply(self, data: dict):
        for name, traits in data.items():
            mark = self.lines.get(name) or getattr(self, "_marks", {}).get(name)
            if name == "_x":
                mark = self.x
            if mark is None:
                continue
            with mark.hold_sync():
                for trait, val in traits.items():
                    cur = getattr(mark, trait)
                    if isinstance(val, np.ndarray):
                        if isinstance(cur, np.ndarray) and cur.shape == val.shape and cur.dtype == val.dtype \
                                and np.array_equal(cur, val, equal_nan=val.dtype.kind == "f"):
                            continue
                    elif _same(cur, val):
                        continue
                    setattr(mark, trait, val)

    def _set_error(self, msg: str):
        self.error = msg
        self._error_w.value = f"⚠ {html.escape(msg)}" if msg else ""

    def fmt(self, name: str, value) -> str:
        """``value`` of control ``name`` as its readout shows it (plus the unit)."""
        c = self.experiment.control(name)
        w = self.sliders[name]
        if c.kind == "choice":
            s = f"{value:g}" if isinstance(value, float) else str(value)
        elif name in self._off and value == 0:
            s = "0"
        else:
            s = d3_format(w.readout_format, value)
        unit = c.unit if c.unit not in ("", "-") else ""
        off = " (off)" if name in self._off and value == 0 else ""
        return f"{s} {unit}".strip() + off

    def _show_status(self, values, result):
        parts = []
        if self._last in values:
            parts.append(html.escape(f"{self._last}={self.fmt(self._last, values[self._last])}"))
        if result is not None:
            parts.append(html.escape(self._summary(result)))
        elif self.error:
            parts.append("(last good plot kept)")
        self._status.value = " · ".join(parts)

    def _set_active(self, values):
        """Hide controls that do not apply to the current choices (see :meth:`_inactive`)."""
        inactive = self._inactive(values)
        for name, box in self._boxes.items():
            w = self.sliders[name]
            hidden = name in inactive
            box.layout.display = "none" if hidden else None
            if isinstance(w, (W.FloatSlider, W.FloatLogSlider, W.IntSlider)):
                on, off = f"stpx-slider-{name}", f"stpx-inactive-{name}"
                want, drop = (off, on) if hidden else (on, off)
                if drop in w._dom_classes:
                    w.remove_class(drop)
                if want not in w._dom_classes:
                    w.add_class(want)

    # -------------------------------------------------------------- subclass hooks
    def _inactive(self, values) -> set:
        return set()

    def _summary(self, result) -> str:
        return ""

    def _build(self):
        raise NotImplementedError

    def _plot_data(self, result: dict, values: dict) -> dict:
        raise NotImplementedError


def _same(a, b) -> bool:
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001
        return False


def _nice_step(raw: float) -> float:
    e = math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * 10 ** e >= raw:
            return m * 10 ** e
    return 10 ** (e + 1)


def _message(e: Exception) -> str:
    msg = str(e) or type(e).__name__
    return msg if isinstance(e, ValueError) else f"{type(e).__name__}: {msg}"
