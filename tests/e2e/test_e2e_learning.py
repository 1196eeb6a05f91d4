"""Browser: the Synapse lab's learning view (a LazyTab page) runs once when shown, its time
slider redraws the weight histogram; the STDP panel's "Δw map" view draws the map with its
Δw = 0 line; no SVG errors. Screenshots go to tests/e2e/artifacts (learning*.png, stdp-dwmap.png)."""

from __future__ import annotations

import e2e_harness as H
import pytest

LEARN = ".stpx-panel-learning"
HIST = f"{LEARN} .stpx-fig-learn-hist"

BAR_HEIGHTS_JS = """(sel) => Array.from(document.querySelectorAll(sel + ' rect.bar'))
                         .map(r => r.getAttribute('height') || '').join(',')"""


def _bars(page) -> str:
    return page.evaluate(BAR_HEIGHTS_JS, HIST)


@pytest.mark.timeout(420)
def test_learning_view_and_dw_map(browser_context, get_voila):
    server = get_voila("explorer")
    page = browser_context.new_page()
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.errors = H.PageErrors(page)
    try:
        H.open_voila(page, server, H.panel_sel("stp"), timeout=180_000)
        H.click_tab(page, H.TITLE_OF["circuit"])
        H.wait_widgets(page, H.panel_sel("circuit"), timeout=90_000)
        assert page.locator(LEARN).count() == 0  # laid out (and simulated) only when shown
        H.click_tab(page, "Learning (fast-forward)")
        # one 200 s run (compilation included): the status says "running…" until it is done
        page.wait_for_function(
            """(sel) => { const s = document.querySelector(sel + ' .stpx-status');
                          return s && s.innerText.includes('s simulated'); }""",
            arg=LEARN, timeout=120_000)
        page.wait_for_function(
            """(sel) => Array.from(document.querySelectorAll(sel + ' rect.bar'))
                         .some(r => parseFloat(r.getAttribute('height') || '0') > 5)""",
            arg=HIST, timeout=30_000)
        H.wait_stable(page, LEARN, quiet_ms=500)
        assert "200 s" in page.locator(f"{HIST} .mainheading").text_content()
        legend = page.locator(f"{LEARN} .stpx-learn-legend").inner_text()
        assert "correlated group" in legend and "other inputs" in legend
        H.ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.locator(LEARN).screenshot(path=str(H.ARTIFACTS / "learning-end.png"))
        final = _bars(page)
        # scrub to the start: the histogram is redrawn from the records (no new run)
        status = page.locator(f"{LEARN} .stpx-status").inner_text()
        page.locator(f"{LEARN} .stpx-learn-time .noUi-handle").focus()
        page.keyboard.press("Home")
        page.wait_for_function(
            """([sel, old]) => Array.from(document.querySelectorAll(sel + ' rect.bar'))
                                 .map(r => r.getAttribute('height') || '').join(',') !== old""",
            arg=[HIST, final], timeout=15_000)
        page.wait_for_function(
            """(sel) => (document.querySelector(sel + ' .mainheading') || {}).textContent === 'Weights at t = 1 s'""",
            arg=HIST, timeout=15_000)
        assert page.locator(f"{LEARN} .stpx-status").inner_text() == status  # no run: same status
        for _ in range(30):
            page.keyboard.press("ArrowRight")
        page.wait_for_function(
            """(sel) => (document.querySelector(sel + ' .mainheading') || {}).textContent === 'Weights at t = 31 s'""",
            arg=HIST, timeout=15_000)
        H.wait_stable(page, LEARN, quiet_ms=500)
        page.locator(LEARN).screenshot(path=str(H.ARTIFACTS / "learning-31s.png"))
        assert H.error_text(page, LEARN) == ""

        # the STDP panel's Δw map
        H.click_tab(page, H.TITLE_OF["stdp"])
        stdp = H.panel_sel("stdp")
        H.wait_widgets(page, stdp, timeout=60_000)
        page.locator(f"{stdp} .stpx-views").screenshot(path=str(H.ARTIFACTS / "stdp-tabs.png"))
        H.click_tab(page, "Δw map")
        page.wait_for_function(
            """(sel) => Array.from(document.querySelectorAll(sel + ' path.line'))
                         .some(p => (p.getAttribute('d') || '').length > 40)""",
            arg=f"{stdp} .stpx-fig-dwmap", timeout=30_000)
        assert "potentiation" in page.locator(f"{stdp} .stpx-dwmap-caption").inner_text()
        H.wait_stable(page, stdp, quiet_ms=500)
        page.locator(f"{stdp} .stpx-views").screenshot(path=str(H.ARTIFACTS / "stdp-dwmap.png"))
        assert H.error_text(page, stdp) == ""
        H.assert_no_widget_errors(page, page.errors)
        assert not page.errors.svg_errors(), page.errors.report()
    finally:
        H.close_page(page)
