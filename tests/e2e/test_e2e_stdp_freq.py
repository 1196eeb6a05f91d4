"""Browser: the STDP panel's "Frequency" view (a LazyTab page) draws the model curves,
the Sjöström points with SEM bars and follows presets and sliders, without SVG errors."""

from __future__ import annotations

import pytest

import e2e_harness as H

FREQ = ".stpx-fig-freq"


def _freq_paths(page, panel):
    return page.evaluate(
        """(sel) => Array.from(document.querySelectorAll(sel + ' path.line')).map(p => p.getAttribute('d') || '')""",
        f"{panel} {FREQ}")


@pytest.mark.timeout(300)
def test_stdp_frequency_view(browser_context, get_voila):
    server = get_voila("explorer")
    page = browser_context.new_page()
    page.errors = H.PageErrors(page)
    try:
        panel = H.open_explorer_tab(page, server, "stdp")
        assert page.locator(f"{panel} {FREQ}").count() == 0  # laid out only when first shown
        H.click_tab(page, "Frequency")
        page.wait_for_function(
            """(sel) => { const ps = document.querySelectorAll(sel + ' path.line');
                          return ps.length >= 3 && Array.from(ps).every(p => (p.getAttribute('d') || '').length > 20); }""",
            arg=f"{panel} {FREQ}", timeout=30_000)
        assert page.locator(f"{panel} {FREQ} .dot").count() >= 10  # 5 rates x 2 lags
        assert "SEM" in page.locator(f"{panel} .stpx-freq-legend").inner_text()
        assert "Neuron 32:1149" in page.locator(f"{panel} .stpx-freq-citation").inner_text()
        before = _freq_paths(page, panel)
        select = page.locator(f"{panel} .stpx-preset select")
        select.select_option(label="Pfister 2006 visual all-to-all minimal")
        page.wait_for_function(
            """([sel, old]) => JSON.stringify(Array.from(document.querySelectorAll(sel + ' path.line'))
                                 .map(p => p.getAttribute('d') || '')) !== JSON.stringify(old)""",
            arg=[f"{panel} {FREQ}", before], timeout=15_000)
        H.wait_stable(page, panel, quiet_ms=500)
        H.ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.locator(f"{panel} {FREQ}").screenshot(path=str(H.ARTIFACTS / "stdp-frequency.png"))
        assert H.error_text(page, panel) == ""
        H.assert_no_widget_errors(page, page.errors)
        assert not page.errors.svg_errors(), page.errors.report()
    finally:
        H.close_page(page)
