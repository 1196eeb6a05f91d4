"""Views of a panel's :class:`~stpexplorer.ui.parts.tabs.LazyTab` that compute only while shown.

A view such as the STDP panel's Δw map or the STP panel's rate curves costs a computation of
its own beyond the panel's run. :class:`WhenShown` draws such a view when its tab is shown
(after a slider move made while it was hidden, it computes then) and after each good run
while it is the tab shown, never while hidden."""

from __future__ import annotations

from typing import Callable

__all__ = ["WhenShown"]


class WhenShown:
    """``WhenShown({view index: draw(values)}, values)``: ``values()`` gives the values last
    simulated (empty before a run). Pass :meth:`on_show` as the LazyTab's ``on_show``; call
    :meth:`after_run` with the tab's ``selected_index`` after each good run."""

    def __init__(self, draws: dict[int, Callable[[dict], None]], values: Callable[[], dict]):
        self._draws, self._values = dict(draws), values

    def on_show(self, i: int) -> None:
        """Tab ``i`` is being shown: draw its view for the values last simulated."""
        v = self._values()
        if i in self._draws and v:
            self._draws[i](v)

    def after_run(self, selected: int | None) -> None:
        """A run succeeded while tab ``selected`` is shown: redraw that view if it has one."""
        self.on_show(selected or 0)
