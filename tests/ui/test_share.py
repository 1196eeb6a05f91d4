"""Sharing and export, headless (issue 14): the query string of a dashboard link
(:func:`stpexplorer.ui.app.share.parse_query`), ``Explorer.state()`` / ``Explorer(state=...)`` /
``Explorer.url()`` round trips, bad keys and values named with their ranges in the panel's
error area, ``lecture=1``, the Share button's link, the stamped SVG export (the browser's
answer simulated as bqplot's ``upload_svg`` message) and uploading the same JSON twice."""

from __future__ import annotations

import base64
import datetime
import re
import xml.etree.ElementTree as ET
from urllib.parse import parse_qsl, urlsplit

import pytest

from stpexplorer.experiments import EXPERIMENTS, dump_json
from stpexplorer.ui.parts.export import CHAR_PX, params_text, stamp_svg
from stpexplorer.ui.app.share import format_value, parse_query
from stpexplorer.ui.app.explorer import Explorer


@pytest.fixture(scope="module")
def explorer():
    return Explorer(warm=False)


# ---------------------------------------------------------------- the query string
def test_parse_query_values_tab_and_prefixed_panels():
    q = parse_query("?tab=stdp&A_plus=0.02&stp.U=0.3&stp.tau_d=400&token=abc&lecture=1")
    assert q.tab == "stdp" and q.lecture is True and q.errors == {}
    assert q.values == {"stdp": {"A_plus": 0.02}, "stp": {"U": 0.3, "tau_d": 400.0}}
    assert isinstance(q.values["stp"]["tau_d"], float)
    # bare names belong to the first tab when the link names none
    assert parse_query("U=0.25").values == {next(iter(EXPERIMENTS)): {"U": 0.25}}
    assert parse_query("lecture=0").lecture is False


def test_parse_query_bad_keys_and_values_name_the_range():
    q = parse_query("tab=stp&U=2&tau_d=-5&nope=1&lecture=maybe&zz.U=0.1&tau_f=100")
    assert q.values == {"stp": {"tau_f": 100.0}}  # the good one is kept
    msgs = " | ".join(q.errors["stp"])
    assert "U must be in (0, 1], got '2'" in msgs
    assert "tau_d must be in [0, inf) ms (0 = off), got '-5'" in msgs
    assert "unknown parameter 'nope' for stp; valid parameters: U" in msgs
    assert "lecture must be 1 (on) or 0 (off), got 'maybe'" in msgs
    assert "unknown panel 'zz'" in msgs
    bad_tab = parse_query("tab=nowhere")
    assert bad_tab.tab is None
    assert bad_tab.errors[next(iter(EXPERIMENTS))] == [
        f"tab must be one of {', '.join(EXPERIMENTS)}, got 'nowhere'"]


def test_format_value_reads_back_exactly():
    for v in (0.3, 400.0, 0.1 + 0.2, 1e-5, 7, "tied to U"):
        s = format_value(v)
        assert (float(s) == v) if not isinstance(v, str) else s == v
    assert format_value(400.0) == "400" and format_value(0.3) == "0.3"


# ---------------------------------------------------------------- Explorer state
def test_state_round_trip_and_url(explorer):
    e = explorer
    e.apply_state({"tab": "stp", "lecture": False})
    e.panels["stp"].set_values(U=0.3, tau_d=400.0)
    e.panels["stdp"].set_values(A_plus=0.02)
    st = e.state()
    assert st == {"tab": "stp", "stp": {"U": 0.3, "tau_d": 400.0}, "stdp": {"A_plus": 0.02}}
    full = e.state(full=True)
    assert set(full) == {"tab", *EXPERIMENTS}
    assert full["stp"]["tau_f"] == EXPERIMENTS["stp"].defaults()["tau_f"]
    url = e.url("http://host:8866/?token=x")
    parts = urlsplit(url)
    assert parts.path == "/" and "token" not in parts.query
    assert dict(parse_qsl(parts.query)) == {"tab": "stp", "U": "0.3", "tau_d": "400", "stdp.A_plus": "0.02"}
    # the state and the link build the same Explorer
    for src in (st, url[url.index("?"):]):
        e2 = Explorer(warm=False, state=src, url=False)
        assert e2.state() == st
        assert e2.panels["stp"].values["U"] == 0.3 and e2.panels["stp"].values["tau_d"] == 400.0
        assert e2.panels["stdp"].control_values()["A_plus"] == 0.02


def test_bad_link_shows_error_and_rest_works(explorer):
    e = explorer
    p = e.panels["stp"]
    runs = p.n_runs
    errors = e.apply_state("?tab=stp&U=0.45&tau_d=-5&bogus=2&lecture=1")
    assert e.lecture is True and e.tab == "stp"
    assert p.values["U"] == 0.45 and p.n_runs == runs + 1  # the good value ran
    assert "tau_d must be in [0, inf) ms (0 = off), got '-5'" in p.error_text
    assert "unknown parameter 'bogus'" in p.error_text and errors["stp"]
    p.set_values(U=0.5)  # the panel still works: the next good run clears the message
    assert p.error_text == "" and p.values["U"] == 0.5
    e.apply_state("?tab=stdp&lecture=0")
    assert e.lecture is False and e.tab == "stdp" and e.selected_index == list(EXPERIMENTS).index("stdp")


