"""Harness self-tests on the bare slider + 1,000-point line notebook (fixtures/minimal.ipynb).

If these fail, the harness (servers, browser, DOM helpers) is broken, not the panels.
"""
import e2e_harness as H
import pytest

PANEL = ".stpx-panel-minimal"
SLIDER = "freq"

pytestmark = pytest.mark.smoke


def _check_slider_moves(page):
    H.assert_no_widget_errors(page, page.errors)
    d0 = H.path_d(page, PANEL)
    assert d0 and d0.count(",") >= 900, "the 1,000-point line is not drawn"
    r0 = H.readout(page, PANEL, SLIDER)
    H.focus_slider(page, PANEL, SLIDER)
    page.keyboard.press("ArrowRight")
    d1 = H.wait_path_change(page, PANEL, d0)
    assert d1 != d0
    r1 = H.readout(page, PANEL, SLIDER)
    assert float(r1) == pytest.approx(float(r0) + 0.1)
    H.wait_status_shows(page, PANEL, SLIDER, r1)
    # the generic helper used by the panel tests: keyboard and mouse
    H.move_slider(page, PANEL, SLIDER, "PageUp", require_first_path=True)
    H.move_slider(page, PANEL, SLIDER, "ArrowLeft", require_first_path=True)
    H.move_slider(page, PANEL, SLIDER, "drag", require_first_path=True)
    H.assert_no_widget_errors(page, page.errors)


def test_voila_renders_minimal_and_slider_moves_line(page, voila_minimal):
    H.open_voila(page, voila_minimal, PANEL, timeout=60_000)
    assert voila_minimal.kernel_count() >= 1
    _check_slider_moves(page)
    H.ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(H.ARTIFACTS / "minimal-voila.png"))


def test_lab_runs_minimal_and_slider_moves_line(page, lab_server):
    H.open_lab_notebook(page, lab_server, "minimal.ipynb", PANEL, timeout=90_000)
    assert lab_server.kernel_count() >= 1          # via /api/kernels?token=...
    _check_slider_moves(page)
    H.ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(H.ARTIFACTS / "minimal-lab.png"))

