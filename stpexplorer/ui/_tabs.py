"""A Tab whose pages enter the page only when first selected.

A bqplot figure laid out inside a hidden tab has no size: the browser logs SVG errors
(negative widths, ``translate(x,undefined)``) and the figure may be drawn wrongly when it
appears. :class:`LazyTab` keeps one empty box per page and puts the page into it the
first time its tab is selected, so every figure is laid out visible. It is also where
the Explorer runs a hidden panel's first simulation (``on_show``), on the kernel's main
thread (the thread that handles the browser's tab click).
"""

from __future__ import annotations

from typing import Callable, Sequence

import ipywidgets as W

__all__ = ["LazyTab"]


class LazyTab(W.Tab):
    """``LazyTab(pages, titles, on_show=None)``: page ``i`` is put into its box
    (:attr:`boxes`) when tab ``i`` is first selected, after ``on_show(i)``."""

    def __init__(self, pages: Sequence[W.Widget], titles: Sequence[str], *,
                 on_show: Callable[[int], None] | None = None, **kwargs):
        self.pages = list(pages)
        self.boxes = [W.Box(layout=W.Layout(width="100%")) for _ in self.pages]
        self._on_show = on_show
        super().__init__(children=self.boxes, titles=list(titles), **kwargs)
        self.show(self.selected_index or 0)
        self.observe(self._selected, "selected_index")

    def shown(self, i: int) -> bool:
        """True once page ``i`` is in the page."""
        return bool(self.boxes[i].children)

    def show(self, i: int) -> None:
        """Prepare page ``i`` (``on_show``) and put it into its box (once)."""
        if self._on_show is not None:
            self._on_show(i)
        if not self.boxes[i].children:
            self.boxes[i].children = (self.pages[i],)

    def _selected(self, change):
        if change["new"] is not None:
            self.show(change["new"])
