"""A Tab whose pages enter the page only when first selected.

A bqplot figure laid out inside a hidden tab has no size: the browser logs SVG errors
(negative widths, ``translate(x,undefined)``) and the figure may be drawn wrongly when it
appears. :class:`LazyTab` keeps one empty box per page and puts the page into it the
first time its tab is selected, so every figure is laid out visible. A page whose tab is
left is taken out of its box again (its widgets stay in the kernel, values and marks
included) and put back when its tab is selected: a figure updated while its page is hidden
(a slider moved in another view, a Parameter-map click that sets the STP tab) is then never
drawn at zero size, and the browser draws it afresh, visible, from its current state. It
is also where the Explorer runs a hidden panel's first simulation (``on_show``), on the
kernel's main thread (the thread that handles the browser's tab click).
"""

from __future__ import annotations

from typing import Callable, Sequence

import ipywidgets as W

__all__ = ["LazyTab"]


class LazyTab(W.Tab):
    """``LazyTab(pages, titles, on_show=None)``: page ``i`` is put into its box
    (:attr:`boxes`) when tab ``i`` is selected, after ``on_show(i)``, and taken out when
    another tab is selected."""

    def __init__(self, pages: Sequence[W.Widget], titles: Sequence[str], *,
                 on_show: Callable[[int], None] | None = None, **kwargs):
        self.pages = list(pages)
        self.boxes = [W.Box(layout=W.Layout(width="100%")) for _ in self.pages]
        self._on_show = on_show
        self._seen: set[int] = set()
        super().__init__(children=self.boxes, titles=list(titles), **kwargs)
        self.show(self.selected_index or 0)
        self.observe(self._selected, "selected_index")

    def shown(self, i: int) -> bool:
        """True once page ``i`` has been shown (prepared by ``on_show``)."""
        return i in self._seen

    def show(self, i: int) -> None:
        """Prepare page ``i`` (``on_show``) and put it into its box; take the others out."""
        if self._on_show is not None:
            self._on_show(i)
        self._seen.add(i)
        for j, box in enumerate(self.boxes):
            want = (self.pages[j],) if j == i else ()
            if box.children != want:
                box.children = want

    def _selected(self, change):
        if change["new"] is not None:
            self.show(change["new"])
