"""Pinned curves: keep the current time-series curves as faded reference marks.

:class:`Pins` is a part a :class:`~stpexplorer.ui.parts.panel.Panel` holds. **Pin** (DOM class
``stpx-pin``) copies every solid, labelled Lines / Scatter mark drawn on the panel's shared
time scale (the ``x`` scale it is given), one single-row ghost per row, at opacity :data:`GHOST_OPACITY`
with a dash style per pin (dashed, dotted, dash-dotted, long dashes) and hollow dots. The first
ghost of a pin in each figure carries the label ``"pin k: <values that differ from the
live ones>"`` (e.g. ``pin 1: τd=800 ms``), refreshed after every run. Pins are kept while
sliders move and presets load; **Clear** (``stpx-clear-pins``) removes them all. At most
:data:`MAX_PINS` pins: a fifth replaces the oldest (the pin row says so).

CSV exports gain the pinned runs' per-step columns, ``pin<k>_<name>`` (``pin1_u``), on the live
run's time rows (empty where a pin has no sample at that time: another dt or window).
"""

from __future__ import annotations

import html
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import ipywidgets as W
import numpy as np
from bqplot import Lines, Scatter

from stpexplorer.experiments.io import columns_to_csv
from stpexplorer.ui.parts.state import PanelState

__all__ = ["GHOST_OPACITY", "MAX_PINS", "Pin", "Pins", "spike_table"]

MAX_PINS = 4
GHOST_OPACITY = 0.45
_DASHES = ("dashed", "dotted", "dash_dotted", "dashed")


@dataclass
class Pin:
    """One pin: its number (1, 2, ... in pressing order), the values and result it holds, and
    its ghost marks (``{figure name: [marks]}``)."""

    number: int
    values: dict
    result: object
    ghosts: dict = field(default_factory=dict)
    label: str = ""


def _rows(mark):
    """``[(x, y, colour)]`` per row of a Lines mark (y 1-D or 2-D; x shared or per row)."""
    x, y = np.asarray(mark.x), np.asarray(mark.y)
    colors = list(mark.colors) or ["#999999"]
    if y.ndim == 1:
        return [(x, y, colors[0])]
    return [(x[i] if x.ndim == 2 else x, y[i], colors[i % len(colors)]) for i in range(y.shape[0])]


def _ghosts(mark, k: int):
    """Faded copies of ``mark`` for pin number ``k`` (no labels yet)."""
    if isinstance(mark, Scatter):
        g = Scatter(x=np.array(mark.x), y=np.array(mark.y), scales=dict(mark.scales), colors=list(mark.colors),
                    marker=mark.marker, default_size=mark.default_size, fill=False,
                    opacities=[GHOST_OPACITY + 0.2], display_legend=False)
        return [g]
    return [Lines(x=np.array(x), y=np.array(y), scales=dict(mark.scales), colors=[c],
                  opacities=[GHOST_OPACITY], stroke_width=1.3, line_style=_DASHES[(k - 1) % len(_DASHES)],
                  display_legend=False)
            for x, y, c in _rows(mark)]


def _pinnable(mark, x_scale) -> bool:
    """A data curve on the time axis: solid, labelled, drawn on ``x_scale``."""
    if not isinstance(mark, (Lines, Scatter)) or mark.scales.get("x") is not x_scale:
        return False
    if isinstance(mark, Lines) and mark.line_style != "solid":
        return False
    return any(mark.labels or ())


