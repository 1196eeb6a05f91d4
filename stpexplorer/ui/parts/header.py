"""The lines around a panel's controls and figures: the preset menu and its citation, the
status line and the error area (:class:`PanelChrome`, a mixin of
:class:`~stpexplorer.ui.parts.panel.Panel`)."""

from __future__ import annotations

import html

import ipywidgets as W

from stpexplorer.experiments.presets import get_preset
from stpexplorer.ui.parts.file_row import FileBar

__all__ = ["PanelChrome"]


class PanelChrome:
    """Preset menu (``preset_menu``, ``preset``, ``citation_text``), status line
    (``status_text``, :meth:`fmt`) and error area (``error``, ``error_text``)."""

    @property
    def status_text(self) -> str:
        return html.unescape(self._status.value.replace("&nbsp;", " "))

    @property
    def error_text(self) -> str:
        return html.unescape(self._error_w.value)

    @property
    def citation_text(self) -> str:
        return html.unescape(self._citation.value.replace("<small>", "").replace("</small>", ""))

    @property
    def preset(self) -> str:
        return self.preset_menu.value

    def _build_chrome(self, file_mode):
        self.preset_menu = W.Dropdown(options=[("— custom —", "")] + [(n, n) for n in self.presets], value="",
                                      description="Preset", style={"description_width": "4em"},
                                      layout=W.Layout(width="340px"))
        self.preset_menu.add_class("stpx-preset")
        self._citation = W.HTML("")
        self._citation.add_class("stpx-citation")
        self._header = W.HBox([self.preset_menu, self._citation], layout=W.Layout(align_items="center"))
        self._status = W.HTML("")
        self._status.add_class("stpx-status")
        self._error_w = W.HTML("")
        self._error_w.add_class("stpx-error")
        self.files = FileBar(self.key, file_mode, json_text=self._json_text, csv_text=self._csv_text,
                             load_text=self._load_text, report=self._set_error)

    def _show_preset(self, name: str):
        with self._quiet():
            self.preset_menu.value = name if name in self.presets else ""
        p = get_preset(name) if name else None
        self._citation.value = f"<small>{html.escape(p.citation)}</small>" if p else ""
        self.preset_menu.tooltip = p.citation if p else "values changed by hand"

    def _on_preset(self, change):
        if self._muted or not change["new"]:
            return
        try:
            self.load_preset(change["new"])
        except ValueError:
            pass

    def _set_error(self, msg: str):
        self.error = msg
        self._error_w.value = f"⚠ {html.escape(msg)}" if msg else ""

    def fmt(self, name: str, value) -> str:
        """``value`` of control ``name`` as its readout shows it (plus the unit)."""
        c, ctl = self.experiment.control(name), self._controls[name]
        s = "0" if ctl.off is not None and value == 0 else ctl.format(value)
        unit = c.unit if c.unit not in ("", "-") else ""
        return f"{s} {unit}".strip() + (" (off)" if ctl.off is not None and value == 0 else "")

    def _show_status(self, values, result):
        parts = []
        if self._last in values:
            label = self.experiment.control(self._last).label or self._last  # "Δt", not "delta_t_ms"
            parts.append(html.escape(f"{label} = {self.fmt(self._last, values[self._last])}"))
        if result is not None:
            parts.append(html.escape(self._summary(result)))
        elif self.error:
            parts.append("(last good plot kept)")
        self._status.value = " · ".join(parts)
