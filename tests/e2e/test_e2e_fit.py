"""Browser: the Fit tab in Voila. The loss landscape is drawn with its colour bar; Fit runs in the
background (the stage line and the progress bar show it working), then the sliders, the intervals
table and the SSE readout show the fit; no SVG errors. Screenshots: artifacts/fit-panel.png, fit-landscape.png."""

from __future__ import annotations

import pytest

import e2e_harness as H

WATCH_JS = """(sel) => {
    // record every text of the stage line and whether the progress bar was shown while fitting
    const st = window.__stpxFit = {stages: [], barSeen: false};
    const root = document.querySelector(sel);
    const look = () => {
        const s = root.querySelector('.stpx-fit-stage');
        const t = s ? s.innerText.trim() : '';
        if (t && st.stages[st.stages.length - 1] !== t) st.stages.push(t);
        const bar = root.querySelector('.stpx-fit-progress');
        if (bar && getComputedStyle(bar).visibility === 'visible' && !t.startsWith('done')) st.barSeen = true;
    };
    new MutationObserver(look).observe(root, {subtree: true, childList: true, characterData: true,
                                              attributes: true});
    look();
}"""


@pytest.mark.timeout(300)
def test_fit_tab_fits_in_the_background(browser_context, get_voila):
    server = get_voila("explorer")
    page = browser_context.new_page()
    page.set_viewport_size({"width": 1280, "height": 2200})  # the whole panel on screen: one screenshot
    page.errors = H.PageErrors(page)
    try:
        panel = H.open_explorer_tab(page, server, "fit")
        land = f"{panel} .stpx-fig-landscape"
        page.wait_for_selector(land, timeout=30_000)
        assert "SSE" in page.locator(land).inner_text()  # the colour bar's label
        assert "Lowest cell" in page.locator(f"{panel} .stpx-landscape-caption").inner_text()
        status0 = H.status_text(page, panel)
        assert "SSE" in status0 and "(fit" not in status0
        page.evaluate(WATCH_JS, panel)
        page.locator(f"{panel} .stpx-fit").click()
        page.wait_for_function(
            """(sel) => { const s = document.querySelector(sel + ' .stpx-fit-stage');
                          return s && s.innerText.startsWith('done: SSE'); }""", arg=panel, timeout=120_000)
        seen = page.evaluate("() => window.__stpxFit")
        assert seen["barSeen"] and any(("multi-start" in s or "bootstrap" in s) for s in seen["stages"]), seen
        table = page.locator(f"{panel} .stpx-fit-table").inner_text()
        assert "95 % interval" in table and "fit_stp (model tm)" in table
        rows = {r.split("\t")[0]: r.split("\t") for r in table.splitlines() if "\t" in r}
        assert "–" in rows["τd (ms)"][3], rows  # an interval lo – hi
        page.wait_for_function(
            """(sel) => (document.querySelector(sel + ' .stpx-status') || {}).innerText.includes('(fit ')""",
            arg=panel, timeout=15_000)
        # the τd slider's readout is the fit's τd to the readout's precision
        fit_td = float(rows["τd (ms)"][2])
        assert float(H.readout(page, panel, "tau_d")) == pytest.approx(fit_td, rel=1e-3)
        H.wait_stable(page, panel, quiet_ms=500)
        H.ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.locator(panel).screenshot(path=str(H.ARTIFACTS / "fit-panel.png"))
        page.locator(f"{panel} .stpx-landscape").screenshot(path=str(H.ARTIFACTS / "fit-landscape.png"))
        assert H.error_text(page, panel) == ""
        H.assert_no_widget_errors(page, page.errors)
        assert not page.errors.svg_errors(), page.errors.report()
    finally:
        H.close_page(page)
