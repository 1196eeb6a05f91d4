"""Pinned curves and the zoom of the time axis, headless: pins kept while sliders move and
presets load, removed by Clear, ghost arrays equal to the pinned run drawn again, labels
naming what differs, the CSV columns, the 4-pin limit; "fit to the train" ranges."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest
from bqplot import PanZoom

from stpexplorer.experiments import EXPERIMENTS
from stpexplorer.ui.plot.marks import dec
from stpexplorer.ui.parts.pins import GHOST_OPACITY, MAX_PINS
from stpexplorer.ui.panels.stdp.panel import STDPPanel
from stpexplorer.ui.panels.stp.panel import STPPanel
from stpexplorer.ui.panels.threshold import ThresholdPanel


@pytest.fixture(scope="module")
def stp():
    return STPPanel(files="local")


def _fresh(p):
    p.clear_pins()
    p.zoom_full()
    p.set_values(**EXPERIMENTS["stp"].validate({}))


def test_pin_survives_slider_moves_and_presets_clear_removes(stp):
    _fresh(stp)
    n_marks = len(stp.figures["traces"].marks)
    stp.pin()
    assert stp.pins == [stp.values]
    ghosts = stp.ghost_marks("traces")
    assert len(ghosts) == 4  # u, x, release (rows of one mark) and the release dots
    assert len(stp.figures["traces"].marks) == n_marks + 4
    stp.set_values(tau_d=200.0)
    stp.sliders["U"].value = 0.2
    stp.load_preset(stp.presets[0])
    assert len(stp.pins) == 1 and stp.ghost_marks("traces") == ghosts
    assert all(g in stp.figures["traces"].marks for g in ghosts)
    assert stp.pins[0]["tau_d"] == 800.0 and stp.pins[0]["U"] == 0.5
    stp.clear_pins()
    assert stp.pins == [] and len(stp.figures["traces"].marks) == n_marks
    assert stp.clear_button.disabled


def test_pin_and_clear_buttons(stp):
    _fresh(stp)
    assert "stpx-pin" in stp.pin_button._dom_classes
    assert "stpx-clear-pins" in stp.clear_button._dom_classes
    stp.pin_button.click()
    assert len(stp.pins) == 1 and not stp.clear_button.disabled
    stp.clear_button.click()
    assert stp.pins == []


def test_ghost_arrays_equal_the_pinned_result(stp):
    _fresh(stp)
    stp.set_values(tau_d=400.0, tau_f=50.0)
    stp.pin()
    stp.set_values(tau_d=1500.0)
    # the pinned values simulated again through the registry, drawn as the panel draws them
    exp = EXPERIMENTS["stp"]
    r = exp.simulate(exp.validate(stp.pins[0]))
    xx, yy = dec(r.t, np.stack([r.u, r.x, r.wdyn], axis=1))
    lines = [g for g in stp.ghost_marks("traces") if g.__class__.__name__ == "Lines"]
    for row, g in enumerate(lines):
        np.testing.assert_allclose(np.asarray(g.x), xx[row] if xx.ndim == 2 else xx, rtol=1e-6)
        np.testing.assert_allclose(np.asarray(g.y), yy[row], rtol=1e-6, atol=1e-7)
        assert g.opacities == [GHOST_OPACITY] and g.line_style == "dashed"
    dots = next(g for g in stp.ghost_marks("traces") if g.__class__.__name__ == "Scatter")
    np.testing.assert_allclose(np.asarray(dots.y), r.release_at_spikes, rtol=1e-6)
    # the live curve moved away from the ghost
    live_u = stp.trace("u")[1]
    assert np.max(np.abs(live_u - np.asarray(lines[0].y))) > 1e-3 or \
        np.max(np.abs(stp.trace("x")[1] - np.asarray(lines[1].y))) > 1e-2


def test_labels_name_the_values_that_differ(stp):
    _fresh(stp)
    stp.pin()
    assert stp.pin_labels == ["pin 1: same values"]
    stp.set_values(tau_d=300.0)
    assert stp.pin_labels == [f"pin 1: τd={stp.fmt('tau_d', 800.0)}"]
    first = stp.ghost_marks("traces")[0]
    assert list(first.labels) == [stp.pin_labels[0]]
    assert "pin 1: τd=" in stp.figures["traces"].stpx_legend.value  # the legend row shows it
    assert all(not g.labels for g in stp.ghost_marks("traces")[1:])
    stp.set_values(tau_d=800.0, U=0.3)
    u = stp.fmt("U", 0.5)  # as the U readout shows it
    assert stp.pin_labels == [f"pin 1: U={u}"]
    assert stp.pin_text.startswith(f"pin 1: U={u} (dashed)")


def test_exact_vs_euler_readout(stp):
    _fresh(stp)
    stp.pin()
    stp.set_values(method="euler")
    assert stp.pin_labels == ["pin 1: method=exact"]
    exact, euler = stp.pin_results[0].release_at_spikes, stp.result.release_at_spikes
    worst = float(np.max(np.abs(exact - euler)))
    assert worst > 0  # the methods differ; the readout shows by how much
    assert "stpx-pin-diff" in stp.pin_readout and f"{worst:.2e}" in stp.pin_readout
    assert f"{exact[1] - euler[1]:+.1e}" in stp.pin_readout


def test_csv_has_pin_columns(stp):
    _fresh(stp)
    stp.pin()
    stp.set_values(U=0.2)
    stp.pin()
    stp.set_values(U=0.7)
    rows = list(csv.reader(io.StringIO(stp._csv_text())))
    head = rows[0]
    assert head[:6] == ["t_ms", "spikes", "u", "x", "wdyn", "release"]
    assert {"pin1_u", "pin1_release", "pin2_u", "pin2_x"} <= set(head)
    body = np.array(rows[1:], dtype=float)
    assert body.shape[0] == stp.result.t.size
    np.testing.assert_allclose(body[:, head.index("pin1_u")], stp.pin_results[0].u, rtol=1e-6)
    np.testing.assert_allclose(body[:, head.index("pin2_release")], stp.pin_results[1].release, rtol=1e-6)
    np.testing.assert_allclose(body[:, head.index("u")], stp.result.u, rtol=1e-6)


def test_csv_pin_of_another_window_leaves_cells_empty(stp):
    _fresh(stp)
    stp.set_values(duration_ms=2000.0)
    stp.pin()
    stp.set_values(duration_ms=5000.0)
    rows = list(csv.reader(io.StringIO(stp._csv_text())))
    col = [r[rows[0].index("pin1_u")] for r in rows[1:]]
    n_pin = stp.pin_results[0].t.size
    assert all(c != "" for c in col[:n_pin]) and all(c == "" for c in col[n_pin:])


def test_at_most_four_pins_fifth_replaces_oldest(stp):
    _fresh(stp)
    for i in range(MAX_PINS + 1):
        stp.set_values(U=0.1 + 0.1 * i)
        stp.pin()
    assert MAX_PINS == 4 and len(stp.pins) == 4
    assert [p["U"] for p in stp.pins] == pytest.approx([0.2, 0.3, 0.4, 0.5])
    assert [lab.split(":")[0] for lab in stp.pin_labels] == ["pin 2", "pin 3", "pin 4", "pin 5"]
    assert "pin 5 replaced pin 1" in stp.pin_text
    assert len(stp.ghost_marks("traces")) == 16


def test_stp_zoom_fit_to_the_train(stp):
    _fresh(stp)
    stp.set_values(protocol="regular", rate_hz=200.0, n_spikes=8, probe_delay_ms=0.0)
    T = float(stp.result.t[-1])
    assert stp.time_range == (0.0, T)
    stp.zoom_fit()
    s = stp.result.spike_times
    lo, hi = float(s[0]), float(s[-1])  # 10 ms … 45 ms
    pad = max(0.08 * (hi - lo), 5.0)
    assert stp.time_range == pytest.approx((lo - pad, hi + pad))
    stp.set_values(n_spikes=4)  # "fit" is kept: it follows the new train
    s = stp.result.spike_times
    assert stp.time_range == pytest.approx((s[0] - 5.0, s[-1] + 5.0))
    stp.zoom_full()
    assert stp.time_range == (0.0, T) and stp.zoom_mode == "full"


def test_user_zoom_is_kept_and_panzoom_present(stp):
    _fresh(stp)
    assert stp.figures["traces"].interaction is None  # the wheel scrolls the page
    stp.zoom_pan_toggle.value = True
    assert isinstance(stp.figures["traces"].interaction, PanZoom)
    assert stp.figures["traces"].interaction.scales["x"] == [stp.x]
    assert stp.figures["ratio"].interaction is None  # not a time figure
    stp.x.min, stp.x.max = 100.0, 300.0  # as the browser's PanZoom does
    assert stp.zoom_mode == "user"
    stp.set_values(U=0.3)
    assert stp.time_range == (100.0, 300.0)
    assert "stpx-zoom-fit" in stp.zoom_fit_button._dom_classes
    stp.zoom_pan_toggle.value = False
    assert stp.figures["traces"].interaction is None


def test_stdp_fit_to_the_pairs():
    p = STDPPanel()
    r = p.result
    t = np.asarray(r.t)
    times = t[(np.asarray(r.pre) > 0.5) | (np.asarray(r.post) > 0.5)]
    p.zoom_fit_button.click()
    lo, hi = times.min(), times.max()
    pad = max(0.08 * (hi - lo), 5.0)
    assert p.time_range == pytest.approx((max(0.0, lo - pad), min(t[-1], hi + pad)))
    assert p.time_range[1] - p.time_range[0] <= t[-1]


def test_fit_panel_has_no_pin_buttons():
    from stpexplorer.ui.panels.fit.panel import FitPanel

    p = FitPanel()
    assert p.pin_button.layout.display == "none"  # its curves are not labelled time series
    assert p.pin() is not None and len(p.pins) == 1  # values kept, nothing drawn


def test_every_panel_pins():
    p = ThresholdPanel()
    p.pin()
    p.set_values(**{p.experiment.controls[0].name: p.experiment.controls[0].hi})
    assert len(p.pins) == 1 and p.pin_labels[0].startswith("pin 1: ")
    assert any(p.ghost_marks(name) for name in p.figures)
    p.clear_pins()
    assert not any(p.ghost_marks(name) for name in p.figures)
