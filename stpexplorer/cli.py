"""Command line entry point: ``stpexplorer [lab|app|simulate|bench]``.

* ``stpexplorer`` / ``stpexplorer lab``  JupyterLab on the explorer notebook
* ``stpexplorer app``                   the Explorer as a Voila dashboard
* ``stpexplorer simulate``              one simulation, written as CSV or JSON
* ``stpexplorer bench``                 the engine benchmark table

The server command lines are built by small pure functions (:func:`lab_command`,
:func:`voila_command`, :func:`server_env`) so that tests, the browser tests in
``tests/e2e`` and the CLI start the servers in exactly the same way, e.g.::

    from stpexplorer.cli import start_voila, wait_for_http, voila_url
    proc = start_voila(notebook, port, token="secret")      # as `stpexplorer app`
    wait_for_http(voila_url("127.0.0.1", port, "secret"))

Servers bind 127.0.0.1 unless ``--ip`` is given and always keep Jupyter's token
authentication: the token comes from ``$JUPYTER_TOKEN`` when set, otherwise the
server generates one and prints the URL containing it.

This module must stay cheap to import: no JAX, no Jupyter imports at module level.
"""

from __future__ import annotations

import argparse
import csv
import errno
import importlib
import importlib.resources
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Mapping, Sequence

__all__ = [
    "DEFAULT_IP",
    "LAB_PORT",
    "APP_PORT",
    "NOTEBOOK_NAME",
    "CULL_IDLE_TIMEOUT",
    "CULL_INTERVAL",
    "CULL_CONNECTED",
    "PortInUseError",
    "packaged_notebook",
    "ensure_notebook",
    "port_available",
    "check_port",
    "free_port",
    "lab_command",
    "voila_command",
    "server_env",
    "voila_url",
    "lab_url",
    "start_voila",
    "wait_for_http",
    "parse_set",
    "write_result",
    "build_parser",
    "main",
]

DEFAULT_IP = "127.0.0.1"
LAB_PORT = 8888
APP_PORT = 8866
NOTEBOOK_NAME = "explorer.ipynb"

# Voila starts one kernel per page load and does not always shut it down when the
# page is reloaded or closed (voila-dashboards/voila#1458, #55, #849).  Voila 0.5
# builds its kernel manager from jupyter_server's AsyncMappingKernelManager with the
# Voila app as traitlets parent, so `--MappingKernelManager.cull_*` on the voila
# command line is honoured (the culler starts with the first kernel); pre-heated
# pool kernels are exempt (VoilaKernelManager.cull_kernel_if_idle).
CULL_IDLE_TIMEOUT = 180  # seconds a kernel with no open page may stay idle (slider moves count)
CULL_INTERVAL = 30  # seconds between culler passes
# Kernels whose page is still open are never culled: a student may leave the dashboard
# open through a lecture. What leaks are the kernels of reloaded or closed pages (Voila's
# shutdown-on-unload POST is refused for lack of an _xsrf argument), and those are
# disconnected, so they go after CULL_IDLE_TIMEOUT.
CULL_CONNECTED = False


class PortInUseError(RuntimeError):
    """Raised by :func:`check_port` when the port cannot be bound."""


# --------------------------------------------------------------------------- notebook


def _packaged_ref():
    return importlib.resources.files("stpexplorer") / "notebooks" / NOTEBOOK_NAME


def packaged_notebook() -> Path:
    """Path of the explorer notebook shipped inside the installed package."""
    ref = _packaged_ref()
    if not ref.is_file():
        raise FileNotFoundError(
            f"the packaged notebook stpexplorer/notebooks/{NOTEBOOK_NAME} is missing; "
            "reinstall stpexplorer (pip install --force-reinstall stpexplorer)"
        )
    # Regular (non-zip) installs: this is a real file on disk.
    return Path(str(ref))