def test_share_button_shows_the_link(explorer):
    e = explorer
    e.apply_state({"tab": "stp"})
    p = e.panels["stp"]
    p.set_values(U=0.35)
    assert "stpx-share" in e.sharing.buttons["stp"]._dom_classes
    e.sharing.buttons["stp"].click()
    assert e.share_link == e.url() and "U=0.35" in e.share_link
    box = e.sharing.boxes["stp"].value
    assert "class='stpx-share-link'" in box and "readonly" in box
    assert "U=0.35" in re.search(r"value='([^']*)'", box).group(1)
    assert "add it to the dashboard&#x27;s address" in box  # outside Voila: a query, said so
    e.share_base = "https://example.org/voila/render/explorer.ipynb"
    e.sharing.buttons["stp"].click()
    assert e.share_link == e.url(e.share_base) and e.share_link.startswith(e.share_base + "?tab=stp")
    assert "Link to this view" in e.sharing.boxes["stp"].value


# ---------------------------------------------------------------- export
_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="400" height="200" style="background: rgba(0, 0, 0, 0);">'
        '<style>text { fill: red; }</style><g><path d="M0,0L10,10"/></g></svg>')


def test_stamp_svg_adds_title_and_parameters():
    out = stamp_svg(_SVG, "STP — traces", "U=0.50, τd=800.0 ms, " + "x=1, " * 60)
    root = ET.fromstring(out)
    h = float(root.get("height"))
    lines = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert lines[0] == "STP — traces" and "τd=800.0 ms" in lines[1]
    assert len(lines) >= 3  # the long parameter line is wrapped to the 400 px width
    assert all(len(t) * CHAR_PX <= 400 - 16 for t in lines[1:])  # each line fits the width
    band = 16 * len(lines) + 10
    assert h == 200 + band and root.get("width") == "400"
    g = [k for k in root if k.get("transform")]
    assert g[0].get("transform") == f"translate(0,{band})"  # the plot sits under the band
    assert out.count("<path") == 1
    with pytest.raises(ValueError, match="not an SVG"):
        stamp_svg("<html></html>", "t", "p")


def test_export_buttons_stamp_the_browsers_svg(explorer):
    p = explorer.panels["stp"]
    p.set_values(U=0.5, tau_d=800.0)
    assert {"traces", "ratio", "rate"} <= set(p.exports)
    ex = p.exports["traces"]
    assert "stpx-export-png" in ex.png._dom_classes and "stpx-export-svg" in ex.svg._dom_classes
    boxes = list({id(b): b for b in _walk(p) if ex.figure in getattr(b, "children", ())}.values())
    assert len(boxes) == 1 and ex.row in boxes[0].children  # the row sits under its figure
    for kind, button in (("svg", ex.svg), ("png", ex.png)):
        button.click()
        # the browser's answer (bqplot's upload_svg custom message)
        ex.figure._handle_custom_msgs(None, {"event": "upload_svg"}, [_SVG.encode()])
        html_ = ex.link.value
        assert f"download='stp-traces.{kind}'" in html_
        b64 = re.search(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", html_).group(1)
        svg = base64.b64decode(b64).decode()
        assert f"{EXPERIMENTS['stp'].title} — {ex.figure.title}" in svg
        assert "U=0.50" in svg and "τd=800.0 ms" in svg
    assert params_text(p).startswith("U=0.50")


def _walk(w):
    yield w
    for k in list(getattr(w, "children", ()) or ()) + list(getattr(w, "pages", ()) or ()):
        yield from _walk(k)


# ---------------------------------------------------------------- files
def test_upload_same_json_twice_reapplies(explorer):
    p = explorer.panels["stp"]
    text = dump_json(p.experiment, {**p.experiment.defaults(), "U": 0.2})
    up = {"name": "p.json", "type": "application/json", "size": len(text),
          "content": memoryview(text.encode()),
          "last_modified": datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)}
    p.files.upload.value = (up,)
    assert p.values["U"] == 0.2
    p.set_values(U=0.6)
    p.files.upload.value = (dict(up),)  # the same file chosen again
    assert p.values["U"] == 0.2 and p.files.upload.value == ()
    assert p.files.upload.tooltip and p.files.upload.tooltip != "null"


# ---------------------------------------------------------------- the page's query in Voila
def test_voila_kernel_started_for_the_page_reads_query_string(monkeypatch):
    monkeypatch.setenv("VOILA_KERNEL_ID", "k1")
    monkeypatch.setenv("VOILA_PREHEAT", "False")
    monkeypatch.setenv("QUERY_STRING", "tab=stdp&A_plus=0.02&lecture=1&token=t")
    e = Explorer(warm=False)
    assert e.tab == "stdp" and e.lecture is True
    assert e.panels["stdp"].control_values()["A_plus"] == 0.02
    assert Explorer(warm=False, url=False).tab == next(iter(EXPERIMENTS))  # url=False: not read


def test_preheated_kernel_waits_for_the_page_in_a_thread(monkeypatch):
    import threading

    import voila.utils

    asked = threading.Event()

    def fake_query(url=None):
        asked.set()
        return "tab=stdp&tau_minus=-5"

    monkeypatch.setenv("VOILA_KERNEL_ID", "k2")
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.setattr(voila.utils, "get_query_string", fake_query)
    e = Explorer(warm=False)
    assert asked.wait(10)
    for t in threading.enumerate():
        if t.name == "stpx-url":
            t.join(30)  # outside a kernel the thread applies the query itself
    assert e.tab == "stdp"
    assert "tau_minus must be in (0, inf) ms, got '-5'" in e.panels["stdp"].error_text
