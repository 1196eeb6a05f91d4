"""The sliders of the panels and their grids.

:class:`FloatSlider`, :class:`FloatLogSlider` and :class:`IntSlider` are the ipywidgets
sliders with :attr:`from_frontend`: True while a change sent by the browser is applied
(ipywidgets applies a frontend update message with ``Widget.set_state``, and observers run
inside it). That tells a browser's echo from a value set in Python by its origin.
"""

from __future__ import annotations

import math

import ipywidgets as W
from traitlets import TraitError, validate

__all__ = ["LOG_READOUT", "LOG_STEP", "FloatLogSlider", "FloatSlider", "IntSlider", "grid_step", "nice_step"]

#: step of every log slider, in decades (0.23 % per step)
LOG_STEP = 0.001
#: readout of the log sliders: 4 significant digits, so that one step
#: (0.23 %) always changes the text; values sit on the grid, so 530 reads 530.0, not 529.7
LOG_READOUT = ".4r"


class _FrontendOrigin:
    """Marks the changes that come from the browser: ipywidgets applies a frontend update
    message with ``set_state`` (``Widget._handle_msg``); observers run inside it."""

    _frontend_depth = 0

    def set_state(self, sync_data):
        self._frontend_depth += 1
        try:
            super().set_state(sync_data)
        finally:
            self._frontend_depth -= 1

    @property
    def from_frontend(self) -> bool:
        """True while a change sent by the browser is being applied."""
        return self._frontend_depth > 0


class FloatSlider(_FrontendOrigin, W.FloatSlider):
    pass


class FloatLogSlider(_FrontendOrigin, W.FloatLogSlider):
    """A FloatLogSlider whose values go down to ``floor`` (the control's lo) although its grid
    (``min``) may start up to one step above it (see :meth:`ControlWidget._show`)."""

    floor: float | None = None

    @validate("value")
    def _validate_value(self, proposal):
        lo = self.base ** self.min
        lo = lo if self.floor is None else min(lo, self.floor)
        return min(max(proposal["value"], lo), self.base ** self.max)

    @validate("min")
    def _validate_min(self, proposal):
        if proposal["value"] > self.max:
            raise TraitError("setting min > max")
        return proposal["value"]  # the value is not clamped to the grid's start: see floor


class IntSlider(_FrontendOrigin, W.IntSlider):
    pass


def nice_step(raw: float) -> float:
    e = math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * 10 ** e >= raw:
            return m * 10 ** e
    return 10 ** (e + 1)


def _on_grid(lo: float, step: float, v: float) -> bool:
    k = (v - lo) / step
    return abs(k - round(k)) < 1e-6


def grid_step(lo: float, step: float, values) -> float:
    """``step``, divided by 10 until every number in ``values`` is on the grid ``lo + k*step``."""
    vals = [float(v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    for _ in range(8):
        if all(_on_grid(lo, step, v) for v in vals):
            break
        step = float(f"{step / 10:.12g}")
    return step
