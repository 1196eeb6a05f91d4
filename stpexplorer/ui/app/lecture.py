"""Lecture mode: the plots fill a 1024×768 projector and read from the back of the room.

On: the Explorer and every panel carry the DOM class ``stpx-lecture`` (the CSS in
:mod:`~stpexplorer.ui.parts.style` sets the figures' text, legends, status lines and readouts
about 1.4× larger); each panel's controls fold behind a "Controls" toggle
(``stpx-controls-toggle``) and its file row (save, load, export) is hidden; the figures'
margins and axis-label offsets grow with the fonts. Off: everything as it was.

A "Lecture" toggle (``stpx-lecture-toggle``) in each panel's header switches the mode for
the whole Explorer; ``Explorer(lecture=True)``, :meth:`Lecture.set` (the Explorer's ``set_lecture``) and
:attr:`Lecture.on` do it from code (a dashboard's ``?lecture=1``).
"""

from __future__ import annotations

import ipywidgets as W
from bqplot import Figure

__all__ = ["LECTURE_CLASS", "Lecture"]

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


class Lecture:
    """``Lecture(panels, root, on=False)``: lecture mode for ``root`` (the Explorer widget) and
    the ``panels`` (``{key: panel}``): a Lecture and a Controls toggle in each panel's header
    (``toggles``: key -> (lecture toggle, controls toggle)); :meth:`set`, :attr:`on`. It acts
    through the panels' hooks (``header.add_tools``, ``fold_controls``, ``show_file_row``)."""

    def __init__(self, panels: dict, root, on: bool = False):
        self._panels, self._root = panels, root
        self.on = False
        self._set_once = False
        self._base: dict[int, tuple[dict, list]] = {}  # id(figure) -> (margin, label offsets) before
        self.toggles = {}
        for key, p in panels.items():
            lt = W.ToggleButton(value=False, description="Lecture", icon="desktop",
                                tooltip="lecture mode: larger fonts, controls folded, file row hidden",
                                layout=W.Layout(width="auto"))
            lt.add_class("stpx-lecture-toggle")
            ct = W.ToggleButton(value=False, description="Controls", icon="sliders",
                                tooltip="show or fold this panel's controls",
                                layout=W.Layout(width="auto", display="none"))
            ct.add_class("stpx-controls-toggle")
            lt.observe(lambda c: self.set(c["new"]), "value")
            ct.observe(lambda c, p=p: p.fold_controls(not c["new"]), "value")
            p.header.add_tools(ct, lt)
            self.toggles[key] = (lt, ct)
        self.set(on)

    def set(self, on: bool) -> None:
        """Switch lecture mode on or off for the root and all the panels."""
        on = bool(on)
        if on == self.on and self._set_once:
            return
        self.on, self._set_once = on, True
        for w in (self._root, *self._panels.values()):
            (w.add_class if on else w.remove_class)(LECTURE_CLASS)
        for key, p in self._panels.items():
            lt, ct = self.toggles[key]
            lt.value = on
            ct.value = False
            ct.layout.display = None if on else "none"
            p.fold_controls(on)
            p.show_file_row(not on)
            for f in _figures(p):
                self._scale_figure(f, on)

    def _scale_figure(self, f, on: bool) -> None:
        if id(f) not in self._base:
            self._base[id(f)] = (dict(f.fig_margin), [getattr(a, "label_offset", None) for a in f.axes])
        base, offsets = self._base[id(f)]
        if on:
            f.fig_margin = {k: v + _MARGIN.get(k, 0) for k, v in base.items()}
            for a in f.axes:
                if getattr(a, "label_offset", None):
                    a.label_offset = f"{_OFFSET.get(a.side, 58)}px"
        else:
            f.fig_margin = dict(base)
            for a, off in zip(f.axes, offsets):
                if off is not None:
                    a.label_offset = off
