"""Which files a panel may touch: plain names in the user's own kernel, nothing on a
served dashboard (stpexplorer.ui.parts.file_access, the panels' file row)."""

from __future__ import annotations

import datetime
import json
import os

import pytest

from stpexplorer.ui.parts.file_access import LocalFiles, check_file_name, file_access, served

VOILA_KERNEL = {"VOILA_BASE_URL": "/", "VOILA_SERVER_URL": "/", "VOILA_PREHEAT": "False",
                "SERVER_SOFTWARE": "voila/0.5.8", "QUERY_STRING": ""}
VOILA_PREHEATED = {"VOILA_BASE_URL": "/", "VOILA_SERVER_URL": "/", "VOILA_APP_PORT": "8866",
                   "VOILA_PREHEAT": "True"}


# ------------------------------------------------------------------------- path rules

@pytest.mark.parametrize("name, expected", [
    ("stp-parameters.json", "stp-parameters.json"),
    ("my run", "my run.json"),
    ("Run 2.JSON", "Run 2.JSON"),
    ("a.b.json", "a.b.json"),
])
def test_plain_names_are_accepted(name, expected):
    assert check_file_name(name, ".json") == expected


@pytest.mark.parametrize("name, match", [
    ("explorer.ipynb", r"must end in \.json"),
    ("x.py", r"must end in \.json"),
    ("../x.json", "without folders"),
    ("..", r"must not contain '\.\.'"),
    ("a..json", r"must not contain '\.\.'"),
    ("/tmp/x.json", "without folders"),
    ("sub/x.json", "without folders"),
    ("sub\\x.json", "without folders"),
    ("C:x.json", "without folders"),
    (".bashrc", "must not start with '.'"),
    ("", "file name is empty"),
    ("   ", "file name is empty"),
    ("x\x00.json", "control characters"),
    ("a\nb.json", "control characters"),
    (" x.json", "spaces"),
    ("x" * 200 + ".json", "at most 128 characters"),
    (None, "must be text"),
])
def test_unsafe_names_are_refused(name, match):
    with pytest.raises(ValueError, match=match):
        check_file_name(name, ".json")


def test_csv_suffix():
    assert check_file_name("traces", ".csv") == "traces.csv"
    with pytest.raises(ValueError, match=r"must end in \.csv"):
        check_file_name("traces.json", ".csv")


# ------------------------------------------------------------------------- served or not

@pytest.mark.parametrize("env, expected", [
    ({}, False),
    ({"HOME": "/root", "JPY_SESSION_NAME": "x"}, False),
    (VOILA_KERNEL, True),
    (VOILA_PREHEATED, True),
    ({"SERVER_SOFTWARE": "voila/0.5.8"}, True),
    ({"STPX_FILES": "browser"}, True),
    ({"STPX_FILES": "local"}, False),
])
def test_served_kernels_are_recognised(env, expected):
    assert served(env) is expected
    assert file_access("auto", env) == ("browser" if expected else "local")


def test_a_served_kernel_never_gets_local_files():
    with pytest.warns(UserWarning, match="ignored"):
        assert file_access("local", VOILA_KERNEL) == "browser"
    assert file_access("browser", {}) == "browser"
    with pytest.raises(ValueError, match="files must be one of"):
        file_access("server", {})


def test_cli_app_kernels_are_served():
    from stpexplorer import cli

    assert served(cli.app_env("tok", base={}))
    assert not served(cli.server_env("tok", base={}))


# ------------------------------------------------------------------------- LocalFiles

def test_local_files_never_replace_a_foreign_file(tmp_path):
    (tmp_path / "mine.json").write_text("precious")
    files = LocalFiles(tmp_path)
    with pytest.raises(FileExistsError, match="already exists"):
        files.write("mine.json", "{}", ".json")
    assert (tmp_path / "mine.json").read_text() == "precious"
    files.write("mine.json", "{}", ".json", overwrite=True)
    assert (tmp_path / "mine.json").read_text() == "{}"
    # a file this process wrote may be replaced without asking
    files.write("new", "1", ".json")
    files.write("new", "2", ".json")
    assert (tmp_path / "new.json").read_text() == "2"
    assert files.read("new", ".json") == "2"


def test_local_files_do_not_follow_links(tmp_path):
    outside = tmp_path / "outside.json"
    outside.write_text("secret")
    work = tmp_path / "work"
    work.mkdir()
    os.symlink(outside, work / "link.json")
    files = LocalFiles(work)
    with pytest.raises(ValueError, match="symbolic link"):
        files.write("link.json", "{}", ".json", overwrite=True)
    with pytest.raises(ValueError, match="no file link.json"):
        files.read("link.json", ".json")
    assert outside.read_text() == "secret"


# ------------------------------------------------------------------------- panels

