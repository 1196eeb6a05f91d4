"""Browser end-to-end harness shared by the e2e tests (conftest.py) and bench_latency.py.

Everything here is plain functions/classes with no pytest dependency, so the latency
benchmark can reuse it as a script.  DOM hooks follow docs/ui_contract.md.

Servers are started on 127.0.0.1 on free ports, in their own process group, with their
own JUPYTER_* runtime/config dirs, serving a *temporary copy* of the notebook (so autosave
never touches the repository), and are always stopped (process group + any leftover
kernel processes that descend from them).
"""
from __future__ import annotations

import atexit
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
if str(REPO) not in sys.path:          # stpexplorer importable without installation
    sys.path.append(str(REPO))
from stpexplorer import cli
from stpexplorer.experiments import EXPERIMENTS

FIXTURES = HERE / "fixtures"
ARTIFACTS = HERE / "artifacts"
SCREENSHOTS = REPO / "docs" / "screenshots"
MINIMAL_NB = FIXTURES / "minimal.ipynb"
EXPLORER_NB = REPO / "notebooks" / "explorer.ipynb"
NOTEBOOKS = {"minimal": MINIMAL_NB, "explorer": EXPLORER_NB}

CHROMIUM = os.environ.get("STPX_E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

# Idle-kernel culling timings for the test servers (passed to stpexplorer.cli builders,
# or used in the fallback command lines).
CULL_IDLE_TIMEOUT = 20
CULL_INTERVAL = 5

# Tab titles of the Explorer, in order, and the panel key each one holds: the registry's.
TABS = {exp.title: key for key, exp in EXPERIMENTS.items()}
TITLE_OF = {key: exp.title for key, exp in EXPERIMENTS.items()}

# Console/page messages that are known to be harmless.  Anything else that is an uncaught
# page error, or any console message mentioning "Error displaying widget", fails a test.
HARMLESS_PATTERNS = [
    re.compile(p, re.IGNORECASE) for p in (
        r"version mismatch",                     # widget package semver warnings (Voila/Lab)
        r"does not match the .*(version|semver)",
        r"Failed to load resource: .*(404|favicon)",
        r"favicon\.ico",
        r"\bDevTools\b",
        r"Download the React DevTools",
        r"ResizeObserver loop",
        r"net::ERR_NAME_NOT_RESOLVED",           # CDN fallbacks: the test machine is offline
        r"Unsatisfied version .* of shared singleton module",   # webpack federation notice
        r"No satisfying version .* of shared module",                  # benign Chromium layout notification
        r"Could not load (translation|language pack)",
        r"@jupyterlab/.*(settings|schema).*(validation|is not|deprecat)",
        r"Failed to fetch ipywidgets through the \"jupyter.widget.control\" comm channel",
    )
]
WIDGET_ERROR_TEXT = "Error displaying widget"
#: SVG attribute errors: a figure laid out without a size (hidden) or a path/label at NaN
SVG_ERROR = re.compile(r"(<(svg|g|rect|path|line|text|circle|image|clipPath)> attribute|"
                       r"negative value is not valid|translate\([^)]*undefined)", re.IGNORECASE)


# ----------------------------------------------------------------------------- utilities

def chromium_available() -> tuple[bool, str]:
    """(ok, reason): whether the e2e suite can run at all."""
    try:
        import playwright.sync_api  # noqa: F401
    except Exception as exc:  # pragma: no cover - environment dependent
        return False, f"playwright python package not importable ({exc})"
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return False, (f"{CHROMIUM} missing: install the system chromium "
                       "(apt-get install -y chromium); playwright must not download its own")
    return True, ""


def free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def copy_notebook(src: Path, root: Path, name: str | None = None) -> Path:
    """Copy a notebook into a scratch root dir (servers serve that, never the repo)."""
    root.mkdir(parents=True, exist_ok=True)
    dst = root / (name or src.name)
    shutil.copy2(src, dst)
    return dst


def ui_importable() -> tuple[bool, str]:
    try:
        import stpexplorer.ui  # noqa: F401
    except Exception as exc:
        return False, f"stpexplorer.ui not importable yet ({type(exc).__name__}: {exc})"
    if not EXPLORER_NB.exists():
        return False, f"{EXPLORER_NB.relative_to(REPO)} does not exist yet"
    return True, ""


def _set_opts(cmd: list[str], **opts) -> list[str]:
    """Set ``--Class.trait=value`` options, replacing an existing occurrence (traitlets
    refuses a trait given twice on the command line)."""
    cmd = list(cmd)
    for key, value in opts.items():
        key = key.replace("__", ".")
        flag = f"--{key}={value}"
        idx = [i for i, c in enumerate(cmd) if c.startswith(f"--{key}=")]
        if idx:
            cmd[idx[0]] = flag
            for i in reversed(idx[1:]):
                del cmd[i]
        else:
            cmd.append(flag)
    return cmd


def voila_cmd(nb: Path, port: int, token: str) -> tuple[list[str], str]:
    """``stpexplorer.cli.voila_command`` (the argv of ``stpexplorer app``) on our port, with
    the harness's short culling timings and tracebacks shown; (argv, source)."""
    cmd = cli.voila_command(nb, port, "127.0.0.1", open_browser=False,
                            cull_idle_timeout=CULL_IDLE_TIMEOUT, cull_interval=CULL_INTERVAL)
    cmd = _set_opts(cmd, VoilaConfiguration__show_tracebacks=True)
    return cmd, "stpexplorer.cli.voila_command"


def lab_cmd(nb: Path, port: int, token: str, settings_dir: Path, workspaces_dir: Path
            ) -> tuple[list[str], str]:
    """``stpexplorer.cli.lab_command`` (the argv of ``stpexplorer lab``) serving ``nb.parent``,
    plus test-only settings: no news/update checks, app exposed as ``window.jupyterapp``,
    scratch settings/workspaces dirs, idle kernels culled; (argv, source)."""
    cmd = cli.lab_command(nb, port, "127.0.0.1", open_browser=False, allow_root=True)
    cmd = _set_opts(
        cmd, MappingKernelManager__cull_idle_timeout=CULL_IDLE_TIMEOUT * 20,
        MappingKernelManager__cull_interval=CULL_INTERVAL,
        LabApp__extension_manager="readonly", LabApp__news_url="None",
        LabApp__check_for_updates_class="jupyterlab.handlers.announcements.NeverCheckForUpdate",
        LabApp__expose_app_in_browser=True, LabApp__user_settings_dir=settings_dir,
        LabApp__workspaces_dir=workspaces_dir)
    return cmd, "stpexplorer.cli.lab_command"


# ----------------------------------------------------------------------------- servers

_RUNNING: list[Server] = []


def stop_all_servers() -> None:
    """Stop every server this process started (atexit / SIGTERM safety net)."""
    for srv in _RUNNING:
        with contextlib.suppress(Exception):
            srv.stop()


atexit.register(stop_all_servers)


class Server:
    """A Jupyter/Voila server in its own process group; ``stop()`` always cleans up."""

    def __init__(self, kind: str, cmd: list[str], scratch: Path, port: int, token: str,
                 page_path: str, source: str, cwd: Path | None = None, make_env=None):
        self.make_env = make_env or cli.server_env  # cli.app_env for Voila, as `stpexplorer app`
        self.kind, self.cmd, self.scratch, self.port, self.token = kind, cmd, scratch, port, token
        self.page_path, self.source = page_path, source
        self.cwd = cwd or scratch       # the stpexplorer.cli builders expect cwd = nb dir
        self.base = f"http://127.0.0.1:{port}"
        self.proc: subprocess.Popen | None = None
        self.log_path = scratch / f"{kind}-server.log"
        self._kernel_pids_seen: set[int] = set()

    # -- lifecycle
    def start(self, timeout: float = 90.0) -> Server:
        env = dict(os.environ)
        for var, sub in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_RUNTIME_DIR", "runtime"),
                         ("IPYTHONDIR", "ipython"), ("JUPYTER_DATA_DIR", "data")):
            d = self.scratch / sub
            d.mkdir(parents=True, exist_ok=True)
            env[var] = str(d)
        env["JUPYTER_PLATFORM_DIRS"] = "1"
        env.setdefault("JAX_PLATFORMS", "cpu")
        env.setdefault("STPX_JAX_CACHE", str(self.scratch / "jax-cache"))  # a first visit: empty cache
        env["PYTHONPATH"] = os.pathsep.join(
            [str(REPO)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
        env = self.make_env(self.token or None, env)  # JUPYTER_TOKEN (and STPX_FILES for Voila)
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(self.cmd, cwd=str(self.cwd), env=env,
                                     stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        _RUNNING.append(self)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.kind} server exited rc={self.proc.returncode}:\n"
                                   f"{' '.join(self.cmd)}\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url("/api/status" if self.kind == "lab"
                                                     else "/voila/static/"), timeout=2):
                    return self
            except urllib.error.HTTPError:
                return self       # the server answers: good enough
            except Exception:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"{self.kind} server not up in {timeout}s\n{self.log_tail()}")

    def stop(self) -> None:
        if self.proc is None:
            return
        descendants = []
        try:
            import psutil
            descendants = psutil.Process(self.proc.pid).children(recursive=True)
        except Exception:
            pass
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)   # graceful: shuts kernels down
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        # kernels run in their own sessions: kill any that descend from *our* server
        for child in descendants:
            with contextlib.suppress(Exception):
                if child.is_running():
                    child.kill()
        for pid in self._kernel_pids_seen:
            with contextlib.suppress(Exception):
                import psutil
                p = psutil.Process(pid)
                if p.is_running() and "ipykernel" in " ".join(p.cmdline()):
                    p.kill()
        with contextlib.suppress(Exception):
            self._log.close()
        self.proc = None
        with contextlib.suppress(ValueError):
            _RUNNING.remove(self)

    def log_tail(self, n: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-n:]
        except OSError:
            return ""

    # -- urls
    def url(self, path: str = "") -> str:
        path = path or self.page_path
        sep = "&" if "?" in path else "?"
        return f"{self.base}{path}{sep}token={self.token}" if self.token else f"{self.base}{path}"

    # -- kernels
    def kernel_count(self) -> int:
        """Running kernels: Jupyter REST ``/api/kernels?token=...`` when the server has it
        (JupyterLab / Voila as a server extension); standalone Voila does not expose the
        listing, so there we count the server's ``ipykernel`` child processes."""
        try:
            with urllib.request.urlopen(f"{self.base}/api/kernels?token={self.token}",
                                        timeout=5) as r:
                body = json.loads(r.read().decode())
                if isinstance(body, list):
                    return len(body)
        except Exception:
            pass
        return len(self.kernel_pids())

    def kernel_pids(self) -> list[int]:
        import psutil
        pids = []
        if self.proc is None:
            return pids
        try:
            for child in psutil.Process(self.proc.pid).children(recursive=True):
                with contextlib.suppress(psutil.Error):
                    if "ipykernel" in " ".join(child.cmdline()):
                        pids.append(child.pid)
        except psutil.Error:
            pass
        self._kernel_pids_seen.update(pids)
        return pids


