"""``stpexplorer lab`` and ``stpexplorer app``: the server command lines, environments and URLs.

The command lines are built by small pure functions (:func:`lab_command`,
:func:`voila_command`, :func:`server_env`, :func:`app_env`) so that tests, the browser tests
in ``tests/e2e`` and the CLI start the servers in exactly the same way::

    from stpexplorer.cli import start_voila, wait_for_http, voila_url
    proc = start_voila(notebook, port, token="secret")      # as `stpexplorer app`
    wait_for_http(voila_url("127.0.0.1", port, "secret"))

Servers bind 127.0.0.1 unless ``--ip`` is given and always keep Jupyter's token
authentication: the token comes from ``$JUPYTER_TOKEN`` when set, otherwise the server
generates one and prints the URL containing it.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from stpexplorer.cli.notebook import NOTEBOOK_NAME, ensure_notebook
from stpexplorer.cli.ports import DEFAULT_IP, PortInUseError, check_port

__all__ = [
    "APP_PORT",
    "CULL_CONNECTED",
    "CULL_IDLE_TIMEOUT",
    "CULL_INTERVAL",
    "LAB_PORT",
    "add_parsers",
    "app_env",
    "cmd_app",
    "cmd_lab",
    "default_compile_cache",
    "lab_command",
    "lab_url",
    "running_as_root",
    "server_env",
    "start_voila",
    "voila_command",
    "voila_url",
]

LAB_PORT = 8888
APP_PORT = 8866

# Voila starts one kernel per page load and does not always shut it down when the page is
# reloaded or closed (voila-dashboards/voila#1458, #55, #849). Voila 0.5 builds its kernel
# manager from jupyter_server's AsyncMappingKernelManager with the Voila app as traitlets
# parent, so `--MappingKernelManager.cull_*` on the voila command line is honoured;
# pre-heated pool kernels are exempt (VoilaKernelManager.cull_kernel_if_idle).
CULL_IDLE_TIMEOUT = 180  # seconds a kernel with no open page may stay idle (slider moves count)
CULL_INTERVAL = 30  # seconds between culler passes
# Kernels whose page is still open are never culled: a student may leave the dashboard open
# through a lecture. What leaks are the kernels of reloaded or closed pages, and those are
# disconnected, so they go after CULL_IDLE_TIMEOUT.
CULL_CONNECTED = False


def _host(ip: str) -> str:
    if ip in ("", "0.0.0.0"):
        return "127.0.0.1"
    if ip == "::":
        return "[::1]"
    return f"[{ip}]" if ":" in ip else ip


#: largest websocket message the servers accept (tornado's default is 10 MiB): a recording
#: uploaded in the Fit tab arrives in one message, and the view takes files up to 32 MiB
WEBSOCKET_MAX_BYTES = 40 * 2**20


def _ws_limit(app: str) -> str:
    return f'--{app}.tornado_settings={{"websocket_max_message_size": {WEBSOCKET_MAX_BYTES}}}'


def lab_command(notebook: os.PathLike | str, port: int = LAB_PORT, ip: str = DEFAULT_IP,
                open_browser: bool = True, *, allow_root: bool = False) -> list[str]:
    """argv that starts JupyterLab with ``notebook`` open (run it with cwd = its folder).

    Token authentication is left at Jupyter's default (on); ``port_retries=0`` makes the
    server fail instead of silently moving to another port. ``default_url`` makes the URL
    JupyterLab prints (and ``/``) open the notebook itself, not the file browser.
    """
    notebook = Path(notebook)
    extra = ["--ServerApp.allow_root=True"] if allow_root else []
    opens = f"/lab/tree/{notebook.name}"
    return [sys.executable, "-m", "jupyterlab", f"--ServerApp.ip={ip}", f"--ServerApp.port={int(port)}",
            "--ServerApp.port_retries=0", f"--ServerApp.open_browser={bool(open_browser)}",
            f"--ServerApp.root_dir={notebook.parent}", _ws_limit("ServerApp"),
            # LabApp hands its own default_url ("/lab") to the server; set both
            f"--LabApp.default_url={opens}", f"--ServerApp.default_url={opens}",
            *extra, notebook.name]


def voila_command(notebook: os.PathLike | str, port: int = APP_PORT, ip: str = DEFAULT_IP,
                  open_browser: bool = True, *, preheat: bool = True,
                  cull_idle_timeout: int = CULL_IDLE_TIMEOUT, cull_interval: int = CULL_INTERVAL,
                  cull_connected: bool = CULL_CONNECTED, pool_size: int = 1) -> list[str]:
    """argv that serves ``notebook`` as a Voila dashboard exactly as ``stpexplorer app`` does.

    * ``--token``: Voila's standalone app disables authentication unless asked; this flag
      makes it use ``$JUPYTER_TOKEN`` (see :func:`server_env`) or generate a token.
    * idle kernels are culled (``cull_idle_timeout=0`` disables culling).
    * ``preheat``: ``pool_size`` kernels are started and the notebook executed in each at
      server start (``VoilaConfiguration.preheat_kernel``), so the first pages show without
      waiting for a kernel start and JAX compilation. A class arriving at once wants a pool
      about its size.
    """
    if int(pool_size) < 1:
        raise ValueError(f"pool_size must be >= 1, got {pool_size}")
    cmd = [sys.executable, "-m", "voila", str(Path(notebook)), f"--Voila.ip={ip}", f"--Voila.port={int(port)}",
           "--Voila.port_retries=0", f"--Voila.open_browser={bool(open_browser)}", "--token", _ws_limit("Voila"),
           f"--MappingKernelManager.cull_idle_timeout={int(cull_idle_timeout)}",
           f"--MappingKernelManager.cull_interval={int(cull_interval)}",
           f"--MappingKernelManager.cull_connected={bool(cull_connected)}",
           "--MappingKernelManager.cull_busy=False",
           # a kernel handed to a page is not culled before the page connects (see voila_kernels)
           "--VoilaConfiguration.multi_kernel_manager_class=stpexplorer.cli.voila_kernels.DashboardKernelManager"]
    if preheat:
        cmd += ["--VoilaConfiguration.preheat_kernel=True", f"--VoilaConfiguration.default_pool_size={int(pool_size)}"]
    return cmd


def default_compile_cache(env: Mapping[str, str] | None = None) -> str:
    """The user's cache directory for JAX's compiled panels ($XDG_CACHE_HOME/stpexplorer/jax)."""
    env = os.environ if env is None else env
    base = env.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "stpexplorer", "jax")


def server_env(token: str | None = None, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """Environment for a server subprocess; ``token`` (if given) becomes ``JUPYTER_TOKEN``.

    An empty token is refused: token authentication is never disabled.
    """
    env = dict(os.environ if base is None else base)
    # kernels started by this server keep compiled panels on disk (see
    # stpexplorer.ui.app.explorer.enable_compile_cache): every Voila page view starts a kernel,
    # and only the first one should pay for JAX compilation. STPX_JAX_CACHE="" turns it off.
    env.setdefault("STPX_JAX_CACHE", default_compile_cache(env))
    if token is not None:
        if not token:
            raise ValueError("an empty token would disable authentication")
        env["JUPYTER_TOKEN"] = token
    return env


def app_env(token: str | None = None, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """:func:`server_env` for the Voila dashboard: its kernels serve visitors, so
    ``STPX_FILES=browser`` (panels read and write no server files)."""
    env = server_env(token, base)
    env["STPX_FILES"] = "browser"
    return env


def voila_url(ip: str, port: int, token: str | None = None) -> str:
    url = f"http://{_host(ip)}:{int(port)}/"
    return f"{url}?token={token}" if token else url


def lab_url(ip: str, port: int, notebook_name: str = NOTEBOOK_NAME, token: str | None = None) -> str:
    url = f"http://{_host(ip)}:{int(port)}/lab/tree/{notebook_name}"
    return f"{url}?token={token}" if token else url


def start_voila(notebook: os.PathLike | str, port: int, ip: str = DEFAULT_IP, token: str | None = None, *,
                open_browser: bool = False, env: Mapping[str, str] | None = None,
                **kwargs: Any) -> subprocess.Popen[bytes]:
    """Start Voila as ``stpexplorer app`` would (non-blocking); returns the Popen.

    ``token=None`` draws a random token; either way it is available as ``proc.token``
    (and ``voila_url(ip, port, proc.token)`` opens the dashboard). Raises
    :class:`PortInUseError` when the port is taken. The caller terminates the process.
    ``kwargs`` go to :func:`voila_command` (``preheat``, ``cull_idle_timeout``, ...).
    """
    token = token or secrets.token_hex(16)
    check_port(port, ip)
    notebook = Path(notebook)
    proc = subprocess.Popen(voila_command(notebook, port, ip, open_browser, **kwargs), cwd=notebook.parent,
                            env=app_env(token, env))
    proc.token = token  # type: ignore[attr-defined]
    return proc


def running_as_root() -> bool:
    """True for the root user on POSIX (JupyterLab then refuses to start without --allow-root)."""
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _run_server(cmd: list[str], cwd: Path, env: dict[str, str]) -> int:
    proc = subprocess.Popen(cmd, cwd=cwd, env=env)

    def forward(signum, frame):  # `kill <stpexplorer pid>` stops the server too
        if proc.poll() is None:
            proc.send_signal(signum)

    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), forward)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        # Ctrl-C reached the server too (same process group); let it shut down cleanly
        try:
            return proc.wait(timeout=20)
        except (KeyboardInterrupt, subprocess.TimeoutExpired):
            proc.terminate()
            return proc.wait()


def _prepare(args: argparse.Namespace) -> Path | None:
    try:
        check_port(args.port, args.ip)
    except PortInUseError as exc:
        print(f"stpexplorer {args.command}: {exc}", file=sys.stderr)
        return None
    notebook = ensure_notebook(args.dir, reset=args.reset_notebook)
    print(f"stpexplorer: notebook {notebook}", file=sys.stderr)
    return notebook


def cmd_lab(args: argparse.Namespace) -> int:
    notebook = _prepare(args)
    if notebook is None:
        return 1
    allow_root = args.allow_root or running_as_root()
    if allow_root and not args.allow_root:
        where = "the loopback interface" if args.ip == DEFAULT_IP else args.ip
        print(f"stpexplorer: running as root (a container?): passing --allow-root to JupyterLab; "
              f"it still listens on {where}, with a token", file=sys.stderr)
    cmd = lab_command(notebook, args.port, args.ip, not args.no_browser, allow_root=allow_root)
    return _run_server(cmd, notebook.parent, server_env())


def cmd_app(args: argparse.Namespace) -> int:
    notebook = _prepare(args)
    if notebook is None:
        return 1
    cmd = voila_command(notebook, args.port, args.ip, not args.no_browser, preheat=not args.no_preheat,
                        cull_idle_timeout=args.cull_idle_timeout, pool_size=args.pool_size)
    return _run_server(cmd, notebook.parent, app_env())


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1, got {text!r}")
    return value


def _server_flags(p: argparse.ArgumentParser, default_port: int) -> None:
    p.add_argument("--port", type=int, default=default_port, help=f"TCP port (default {default_port}); fails if taken")
    p.add_argument("--ip", default=DEFAULT_IP, help=f"interface to bind (default {DEFAULT_IP}, local only)")
    p.add_argument("--no-browser", action="store_true", help="do not open a web browser")
    p.add_argument("--dir", default=".", help="working directory for the explorer notebook copy (default: current directory)")
    p.add_argument("--reset-notebook", action="store_true",
                   help="replace an existing explorer.ipynb by the packaged one (the old one is kept as .bak)")


def add_parsers(sub) -> None:
    """Register the ``lab`` and ``app`` subcommands on an argparse subparsers object."""
    p = sub.add_parser("lab", help="open JupyterLab on the explorer notebook (default)")
    _server_flags(p, LAB_PORT)
    p.add_argument("--allow-root", action="store_true",
                   help="let JupyterLab run as root (passed by itself when running as root)")
    p.set_defaults(func=cmd_lab)

    p = sub.add_parser("app", help="serve the explorer as a Voila dashboard")
    _server_flags(p, APP_PORT)
    p.add_argument("--cull-idle-timeout", type=int, default=CULL_IDLE_TIMEOUT, metavar="SECONDS",
                   help=f"shut down kernels idle this long (default {CULL_IDLE_TIMEOUT}; 0 = never)")
    p.add_argument("--no-preheat", action="store_true", help="do not keep pre-started kernels ready")
    p.add_argument("--pool-size", type=_positive_int, default=1, metavar="N",
                   help="kernels kept started and executed in advance (default 1; about the class "
                        "size when everyone opens the link at once, ~300 MB each)")
    p.set_defaults(func=cmd_app)
