"""What a panel knows between runs: :class:`PanelState`, the object its parts observe.

The flow is control -> state -> experiment -> view: a control change or a preset pick sets
the state's ``preset``; a run sets ``result`` and ``values`` (a failed one sets ``error``);
the header, the status/error lines and the pins observe those fields instead of reading the
panel."""

from __future__ import annotations

from typing import Callable

__all__ = ["PanelState"]


class PanelState:
    """``values`` (last simulated), ``preset`` (the preset name; "" = custom), ``result``
    (the last good run, None before one) and ``error`` ("" when none).

    :meth:`observe` ``(callback, field)`` calls ``callback(new)`` each time :meth:`set`
    changes ``field`` (``values`` and ``result`` notify on every set: a run's result is new
    even when equal)."""

    FIELDS = ("values", "preset", "result", "error")
    _ALWAYS = ("values", "result")

    def __init__(self, *, values: dict | None = None, preset: str = "", result=None, error: str = ""):
        self.values, self.preset, self.result, self.error = dict(values or {}), preset, result, error
        self._observers: dict[str, list[Callable]] = {f: [] for f in self.FIELDS}

    def observe(self, callback: Callable[[object], None], field: str) -> None:
        if field not in self._observers:
            raise ValueError(f"unknown field {field!r}: one of {', '.join(self.FIELDS)}")
        self._observers[field].append(callback)

    def set(self, **changes) -> None:
        """Set fields, then notify each changed field's observers (in the order given)."""
        unknown = set(changes) - set(self.FIELDS)
        if unknown:
            raise ValueError(f"unknown fields {sorted(unknown)}: one of {', '.join(self.FIELDS)}")
        changed = []
        for name, new in changes.items():
            if name in self._ALWAYS or getattr(self, name) != new:
                setattr(self, name, new)
                changed.append(name)
        for name in changed:
            for cb in list(self._observers[name]):
                cb(getattr(self, name))
