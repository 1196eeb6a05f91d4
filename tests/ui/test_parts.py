"""The panel parts through their public surface, each built with its explicit inputs: the
PanelState notifies its observers, Pins and Zoom work with a plain figure and a state, the
Header shows a preset pick once (never blanks the menu), and a panel composes them."""

from __future__ import annotations

import numpy as np
import pytest
from bqplot import Axis, Figure, LinearScale, Lines

from stpexplorer.experiments import EXPERIMENTS
from stpexplorer.ui import STPPanel
from stpexplorer.ui.parts.header import Header, StatusArea
from stpexplorer.ui.parts.pins import Pins
from stpexplorer.ui.parts.state import PanelState
from stpexplorer.ui.parts.zoom import Zoom


class Run:
    """A stand-in result: a time axis, a spike train and per-step columns."""

    def __init__(self, end, spikes=(20.0, 40.0)):
        self.t = np.linspace(0.0, end, 11)
        self.spike_times = np.asarray(spikes)

    def columns(self):
        return {"t_ms": self.t, "y": self.t * 2}


def plain_figure():
    x, y = LinearScale(), LinearScale()
    line = Lines(x=np.arange(5.0), y=np.arange(5.0), scales={"x": x, "y": y}, labels=["y"])
    return {"f": Figure(marks=[line], axes=[Axis(scale=x), Axis(scale=y, side="left")])}, x


def test_state_notifies_observers_of_changed_fields():
    s = PanelState()
    seen = []
    s.observe(lambda v: seen.append(("preset", v)), "preset")
    s.observe(lambda v: seen.append(("values", v)), "values")
    s.set(preset="a")
    s.set(preset="a")  # unchanged: no call
    s.set(values={"U": 1})
    s.set(values={"U": 1})  # a run's values notify every time
    assert seen == [("preset", "a"), ("values", {"U": 1}), ("values", {"U": 1})]
    with pytest.raises(ValueError, match="unknown"):
        s.set(nope=1)
    with pytest.raises(ValueError, match="unknown"):
        s.observe(print, "nope")


def test_pins_with_a_plain_figure_and_a_state():
    figures, x = plain_figure()
    state, errors = PanelState(), []
    pins = Pins(figures, x, state, describe=lambda k, v: f"{k}={v}", report=errors.append)
    assert pins.pin() is None and errors == ["nothing to pin: no successful run yet"]
    state.set(result=Run(100.0), values={"a": 1})
    p = pins.pin()
    assert p.number == 1 and pins.pins == [{"a": 1}] and len(pins.ghost_marks("f")) == 1
    assert len(figures["f"].marks) == 2 and not pins.clear_button.disabled
    assert pins.pin_labels == ["pin 1: same values"]
    state.set(values={"a": 2})  # the labels follow the state
    assert pins.pin_labels == ["pin 1: a=1"] and "pin 1: a=1" in pins.pin_text
    assert "pin1_y" in pins.csv_text().splitlines()[0]
    pins.clear_pins()
    assert pins.pins == [] and len(figures["f"].marks) == 1 and pins.clear_button.disabled


def test_zoom_with_a_plain_figure_and_a_state():
    figures, x = plain_figure()
    state = PanelState()
    zoom = Zoom(figures, x, state)
    zoom.zoom_fit()  # no result yet: the mode only
    assert zoom.zoom_mode == "train"
    state.set(result=Run(100.0))
    zoom.zoom_full()
    assert zoom.time_range == (0.0, 100.0)
    zoom.zoom_fit()
    lo, hi = zoom.time_range
    assert 0.0 <= lo < 20.0 and 40.0 < hi <= 100.0
    assert zoom.x_range(Run(200.0, (50.0, 60.0)), 200.0)["min"] > 30.0  # kept while values move


def test_header_shows_a_pick_once_and_follows_the_state():
    name = EXPERIMENTS["stp"].presets[0]
    state = PanelState()
    picks = []
    h = Header(EXPERIMENTS["stp"].presets, state, on_pick=lambda n: (picks.append(n), state.set(preset=n)))
    changes = []
    h.preset_menu.observe(lambda c: changes.append(c["new"]), "value")
    h.preset_menu.value = name  # a user's pick
    assert picks == [name] and changes == [name] and h.preset == name and h.citation_text
    state.set(preset="")  # a control changed: custom
    assert changes == [name, ""] and h.citation_text == ""


def test_status_area_shows_the_states_error():
    state = PanelState()
    area = StatusArea(state)
    state.set(error="bad <value>")
    assert area.error_text == "⚠ bad <value>"
    area.show(["a", "b"])
    assert area.status_text == "a · b"


def test_a_preset_pick_never_blanks_the_panels_menu():
    p = STPPanel()
    name = p.presets[1]
    changes = []
    p.preset_menu.observe(lambda c: changes.append(c["new"]), "value")
    runs = p.n_runs
    p.preset_menu.value = name
    assert changes == [name] and p.preset == p.state.preset == name and p.n_runs == runs + 1
    p.set_values(U=0.42)  # a control changed: back to custom, once
    assert changes == [name, ""] and p.preset == ""
    p.load_preset(name)
    assert changes == [name, "", name]


def test_the_panel_composes_its_parts():
    p = STPPanel()
    assert p.pin_button is p.pinning.pin_button and p.preset_menu is p.header.preset_menu
    assert p.time_range == p.zoom.time_range and p.values is p.state.values
    p.fold_controls(True)
    assert p.controls_folded
    p.fold_controls(False)
    p.show_file_row(False)
    assert p.files.widget.layout.display == "none"
    p.show_file_row(True)


def test_a_fit_preset_goes_through_the_fit_panels_set_values():
    from stpexplorer.ui.app.explorer import PANELS

    p = PANELS["fit"]()
    calls = []
    p.set_values = lambda **v: (calls.append(v), type(p).set_values(p, **v))
    name = p.presets[0]
    p.preset_menu.value = name
    assert calls and calls[0]["mystery"] and p.preset == name