def start_voila(nb_src: Path, scratch: Path) -> Server:
    scratch.mkdir(parents=True, exist_ok=True)
    nb = copy_notebook(nb_src, scratch / "nb")
    port, token = free_port(), uuid.uuid4().hex
    cmd, source = voila_cmd(nb, port, token)
    return Server("voila", cmd, scratch, port, token, "/", source, cwd=nb.parent, make_env=cli.app_env).start()


def _lab_settings(settings_dir: Path) -> None:
    """No news/update pop-ups, no autosave, no 'kernel' dialogs in the tests."""
    files = {
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
            {"fetchNews": "false", "checkForUpdates": False, "doNotDisturbMode": True},
        "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings":
            {"autosave": False},
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings":
            {"windowingMode": "none"},
    }
    for rel, content in files.items():
        p = settings_dir / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(json.dumps(content))


def start_lab(nb_srcs: dict[str, Path], scratch: Path) -> Server:
    scratch.mkdir(parents=True, exist_ok=True)
    root = scratch / "nb"
    copies = [copy_notebook(src, root, f"{name}.ipynb")
              for name, src in nb_srcs.items() if src.exists()]
    settings, workspaces = scratch / "lab-settings", scratch / "lab-workspaces"
    _lab_settings(settings)
    workspaces.mkdir(parents=True, exist_ok=True)
    port, token = free_port(), uuid.uuid4().hex
    cmd, source = lab_cmd(copies[0], port, token, settings, workspaces)
    return Server("lab", cmd, scratch, port, token, "/lab", source,
                  cwd=root).start(timeout=120)


