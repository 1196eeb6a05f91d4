"""The lines around a panel's controls and figures: :class:`Header` (the preset menu and its
citation, and room for tools such as Share and Lecture) and :class:`StatusArea` (the status
line and the error area). Both are parts a :class:`~stpexplorer.ui.parts.panel.Panel` holds;
each observes the panel's :class:`~stpexplorer.ui.parts.state.PanelState`."""

from __future__ import annotations

import html
from typing import Callable

import ipywidgets as W

from stpexplorer.experiments.presets import get_preset
from stpexplorer.ui.parts.state import PanelState

__all__ = ["Header", "StatusArea"]


class Header:
    """``Header(presets, state, on_pick)``: the preset menu (``preset_menu``, DOM class
    ``stpx-preset``) shows ``state.preset`` ("" = "— custom —") and the citation line
    (``stpx-citation``) its reference. A user's pick of preset ``name`` calls
    ``on_pick(name)``, which sets the state's preset once (the menu is never blanked and
    restored); picking "— custom —" sets it to "". ``widget`` is the row; :meth:`add_tools`
    appends widgets to it."""

    def __init__(self, presets, state: PanelState, on_pick: Callable[[str], object]):
        self._presets, self._state, self._on_pick = list(presets), state, on_pick
        self.preset_menu = W.Dropdown(options=[("— custom —", "")] + [(n, n) for n in self._presets], value="",
                                      description="Preset", style={"description_width": "4em"},
                                      layout=W.Layout(width="340px"))
        self.preset_menu.add_class("stpx-preset")
        self.preset_menu.tooltip = "values changed by hand"
        self._citation = W.HTML("")
        self._citation.add_class("stpx-citation")
        self.widget = W.HBox([self.preset_menu, self._citation], layout=W.Layout(align_items="center"))
        self.preset_menu.observe(self._picked, "value")
        state.observe(self._show, "preset")

    @property
    def preset(self) -> str:
        return self.preset_menu.value

    @property
    def citation_text(self) -> str:
        return html.unescape(self._citation.value.replace("<small>", "").replace("</small>", ""))

    def add_tools(self, *widgets, wrap: bool = False) -> None:
        """Append ``widgets`` to the header row (``wrap``: let the row wrap under the menu)."""
        self.widget.children = tuple(self.widget.children) + tuple(widgets)
        if wrap:
            self.widget.layout.flex_flow = "row wrap"

    def _picked(self, change):
        name = change["new"]
        if name == self._state.preset:  # the menu following the state: not a pick
            return
        if not name:
            self._state.set(preset="")
            return
        try:
            self._on_pick(name)
        except ValueError:  # shown in the panel's error area; the menu goes back to the state
            self._show(self._state.preset)

    def _show(self, name: str):
        name = name if name in self._presets else ""
        self.preset_menu.value = name
        p = get_preset(name) if name else None
        self._citation.value = f"<small>{html.escape(p.citation)}</small>" if p else ""
        self.preset_menu.tooltip = p.citation if p else "values changed by hand"


class StatusArea:
    """``StatusArea(state)``: the status line (``status``, DOM class ``stpx-status``; the
    panel sets it with :meth:`show`) and the error area (``error_widget``, ``stpx-error``),
    which shows ``state.error``."""

    def __init__(self, state: PanelState):
        self.status = W.HTML("")
        self.status.add_class("stpx-status")
        self.error_widget = W.HTML("")
        self.error_widget.add_class("stpx-error")
        state.observe(self._show_error, "error")

    @property
    def status_text(self) -> str:
        return html.unescape(self.status.value.replace("&nbsp;", " "))

    @property
    def error_text(self) -> str:
        return html.unescape(self.error_widget.value)

    def show(self, parts) -> None:
        """Status line: the HTML ``parts`` joined by " · "."""
        self.status.value = " · ".join(parts)

    def _show_error(self, msg: str):
        self.error_widget.value = f"⚠ {html.escape(msg)}" if msg else ""
