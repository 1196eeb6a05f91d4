"""Browser: share and export (issue 14), in Voila served as ``stpexplorer app`` serves it
(pre-heated kernel pool).

* a link ``?tab=stdp&A_plus=0.02&tau_minus=-5&stp.U=0.3&lecture=1`` opens the STDP tab in
  lecture mode with A+ at 0.02; the STDP error area names ``tau_minus`` and its range; the
  STP tab has U = 0.3;
* Share (``stpx-share``) shows the page's own address with the state's query (no token),
  selected, and copies it to the clipboard;
* PNG and SVG export of a figure download a valid PNG of sensible size and an SVG that
  carries the figure's title and a parameter value (``page.expect_download``); the link
  beside the buttons is underlined;
* uploading the same JSON file twice applies it twice; the upload button's tooltip is not
  "null".
Screenshots: tests/e2e/artifacts/share-*.png.
"""

from __future__ import annotations

import json
import struct

import e2e_harness as H
import pytest

from stpexplorer.experiments import EXPERIMENTS, dump_json

STDP = H.panel_sel("stdp")
QUERY = "/?tab=stdp&A_plus=0.02&tau_minus=-5&stp.U=0.3&lecture=1"


def _wait(page, js, arg=None, timeout=60_000):
    page.wait_for_function(js, arg=arg, timeout=timeout, polling=250)


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", data[:16]
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@pytest.mark.timeout(420)
def test_link_share_export_upload(page, browser_context, get_voila, tmp_path):
    server = get_voila("explorer")
    H.ARTIFACTS.mkdir(parents=True, exist_ok=True)
    heated = server.log_tail(10**7).count("Using pre-heated kernel")
    page.goto(server.url(QUERY), wait_until="domcontentloaded", timeout=180_000)
    # the link's state arrives once the page has taken its kernel
    _wait(page, """(t) => Array.from(document.querySelectorAll('.lm-TabBar-tab.lm-mod-current'))
                          .some(e => e.innerText.trim() === t)""", H.TITLE_OF["stdp"], timeout=180_000)
    _wait(page, "() => !!document.querySelector('.stpx-explorer.stpx-lecture')")
    _wait(page, "(p) => /tau_minus must be in/.test((document.querySelector(p + ' .stpx-error') || {})"
                ".innerText || '')", STDP)
    # the page took a pre-heated kernel (as `stpexplorer app` serves): the query came through
    # voila's wait_for_request, not $QUERY_STRING
    assert server.log_tail(10**7).count("Using pre-heated kernel") == heated + 1, server.log_tail()
    err = H.error_text(page, STDP)
    assert "tau_minus must be in (0, inf) ms, got '-5'" in err, err
    _wait(page, "(p) => !!document.querySelector(p + ' .bqplot path.line')", STDP)
    page.screenshot(path=str(H.ARTIFACTS / "share-lecture-link.png"))
    # lecture off from the page: the controls come back, A+ shows the link's value
    page.locator(f"{STDP} .stpx-lecture-toggle").first.click()
    _wait(page, "() => !document.querySelector('.stpx-explorer.stpx-lecture')")
    H.wait_widgets(page, STDP)
    assert float(H.readout(page, STDP, "A_plus")) == pytest.approx(0.02, abs=1e-9)

    # Share: the page's address + the state, selected and copied
    browser_context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.base)
    page.locator(f"{STDP} .stpx-share").click()
    link_sel = f"{STDP} .stpx-share-link"
    _wait(page, "(s) => { const i = document.querySelector(s); return !!i && i.value.startsWith('http'); }",
          link_sel, timeout=20_000)
    link = page.locator(link_sel).input_value()
    assert link.startswith(server.base + "/?"), link
    assert "tab=stdp" in link and "A_plus=0.02" in link and "stp.U=0.3" in link, link
    assert "token" not in link and "tau_minus" not in link, link
    msg = page.locator(f"{STDP} .stpx-share-msg").inner_text()
    assert msg in ("link copied to the clipboard", "the link is selected: press Ctrl+C to copy it"), msg
    if msg.startswith("link copied"):
        assert page.evaluate("() => navigator.clipboard.readText()") == link
    selected = page.evaluate("(s) => { const i = document.querySelector(s); "
                             "return i.value.substring(i.selectionStart, i.selectionEnd); }", link_sel)
    assert selected == link
    page.locator(f"{STDP} .stpx-share-box").first.screenshot(path=str(H.ARTIFACTS / "share-link.png"))

    # export: PNG and SVG of the pairing-traces figure, stamped
    box = page.locator(f"{STDP} .stpx-figbox:has(.stpx-fig-traces)").first
    box.scroll_into_view_if_needed()
    with page.expect_download(timeout=30_000) as dl:
        box.locator(".stpx-export-png").click()
    png = tmp_path / dl.value.suggested_filename
    dl.value.save_as(png)
    assert png.name == "stdp-traces.png"
    w, h = _png_size(png.read_bytes())
    assert 500 <= w <= 6000 and 300 <= h <= 4000, (w, h)  # 2x the figure plus the stamp band
    (H.ARTIFACTS / "share-download-stdp-traces.png").write_bytes(png.read_bytes())
    with page.expect_download(timeout=30_000) as dl:
        box.locator(".stpx-export-svg").click()
    svg = (tmp_path / "stdp-traces.svg")
    dl.value.save_as(svg)
    text = svg.read_text(encoding="utf-8")
    assert text.lstrip().startswith("<svg") and "</svg>" in text
    assert f"{EXPERIMENTS['stdp'].title} — " in text and "A+ (A2+)=0.02" in text, text[:600]
    style = page.evaluate("(s) => { const a = document.querySelector(s); const c = getComputedStyle(a); "
                          "return [c.textDecorationLine, c.color]; }", f"{STDP} .stpx-export-link")
    assert "underline" in style[0], style
    box.screenshot(path=str(H.ARTIFACTS / "share-export.png"))

    # upload the same parameter file twice: applied twice
    up = page.locator(f"{STDP} .stpx-upload").first
    title = up.get_attribute("title")
    assert title and title != "null", title
    f = tmp_path / "stdp-parameters.json"
    f.write_text(dump_json(EXPERIMENTS["stdp"], {**EXPERIMENTS["stdp"].defaults(), "A_plus": 0.03}))
    assert json.loads(f.read_text())
    for _ in range(2):
        with page.expect_file_chooser(timeout=30_000) as chooser:
            up.click()
        chooser.value.set_files(str(f))
        _wait(page, "(p) => Math.abs(parseFloat(document.querySelector(p + ' .stpx-slider-A_plus "
                    ".widget-readout').innerText) - 0.03) < 1e-9", STDP, timeout=20_000)
        H.focus_slider(page, STDP, "A_plus")
        r0 = H.readout(page, STDP, "A_plus")
        page.keyboard.press("PageUp")
        assert H.wait_readout_change(page, STDP, "A_plus", r0, timeout=10_000)
    H.assert_no_widget_errors(page, page.errors)
