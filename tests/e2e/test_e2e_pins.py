"""Browser: pinned curves in the STP panel (Voila). Pin, move a slider: the ghost curves (more
paths in the traces figure, with d differing from the live ones) and their label "pin 1: τd=…"
(pin row and the figure's legend row) appear; Clear removes them; Fit to train zooms the time
axis; no SVG errors. A screenshot goes to tests/e2e/artifacts/stp-pins.png."""

from __future__ import annotations

import e2e_harness as H
import pytest

TRACES = ".stpx-fig-traces"


def _paths(page, panel):
    return page.evaluate(
        """(sel) => Array.from(document.querySelectorAll(sel + ' path.line')).map(p => p.getAttribute('d') || '')""",
        f"{panel} {TRACES}")


def _wait_count(page, panel, n, op):
    page.wait_for_function(
        f"""([sel, n]) => document.querySelectorAll(sel + ' path.line').length {op} n""",
        arg=[f"{panel} {TRACES}", n], timeout=20_000)


@pytest.mark.timeout(300)
def test_pin_ghost_label_clear(browser_context, get_voila):
    server = get_voila("explorer")
    page = browser_context.new_page()
    page.errors = H.PageErrors(page)
    try:
        panel = H.panel_sel("stp")
        H.open_voila(page, server, panel, timeout=120_000)
        H.wait_stable(page, panel, quiet_ms=500)
        live = _paths(page, panel)
        page.locator(f"{panel} .stpx-pin").click()
        _wait_count(page, panel, len(live), ">")
        page.wait_for_function(
            """(sel) => /pin 1: same values/.test((document.querySelector(sel) || {}).innerText || '')""",
            arg=f"{panel} .stpx-pin-labels", timeout=10_000)
        r0 = H.readout(page, panel, "tau_d")
        H.focus_slider(page, panel, "tau_d")
        for _ in range(12):  # τd 800 → about 500 ms: the ghost separates visibly
            page.keyboard.press("PageDown")
        assert H.wait_readout_change(page, panel, "tau_d", r0, timeout=10_000), "τd did not move"
        page.wait_for_function(
            """(sel) => /pin 1: τd=/.test((document.querySelector(sel) || {}).innerText || '')""",
            arg=f"{panel} .stpx-pin-labels", timeout=10_000)
        H.wait_stable(page, panel, quiet_ms=500)
        paths = _paths(page, panel)
        n_ghost = len(paths) - len(live)
        assert n_ghost >= 2, paths
        ghosts, now_live = paths[-n_ghost:], paths[:len(live)]
        assert all(len(d) > 20 for d in ghosts)
        assert any(g not in now_live for g in ghosts), "the ghost curves should differ from the live ones"
        legend = page.locator(f"{panel} .stpx-figbox:has({TRACES}) .stpx-legend").inner_text()
        assert "pin 1: τd=" in legend, legend
        H.ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.locator(f"{panel} .stpx-figbox:has({TRACES})").screenshot(path=str(H.ARTIFACTS / "stp-pins.png"))
        # zoom: fit to the train changes the drawn paths (the axis now spans the spikes)
        before = _paths(page, panel)
        page.locator(f"{panel} .stpx-zoom-fit").click()
        page.wait_for_function(
            """([sel, old]) => JSON.stringify(Array.from(document.querySelectorAll(sel + ' path.line'))
                                 .map(p => p.getAttribute('d') || '')) !== JSON.stringify(old)""",
            arg=[f"{panel} {TRACES}", before], timeout=10_000)
        H.wait_stable(page, panel, quiet_ms=500)
        page.locator(f"{panel} .stpx-tools").screenshot(path=str(H.ARTIFACTS / "stp-pins-tools.png"))
        page.locator(f"{panel} .stpx-figbox:has({TRACES})").screenshot(path=str(H.ARTIFACTS / "stp-pins-fit.png"))
        page.locator(f"{panel} .stpx-clear-pins").click()
        _wait_count(page, panel, len(live), "==")
        page.wait_for_function(
            """(sel) => !((document.querySelector(sel) || {}).innerText || '').includes('pin 1')""",
            arg=f"{panel} .stpx-figbox:has({TRACES}) .stpx-legend", timeout=10_000)
        page.locator(f"{panel} .stpx-zoom-full").click()
        assert H.error_text(page, panel) == ""
        H.assert_no_widget_errors(page, page.errors)
        assert not page.errors.svg_errors(), page.errors.report()
    finally:
        H.close_page(page)


@pytest.mark.timeout(300)
def test_rate_curves_view(browser_context, get_voila):
    """The "Ratios & steady state" view draws g_n/g_1 against rate (regular, Poisson mean, the
    ± SD band, the steady state); under Poisson input the regular-train overlays say so."""
    server = get_voila("explorer")
    page = browser_context.new_page()
    page.errors = H.PageErrors(page)
    try:
        panel = H.panel_sel("stp")
        H.open_voila(page, server, panel, timeout=120_000)
        page.locator(f"{panel} .stpx-choice-protocol button", has_text="poisson").click()
        H.click_tab(page, "Ratios & steady state")
        fig = f"{panel} .stpx-fig-ratecurve"
        page.wait_for_function(
            """(sel) => { const ps = document.querySelectorAll(sel + ' path.line');
                          return ps.length >= 5 && Array.from(ps).filter(p => (p.getAttribute('d') || '').length > 40).length >= 4; }""",
            arg=fig, timeout=30_000)
        legend = page.locator(f"{panel} .stpx-figbox:has(.stpx-fig-ratecurve) .stpx-legend")
        page.wait_for_function(r"""(sel) => /g10\/g1/.test((document.querySelector(sel) || {}).innerText || '')""",
                               arg=f"{panel} .stpx-figbox:has(.stpx-fig-ratecurve) .stpx-legend", timeout=10_000)
        text = legend.inner_text()
        assert "Poisson" in text and "(regular train)" in text, text
        rate_legend = page.locator(f"{panel} .stpx-figbox:has(.stpx-fig-rate) .stpx-legend").inner_text()
        assert "(regular train)" in rate_legend, rate_legend
        H.wait_stable(page, panel, quiet_ms=500)
        H.ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.locator(f"{panel} .stpx-views").screenshot(path=str(H.ARTIFACTS / "stp-rate-curves.png"))
        H.assert_no_widget_errors(page, page.errors)
        assert not page.errors.svg_errors(), page.errors.report()
    finally:
        H.close_page(page)