def ensure_notebook(directory: os.PathLike | str, *, reset: bool = False) -> Path:
    """Return the explorer notebook to open from ``directory``, creating it if missing.

    The packaged copy is never opened directly, so JupyterLab's autosave never writes
    into site-packages.  An existing copy (possibly modified by the user) is kept as
    is; with ``reset=True`` it is first moved aside to ``explorer.ipynb.bak`` (or
    ``.bak1``, ...), never deleted.  In a source checkout or on Binder (a
    ``notebooks/explorer.ipynb`` below ``directory``) that notebook is used.
    """
    directory = Path(directory).expanduser().resolve()
    checkout_copy = directory / "notebooks" / NOTEBOOK_NAME
    target = checkout_copy if checkout_copy.is_file() else directory / NOTEBOOK_NAME
    source = packaged_notebook()
    if target.exists() and reset:
        if target.read_bytes() == source.read_bytes():
            return target
        n = 0
        backup = target.with_name(target.name + ".bak")
        while backup.exists():
            n += 1
            backup = target.with_name(f"{target.name}.bak{n}")
        target.rename(backup)
        print(f"stpexplorer: moved your copy to {backup}", file=sys.stderr)
    if not target.exists():
        directory.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes())
    return target


# --------------------------------------------------------------------------- ports


