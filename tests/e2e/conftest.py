"""Fixtures for the browser end-to-end suite (tests/e2e).

* ``browser_context``: one headless system chromium (persistent context) per session;
  the whole suite is skipped with a clear reason when /usr/bin/chromium or the playwright
  package is missing (playwright never downloads a browser here).
* ``voila_server`` (indirectly parametrisable: "minimal" / "explorer"), ``voila_minimal``,
  ``voila_explorer``: session-scoped standalone Voila servers, one per notebook, serving a
  temporary copy, started with ``stpexplorer.cli.voila_command`` and ``app_env`` (as
  ``stpexplorer app``).
* ``lab_server``: one session-scoped JupyterLab serving temporary copies of both notebooks.
* ``page``: a fresh tab with console/page-error collection (``page.errors``); a screenshot
  is saved to tests/e2e/artifacts/ when the test fails.
* ``fresh_voila``: factory for a private Voila server (kernel-count tests).

Markers ``e2e`` (added to every test here) and ``smoke`` are registered below.
"""
from __future__ import annotations

import contextlib
import os
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import e2e_harness as H  # noqa: E402

HERE = Path(__file__).resolve().parent


def _sigterm_to_keyboardinterrupt(signum, frame):
    # a killed run (CI timeout, `kill`) still tears fixtures down: servers, kernels, chromium
    raise KeyboardInterrupt(f"signal {signum}")


def pytest_configure(config):
    import signal
    import threading
    if threading.current_thread() is threading.main_thread():
        with contextlib.suppress(ValueError, OSError):
            if signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, None):
                signal.signal(signal.SIGTERM, _sigterm_to_keyboardinterrupt)
    config.addinivalue_line(
        "markers", "e2e: browser end-to-end test (system chromium + Voila/JupyterLab servers)")
    config.addinivalue_line(
        "markers", "smoke: fast smoke subset, replayed on Binder with `pytest -m smoke`")


@pytest.hookimpl(tryfirst=True)   # before `-m` deselection, so `-m e2e` sees the marker
def pytest_collection_modifyitems(config, items):
    ok, reason = H.chromium_available()
    for item in items:
        path = Path(str(item.fspath)).resolve()
        if HERE not in path.parents:
            continue
        item.add_marker(pytest.mark.e2e)
        if not ok:
            item.add_marker(pytest.mark.skip(reason=f"e2e suite skipped: {reason}"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)


# ----------------------------------------------------------------------------- browser

@pytest.fixture(scope="session")
def e2e_scratch(tmp_path_factory):
    return tmp_path_factory.mktemp("stpx-e2e")


@pytest.fixture(scope="session")
def browser_context(e2e_scratch):
    ok, reason = H.chromium_available()
    if not ok:
        pytest.skip(f"e2e suite skipped: {reason}")
    from playwright.sync_api import sync_playwright
    pw = sync_playwright().start()
    ctx = None
    try:
        ctx = H.launch_context(pw, str(e2e_scratch / "chromium-profile"))
        yield ctx
    finally:
        with contextlib.suppress(Exception):
            if ctx is not None:
                ctx.close()
        pw.stop()


def _safe_name(nodeid: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid.split("::", 1)[-1])[:120]


@pytest.fixture
def page(browser_context, request):
    pg = browser_context.new_page()
    pg.errors = H.PageErrors(pg)
    yield pg
    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.failed:
        H.ARTIFACTS.mkdir(parents=True, exist_ok=True)
        stem = H.ARTIFACTS / f"failure-{_safe_name(request.node.nodeid)}"
        with contextlib.suppress(Exception):
            pg.screenshot(path=f"{stem}.png", full_page=True)
        with contextlib.suppress(Exception):
            Path(f"{stem}.console.txt").write_text(pg.errors.report())
    H.close_page(pg)


# ----------------------------------------------------------------------------- servers

def _require_notebook(name: str) -> None:
    if name == "explorer":
        ok, reason = H.ui_importable()
        if not ok:
            pytest.skip(f"explorer panel tests skipped: {reason}")


@pytest.fixture(scope="session")
def _voila_servers(e2e_scratch):
    servers: dict[str, H.Server] = {}
    yield servers
    for srv in servers.values():
        srv.stop()


def _get_voila(servers, e2e_scratch, name: str) -> H.Server:
    pytest.importorskip("voila", reason="voila not installed in this environment")
    _require_notebook(name)
    if name not in servers:
        try:
            servers[name] = H.start_voila(H.NOTEBOOKS[name], e2e_scratch / f"voila-{name}")
        except RuntimeError as exc:
            pytest.fail(f"could not start Voila for {name}: {exc}")
    return servers[name]


@pytest.fixture(scope="session")
def get_voila(_voila_servers, e2e_scratch):
    """Session getter: ``get_voila("minimal"|"explorer")`` -> shared Voila server."""
    return lambda name: _get_voila(_voila_servers, e2e_scratch, name)


@pytest.fixture
def voila_server(request, _voila_servers, e2e_scratch):
    """Session-shared Voila server; parametrise indirectly with "minimal"/"explorer"."""
    return _get_voila(_voila_servers, e2e_scratch, getattr(request, "param", "minimal"))


@pytest.fixture
def voila_minimal(_voila_servers, e2e_scratch):
    return _get_voila(_voila_servers, e2e_scratch, "minimal")


@pytest.fixture
def voila_explorer(_voila_servers, e2e_scratch):
    return _get_voila(_voila_servers, e2e_scratch, "explorer")


@pytest.fixture(scope="session")
def _lab_holder(e2e_scratch):
    holder: dict[str, H.Server] = {}
    yield holder
    if "lab" in holder:
        holder["lab"].stop()


@pytest.fixture
def lab_server(_lab_holder, e2e_scratch):
    """One JupyterLab per session serving ``minimal.ipynb`` (and ``explorer.ipynb``)."""
    pytest.importorskip("jupyterlab", reason="jupyterlab not installed in this environment")
    if "lab" not in _lab_holder:
        try:
            _lab_holder["lab"] = H.start_lab(H.NOTEBOOKS, e2e_scratch / "lab")
        except RuntimeError as exc:
            pytest.fail(f"could not start JupyterLab: {exc}")
    return _lab_holder["lab"]


@pytest.fixture
def fresh_voila(e2e_scratch, request):
    """Factory: a private Voila server for one test (stopped at teardown)."""
    started: list[H.Server] = []

    def make(name: str) -> H.Server:
        pytest.importorskip("voila", reason="voila not installed in this environment")
        _require_notebook(name)
        srv = H.start_voila(H.NOTEBOOKS[name],
                            e2e_scratch / f"fresh-{name}-{len(started)}-{os.getpid()}")
        started.append(srv)
        return srv

    yield make
    for srv in started:
        srv.stop()
