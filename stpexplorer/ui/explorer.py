"""The explorer: the four panels in a Tab, in the order and with the titles of the contract."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import ipywidgets as W

from ..experiments import EXPERIMENTS
from .circuit import CircuitPanel
from .stdp import STDPPanel
from .stp import STPPanel
from .threshold import ThresholdPanel

__all__ = ["Explorer", "PANELS", "TITLES", "warm_up"]

PANELS = {"stp": STPPanel, "threshold": ThresholdPanel, "stdp": STDPPanel, "circuit": CircuitPanel}
TITLES = {"stp": "Short-term plasticity", "threshold": "Thresholds", "stdp": "STDP", "circuit": "Synapse lab"}


def warm_up(keys=tuple(PANELS)) -> None:
    """Compile the experiments' default runs concurrently (XLA compiles without the GIL),
    so that the panels' first runs hit the jit caches. Pure computation, no widgets."""
    with ThreadPoolExecutor(max_workers=len(keys)) as ex:
        for f in [ex.submit(EXPERIMENTS[k].run, {}) for k in keys]:
            try:
                f.result()
            except Exception:  # noqa: BLE001 - the panel's own first run reports it
                pass


class Explorer(W.Tab):
    """``Tab`` of the four panels; ``.panels`` = {"stp", "threshold", "stdp", "circuit"}."""

    def __init__(self, warm: bool = True, **kwargs):
        if warm:
            warm_up()
        panels = {k: cls() for k, cls in PANELS.items()}
        super().__init__(children=[p.widget for p in panels.values()],
                         titles=[TITLES[k] for k in panels], **kwargs)
        self.panels = panels
        self.add_class("stpx-explorer")