def port_available(port: int, ip: str = DEFAULT_IP) -> bool:
    """True when a TCP server could bind ``ip:port`` right now.

    Uses SO_REUSEADDR like tornado does, so ports in TIME_WAIT count as free.
    """
    try:
        infos = socket.getaddrinfo(ip or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror:
        return False
    for family, socktype, proto, _, addr in infos:
        with socket.socket(family, socktype, proto) as sock:
            if os.name != "nt":
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(addr)
            except OSError as exc:
                if exc.errno == errno.EADDRNOTAVAIL and family == socket.AF_INET6:
                    continue  # no IPv6 on this machine: tornado skips it too
                return False
    return True


def check_port(port: int, ip: str = DEFAULT_IP) -> None:
    """Raise :class:`PortInUseError` (message names the port) when it cannot be bound."""
    if not 0 < port < 65536:
        raise PortInUseError(f"port {port} is not a valid TCP port (1-65535)")
    if not port_available(port, ip):
        raise PortInUseError(
            f"port {port} on {ip} is already in use (or not allowed); "
            f"stop the program using it or choose another one with --port"
        )


def free_port(ip: str = DEFAULT_IP) -> int:
    """A currently free TCP port on ``ip`` (for tests)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((ip, 0))
        return sock.getsockname()[1]


# --------------------------------------------------------------------------- commands


def _host(ip: str) -> str:
    if ip in ("", "0.0.0.0"):
        return "127.0.0.1"
    if ip == "::":
        return "[::1]"
    return f"[{ip}]" if ":" in ip else ip


def lab_command(
    notebook: os.PathLike | str,
    port: int = LAB_PORT,
    ip: str = DEFAULT_IP,
    open_browser: bool = True,
    *,
    allow_root: bool = False,
) -> list[str]:
    """argv that starts JupyterLab with ``notebook`` open (run it with cwd = its folder).

    Token authentication is left at Jupyter's default (on); ``port_retries=0`` makes the
    server fail instead of silently moving to another port.
    """
    notebook = Path(notebook)
    extra = ["--ServerApp.allow_root=True"] if allow_root else []
    return [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--ServerApp.ip={ip}",
        f"--ServerApp.port={int(port)}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.open_browser={bool(open_browser)}",
        f"--ServerApp.root_dir={notebook.parent}",
        *extra,
        notebook.name,
    ]


def voila_command(
    notebook: os.PathLike | str,
    port: int = APP_PORT,
    ip: str = DEFAULT_IP,
    open_browser: bool = True,
    *,
    preheat: bool = True,
    cull_idle_timeout: int = CULL_IDLE_TIMEOUT,
    cull_interval: int = CULL_INTERVAL,
    cull_connected: bool = CULL_CONNECTED,
    pool_size: int = 1,
) -> list[str]:
    """argv that serves ``notebook`` as a Voila dashboard exactly as ``stpexplorer app`` does.

    * ``--token``: Voila's standalone app disables authentication unless asked; this flag
      makes it use ``$JUPYTER_TOKEN`` (see :func:`server_env`) or generate a token.
    * idle kernels are culled (``cull_idle_timeout=0`` disables culling).
    * ``preheat``: ``pool_size`` kernels are started and the notebook executed in each at
      server start (``VoilaConfiguration.preheat_kernel``), so the first pages show
      without waiting for a kernel start and JAX compilation; the pool is refilled after
      each use. A class arriving at once wants a pool about its size.
    """
    if int(pool_size) < 1:
        raise ValueError(f"pool_size must be >= 1, got {pool_size}")
    cmd = [
        sys.executable,
        "-m",
        "voila",
        str(Path(notebook)),
        f"--Voila.ip={ip}",
        f"--Voila.port={int(port)}",
        "--Voila.port_retries=0",
        f"--Voila.open_browser={bool(open_browser)}",
        "--token",
        f"--MappingKernelManager.cull_idle_timeout={int(cull_idle_timeout)}",
        f"--MappingKernelManager.cull_interval={int(cull_interval)}",
        f"--MappingKernelManager.cull_connected={bool(cull_connected)}",
        "--MappingKernelManager.cull_busy=False",
        # a kernel handed to a page is not culled before the page connects (see voila_kernels)
        "--VoilaConfiguration.multi_kernel_manager_class=stpexplorer.voila_kernels.DashboardKernelManager",
    ]
    if preheat:
        cmd += ["--VoilaConfiguration.preheat_kernel=True",
                f"--VoilaConfiguration.default_pool_size={int(pool_size)}"]
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
    # stpexplorer.ui.explorer.enable_compile_cache): every Voila page view starts a kernel,
    # and only the first one should pay for JAX compilation. STPX_JAX_CACHE="" turns it off.
    env.setdefault("STPX_JAX_CACHE", default_compile_cache(env))
    if token is not None:
        if not token:
            raise ValueError("an empty token would disable authentication")
        env["JUPYTER_TOKEN"] = token
    return env


def app_env(token: str | None = None, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """:func:`server_env` for the Voila dashboard: its kernels serve visitors, so
    ``STPX_FILES=browser`` (panels read and write no server files; Voila's own
    ``VOILA_*`` variables say so too, this holds should those ever change)."""
    env = server_env(token, base)
    env["STPX_FILES"] = "browser"
    return env


def voila_url(ip: str, port: int, token: str | None = None) -> str:
    url = f"http://{_host(ip)}:{int(port)}/"
    return f"{url}?token={token}" if token else url


def lab_url(ip: str, port: int, notebook_name: str = NOTEBOOK_NAME, token: str | None = None) -> str:
    url = f"http://{_host(ip)}:{int(port)}/lab/tree/{notebook_name}"
    return f"{url}?token={token}" if token else url


def start_voila(
    notebook: os.PathLike | str,
    port: int,
    ip: str = DEFAULT_IP,
    token: str | None = None,
    *,
    open_browser: bool = False,
    env: Mapping[str, str] | None = None,
    **kwargs: Any,
) -> "subprocess.Popen[bytes]":
    """Start Voila as ``stpexplorer app`` would (non-blocking); returns the Popen.

    ``token=None`` draws a random token; either way it is available as ``proc.token``
    (and ``voila_url(ip, port, proc.token)`` opens the dashboard). Raises
    :class:`PortInUseError` when the port is taken. The caller terminates the process.
    ``kwargs`` go to :func:`voila_command` (``preheat``, ``cull_idle_timeout``, ...).
    """
    token = token or secrets.token_hex(16)
    check_port(port, ip)
    notebook = Path(notebook)
    proc = subprocess.Popen(
        voila_command(notebook, port, ip, open_browser, **kwargs),
        cwd=notebook.parent,
        env=app_env(token, env),
    )
    proc.token = token  # type: ignore[attr-defined]
    return proc


def wait_for_http(url: str, timeout: float = 60.0, interval: float = 0.25) -> int:
    """Poll ``url`` until it answers (any HTTP status below 500); returns the status.

    Raises TimeoutError when nothing answered within ``timeout`` seconds.
    """
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=max(1.0, interval * 4)) as resp:
                return resp.status
        except urllib.error.HTTPError as exc:
            if exc.code < 500:
                return exc.code
            last = exc
        except (urllib.error.URLError, OSError) as exc:
            last = exc
        time.sleep(interval)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f}s (last error: {last})")


# --------------------------------------------------------------------------- simulate


def parse_set(items: Sequence[str] | None) -> dict[str, Any]:
    """``["U=0.2", "tau_f=100", "mode=fast"]`` -> ``{"U": 0.2, "tau_f": 100, "mode": "fast"}``."""
    values: dict[str, Any] = {}
    for item in items or ():
        key, sep, raw = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ValueError(f"--set expects key=value, got {item!r}")
        raw = raw.strip()
        try:
            value: Any = json.loads(raw)
        except ValueError:
            try:
                value = float(raw)  # inf, nan
            except ValueError:
                value = raw
        values[key] = value
    return values


def _columns(result: Mapping[str, Any]) -> dict[str, list]:
    import numpy as np

    cols: dict[str, list] = {}
    for name, value in result.items():
        arr = np.asarray(value)
        if arr.ndim == 0:
            cols[name] = [arr.item()]
        elif arr.ndim == 1:
            cols[name] = arr.tolist()
        else:
            flat = arr.reshape(arr.shape[0], -1)
            for j in range(flat.shape[1]):
                cols[f"{name}[{j}]"] = flat[:, j].tolist()
    return cols


def write_result(result: Mapping[str, Any], path: os.PathLike | str, meta: Mapping[str, Any] | None = None) -> Path:
    """Write a ``{name: array}`` result as JSON (``.json``) or CSV (anything else).

    CSV: one column per 1-D array (2-D arrays give ``name[j]`` columns, scalars a single
    first-row value); shorter columns are padded with empty cells.
    """
    import numpy as np

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".json":
        payload: dict[str, Any] = {}
        if meta:
            payload["meta"] = dict(meta)
        payload["data"] = {k: np.asarray(v).tolist() for k, v in result.items()}
        path.write_text(json.dumps(payload) + "\n", encoding="utf-8")
        return path
    cols = _columns(result)
    n = max((len(c) for c in cols.values()), default=0)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(list(cols))
        for i in range(n):
            writer.writerow([c[i] if i < len(c) else "" for c in cols.values()])
    return path


def _load_optional(module: str, what: str):
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name not in (module, module.rpartition(".")[0]):
            raise
        raise SystemExit(f"stpexplorer {what}: {module} is not available in this installation") from None


def cmd_simulate(args: argparse.Namespace) -> int:
    try:
        values = parse_set(args.set)
    except ValueError as exc:
        print(f"stpexplorer simulate: {exc}", file=sys.stderr)
        return 2
    experiments = _load_optional("stpexplorer.experiments", "simulate")
    kwargs = {"preset": args.preset} if args.preset else {}
    try:
        result = experiments.run(args.panel, values, **kwargs)
    except (KeyError, ValueError) as exc:
        # the experiments module names the valid panels / presets / parameters
        msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"stpexplorer simulate: {msg}", file=sys.stderr)
        return 2
    meta = {"panel": args.panel, "preset": args.preset, "values": values}
    out = Path(args.out)
    if out.suffix.lower() == ".json" and hasattr(experiments, "result_to_jsonable"):
        out.parent.mkdir(parents=True, exist_ok=True)
        payload = {"meta": meta, "data": experiments.result_to_jsonable(result)}
        out.write_text(json.dumps(payload, ensure_ascii=False) + "\n", encoding="utf-8")
    elif out.suffix.lower() != ".json" and hasattr(experiments, "to_csv"):
        # the experiments module knows which traces are per time step
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(experiments.to_csv(experiments.get_experiment(args.panel), result), encoding="utf-8")
    else:
        write_result(result, out, meta)
    print(f"wrote {out}")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    bench = _load_optional("stpexplorer.bench", "bench")
    rc = bench.main(list(args.bench_args))
    return int(rc or 0)


# --------------------------------------------------------------------------- servers


def _run_server(cmd: list[str], cwd: Path, env: dict[str, str]) -> int:
    import signal

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
        print("stpexplorer: running as root (a container?): passing --allow-root to JupyterLab; "
              "it still listens on the loopback interface with a token", file=sys.stderr)
    cmd = lab_command(notebook, args.port, args.ip, not args.no_browser, allow_root=allow_root)
    return _run_server(cmd, notebook.parent, server_env())


def running_as_root() -> bool:
    """True for the root user on POSIX (JupyterLab then refuses to start without --allow-root)."""
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1, got {text!r}")
    return value


def cmd_app(args: argparse.Namespace) -> int:
    notebook = _prepare(args)
    if notebook is None:
        return 1
    cmd = voila_command(
        notebook,
        args.port,
        args.ip,
        not args.no_browser,
        preheat=not args.no_preheat,
        cull_idle_timeout=args.cull_idle_timeout,
        pool_size=args.pool_size,
    )
    return _run_server(cmd, notebook.parent, app_env())


# --------------------------------------------------------------------------- parser


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("stpexplorer")
    except Exception:  # source checkout without install
        return "unknown"


def _server_flags(p: argparse.ArgumentParser, default_port: int) -> None:
    p.add_argument("--port", type=int, default=default_port, help=f"TCP port (default {default_port}); fails if taken")
    p.add_argument("--ip", default=DEFAULT_IP, help=f"interface to bind (default {DEFAULT_IP}, local only)")
    p.add_argument("--no-browser", action="store_true", help="do not open a web browser")
    p.add_argument(
        "--dir",
        default=".",
        help="working directory for the explorer notebook copy (default: current directory)",
    )
    p.add_argument(
        "--reset-notebook",
        action="store_true",
        help="replace an existing explorer.ipynb by the packaged one (the old one is kept as .bak)",
    )


SUBCOMMANDS = ("lab", "app", "simulate", "fit", "bench")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="stpexplorer",
        description="Interactive synaptic plasticity explorer. Without a command: `lab`.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="{lab,app,simulate,fit,bench}")

    p = sub.add_parser("lab", help="open JupyterLab on the explorer notebook (default)")
    _server_flags(p, LAB_PORT)
    p.add_argument("--allow-root", action="store_true", help="let JupyterLab run as root (containers)")
    p.set_defaults(func=cmd_lab)

    p = sub.add_parser("app", help="serve the explorer as a Voila dashboard")
    _server_flags(p, APP_PORT)
    p.add_argument(
        "--cull-idle-timeout",
        type=int,
        default=CULL_IDLE_TIMEOUT,
        metavar="SECONDS",
        help=f"shut down kernels idle this long (default {CULL_IDLE_TIMEOUT}; 0 = never)",
    )
    p.add_argument("--no-preheat", action="store_true", help="do not keep pre-started kernels ready")
    p.add_argument("--pool-size", type=_positive_int, default=1, metavar="N",
                   help="kernels kept started and executed in advance (default 1; about the class "
                        "size when everyone opens the link at once, ~300 MB each)")
    p.set_defaults(func=cmd_app)

    p = sub.add_parser("simulate", help="run one simulation and write CSV (or JSON for *.json)")
    p.add_argument("--panel", default="stp", help="experiment: stp, threshold, stdp, circuit (default stp)")
    p.add_argument("--preset", metavar="NAME", help="start from a named preset")
    p.add_argument(
        "--set",
        action="append",
        metavar="KEY=VALUE",
        default=[],
        help="override a parameter (repeatable), e.g. --set U=0.2 --set tau_f=150",
    )
    p.add_argument("--out", required=True, metavar="FILE", help="output file; .json gives JSON, else CSV")
    p.set_defaults(func=cmd_simulate)

    from .cli_fit import add_parser as add_fit_parser  # argparse only; the fit imports on use

    add_fit_parser(sub)

    p = sub.add_parser("bench", help="print the engine benchmark table (extra args go to the benchmark)")
    p.add_argument("bench_args", nargs=argparse.REMAINDER, help="passed to stpexplorer.bench")
    p.set_defaults(func=cmd_bench)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # `stpexplorer` and `stpexplorer --port 9000` mean `stpexplorer lab ...`
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version")):
        argv = ["lab", *argv]
    if argv[0] == "bench":
        # everything after `bench` (including -h) belongs to the benchmark's own parser
        return cmd_bench(argparse.Namespace(command="bench", bench_args=argv[1:]))
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