# ----------------------------------------------------------------------------- browser

def launch_context(playwright, user_data_dir: str | None = None):
    """Persistent chromium context with the system browser (never a downloaded one)."""
    user_data_dir = user_data_dir or tempfile.mkdtemp(prefix="stpx-chromium-")
    ctx = playwright.chromium.launch_persistent_context(
        user_data_dir, executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
        viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(30_000)
    return ctx


class PageErrors:
    """Collects console errors/warnings and uncaught page errors of one page."""

    def __init__(self, page):
        self.console: list[tuple[str, str]] = []
        self.page_errors: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.page_errors.append(str(exc)))

    def _on_console(self, msg):
        with contextlib.suppress(Exception):
            if msg.type in ("error", "warning"):
                self.console.append((msg.type, msg.text))

    @staticmethod
    def harmless(text: str) -> bool:
        return any(p.search(text) for p in HARMLESS_PATTERNS)

    def unexpected(self) -> list[str]:
        """Uncaught page errors not known to be harmless, plus any console message
        about a widget failing to display or an SVG attribute error."""
        bad = [f"pageerror: {e}" for e in self.page_errors if not self.harmless(e)]
        bad += [f"console.{t}: {m}" for t, m in self.console
                if WIDGET_ERROR_TEXT.lower() in m.lower() or SVG_ERROR.search(m)]
        return bad

    def svg_errors(self) -> list[str]:
        return [f"console.{t}: {m}" for t, m in self.console if SVG_ERROR.search(m)]

    def report(self) -> str:
        lines = [f"pageerror: {e}" for e in self.page_errors]
        lines += [f"console.{t}: {m}" for t, m in self.console]
        return "\n".join(lines)


