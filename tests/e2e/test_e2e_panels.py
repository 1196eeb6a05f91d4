"""Explorer panels in a real browser, written against docs/ui_contract.md.

Skipped (with the reason) until ``stpexplorer.ui`` is importable and
``notebooks/explorer.ipynb`` exists.  One Voila page is shared by the tests of this module
(kernel start + JAX compilation happen once); each tab test clicks its tab by title.

What a panel must provide for these tests (see the contract):
* root box class ``stpx-panel-<key>``; sliders ``stpx-slider-<name>`` (FloatSlider /
  IntSlider: a noUiSlider handle + ``.widget-readout``); a bqplot figure ``stpx-fig-*``
  whose first Lines mark reacts to the panel's *first* slider; every slider changes at
  least one Lines mark of the panel;
* ``stpx-status`` (HTML) containing ``<name>=<readout text>`` of the slider moved last;
* ``stpx-preset`` Dropdown whose options load presets that change the plot;
* ``stpx-error`` empty while everything is fine.
"""
from __future__ import annotations

import contextlib

import pytest

import e2e_harness as H

TITLES = list(H.TABS)                    # in contract order
MAIN_SLIDERS = 3                         # the first N sliders of a panel (DOM order)


@pytest.fixture(scope="module")
def explorer(browser_context, get_voila):
    """(page, server): the Explorer rendered once in Voila for this module."""
    server = get_voila("explorer")
    pg = browser_context.new_page()
    pg.errors = H.PageErrors(pg)
    try:
        H.open_voila(pg, server, H.panel_sel("stp"), timeout=120_000)
        yield pg, server
    finally:
        H.close_page(pg)


@pytest.fixture
def explorer_page(explorer, request):
    pg, _ = explorer
    yield pg
    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.failed:
        H.ARTIFACTS.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(Exception):
            pg.screenshot(path=str(H.ARTIFACTS / f"failure-{request.node.name}.png"),
                          full_page=True)
        with contextlib.suppress(Exception):
            (H.ARTIFACTS / f"failure-{request.node.name}.console.txt").write_text(
                pg.errors.report())


def _open_tab(page, title: str) -> str:
    key = H.TABS[title]
    H.click_tab(page, title)
    panel = H.panel_sel(key)
    H.wait_widgets(page, panel, timeout=60_000)
    return panel


def _shoot_explorer(page, path) -> None:
    """Screenshot of the Explorer (tab bar + the visible panel, nothing clipped).

    Voila's lab template scrolls inside a fixed-height shell, so ``full_page`` is not
    enough: the viewport is made tall enough for the content, then restored."""
    vp = page.viewport_size or {"width": 1280, "height": 900}
    need = page.evaluate("""() => Math.max(...Array.from(document.querySelectorAll('*'))
        .filter(e => e.scrollHeight > e.clientHeight + 2 &&
                     /(auto|scroll)/.test(getComputedStyle(e).overflowY))
        .map(e => e.scrollHeight - e.clientHeight), 0)""")
    if need > 0:
        page.set_viewport_size({"width": vp["width"], "height": vp["height"] + int(need) + 20})
        page.wait_for_timeout(300)
    try:
        _shoot_clip(page, path)
    finally:
        if need > 0:
            page.set_viewport_size(vp)


def _shoot_clip(page, path) -> None:
    box = page.evaluate("""() => {
        const els = [document.querySelector('.stpx-explorer') || document.querySelector('.widget-tab')];
        for (const p of document.querySelectorAll('[class*="stpx-panel-"]'))
            if (p.offsetParent !== null) els.push(p);
        let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
        for (const e of els) { if (!e) continue; const r = e.getBoundingClientRect();
            if (r.width === 0) continue;
            x0 = Math.min(x0, r.left + scrollX); y0 = Math.min(y0, r.top + scrollY);
            x1 = Math.max(x1, r.right + scrollX); y1 = Math.max(y1, r.bottom + scrollY); }
        return isFinite(x0) ? {x: Math.max(0, x0 - 4), y: Math.max(0, y0 - 4),
                               width: x1 - x0 + 8, height: y1 - y0 + 8} : null;
    }""")
    path = str(path)
    if box:
        page.screenshot(path=path, full_page=True, clip=box)
    else:
        page.screenshot(path=path, full_page=True)


