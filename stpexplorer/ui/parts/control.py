"""One experiment control as the browser shows it: :class:`ControlWidget`.

A ControlWidget (an ``HBox``) holds the value widget (``FloatSlider`` for "float",
``FloatLogSlider`` for "log", ``IntSlider`` for "int", ``ToggleButtons`` / ``Dropdown`` for
"choice") and, for a log control that accepts 0 (``zero_ok``), an **"off"** ToggleButton.

What a student reads is what is simulated:

* **the grid.** A browser slider shows only grid points (``min + k*step``, noUiSlider).
  Log sliders step by 0.001 decade up to log10(hi); their grid starts less than one step
  above log10(lo) (the Home key never shows less than the minimum) and moves whenever the
  kernel sets a value, so that the value is a grid point. A linear step is refined (÷10)
  until the default and every value in ``grid_values`` (the presets) are grid points. :meth:`readout` is the
  text the browser shows (the grid point nearest the value, formatted as the slider does);
  a test checks it equals the simulated value formatted, for every default and preset.
* **the value** (:attr:`value`) is the number simulated: 0 while "off" is pressed, else the
  last value set, by the kernel or by a user's move, clamped to [lo, hi].
* **echoes.** The browser draws a value off its grid at the nearest grid point and, with
  ``continuous_update``, sends that point back. Such a message comes from the frontend
  (ipywidgets applies it in ``Widget.set_state``, which the sliders here mark) and lands on
  the grid point already shown, so it is not a move: the exact value stays. Anything set
  from Python (``slider.value = 3.64``) is always taken, whatever its size.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable

import ipywidgets as W

from stpexplorer.ui.parts.format import INT_FORMAT, d3_format, float_format
from stpexplorer.ui.parts.sliders import (
    LOG_READOUT,
    LOG_STEP,
    FloatLogSlider,
    FloatSlider,
    IntSlider,
    grid_step,
    nice_step,
)

__all__ = ["ControlWidget"]


class ControlWidget(W.HBox):
    """The widget of control ``spec`` (an :class:`~stpexplorer.experiments.Control`).

    ``step`` overrides the spec's linear step; ``grid_values`` are values the slider must
    show exactly (presets). :attr:`widget` is the value widget, :attr:`off` the "off"
    toggle (None unless ``zero_ok``). :meth:`on_change` registers ``callback(control)``,
    called once per real change (a move, a press of "off", a value set from Python)."""

    def __init__(self, spec, *, step: float | None = None, grid_values=()):
        self.spec = spec
        self.name = spec.name
        self.widget = self._make_widget(step, grid_values)
        self.off = None
        kids = [self.widget]
        if spec.kind == "log" and spec.zero_ok:
            self.off = W.ToggleButton(value=(spec.default == 0), description="off",
                                      tooltip=f"{spec.name} = 0 ({spec.help or 'off'})",
                                      layout=W.Layout(width="3.4em"))
            self.off.add_class(f"stpx-off-{spec.name}")
            kids.append(self.off)
        super().__init__(kids, layout=W.Layout(width="100%", max_width="470px"))
        # the exact default, not the slider's copy (10**log10(lo) may differ from lo by an ulp)
        self._value = spec.default if (spec.kind == "choice" or spec.default) else self._clamp(self.widget.value)
        self._listeners: list[Callable] = []
        self._sync_off_class()
        if spec.kind == "log" and spec.default:
            self._show(spec.default)
        self.widget.observe(self._on_widget, "value")
        if self.off is not None:
            self.off.observe(self._on_off, "value")

    # ------------------------------------------------------------------ building
    def _make_widget(self, step, grid_values):
        c = self.spec
        desc = c.label or c.name
        unit = c.unit if c.unit not in ("", "-") else ""
        style = {"description_width": "9.5em"}  # "pairing rate (Hz)" untruncated
        lay = W.Layout(width="100%", max_width="420px")
        tip = c.help or c.name
        if c.kind == "choice":
            labels = list(c.option_labels) or [(f"{o:g} {unit}" if isinstance(o, float) else str(o)).strip()
                                               for o in c.options]
            opts = list(zip(labels, c.options))
            if len(c.options) <= 4 and all(isinstance(o, str) for o in c.options):
                w = W.ToggleButtons(options=opts, value=c.default, description=desc,
                                    style=dict(style, button_width="auto"), tooltips=[tip] * len(opts))
            else:
                w = W.Dropdown(options=opts, value=c.default, description=desc, style=style, layout=lay)
            w.add_class(f"stpx-choice-{c.name}")
            return w
        common = {"description": f"{desc} ({unit})" if unit else desc, "continuous_update": True,
                      "readout": True, "style": style, "layout": lay, "tooltip": tip}
        if c.kind == "log":
            # the ends are the range's own: Home shows lo, End shows hi
            w = FloatLogSlider(value=c.default or c.lo, base=10, min=math.log10(c.lo), max=math.log10(c.hi),
                               step=LOG_STEP, readout_format=LOG_READOUT, **common)
            w.floor = c.lo
        elif c.kind == "int":
            w = IntSlider(value=int(c.default), min=int(c.lo), max=int(c.hi), step=int(c.step or 1),
                          readout_format=INT_FORMAT, **common)
        else:
            s = grid_step(c.lo, step or c.step or nice_step((c.hi - c.lo) / 100), [c.default, *grid_values])
            w = FloatSlider(value=c.default, min=c.lo, max=c.hi, step=s, readout_format=float_format(s),
                            **common)
        w.add_class(f"stpx-slider-{c.name}")
        return w

    # ------------------------------------------------------------------ value
    @property
    def value(self):
        """The value simulated: 0 while "off" is pressed, else the last value set."""
        return 0.0 if self.is_off else self._value

    @property
    def is_off(self) -> bool:
        return self.off is not None and self.off.value

    def set(self, value) -> None:
        """Show and keep ``value`` (already checked): 0 presses "off" when there is one."""
        if self.off is not None:
            self.off.value = value == 0
            if value == 0:
                return
        self._value = value
        self._show(value)

    def _show(self, value) -> None:
        """Put the slider at ``value``. A log slider's grid moves so that ``value`` is one of its
        points (``min`` rises by less than one step above log10(lo)): the browser draws and reads
        out the value itself, and one arrow key step still moves by ``LOG_STEP``."""
        w = self.widget
        if not isinstance(w, W.FloatLogSlider):
            w.value = value
            return
        lo, e = math.log10(self.spec.lo), math.log10(value)
        k = math.floor((e - lo) / w.step + 1e-9)
        self._showing = True
        try:
            with w.hold_sync():
                w.value = value
                w.min = max(e - k * w.step, lo)
        finally:
            self._showing = False

    _showing = False

    def _clamp(self, v):
        c = self.spec
        if c.kind == "choice":
            return v
        if c.kind == "int":
            return int(v)
        return min(max(float(v), c.lo), c.hi)  # 10**log10(hi) may overshoot hi by an ulp

    # ------------------------------------------------------------------ the grid
    def _index(self, v) -> float:
        w = self.widget
        if isinstance(w, W.FloatLogSlider):
            return (math.log(v, w.base) - w.min) / w.step if v > 0 else -math.inf
        return (v - w.min) / w.step

    def shown(self, value=None) -> float:
        """The grid point the browser's slider shows for ``value`` (default: :attr:`value`)."""
        w = self.widget
        v = self._value if value is None else value
        if self.spec.kind == "choice":
            return v
        k = min(max(round(self._index(v)), 0), math.floor((w.max - w.min) / w.step + 1e-9))
        x = w.min + k * w.step
        if w.max - x < 0.5 * w.step and abs(self._index(v) - k) > 0.5:
            x = w.max  # noUiSlider reaches the end of a range that is not a whole number of steps
        return w.base ** x if isinstance(w, W.FloatLogSlider) else x

    def format(self, value) -> str:
        """``value`` formatted as the slider's readout (d3-format) or the choice's label."""
        if self.spec.kind == "choice":
            return f"{value:g}" if isinstance(value, float) else str(value)
        return d3_format(self.widget.readout_format, value)

    def readout(self) -> str:
        """The text the browser shows: "off" while off is pressed, the choice's label, or
        the slider's readout of the grid point it shows."""
        if self.is_off:
            return "off"
        if self.spec.kind == "choice":
            return next(lab for lab, o in self.widget.options if o == self.widget.value)
        return self.format(self.shown())

    # ------------------------------------------------------------------ changes
    def on_change(self, callback: Callable) -> None:
        self._listeners.append(callback)

    def _notify(self):
        for cb in self._listeners:
            cb(self)

    def _on_widget(self, change):
        new = change["new"]
        if getattr(self.widget, "from_frontend", False) and self.spec.kind != "choice" \
                and round(self._index(new)) == round(self._index(self._value)):
            return  # the browser's echo of the grid point it shows for our value
        v = self._clamp(new)
        if self.spec.kind == "choice" or not math.isclose(v, self._value, rel_tol=1e-12, abs_tol=1e-300):
            self._value = v  # (an ulp from the slider's own clamping keeps the exact value)
        if self.spec.kind == "log" and not getattr(self.widget, "from_frontend", False) and not self._showing:
            self._show(self._value)  # set from Python: shown exactly too
        if self.is_off:  # moving the slider means "use this value"
            with self._muted():
                self.off.value = False
            self._sync_off_class()
        self._notify()

    def _on_off(self, change):
        if self._mute:
            return
        self._sync_off_class()
        self._notify()

    _mute = False

    @contextlib.contextmanager
    def _muted(self):
        self._mute = True
        try:
            yield
        finally:
            self._mute = False

    def _sync_off_class(self):
        w = self.widget
        if self.is_off and "stpx-is-off" not in w._dom_classes:
            w.add_class("stpx-is-off")
        elif not self.is_off and "stpx-is-off" in w._dom_classes:
            w.remove_class("stpx-is-off")

    def set_active(self, active: bool) -> None:
        """Show or hide the control; a hidden slider's DOM class becomes ``stpx-inactive-<name>``."""
        self.layout.display = None if active else "none"
        if self.spec.kind != "choice":
            on, off = f"stpx-slider-{self.name}", f"stpx-inactive-{self.name}"
            want, drop = (on, off) if active else (off, on)
            if drop in self.widget._dom_classes:
                self.widget.remove_class(drop)
            if want not in self.widget._dom_classes:
                self.widget.add_class(want)

    @property
    def active(self) -> bool:
        return self.layout.display != "none"
