"""The controls of a panel as one part: :class:`Controls` (its widgets grouped in columns,
DOM class ``stpx-controls``)."""

from __future__ import annotations

import contextlib
import html
from collections.abc import Callable

import ipywidgets as W

from stpexplorer.ui.parts.control import ControlWidget

__all__ = ["Controls"]


class Controls:
    """``Controls(experiment, groups=None, step_overrides=None, on_change=None)``: one
    :class:`ControlWidget` per control of ``experiment`` (``widgets``; ``sliders``: name ->
    value widget), in columns by the experiment's ``groups`` (else ``groups``, else one
    column) in ``box``. ``on_change(control)`` is called for a user's change, never inside
    :meth:`quiet`. Each slider shows its presets' values exactly."""

    def __init__(self, experiment, groups=None, step_overrides=None,
                 on_change: Callable[[ControlWidget], None] | None = None):
        self._experiment = experiment
        self.muted = False
        grid = {}  # values each slider must show exactly: its presets'
        for name in experiment.presets:
            for k, v in experiment.preset_values(name).items():
                grid.setdefault(k, []).append(v)
        steps = step_overrides or {}
        self.widgets = {c.name: ControlWidget(c, step=steps.get(c.name), grid_values=grid.get(c.name, ()))
                        for c in experiment.controls}
        self.sliders = {n: c.widget for n, c in self.widgets.items()}
        cols = []
        for title, names in getattr(experiment, "groups", None) or groups or [("", experiment.names)]:
            kids = ([W.HTML(f"<span class='stpx-group-title'>{html.escape(title)}</span>")] if title else [])
            g = W.VBox(kids + [self.widgets[n] for n in names], layout=W.Layout(min_width="330px", flex="1 1 330px"))
            g.add_class("stpx-group")
            cols.append(g)
        self.box = W.HBox(cols, layout=W.Layout(flex_flow="row wrap", width="100%"))
        self.box.add_class("stpx-controls")
        self._on_change = on_change
        for c in self.widgets.values():
            c.on_change(self._changed)

    def _changed(self, c: ControlWidget):
        if not self.muted and self._on_change is not None:
            self._on_change(c)

    @contextlib.contextmanager
    def quiet(self):
        """Hold every control's notifications and mute ``on_change``: no run inside."""
        muted, self.muted = self.muted, True
        try:
            with contextlib.ExitStack() as stack:
                for c in self.widgets.values():
                    stack.enter_context(c.widget.hold_trait_notifications())
                    if c.off is not None:
                        stack.enter_context(c.off.hold_trait_notifications())
                yield
        finally:
            self.muted = muted

    def set(self, values: dict) -> None:
        """Set checked ``values`` without ``on_change``."""
        with self.quiet():
            for k, v in values.items():
                self.widgets[k].set(v)

    def control(self, name: str) -> ControlWidget:
        self._experiment.control(name)  # ValueError naming the valid controls
        return self.widgets[name]

    def readout(self, name: str) -> str:
        """The text the browser shows for control ``name`` ("off" while off)."""
        return self.control(name).readout()

    def is_off(self, name: str) -> bool:
        return self.control(name).is_off

    def set_off(self, name: str, on: bool = True) -> None:
        """Set the "off" toggle of a zero_ok control, as a click would (one run)."""
        c = self.control(name)
        if c.off is None:
            raise ValueError(f"{name} has no 'off' toggle (only zero_ok log controls: "
                             f"{', '.join(k for k, w in self.widgets.items() if w.off is not None)})")
        c.off.value = bool(on)

    def visible_controls(self) -> list[str]:
        """Names of the controls shown (the others do not apply now)."""
        return [n for n, c in self.widgets.items() if c.active]

    def values(self) -> dict:
        return {n: c.value for n, c in self.widgets.items()}

    def set_active(self, off: set) -> None:
        """Hide the controls named in ``off`` (they do not apply), show the others."""
        for name, c in self.widgets.items():
            c.set_active(name not in off)

    def fold(self, folded: bool) -> None:
        self.box.layout.display = "none" if folded else None

    @property
    def folded(self) -> bool:
        return self.box.layout.display == "none"

    def fmt(self, name: str, value) -> str:
        """``value`` of control ``name`` as its readout shows it (plus the unit)."""
        c, ctl = self._experiment.control(name), self.widgets[name]
        s = "0" if ctl.off is not None and value == 0 else ctl.format(value)
        unit = c.unit if c.unit not in ("", "-") else ""
        return f"{s} {unit}".strip() + (" (off)" if ctl.off is not None and value == 0 else "")

    def describe(self, name: str, value) -> str | None:
        """``τd=800 ms`` (a pin's label); None for a name that is not a control."""
        if name not in self.widgets:
            return None
        return f"{self._experiment.control(name).label or name}={self.fmt(name, value)}"
