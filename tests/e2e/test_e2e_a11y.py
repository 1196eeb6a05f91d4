"""Browser: accessibility of the dashboard (issue 14), in Voila.

For every tab of the registry (``stpexplorer.experiments.EXPERIMENTS``, by title): axe-core
(bundled in ``axe-playwright-python``) finds no critical or serious violation on the page
(names of inputs and sliders, colour contrast, keyboard-reachable scroll regions, ...), and
pressing Tab from the tab bar reaches every visible control of the panel (buttons, menus,
text boxes, slider handles, links). A screenshot of each tab goes to
tests/e2e/artifacts/a11y-<key>.png.
"""

from __future__ import annotations

import e2e_harness as H
import pytest

axe_playwright = pytest.importorskip("axe_playwright_python.sync_playwright",
                                     reason="axe-playwright-python not installed (the test extra has it)")

SEVERE = ("critical", "serious")

#: the panel's keyboard-operable elements, each marked with an index
MARK_CONTROLS_JS = """(panel) => {
    const root = document.querySelector(panel);
    const sel = 'button, select, textarea, a[href], [role=slider], ' +
                'input:not([type=file]):not([type=hidden])';
    const seen = [];
    for (const el of root.querySelectorAll(sel)) {
        const r = el.getBoundingClientRect();
        const visible = r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
        if (!visible || el.disabled) continue;
        el.dataset.stpxKbd = String(seen.length);
        seen.push((el.className && el.className.baseVal === undefined ? el.className : '') + ' ' +
                  (el.getAttribute('aria-label') || el.innerText || el.value || el.tagName).slice(0, 40));
    }
    return seen;
}"""


def _report(violations) -> str:
    lines = []
    for v in violations:
        nodes = "; ".join(" ".join(n.get("target", [])) + " :: " + (n.get("failureSummary") or "")
                          .replace("\n", " ")[:200] for n in v["nodes"][:8])
        lines.append(f"[{v['impact']}] {v['id']} ({len(v['nodes'])} nodes): {v['help']} -> {nodes}")
    return "\n".join(lines)


def _tab_reaches(page, panel: str, n_controls: int) -> set[int]:
    """Press Tab from the selected tab of the tab bar; the marked controls that got focus."""
    page.locator(".lm-TabBar-tab.lm-mod-current").first.focus()
    reached: set[int] = set()
    for _ in range(3 * n_controls + 30):
        page.keyboard.press("Tab")
        i = page.evaluate("() => (document.activeElement && document.activeElement.dataset || {}).stpxKbd")
        if i is not None:
            reached.add(int(i))
        if len(reached) == n_controls:
            break
    return reached


@pytest.mark.timeout(600)
def test_axe_and_keyboard_every_tab(page, browser_context, get_voila):
    server = get_voila("explorer")
    H.ARTIFACTS.mkdir(parents=True, exist_ok=True)
    axe = axe_playwright.Axe()
    failures = []
    first = next(iter(H.TITLE_OF))
    H.open_voila(page, server, H.panel_sel(first), timeout=180_000)
    for key, title in H.TITLE_OF.items():
        panel = H.panel_sel(key)
        if key != first:
            H.click_tab(page, title)
            H.wait_widgets(page, panel)
        H.wait_stable(page, panel, quiet_ms=500)
        page.screenshot(path=str(H.ARTIFACTS / f"a11y-{key}.png"), full_page=True)
        res = axe.run(page)
        severe = [v for v in res.response["violations"] if v.get("impact") in SEVERE]
        if severe:
            failures.append(f"--- tab {title!r}:\n{_report(severe)}")
        page.wait_for_timeout(100)  # (names and values are set in the next animation frame)
        names = page.evaluate("""(p) => Array.from(document.querySelectorAll(p + ' .widget-slider'))
            .filter(w => w.getBoundingClientRect().width > 0).map(w => {
                const h = w.querySelector('.noUi-handle'), l = w.querySelector('.widget-label');
                const r = w.querySelector('.widget-readout');
                return [l.textContent.trim(), h.getAttribute('aria-label'), r.textContent.trim(),
                        h.getAttribute('aria-valuetext')]; })""", panel)
        wrong = [n for n in names if n[0] and (n[1] != n[0] or n[3] != n[2])]
        if wrong:
            failures.append(f"--- tab {title!r}: slider handles named/valued unlike their label/readout: "
                            f"{wrong[:6]}")
        controls = page.evaluate(MARK_CONTROLS_JS, panel)
        n_sliders = page.locator(f"{panel} .noUi-handle[role=slider]:visible").count()
        assert n_sliders >= 3 and len(controls) > n_sliders, (title, n_sliders, controls)
        reached = _tab_reaches(page, panel, len(controls))
        missed = [controls[i] for i in range(len(controls)) if i not in reached]
        if missed:
            failures.append(f"--- tab {title!r}: Tab does not reach {len(missed)} of {len(controls)} "
                            f"controls: {missed[:12]}")
    assert not failures, "\n".join(failures)
    H.assert_no_widget_errors(page, page.errors)
