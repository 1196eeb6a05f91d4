"""The dashboard never writes or reads the server's files for a visitor (issue 9, part 1).

The attack that took the dashboard down: type ``explorer.ipynb`` into the File box of the
STP tab and press Save JSON. In Voila there is no File box any more; Save JSON and Export
CSV give the visitor downloads, parameters come back through Upload JSON, the served
notebook and its folder stay byte for byte as they were, and the next visitor's page
still renders.
"""
from __future__ import annotations

import json
import os

import pytest

import e2e_harness as H

ATTACK = "/tmp/stpx-e2e-attack.json"


def _folder_state(folder):
    return sorted((str(p.relative_to(folder)), p.stat().st_size, p.stat().st_mtime_ns)
                  for p in folder.rglob("*") if ".ipynb_checkpoints" not in p.parts)


def _download(page, link_sel: str, tmp_path):
    link = page.locator(link_sel)
    link.wait_for(state="visible", timeout=30_000)
    with page.expect_download(timeout=30_000) as info:
        link.click()
    dl = info.value
    target = tmp_path / dl.suggested_filename
    dl.save_as(str(target))
    return dl.suggested_filename, target.read_text(encoding="utf-8")


def test_dashboard_files_go_through_the_browser(page, fresh_voila, tmp_path):
    if os.path.exists(ATTACK):
        os.remove(ATTACK)
    server = fresh_voila("explorer")
    folder = server.cwd
    notebook = folder / "explorer.ipynb"
    nb_bytes = notebook.read_bytes()
    before = _folder_state(folder)
    stp = H.panel_sel("stp")
    H.open_voila(page, server, stp, timeout=180_000)

    files = f"{stp} .stpx-files"
    page.locator(files).wait_for(state="visible")
    # no box for a server path, no button that reads one
    assert page.locator(f"{stp} .stpx-file-name").count() == 0
    labels = [t.strip() for t in page.locator(f"{files} button").all_inner_texts()]
    assert "Load JSON" not in labels and "Save JSON" in labels, labels
    assert page.locator(f"{stp} input[type=text]").count() == 0

    # Save JSON -> a download of the current parameters
    page.locator(f"{stp} .stpx-save-json").click()
    name, text = _download(page, f"{stp} .stpx-download a", tmp_path)
    doc = json.loads(text)
    assert name == "stp-parameters.json" and doc["panel"] == "stp" and "U" in doc["values"]

    # Export CSV -> a download of the traces
    page.locator(f"{stp} .stpx-export-csv").click()
    page.locator(f"{stp} .stpx-download a", has_text="stp-traces.csv").wait_for(state="visible")
    name, text = _download(page, f"{stp} .stpx-download a", tmp_path)
    assert name == "stp-traces.csv" and text.splitlines()[0].startswith("t_ms")

    # Upload JSON applies a file from the visitor's computer (twice: the same file again works)
    doc["values"]["U"] = 0.35
    upload = tmp_path / "mine.json"
    upload.write_text(json.dumps(doc), encoding="utf-8")
    button = page.locator(f"{stp} .stpx-upload").first
    for _ in range(2):
        old = H.readout(page, stp, "U")
        with page.expect_file_chooser(timeout=30_000) as chooser:
            button.click()
        chooser.value.set_files(str(upload))
        # one pick, applied: no retry. The browser's FileUpload model sends a pick only if
        # it differs from the value it holds, so the kernel clears that value (the button
        # reads "(0)") before it applies the file: by the time the new values show, the
        # same file picked again is a change and reaches the kernel (it used to be cleared
        # after the simulation, and a quick second pick was dropped about one run in three).
        assert H.wait_readout_change(page, stp, "U", old, timeout=30_000), "upload not applied"
        assert button.inner_text().strip().endswith("(0)"), button.inner_text()
        assert float(H.readout(page, stp, "U")) == pytest.approx(0.35)
        # move U away so that the second upload of the same file has something to change
        H.focus_slider(page, stp, "U")
        before_move = H.readout(page, stp, "U")
        page.keyboard.press("PageUp")
        assert H.wait_readout_change(page, stp, "U", before_move, timeout=10_000)
    assert H.error_text(page, stp) == ""
    H.assert_no_widget_errors(page)

    # nothing was written next to the served notebook, nor anywhere else we can see
    assert notebook.read_bytes() == nb_bytes
    assert _folder_state(folder) == before
    assert not os.path.exists(ATTACK)

    # the next visitor still gets the dashboard
    nxt = page.context.new_page()
    nxt.errors = H.PageErrors(nxt)
    try:
        H.open_voila(nxt, server, stp, timeout=180_000)
        H.assert_no_widget_errors(nxt)
    finally:
        H.close_page(nxt)
