"""Browser: the Fit tab's Recording view in Voila. The example recording's sweeps, windows and
peaks are drawn; switching the method changes the summary; clicking a sweep excludes it; "Use
these amplitudes" fits them in the Fit view. Screenshot: artifacts/fit-recording.png."""

from __future__ import annotations

import pytest

import e2e_harness as H


POINT_ON_LINE_JS = """(sel) => {
    const path = document.querySelector(sel);
    const m = path.getScreenCTM(), n = path.getTotalLength();
    for (let k = 1; k < 400; k++) {
        const p = path.getPointAtLength(n * k / 400);
        const x = m.a * p.x + m.c * p.y + m.e, y = m.b * p.x + m.d * p.y + m.f;
        if (document.elementFromPoint(x, y) === path) return [x, y];
    }
    return null;
}"""


def _summary(page, panel):
    return page.locator(f"{panel} .stpx-rec-summary").inner_text()


@pytest.mark.timeout(300)
def test_recording_view_measures_excludes_and_hands_amplitudes_to_the_fit(browser_context, get_voila):
    server = get_voila("explorer")
    page = browser_context.new_page()
    page.set_viewport_size({"width": 1280, "height": 1600})
    page.errors = H.PageErrors(page)
    try:
        panel = H.open_explorer_tab(page, server, "fit")
        assert H.sub_views(page, panel)[:2] == ["Fit", "Recording"]
        H.click_sub_view(page, panel, "Recording")
        fig = f"{panel} .stpx-fig-recording"
        page.wait_for_selector(f"{fig} path.line", timeout=60_000)
        page.wait_for_function("(s) => (document.querySelector(s) || {}).innerText?.includes('PPR')",
                               arg=f"{panel} .stpx-rec-summary", timeout=30_000)
        first = _summary(page, panel)
        assert first.startswith("10 of 10 sweeps") and "tail:" in first
        assert page.locator(f"{fig} .dot").count() > 50  # the measured peaks
        page.locator(f"{panel} .stpx-rec-method button", has_text="local").click()
        page.wait_for_function("(s) => document.querySelector(s).innerText.includes('local:')",
                               arg=f"{panel} .stpx-rec-summary", timeout=15_000)
        # a click on the first sweep's line (at a point where it is the topmost element) excludes it
        xy = page.evaluate(POINT_ON_LINE_JS, f"{fig} .curve path.line")
        assert xy is not None, "no visible point of the first sweep's line"
        page.mouse.click(*xy)
        page.wait_for_function("(s) => document.querySelector(s).innerText.startsWith('9 of 10')",
                               arg=f"{panel} .stpx-rec-summary", timeout=15_000)
        H.wait_stable(page, panel, quiet_ms=500)
        H.ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.locator(panel).screenshot(path=str(H.ARTIFACTS / "fit-recording.png"))
        page.locator(panel).screenshot(path=str(H.SCREENSHOTS / "fit-recording.png"))  # the README's
        assert page.locator(f"{panel} .stpx-rec-message").inner_text().strip() == ""
        page.locator(f"{panel} .stpx-rec-use").click()
        page.wait_for_function(
            """(sel) => (document.querySelector(sel + ' .stpx-status') || {}).innerText?.includes('example recording')""",
            arg=panel, timeout=60_000)
        assert "(fit " in H.status_text(page, panel)
        H.assert_no_widget_errors(page, page.errors)
        assert not page.errors.svg_errors(), page.errors.report()
    finally:
        H.close_page(page)