def close_page(page) -> None:
    """Leave the page first (fires Voila's beforeunload kernel shutdown), then close."""
    with contextlib.suppress(Exception):
        page.goto("about:blank", timeout=10_000)
    with contextlib.suppress(Exception):
        page.close()


def assert_no_widget_errors(page, errors: PageErrors | None = None) -> None:
    body = page.locator("body").inner_text(timeout=10_000)
    assert WIDGET_ERROR_TEXT not in body, f"page shows '{WIDGET_ERROR_TEXT}':\n{body[:2000]}"
    problem = page_problem(page)
    assert not problem, f"page shows an error:\n{problem}"
    if errors is not None:
        bad = errors.unexpected()
        assert not bad, "unexpected page errors:\n" + "\n".join(bad)


# ----------------------------------------------------------------------------- DOM helpers

def panel_sel(key: str) -> str:
    return f".stpx-panel-{key}"


def first_path_sel(panel: str) -> str:
    """CSS of the panel's Lines marks. The watched paths (:func:`all_paths`) are those drawn
    in the visible view outside the spike strips (``stpx-fig-spikes``), whose ticks do not
    move with a model parameter."""
    return f"{panel} .bqplot:not(.stpx-fig-spikes) path.line"


PAGE_PROBLEM_JS = """() => {
    const body = document.body ? document.body.innerText : '';
    for (const t of ['Error displaying widget', 'There was an error when executing cell'])
        if (body.includes(t)) return t + ': ' + body.slice(body.indexOf(t), body.indexOf(t) + 1500);
    for (const el of document.querySelectorAll(
            '[data-mime-type="application/vnd.jupyter.stderr"], .jp-OutputArea-output.jp-mod-error, .voila-error')) {
        const txt = el.innerText || '';
        if (/Traceback|\\b[A-Za-z]*Error\\b/.test(txt)) return 'error output: ' + txt.slice(0, 3000);
    }
    return '';
}"""


