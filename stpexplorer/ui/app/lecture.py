"""Lecture mode: the plots fill a 1024×768 projector and read from the back of the room.

On: the Explorer and every panel carry the DOM class ``stpx-lecture`` (the CSS in
:mod:`~stpexplorer.ui.parts.style` sets the figures' text, legends, status lines and readouts
about 1.4× larger); each panel's controls fold behind a "Controls" toggle
(``stpx-controls-toggle``) and its file row (save, load, export) is hidden; the figures'
margins and axis-label offsets grow with the fonts. Off: everything as it was.

A "Lecture" toggle (``stpx-lecture-toggle``) in each panel's header switches the mode for
the whole Explorer; ``Explorer(lecture=True)``, :meth:`LectureMode.set_lecture` and
:attr:`LectureMode.lecture` do it from code (a dashboard's ``?lecture=1``).
"""

from __future__ import annotations

import ipywidgets as W
from bqplot import Figure

__all__ = ["LECTURE_CLASS", "LectureMode"]

LECTURE_CLASS = "stpx-lecture"
_MARGIN = {"top": 6, "bottom": 12, "left": 16, "right": 26}  # px added to each figure's margin
_OFFSET = {"bottom": 44, "top": 44, "left": 58, "right": 58}  # axis label offsets in lecture mode, px


def _figures(w, seen=None):
    seen = set() if seen is None else seen
    if id(w) in seen or not isinstance(w, W.Widget):
        return
    seen.add(id(w))
    if isinstance(w, Figure):
        yield w
        return
    for k in list(getattr(w, "children", ()) or ()) + list(getattr(w, "pages", ()) or ()):
        yield from _figures(k, seen)


class LectureMode:
    """Mixin of the Explorer (a widget with ``.panels``): :meth:`set_lecture`, :attr:`lecture`."""

    _lecture = False

    @property
    def lecture(self) -> bool:
        """True while lecture mode is on."""
        return self._lecture

    def _install_lecture(self, on: bool = False) -> None:
        """Add the Lecture and Controls toggles to every panel's header; then :meth:`set_lecture`."""
        self._lecture_toggles = []
        for p in self.panels.values():
            lt = W.ToggleButton(value=False, description="Lecture", icon="desktop",
                                tooltip="lecture mode: larger fonts, controls folded, file row hidden",
                                layout=W.Layout(width="auto"))
            lt.add_class("stpx-lecture-toggle")
            ct = W.ToggleButton(value=False, description="Controls", icon="sliders",
                                tooltip="show or fold this panel's controls",
                                layout=W.Layout(width="auto", display="none"))
            ct.add_class("stpx-controls-toggle")
            lt.observe(lambda c: self.set_lecture(c["new"]), "value")
            ct.observe(lambda c, p=p: self._fold(p, not c["new"]), "value")
            p._lecture_toggle, p._controls_toggle = lt, ct
            p._header.children = tuple(p._header.children) + (ct, lt)
            self._lecture_toggles.append(lt)
        self.set_lecture(on)

    def set_lecture(self, on: bool) -> None:
        """Switch lecture mode on or off for the Explorer and all its panels."""
        on = bool(on)
        if on == self._lecture and hasattr(self, "_lecture_set"):
            return
        self._lecture, self._lecture_set = on, True
        for w in (self, *self.panels.values()):
            (w.add_class if on else w.remove_class)(LECTURE_CLASS)
        for p in self.panels.values():
            p._lecture_toggle.value = on
            p._controls_toggle.value = False
            p._controls_toggle.layout.display = None if on else "none"
            self._fold(p, on)
            p.files.widget.layout.display = "none" if on else None
            for f in _figures(p):
                self._scale_figure(f, on)

    @staticmethod
    def _fold(panel, folded: bool) -> None:
        panel._controls_box.layout.display = "none" if folded else None

    @staticmethod
    def _scale_figure(f, on: bool) -> None:
        base = getattr(f, "_stpx_base_margin", None)
        if base is None:
            base = f._stpx_base_margin = dict(f.fig_margin)
            f._stpx_base_offsets = [getattr(a, "label_offset", None) for a in f.axes]
        if on:
            f.fig_margin = {k: v + _MARGIN.get(k, 0) for k, v in base.items()}
            for a in f.axes:
                if getattr(a, "label_offset", None):
                    a.label_offset = f"{_OFFSET.get(a.side, 58)}px"
        else:
            f.fig_margin = dict(base)
            for a, off in zip(f.axes, f._stpx_base_offsets):
                if off is not None:
                    a.label_offset = off
