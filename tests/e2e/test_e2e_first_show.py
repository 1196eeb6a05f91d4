"""Every tab is right the first time it is shown, and no figure is laid out while hidden
(issue 9, part 3).

Widget messages are sent from the kernel's main thread only: hidden tabs are compiled in
the background but plotted (and put into the page) when first selected. Check, in Voila:

* on its first showing each tab draws exactly what a fresh simulation at the same values
  draws (an integer slider moved one step and back re-runs the panel: the paths must be
  identical to those shown first);
* the browser console has no SVG attribute errors (negative width/height,
  ``translate(...,undefined)``, NaN in a path) from figures laid out in hidden tabs.
"""
from __future__ import annotations

import e2e_harness as H

TITLES = list(H.TABS)
#: per panel, its first integer control of the registry: a slider that changes the plot
#: (one step right, then back left)
STEP_SLIDER = {key: next((c.name for c in exp.controls if c.kind == "int"), None)
               for key, exp in H.EXPERIMENTS.items()}


def test_tabs_are_right_on_first_showing_without_svg_errors(page, get_voila):
    server = get_voila("explorer")
    H.open_voila(page, server, H.panel_sel("stp"), timeout=180_000)
    for title in TITLES:
        key = H.TABS[title]
        panel = H.panel_sel(key)
        H.click_tab(page, title)
        H.wait_widgets(page, panel, timeout=120_000)
        first = H.wait_stable(page, panel, quiet_ms=600)
        assert all(d for d in first), f"{key}: an empty path on first showing"
        name = STEP_SLIDER.get(key)
        if name is None or name not in H.slider_names(page, panel):
            continue  # a tab without an integer control: checked for drawn paths and SVG errors only
        H.focus_slider(page, panel, name)
        old = H.readout(page, panel, name)
        page.keyboard.press("ArrowRight")
        assert H.wait_readout_change(page, panel, name, old, timeout=10_000)
        H.wait_any_path_change(page, panel, first, timeout=20_000)
        moved_paths = H.wait_stable(page, panel, quiet_ms=600)
        moved = H.readout(page, panel, name)
        page.keyboard.press("ArrowLeft")
        assert H.wait_readout_change(page, panel, name, moved, timeout=10_000)
        H.wait_any_path_change(page, panel, moved_paths, timeout=20_000)
        again = H.wait_stable(page, panel, quiet_ms=600)
        assert again == first, (f"{key}: the first showing differs from a fresh simulation at the "
                                f"same values ({sum(a != b for a, b in zip(again, first))} of "
                                f"{len(first)} paths)")
        assert H.error_text(page, panel) == ""
    bad = page.errors.svg_errors()
    assert not bad, f"{len(bad)} SVG errors in the console, e.g.\n" + "\n".join(bad[:10])
    H.assert_no_widget_errors(page, page.errors)