def page_problem(page) -> str:
    """Text of a cell execution error / widget display error shown on the page, or ""."""
    try:
        return page.evaluate(PAGE_PROBLEM_JS)
    except Exception:
        return ""


def wait_widgets(page, panel: str, timeout: float = 120_000) -> None:
    """Wait until the panel root, a slider handle and a drawn bqplot line are visible.

    Fails fast (instead of waiting out ``timeout``) when the page shows a cell execution
    error or "Error displaying widget"."""
    handle_ = page.wait_for_function(
        """([panel, problemSrc]) => {
            const problem = (new Function('return (' + problemSrc + ')()'))();
            if (problem) return {problem};
            const root = document.querySelector(panel);
            if (!root) return false;
            const p = root.querySelector('.bqplot path.line');
            const h = root.querySelector('.widget-slider .noUi-handle');
            const d = p && p.getAttribute('d');
            return (h && d && d.length > 20 && h.getBoundingClientRect().width > 0) ? {ok: true} : false;
        }""", arg=[panel, PAGE_PROBLEM_JS], timeout=timeout, polling=250)
    result = handle_.json_value()
    if result.get("problem"):
        raise AssertionError(f"page shows an error while waiting for {panel}:\n{result['problem']}")


def path_d(page, panel: str, index: int = 0) -> str | None:
    return page.evaluate(
        """([panel, i]) => { const ps = Array.from(document.querySelectorAll(panel + ' .bqplot path.line'))
            .filter(p => !p.closest('.stpx-fig-spikes') && p.getClientRects().length > 0);
                             return ps[i] ? ps[i].getAttribute('d') : null; }""", [panel, index])


def all_paths(page, panel: str) -> list[str]:
    return page.evaluate(
        """(panel) => Array.from(document.querySelectorAll(panel + ' .bqplot path.line'))
            .filter(p => !p.closest('.stpx-fig-spikes') && p.getClientRects().length > 0)
                     .map(p => p.getAttribute('d') || '')""", panel)


def wait_path_change(page, panel: str, old: str | None, timeout: float = 10_000,
                     index: int = 0) -> str:
    page.wait_for_function(
        """([panel, i, old]) => { const ps = Array.from(document.querySelectorAll(panel + ' .bqplot path.line'))
            .filter(p => !p.closest('.stpx-fig-spikes') && p.getClientRects().length > 0);
                                  return ps[i] && ps[i].getAttribute('d') !== old; }""",
        arg=[panel, index, old], timeout=timeout)
    return path_d(page, panel, index)


def wait_any_path_change(page, panel: str, old: list[str], timeout: float = 10_000) -> list[str]:
    page.wait_for_function(
        """([panel, old]) => { const ps = Array.from(document.querySelectorAll(panel + ' .bqplot path.line'))
            .filter(p => !p.closest('.stpx-fig-spikes') && p.getClientRects().length > 0)
                                  .map(p => p.getAttribute('d') || '');
                               return JSON.stringify(ps) !== JSON.stringify(old); }""",
        arg=[panel, old], timeout=timeout)
    return all_paths(page, panel)


def slider_names(page, panel: str) -> list[str]:
    """Slider names in DOM order from their ``stpx-slider-<name>`` classes."""
    return page.evaluate(
        """(panel) => { const out = [];
            for (const el of document.querySelectorAll(panel + ' [class*="stpx-slider-"]')) {
                for (const c of el.classList)
                    if (c.startsWith('stpx-slider-') && !out.includes(c.slice(12))) out.push(c.slice(12));
            }
            return out; }""", panel)


def slider_sel(panel: str, name: str) -> str:
    return f"{panel} .stpx-slider-{name}"