W = pytest.importorskip("ipywidgets")
from stpexplorer.experiments import EXPERIMENTS, dump_json  # noqa: E402
from stpexplorer.ui import Explorer, STPPanel  # noqa: E402


def _listing(folder):
    return sorted((p.name, p.stat().st_size) for p in folder.rglob("*"))


@pytest.mark.parametrize("name", ["explorer.ipynb", "../escape.json", "/tmp/stpx-attack.json",
                                  "sub/x.json", "..", ""])
def test_file_box_refuses_paths_and_notebooks(tmp_path, monkeypatch, name):
    work = tmp_path / "work"
    work.mkdir()
    (work / "explorer.ipynb").write_text('{"cells": []}')
    monkeypatch.chdir(work)
    p = STPPanel(files="local")
    before, vals = _listing(tmp_path), dict(p.values)
    p.files.name.value = name
    for button in (p.files.save_button, p.files.csv_button, p.files.load_button):
        p.error = ""
        button.click()
        assert p.error, f"{button.description} accepted {name!r}"
    assert _listing(tmp_path) == before and p.values == vals
    assert not os.path.exists("/tmp/stpx-attack.json")


def test_file_box_saves_loads_and_asks_before_replacing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "theirs.json").write_text("not ours")
    p = STPPanel(files="local")
    p.set_values(U=0.3)
    p.files.name.value = "run1"
    p.files.save_button.click()
    assert not p.error and json.loads((tmp_path / "run1.json").read_text())["values"]["U"] == 0.3
    assert "download" in p.files.download.value
    p.files.csv_button.click()
    assert (tmp_path / "run1.csv").read_text().startswith("t_ms")
    p.set_values(U=0.6)
    p.files.load_button.click()
    assert p.values["U"] == 0.3
    # someone else's file: the first press asks, the second replaces
    p.files.name.value = "theirs.json"
    p.files.save_button.click()
    assert "press Save JSON again" in p.error and (tmp_path / "theirs.json").read_text() == "not ours"
    p.files.save_button.click()
    assert json.loads((tmp_path / "theirs.json").read_text())["panel"] == "stp"


def test_served_panel_has_no_file_box_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "explorer.ipynb").write_text('{"cells": []}')
    monkeypatch.setenv("VOILA_BASE_URL", "/")
    ex = Explorer(warm=False)
    before = _listing(tmp_path)
    for p in ex.panels.values():
        assert p.files.mode == "browser" and p.files.name is None and p.files.load_button is None
        with pytest.raises(PermissionError, match="served"):
            p.save_json("explorer.ipynb")
        with pytest.raises(PermissionError, match="served"):
            p.load_json("/etc/passwd")
        with pytest.raises(PermissionError, match="served"):
            p.export_csv("/tmp/stpx-attack.csv")
    p = ex.panels["stp"]
    p.files.save_button.click()
    link = p.files.download.value
    assert "download='stp-parameters.json'" in link and "data:application/json;base64," in link
    p.files.csv_button.click()
    assert "stp-traces.csv" in p.files.download.value
    assert _listing(tmp_path) == before
    assert not os.path.exists("/tmp/stpx-attack.csv")


def test_upload_applies_and_the_same_file_again_reapplies():
    p = STPPanel(files="browser")
    exp = EXPERIMENTS["stp"]
    text = dump_json(exp, {**exp.defaults(), "U": 0.35})
    up = {"name": "p.json", "type": "application/json", "size": len(text),
          "content": memoryview(text.encode()), "last_modified": datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)}
    p.files.upload.value = (up,)
    assert p.values["U"] == 0.35 and p.files.upload.value == ()
    p.set_values(U=0.5)
    p.files.upload.value = (up,)
    assert p.values["U"] == 0.35
    runs = p.n_runs
    p.files.upload.value = ({**up, "content": memoryview(b"\xff\xfe")},)
    assert "not a UTF-8 text file" in p.error and p.n_runs == runs and p.values["U"] == 0.35


def test_upload_is_forgotten_before_the_file_is_applied():
    """The browser drops a pick equal to the value it holds: the reset to () must be sent
    before the file's values (and its simulation), not after them."""
    p = STPPanel(files="browser")
    exp = EXPERIMENTS["stp"]
    text = dump_json(exp, {**exp.defaults(), "U": 0.35})
    up = {"name": "p.json", "type": "application/json", "size": len(text),
          "content": memoryview(text.encode()), "last_modified": datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)}
    seen = []
    load = p.files._load_text
    p.files._load_text = lambda t, source: (seen.append(p.files.upload.value), load(t, source))[1]
    p.files.upload.value = (up,)
    assert seen == [()] and p.values["U"] == 0.35
    p.files.upload.value = ({**up, "content": memoryview(b"\xff\xfe")},)
    assert p.files.upload.value == () and "not a UTF-8 text file" in p.error
