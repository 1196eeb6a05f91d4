"""One screenshot pass to look at what a student reads (issue 14): the Explorer in Voila at
1400×1000 (every tab and view, and each figure with its legend row) and in lecture mode at
1024×768 (a projector). Screenshots: tests/e2e/artifacts/presentation-*.png. Not a test:

    python tests/e2e/shoot_presentation.py [normal|lecture|both]
"""
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import e2e_harness as H
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

RUNS = {"normal": ("Explorer()", (1400, 1000)), "lecture": ("Explorer(lecture=True)", (1024, 768))}
DRAWN_JS = """(p) => { const e = document.querySelector(p + ' .bqplot path.line');
                       return !!e && (e.getAttribute('d') || '').length > 20; }"""


def notebook(call: str, path: Path) -> Path:
    nb = json.loads(H.EXPLORER_NB.read_text())
    for c in nb["cells"]:
        if c["cell_type"] == "code":
            c["source"] = "from stpexplorer import Explorer\n" + call
    path.write_text(json.dumps(nb))
    return path


def shoot_tab(page, tag: str, key: str, out: Path) -> None:
    sel = H.panel_sel(key)
    page.wait_for_selector(sel + " .bqplot", timeout=120_000)
    try:
        H.wait_stable(page, sel, quiet_ms=1000, timeout=60_000)
    except PlaywrightTimeout:
        print("still redrawing after 60 s:", key)
    time.sleep(1.0)
    page.screenshot(path=str(out / f"presentation-{tag}-{key}.png"))
    if tag == "normal":  # every figure with its legend row (and colour bar rows), scrolled into view
        boxes = page.locator(f"{sel} .stpx-figbox, {sel} .stpx-colorbar")
        for i in range(boxes.count()):
            if boxes.nth(i).is_visible():
                boxes.nth(i).scroll_into_view_if_needed()
                boxes.nth(i).screenshot(path=str(out / f"presentation-fig-{key}-{i}.png"))
    views = page.locator(f"{sel} .stpx-views .lm-TabBar-tab")  # the other views of the tab
    for i in range(1, views.count()):
        views.nth(i).click()
        time.sleep(2.5)
        page.screenshot(path=str(out / f"presentation-{tag}-{key}-view{i}.png"))
    if views.count() > 1:
        views.nth(0).click()


def main(which: str = "both") -> None:
    scratch = Path(tempfile.mkdtemp(prefix="stpx-shots-"))
    with sync_playwright() as pw:
        ctx = H.launch_context(pw)
        for tag, (call, (w, h)) in RUNS.items():
            if which not in ("both", tag):
                continue
            server = H.start_voila(notebook(call, scratch / f"explorer-{tag}.ipynb"), scratch / tag)
            try:
                page = ctx.new_page()
                errors = H.PageErrors(page)
                page.set_viewport_size({"width": w, "height": h})
                first = H.panel_sel(next(iter(H.TABS.values())))
                # lecture mode folds the controls: wait for a drawn line, not for a slider
                page.goto(server.url("/"), wait_until="domcontentloaded", timeout=180_000)
                try:
                    page.wait_for_function(DRAWN_JS, arg=first, timeout=180_000)
                except PlaywrightTimeout:
                    page.screenshot(path=str(H.ARTIFACTS / f"presentation-{tag}-timeout.png"))
                    raise AssertionError(f"{tag}: no line drawn after 180 s; {errors.report()[-2000:]}"
                                         f"\n{server.log_tail(3000)}") from None
                for title, key in H.TABS.items():
                    H.click_tab(page, title)
                    shoot_tab(page, tag, key, H.ARTIFACTS)
                print(tag, "unexpected page messages:", errors.unexpected()[:10])
                page.close()
            finally:
                server.stop()
        ctx.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "both")