def handle(page, panel: str, name: str):
    return page.locator(f"{slider_sel(panel, name)} .noUi-handle").first


def focus_slider(page, panel: str, name: str) -> None:
    h = handle(page, panel, name)
    h.scroll_into_view_if_needed()
    h.focus()


def readout(page, panel: str, name: str) -> str:
    loc = page.locator(f"{slider_sel(panel, name)} .widget-readout").first
    return loc.inner_text().strip()


def status_text(page, panel: str) -> str:
    loc = page.locator(f"{panel} .stpx-status")
    if loc.count() == 0:
        loc = page.locator(".stpx-status")
    return " ".join(loc.first.inner_text().split())


def error_text(page, panel: str) -> str:
    loc = page.locator(f"{panel} .stpx-error")
    return loc.first.inner_text().strip() if loc.count() else ""


def wait_status_shows(page, panel: str, name: str, value: str, timeout: float = 10_000) -> str:
    """Wait until the status line contains ``label = value`` (whitespace-tolerant; the status
    line names a control by its label, "Δt = 10 ms"; the key ``name`` is accepted too)."""
    from stpexplorer.experiments import EXPERIMENTS, VIEWS

    names = {name} | {c.label for reg in (EXPERIMENTS, VIEWS) for e in reg.values()
                      for c in e.controls if c.name == name and c.label}
    alt = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    pattern = rf"(^|[^\w])({alt})\s*=\s*{re.escape(value)}(?![\d.])"
    page.wait_for_function(
        """([panel, pat]) => {
            const el = document.querySelector(panel + ' .stpx-status') ||
                       document.querySelector('.stpx-status');
            return !!el && new RegExp(pat).test(el.innerText.replace(/\\s+/g, ' '));
        }""", arg=[panel, pattern], timeout=timeout)
    return status_text(page, panel)


def drag_slider(page, panel: str, name: str, dx: float) -> None:
    """Drag the slider handle horizontally by dx pixels with the mouse."""
    h = handle(page, panel, name)
    h.scroll_into_view_if_needed()
    box = h.bounding_box()
    assert box, f"slider {name}: handle not visible"
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx / 2, y, steps=5)
    page.mouse.move(x + dx, y, steps=5)
    page.mouse.up()


OPPOSITE = {"ArrowRight": "ArrowLeft", "ArrowLeft": "ArrowRight", "PageUp": "PageDown",
            "PageDown": "PageUp", "ArrowUp": "ArrowDown", "ArrowDown": "ArrowUp"}


def wait_readout_change(page, panel: str, name: str, old: str, timeout: float = 5_000) -> bool:
    try:
        page.wait_for_function(
            """([sel, old]) => { const r = document.querySelector(sel + ' .widget-readout');
                                 return !!r && r.innerText.trim() !== old; }""",
            arg=[slider_sel(panel, name), old], timeout=timeout)
        return True
    except Exception:
        return False


def wait_stable(page, panel: str, quiet_ms: int = 800, timeout: float = 30_000) -> list[str]:
    """Wait until no path of the panel has changed for ``quiet_ms``."""
    page.wait_for_function(
        """([panel, quiet]) => {
            const st = window.__stpxStable = window.__stpxStable || {};
            const now = performance.now();
            const cur = JSON.stringify(Array.from(document.querySelectorAll(panel + ' .bqplot path.line'))
            .filter(p => !p.closest('.stpx-fig-spikes') && p.getClientRects().length > 0)
                                       .map(p => p.getAttribute('d') || ''));
            if (st.panel !== panel || st.last !== cur) { st.panel = panel; st.last = cur; st.t = now; return false; }
            return now - st.t >= quiet;
        }""", arg=[panel, quiet_ms], timeout=timeout, polling=100)
    return all_paths(page, panel)