class Pins:
    """``Pins(figures, x, state, describe, report, lock=None)``: ``pin()``, ``clear_pins()``,
    ``pins`` (the values of each pin), ``pin_labels``, ``ghost_marks(figure)`` and the Pin /
    Clear buttons (``pin_button``, ``clear_button``; ``buttons``), the pin row (``labels``,
    ``pin_text``: its text).

    ``figures``: ``{name: Figure}`` whose time curves (on scale ``x``) are pinned; ``state``:
    the panel's :class:`PanelState` (a pin takes its ``values`` and ``result``; the labels are
    refreshed whenever its ``values`` change); ``describe(name, value)``: "τd=800 ms" for a
    control's value (None: not a control, left out of the labels); ``report(msg)``: shows an
    error; ``lock``: held while pinning (the panel's run lock)."""

    def __init__(self, figures: dict, x, state: PanelState, describe: Callable[[str, object], str | None],
                 report: Callable[[str], None], lock=None):
        self._figures, self._x, self._state = figures, x, state
        self._describe, self._report = describe, report
        self._lock = lock if lock is not None else threading.RLock()
        self._pins: list[Pin] = []
        self._pin_count = 0
        self._pin_note, self._pin_lines, self._pin_extra = "", [], ""
        self.pin_button = W.Button(description="Pin", icon="thumb-tack",
                                   tooltip=f"keep the current curves as faded references (up to {MAX_PINS})",
                                   layout=W.Layout(width="80px"))
        self.pin_button.add_class("stpx-pin")
        self.clear_button = W.Button(description="Clear", icon="times", tooltip="remove the pinned curves",
                                     layout=W.Layout(width="80px"), disabled=True)
        self.clear_button.add_class("stpx-clear-pins")
        self.pin_button.on_click(lambda _: self.pin())
        self.clear_button.on_click(lambda _: self.clear_pins())
        self.labels = W.HTML("")
        self.labels.add_class("stpx-pin-labels")
        if not any(_pinnable(m, x) for f in figures.values() for m in f.marks):
            # no time-series curve to copy (the Fit panel): pin() keeps values only, no buttons
            self.pin_button.layout.display = self.clear_button.layout.display = "none"
        self.buttons = [self.pin_button, self.clear_button]
        state.observe(lambda _: self.refresh(), "values")  # labels name what differs from the new values

    # ------------------------------------------------------------ public
    @property
    def pins(self) -> list[dict]:
        """The values of each pin, oldest first."""
        return [dict(p.values) for p in self._pins]

    @property
    def pin_results(self) -> list:
        """The result of each pin, oldest first."""
        return [p.result for p in self._pins]

    @property
    def pin_labels(self) -> list[str]:
        return [p.label for p in self._pins]

    @property
    def pin_text(self) -> str:
        """The pin row's text: one line per pin (label and dash style), then any note."""
        return "\n".join(self._pin_lines)

    @property
    def pin_readout(self) -> str:
        """The HTML under the pin labels (STP: per-spike release, live and pinned)."""
        return self._pin_extra

    def ghost_marks(self, figure: str, pin: int | None = None) -> list:
        """The ghost marks in figure ``figure`` (of the pin at position ``pin``, or of all)."""
        pins = self._pins if pin is None else [self._pins[pin]]
        return [g for p in pins for g in p.ghosts.get(figure, [])]

    def pin(self) -> Pin | None:
        """Pin the curves of the last good run (None, with a message, before any run). A pin
        beyond MAX_PINS replaces the oldest one."""
        with self._lock:
            if self._state.result is None:
                self._report("nothing to pin: no successful run yet")
                return None
            self._pin_count += 1
            p = Pin(self._pin_count, dict(self._state.values), self._state.result)
            self._pin_note = ""
            if len(self._pins) >= MAX_PINS:
                old = self._pins.pop(0)
                self._drop_ghosts(old)
                self._pin_note = f"at most {MAX_PINS} pins: pin {p.number} replaced pin {old.number}"
            for name, f in self._figures.items():
                marks = [_ghosts(m, p.number) for m in f.marks if _pinnable(m, self._x)]
                ghosts = [g for gs in marks for g in gs]
                if ghosts:
                    p.ghosts[name] = ghosts
                    f.marks = list(f.marks) + ghosts
            self._pins.append(p)
            self.refresh()
            return p

    def clear_pins(self) -> None:
        """Remove every pin and its marks."""
        with self._lock:
            for p in self._pins:
                self._drop_ghosts(p)
            self._pins, self._pin_note, self._pin_count = [], "", 0  # the next pin is pin 1
            self.refresh()

    # ------------------------------------------------------------ internals
    def _drop_ghosts(self, p: Pin):
        for name, ghosts in p.ghosts.items():
            f = self._figures[name]
            f.marks = [m for m in f.marks if all(m is not g for g in ghosts)]
            for g in ghosts:  # no longer drawn: free their comms
                g.close()

    def _pin_diff(self, values: dict) -> str:
        """``τd=800 ms, U=0.3``: the pinned values that differ from the live ones."""
        live = self._state.values or {}
        parts = []
        for k, v in values.items():
            text = self._describe(k, v) if k in live and live[k] != v else None
            if text is not None:
                parts.append(text)
        if len(parts) > 3:
            parts = parts[:3] + ["…"]
        return ", ".join(parts) or "same values"

    def refresh(self):
        """Labels (legend and pin row) against the live values (after each run)."""
        lines = []
        for p in self._pins:
            p.label = f"pin {p.number}: {self._pin_diff(p.values)}"
            for ghosts in p.ghosts.values():
                first = ghosts[0]
                first.labels = [p.label]  # the figure's legend row lists it
            lines.append(f"{p.label} ({_DASHES[(p.number - 1) % len(_DASHES)].replace('_', '-')})")
        self._pin_lines = lines + ([self._pin_note] if self._pin_note else [])
        self._pin_extra = self._pin_readout() if self._pins else ""
        self.labels.value = "<br>".join([html.escape(t) for t in self._pin_lines] +
                                           ([self._pin_extra] if self._pin_extra else []))
        self.clear_button.disabled = not self._pins

    def _pin_readout(self) -> str:
        """Extra HTML under the pin labels: for results with ``release_at_spikes`` (STP), the
        release at each spike, live and pinned, and their difference."""
        live = self._state.result
        if live is None or not hasattr(live, "release_at_spikes"):
            return ""
        return spike_table(live, [(p.number, p.result) for p in self._pins])

    def csv_text(self) -> str | None:
        """The live run's per-step columns with each pin's, ``pin<k>_<name>``, as CSV; None
        without a pin or a live run (the panel's own CSV then)."""
        if not self._pins or self._state.result is None:
            return None
        live = self._state.result.columns()
        t = np.asarray(live["t_ms"], np.float64)
        cols = dict(live)
        for p in self._pins:
            pc = p.result.columns()
            pt = np.asarray(pc.pop("t_ms"), np.float64)
            # rows of the live time axis that the pin has a sample at (same dt and window: all)
            j = np.clip(np.searchsorted(pt, t), 0, max(pt.size - 1, 0))
            hit = np.abs(pt[j] - t) <= 1e-6 * max(1.0, float(np.max(np.abs(t))) if t.size else 1.0)
            for name, col in pc.items():
                out = np.full(t.shape, np.nan)
                out[hit] = np.asarray(col, np.float64)[j[hit]]
                cols[f"pin{p.number}_{name}"] = out
        return columns_to_csv(cols)  # the one result CSV format (experiments.io)


