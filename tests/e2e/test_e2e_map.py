"""Browser: the "Parameter map" tab draws its heat map, a click on a cell moves the map's
sliders to that cell and carries the synapse to the "Short-term plasticity" tab, whose U/τ
readouts then show the clicked cell's values; no SVG errors."""

from __future__ import annotations

import math

import e2e_harness as H
import pytest

FIG = ".stpx-fig-map"
CARRIED = ("U", "tau_f", "tau_d", "rate_hz")

CLICK_LAYER_BOX_JS = """(sel) => {
    const ims = Array.from(document.querySelectorAll(sel + ' image')).filter(e => !e.classList.contains('heatmap'));
    if (!ims.length) return null;
    const r = ims[ims.length - 1].getBoundingClientRect();
    return {x: r.left, y: r.top, width: r.width, height: r.height};
}"""


def _frac(v: float, lo: float, hi: float, log: bool) -> float:
    return (math.log(v / lo) / math.log(hi / lo)) if log else (v - lo) / (hi - lo)


@pytest.mark.timeout(300)
def test_click_a_map_cell_and_the_stp_tab_follows(browser_context, get_voila):
    from stpexplorer.experiments.map import AXES, map_axis

    server = get_voila("explorer")
    page = browser_context.new_page()
    page.errors = H.PageErrors(page)
    try:
        stp = H.panel_sel("stp")
        H.open_voila(page, server, stp, timeout=120_000)
        H.click_tab(page, H.TITLE_OF["map"])
        panel = H.panel_sel("map")
        H.wait_widgets(page, panel, timeout=60_000)
        page.wait_for_function(
            """(sel) => { const im = document.querySelector(sel + ' image.heatmap');
                          return !!im && (im.getAttribute('href') || '').startsWith('data:image/png'); }""",
            arg=f"{panel} {FIG}", timeout=30_000)
        H.wait_stable(page, panel, quiet_ms=500)
        assert H.readout(page, panel, "U") == "0.20"  # the map's default point
        before = {n: H.readout(page, panel, n) for n in ("U", "tau_f")}
        # click the cell nearest U = 0.62, τf = 300 ms (x linear, y log): the cell's edges
        # are the click layer's, half a cell beyond the first and last centres
        x, y = map_axis("U"), map_axis("tau_f")
        x0, x1 = x[0] - (x[1] - x[0]) / 2, x[-1] + (x[-1] - x[-2]) / 2
        y0, y1 = y[0] / math.sqrt(y[1] / y[0]), y[-1] * math.sqrt(y[-1] / y[-2])
        box = page.evaluate(CLICK_LAYER_BOX_JS, f"{panel} {FIG}")
        assert box and box["width"] > 200 and box["height"] > 200, box
        fx, fy = _frac(0.62, x0, x1, AXES["U"][2]), _frac(300.0, y0, y1, AXES["tau_f"][2])
        page.mouse.click(box["x"] + fx * box["width"], box["y"] + (1 - fy) * box["height"])
        for n in ("U", "tau_f"):
            assert H.wait_readout_change(page, panel, n, before[n], timeout=15_000), f"map slider {n} did not move"
        got = {n: H.readout(page, panel, n) for n in CARRIED}
        i, j = min(range(x.size), key=lambda k: abs(x[k] - 0.62)), min(range(y.size), key=lambda k: abs(
            math.log(y[k] / 300.0)))
        assert abs(float(got["U"]) - x[i]) < 0.5 * (x[1] - x[0]), got  # inside the clicked cell
        assert abs(math.log(float(got["tau_f"]) / y[j])) < 0.5 * math.log(y[1] / y[0]), got
        H.wait_stable(page, panel, quiet_ms=500)
        H.ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.locator(panel).screenshot(path=str(H.ARTIFACTS / "map-panel.png"))
        page.locator(f"{panel} {FIG}").screenshot(path=str(H.ARTIFACTS / "map.png"))
        assert H.error_text(page, panel) == ""
        # the STP tab shows the clicked cell's synapse
        H.click_tab(page, H.TITLE_OF["stp"])
        H.wait_widgets(page, stp, timeout=30_000)
        page.wait_for_function(
            """([sel, want]) => Object.entries(want).every(([n, v]) => {
                   const r = document.querySelector(sel + ' .stpx-slider-' + n + ' .widget-readout');
                   return !!r && r.innerText.trim() === v; })""",
            arg=[stp, got], timeout=15_000)
        assert {n: H.readout(page, stp, n) for n in CARRIED} == got
        assert H.error_text(page, stp) == ""
        H.assert_no_widget_errors(page, page.errors)
        assert not page.errors.svg_errors(), page.errors.report()
    finally:
        H.close_page(page)