def move_slider(page, panel: str, name: str, how: str, *, require_first_path: bool,
                timeout: float = 15_000) -> dict:
    """Move a slider by keyboard (``how`` = a key name) or mouse (``how`` = "drag"),
    bouncing off the range ends; assert the plot changed and the status line shows
    ``name=<readout>``.  Returns a small record of what happened."""
    before_paths = all_paths(page, panel)
    r0 = readout(page, panel, name)
    if how == "drag":
        drag_slider(page, panel, name, 40)
        if not wait_readout_change(page, panel, name, r0):
            drag_slider(page, panel, name, -40)
    else:
        focus_slider(page, panel, name)
        page.keyboard.press(how)
        if not wait_readout_change(page, panel, name, r0):      # at the end of the range
            page.keyboard.press(OPPOSITE.get(how, how))
    assert wait_readout_change(page, panel, name, r0, timeout=timeout), (
        f"slider {name!r}: {how} did not change its readout ({r0!r})")
    r1 = readout(page, panel, name)
    if require_first_path:
        try:
            wait_path_change(page, panel, before_paths[0] if before_paths else None,
                             timeout=timeout)
        except Exception:
            raise AssertionError(f"slider {name!r} {r0}->{r1} via {how}: the watched path "
                                 f"(first Lines mark of the first figure) did not change")
    else:
        try:
            wait_any_path_change(page, panel, before_paths, timeout=timeout)
        except Exception:
            raise AssertionError(f"slider {name!r} {r0}->{r1} via {how}: no plot line changed")
    try:
        status = wait_status_shows(page, panel, name, r1, timeout=timeout)
    except Exception:
        raise AssertionError(f"slider {name!r} {r0}->{r1} via {how}: status line does not "
                             f"show '{name} = {r1}' (by its label): {status_text(page, panel)!r}")
    return {"slider": name, "how": how, "from": r0, "to": r1, "status": status}


def sub_views(page, panel: str) -> list[str]:
    """Titles of the panel's own sub-view tabs (e.g. "Traces", "Ratios & steady state")."""
    return [t.strip() for t in page.locator(f"{panel} .lm-TabBar-tab").all_inner_texts()]


def click_sub_view(page, panel: str, title: str) -> None:
    page.locator(f"{panel} .lm-TabBar-tab", has_text=title).first.click()
    page.wait_for_function(
        """([panel, t]) => Array.from(document.querySelectorAll(panel + ' .lm-TabBar-tab.lm-mod-current'))
                 .some(e => e.innerText.trim() === t)""", arg=[panel, title], timeout=10_000)


def move_slider_some_view(page, panel: str, name: str, how: str = "ArrowRight") -> dict:
    """Move a slider and require that a line of the view the user is looking at changes, in
    one of the panel's sub-views: a control of the rate curves (STP "rate curve n") acts on
    the "Ratios & steady state" view only. Views are tried in order; the panel is left on
    its first view."""
    views = sub_views(page, panel)
    if not views:
        return move_slider(page, panel, name, how, require_first_path=False)
    err = None
    try:
        for i, view in enumerate(views):
            click_sub_view(page, panel, view)
            wait_stable(page, panel, quiet_ms=300)
            try:
                return move_slider(page, panel, name, how, require_first_path=False,
                                   timeout=8_000 if i < len(views) - 1 else 15_000)
            except AssertionError as e:
                err = e
        raise err
    finally:
        click_sub_view(page, panel, views[0])


def click_tab(page, title: str) -> None:
    tab = page.locator(".lm-TabBar-tab", has_text=title).first
    tab.click()
    page.wait_for_function(
        """(t) => Array.from(document.querySelectorAll('.lm-TabBar-tab.lm-mod-current'))
                 .some(e => e.innerText.trim() === t)""", arg=title, timeout=10_000)


# ----------------------------------------------------------------------------- open pages

def open_voila(page, server: Server, panel: str, timeout: float = 180_000) -> None:
    page.goto(server.url("/"), wait_until="domcontentloaded", timeout=timeout)
    wait_widgets(page, panel, timeout=timeout)