def spike_table(live, pinned, max_spikes: int = 16) -> str:
    """HTML table (class ``stpx-pin-diff``), one column per spike: the live release, and for
    each pin its release and pinned − live; the last column is max |pinned − live| over all
    spikes both runs have."""
    rel = np.asarray(live.release_at_spikes, np.float64)
    n = min(rel.size, max_spikes)
    head = "<th>spike</th>" + "".join(f"<th>{i + 1}</th>" for i in range(n)) + "<th>max |Δ|</th>"
    rows = ["<th>live</th>" + "".join(f"<td>{v:.4g}</td>" for v in rel[:n]) + "<td></td>"]
    for k, r in pinned:
        pr = np.asarray(r.release_at_spikes, np.float64)
        m = min(pr.size, rel.size)
        worst = f"{np.max(np.abs(pr[:m] - rel[:m])):.2e}" if m else "–"
        rows.append(f"<th>pin {k}</th>" + "".join(f"<td>{pr[i]:.4g}</td>" if i < pr.size else "<td></td>"
                                                 for i in range(n)) + "<td></td>")
        rows.append(f"<th>Δ{k}</th>" + "".join(f"<td>{pr[i] - rel[i]:+.1e}</td>" if i < pr.size else "<td></td>"
                                              for i in range(n)) + f"<td><b>{worst}</b></td>")
    return ("<table class='stpx-pin-diff' style='font-size:var(--jp-ui-font-size0, 11px);"
            "border-spacing:6px 0;text-align:right'>"
            f"<tr>{head}</tr>" + "".join(f"<tr>{r}</tr>" for r in rows) + "</table>")
