"""The registry's schema: :class:`Control` (one parameter) and :class:`Experiment` (one panel).

A control has two ranges. ``lo``/``hi`` is the UI range (the slider's ends); ``limits``
is the API range: the values ``run`` accepts, by default the engine's valid range where it
is wider (``run("stp", {"U": 0.005})`` works although the U slider starts at 0.01).
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from stpexplorer.experiments.presets import get_preset, presets_for

__all__ = ["Control", "Experiment"]


def _is_number(v) -> bool:
    if isinstance(v, (bool, np.bool_)):
        return False
    try:
        float(v)
    except (TypeError, ValueError):
        return False
    return np.ndim(v) == 0


@dataclass(frozen=True)
class Control:
    """One parameter a user can set.

    kind: "float" (linear slider), "log" (log slider; ``zero_ok`` adds 0 = off),
    "int", or "choice" (``options``). ``lo``, ``hi``, ``step``: the slider (UI range).
    ``limits``: ``(lo, hi)`` the API accepts (None = the UI range; either end None = unbounded);
    ``lo_open``: the API's lower limit is excluded (U in (0, 1]). ``option_labels``: what a
    menu shows for each of ``options`` (default: the option itself), e.g. "τf (ms)" for "tau_f".
    """

    name: str
    default: Any
    lo: float | None = None
    hi: float | None = None
    kind: str = "float"
    unit: str = ""
    label: str = ""
    options: tuple = ()
    step: float | None = None
    zero_ok: bool = False
    help: str = ""
    limits: tuple | None = None
    lo_open: bool = False
    option_labels: tuple = ()

    def __post_init__(self):
        if self.option_labels and len(self.option_labels) != len(self.options):
            raise ValueError(f"{self.name}: option_labels must have one label per option "
                             f"({len(self.options)}), got {len(self.option_labels)}")

    @property
    def api_range(self) -> tuple:
        """``(lo, hi)`` accepted by :meth:`check` (None = unbounded)."""
        return self.limits if self.limits is not None else (self.lo, self.hi)

    def check(self, value):
        """Return ``value`` normalised (float, int or str), or raise ValueError naming the range."""
        if self.kind == "choice":
            for opt in self.options:
                if value == opt or (isinstance(opt, float) and _is_number(value) and float(value) == opt):
                    return opt
            raise ValueError(f"{self.name} must be one of {list(self.options)}, got {value!r}")
        if not _is_number(value):
            raise ValueError(f"{self.name} must be a number in {self.range_text()}, got {value!r}")
        v = float(value)
        if self.kind == "int" and v != int(v):
            raise ValueError(f"{self.name} must be an integer in {self.range_text()}, got {value!r}")
        lo, hi = self.api_range
        ok = (math.isfinite(v) and (lo is None or v > lo or (v == lo and not self.lo_open))
              and (hi is None or v <= hi))
        if self.zero_ok and v == 0.0:
            ok = True
        if not ok:
            raise ValueError(f"{self.name} must be in {self.range_text()}, got {value!r}")
        return int(v) if self.kind == "int" else v

    def range_text(self) -> str:
        """The API range as text: ``(0, 1]``, ``[1, inf) ms or 0 (off)``."""
        lo, hi = self.api_range
        unit = f" {self.unit}" if self.unit and self.unit not in ("", "-") else ""
        in_range = lo is not None and (lo < 0 or (lo == 0 and not self.lo_open))
        zero = (" (0 = off)" if in_range else " or 0 (off)") if self.zero_ok else ""
        left = "(" if self.lo_open or lo is None else "["
        right = "]" if hi is not None else ")"
        lo_t = "-inf" if lo is None else f"{lo:g}"
        hi_t = "inf" if hi is None else f"{hi:g}"
        return f"{left}{lo_t}, {hi_t}{right}{unit}{zero}"


@dataclass(frozen=True)
class Experiment:
    """One panel's model, protocol and controls.

    name: the registry key ("stp"); title: the tab's title; controls: in display order;
    simulate: ``values -> result`` (checked values in, an instance of ``result_type`` out);
    groups: ``((title, (control names...)), ...)`` in display order (empty = one group);
    applies: ``{control: (choice control, (choices...))}``: the control acts only when the
    choice control holds one of those choices (see :meth:`inactive`); panel:
    ``"module:Class"`` of its widget panel, imported lazily by the UI; links:
    ``((event, target key), ...)``: in the Explorer, the panel's ``on_<event>(callback)``
    calls ``EXPERIMENTS[target]``'s panel ``set_values(**values)`` (the map's ``select``
    carries a cell's synapse to the STP tab).
    """

    name: str
    title: str
    controls: tuple[Control, ...]
    simulate: Callable[[dict], Any]
    result_type: type | None = None
    groups: tuple = ()
    applies: dict = field(default_factory=dict)
    panel: str = ""
    description: str = ""
    links: tuple = ()
    _index: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self):
        self._index.update({c.name: c for c in self.controls})
        for title, names in self.groups:
            for n in names:
                self.control(n)  # a group names only controls of this experiment
        for n, (choice, opts) in self.applies.items():
            self.control(n)
            c = self.control(choice)
            bad = [o for o in opts if o not in c.options]
            if bad:
                raise ValueError(f"applies[{n!r}] names choices {bad} that {choice} does not offer "
                                 f"(options: {list(c.options)})")

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.controls]

    @property
    def per_step(self) -> tuple[str, ...]:
        """Names of the result's per-step traces (the CSV columns after ``t_ms``)."""
        return tuple(getattr(self.result_type, "per_step", ()))

    def control(self, name: str) -> Control:
        try:
            return self._index[name]
        except KeyError:
            raise ValueError(f"unknown parameter {name!r} for {self.name}; valid parameters: "
                             + ", ".join(self.names)) from None

    def defaults(self) -> dict:
        return {c.name: c.default for c in self.controls}

    def inactive(self, values: dict | None = None) -> set[str]:
        """Controls that do not act for ``values`` (missing values take defaults)."""
        v = {**self.defaults(), **(values or {})}
        return {n for n, (choice, opts) in self.applies.items() if v.get(choice) not in opts}

    def validate(self, values: dict, *, complete: bool = False) -> dict:
        """Defaults updated with ``values``, each checked; ValueError on the first bad one."""
        if complete:
            missing = [n for n in self.names if n not in values]
            if missing:
                raise ValueError(f"missing parameters for {self.name}: {', '.join(missing)}")
        out = self.defaults()
        for k, v in values.items():
            out[k] = self.control(k).check(v)
        return out

    @property
    def presets(self) -> list[str]:
        return presets_for(self.name)

    def preset_values(self, name: str) -> dict:
        """The values preset ``name`` sets in this experiment (only controls it has)."""
        p = get_preset(name, self.name)
        return {k: v for k, v in p.values.items() if k in self._index}

    @property
    def panel_name(self) -> str:
        """The widget panel's class name (``"STPPanel"``), read from ``panel`` without importing it."""
        return self.panel.partition(":")[2]

    def panel_class(self):
        """The widget panel class named by ``panel`` (imports ipywidgets)."""
        mod, _, cls = self.panel.partition(":")
        return getattr(importlib.import_module(mod), cls)

    def run(self, values: dict | None = None):
        """Validate ``values`` (missing ones take defaults) and simulate; a typed result out."""
        return self.simulate(self.validate(values or {}))