@pytest.mark.smoke
def test_explorer_renders_in_voila(explorer_page):
    page = explorer_page
    H.assert_no_widget_errors(page, page.errors)
    titles = [t.strip() for t in page.locator(".widget-tab .lm-TabBar-tab").all_inner_texts()]
    assert titles[:len(TITLES)] == TITLES, f"tab titles {titles} != contract {TITLES}"
    H.wait_widgets(page, H.panel_sel("stp"), timeout=60_000)
    assert H.error_text(page, H.panel_sel("stp")) == ""
    H.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    H.ARTIFACTS.mkdir(parents=True, exist_ok=True)
    # README screenshots, at the default values: the Explorer and one per tab
    H.wait_stable(page, H.panel_sel("stp"), quiet_ms=500)
    _shoot_explorer(page, H.SCREENSHOTS / "explorer.png")
    page.screenshot(path=str(H.ARTIFACTS / "explorer-voila-full.png"), full_page=True)
    for title in TITLES:
        panel = _open_tab(page, title)
        assert H.error_text(page, panel) == "", f"{panel}: stpx-error shows an error"
        H.wait_stable(page, panel, quiet_ms=500)
        _shoot_explorer(page, H.SCREENSHOTS / f"{H.TABS[title]}.png")
    _open_tab(page, TITLES[0])
    H.assert_no_widget_errors(page, page.errors)


@pytest.mark.parametrize("title", TITLES, ids=[H.TABS[t] for t in TITLES])
def test_tab_sliders_keyboard_and_mouse(explorer_page, title):
    page = explorer_page
    panel = _open_tab(page, title)
    names = H.slider_names(page, panel)
    assert names, f"{panel}: no stpx-slider-* widgets"
    moves = []
    for i, name in enumerate(names[:MAIN_SLIDERS]):
        first = i == 0          # the panel's first slider must move the watched path
        for how in ("ArrowRight", "ArrowLeft", "PageUp", "drag"):
            moves.append(H.move_slider(page, panel, name, how, require_first_path=first))
        assert H.error_text(page, panel) == "", f"{panel}: stpx-error shows an error"
    H.assert_no_widget_errors(page, page.errors)
    key = H.TABS[title]
    H.ARTIFACTS.mkdir(parents=True, exist_ok=True)
    _shoot_explorer(page, H.ARTIFACTS / f"tab-{key}-voila-after-moves.png")


@pytest.mark.parametrize("title", TITLES, ids=[H.TABS[t] for t in TITLES])
def test_tab_every_slider_changes_plot_and_status(explorer_page, title):
    page = explorer_page
    panel = _open_tab(page, title)
    for name in H.slider_names(page, panel):
        H.move_slider_some_view(page, panel, name, "ArrowRight")
    H.assert_no_widget_errors(page, page.errors)


@pytest.mark.parametrize("title", TITLES, ids=[H.TABS[t] for t in TITLES])
def test_tab_preset_changes_plot(explorer_page, title):
    page = explorer_page
    panel = _open_tab(page, title)
    select = page.locator(f"{panel} .stpx-preset select")
    if select.count() == 0:
        select = page.locator(f"{panel} select.stpx-preset, .stpx-preset select")
    assert select.count() > 0, f"{panel}: no stpx-preset dropdown"
    select = select.first
    options = select.evaluate("s => Array.from(s.options).map(o => [o.value, o.text])")
    current = select.evaluate("s => s.value")
    assert len(options) >= 2, f"{panel}: fewer than two presets: {options}"
    changed = []
    for value, text in options:
        if value == current:
            continue
        before = H.wait_stable(page, panel, quiet_ms=300)
        select.select_option(value)
        with contextlib.suppress(Exception):
            H.wait_any_path_change(page, panel, before, timeout=10_000)
            changed.append(text)
        if changed:
            break
    assert changed, f"{panel}: no preset changed the plot (options {options})"
    assert H.error_text(page, panel) == ""
    H.assert_no_widget_errors(page, page.errors)


def test_explorer_renders_in_lab(page, lab_server):
    """JupyterLab: run the explorer notebook, click through the tabs, move one slider."""
    H.ui_importable()[0] or pytest.skip(H.ui_importable()[1])
    H.open_lab_notebook(page, lab_server, "explorer.ipynb", H.panel_sel("stp"),
                        timeout=180_000)
    for title in TITLES:
        panel = _open_tab(page, title)
        name = H.slider_names(page, panel)[0]
        H.move_slider(page, panel, name, "ArrowRight", require_first_path=True)
    H.assert_no_widget_errors(page, page.errors)
    H.ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(H.ARTIFACTS / "explorer-lab.png"))