LAB_KERNEL_READY_JS = """async () => {
    const app = window.jupyterapp;
    if (!app) return 'no-app';
    const w = app.shell.currentWidget;
    if (!w || !w.sessionContext) return 'no-widget';
    await w.context.ready;
    await w.sessionContext.ready;
    const k = w.sessionContext.session && w.sessionContext.session.kernel;
    if (!k) return 'no-kernel';
    if (k.connectionStatus !== 'connected') return 'conn:' + k.connectionStatus;
    await k.info;                        // kernel_info_reply really came over the websocket
    return k.status === 'idle' ? 'ready' : 'status:' + k.status;
}"""


def open_explorer_tab(page, server: Server, key: str, timeout: float = 120_000) -> str:
    """Open the Explorer in Voila, select the tab of registry entry ``key`` and wait until its
    widgets are drawn; returns the panel's selector."""
    open_voila(page, server, panel_sel("stp"), timeout=timeout)
    click_tab(page, TITLE_OF[key])
    panel = panel_sel(key)
    wait_widgets(page, panel, timeout=timeout / 2)
    return panel


def open_lab_notebook(page, server: Server, nb_name: str, panel: str,
                      timeout: float = 180_000) -> None:
    """Open a notebook in JupyterLab, wait for the kernel *connection*, run all cells."""
    page.goto(server.url(f"/lab/tree/{nb_name}?reset"), wait_until="domcontentloaded",
              timeout=timeout)
    page.wait_for_function("() => !!window.jupyterapp", timeout=timeout)
    page.wait_for_selector(".jp-Notebook", timeout=timeout)
    deadline = time.monotonic() + timeout / 1000
    state = ""
    while time.monotonic() < deadline:
        try:
            state = page.evaluate(LAB_KERNEL_READY_JS)
        except Exception as exc:  # evaluate during navigation etc.
            state = f"error:{exc}"
        if state == "ready":
            break
        time.sleep(0.25)
    else:
        raise AssertionError(f"JupyterLab kernel never connected (last state {state!r})")
    page.evaluate("""async () => {
        const app = window.jupyterapp; const w = app.shell.currentWidget;
        app.shell.activateById(w.id);
        await app.commands.execute('notebook:run-all-cells');
    }""")
    wait_widgets(page, panel, timeout=timeout)


# ----------------------------------------------------------------------------- latency

LATENCY_INSTALL_JS = """(pathSel) => {
    const st = window.__stpxLat = window.__stpxLat || {};
    st.t0 = null; st.t1 = null; st.samples = st.samples || [];
    if (!st.keyListener) {
        st.keyListener = (e) => { if (st.armed && st.t0 === null) st.t0 = performance.now(); };
        document.addEventListener('keydown', st.keyListener, {capture: true});
    }
    if (st.obs) st.obs.disconnect();
    const path = document.querySelector(pathSel);
    if (!path) return false;
    const fig = path.closest('svg') || path.parentNode;
    st.pathSel = pathSel;
    st.obs = new MutationObserver(() => {
        if (st.t0 === null || st.t1 !== null) return;
        const p = document.querySelector(st.pathSel);
        if (p && p.getAttribute('d') !== st.before) st.t1 = performance.now();
    });
    st.obs.observe(fig, {attributes: true, attributeFilter: ['d'], subtree: true, childList: true});
    return true;
}"""

LATENCY_ARM_JS = """(pathSel) => { const st = window.__stpxLat; st.t0 = null; st.t1 = null;
    st.before = document.querySelector(pathSel).getAttribute('d'); st.armed = true; }"""


def measure_key_latency(page, panel: str, name: str, key: str,
                        timeout: float = 10_000) -> float:
    """ms from the real keydown on the slider handle to the watched path's ``d`` changing."""
    sel = first_path_sel(panel)
    page.evaluate(LATENCY_ARM_JS, sel)
    page.keyboard.press(key)
    page.wait_for_function("() => window.__stpxLat.t1 !== null", timeout=timeout, polling=10)
    t0, t1 = page.evaluate("() => [window.__stpxLat.t0, window.__stpxLat.t1]")
    page.evaluate("() => { window.__stpxLat.armed = false; }")
    return t1 - t0
