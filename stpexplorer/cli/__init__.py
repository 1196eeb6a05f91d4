"""Command line entry point: ``stpexplorer [lab|app|simulate|amplitudes|fit|bench]``.

* ``stpexplorer`` / ``stpexplorer lab``  JupyterLab on the explorer notebook (:mod:`.servers`)
* ``stpexplorer app``                   the Explorer as a Voila dashboard (:mod:`.servers`)
* ``stpexplorer simulate``              one experiment of the registry as CSV or JSON (:mod:`.simulate`)
* ``stpexplorer amplitudes``            measure amplitudes in an ABF/NWB recording (:mod:`.amplitudes`)
* ``stpexplorer fit``                   fit short-term plasticity to recorded trains (:mod:`.fit`)
* ``stpexplorer bench``                 the engine benchmark table (:mod:`.bench`)

This package must stay cheap to import: no JAX and no Jupyter imports at module level
(the registry is imported only by ``simulate`` and its ``--help``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib.metadata import version

from stpexplorer.cli import amplitudes, bench, fit, servers, simulate
from stpexplorer.cli.bench import cmd_bench
from stpexplorer.cli.notebook import NOTEBOOK_NAME, ensure_notebook, packaged_notebook
from stpexplorer.cli.ports import (
    DEFAULT_IP,
    PortInUseError,
    check_port,
    free_port,
    port_available,
    wait_for_http,
)
from stpexplorer.cli.servers import (
    APP_PORT,
    CULL_CONNECTED,
    CULL_IDLE_TIMEOUT,
    CULL_INTERVAL,
    LAB_PORT,
    app_env,
    cmd_app,
    cmd_lab,
    default_compile_cache,
    lab_command,
    lab_url,
    running_as_root,
    server_env,
    start_voila,
    voila_command,
    voila_url,
)
from stpexplorer.cli.simulate import cmd_simulate, match_preset, parse_set, write_result

__all__ = [
    "APP_PORT",
    "CULL_CONNECTED",
    "CULL_IDLE_TIMEOUT",
    "CULL_INTERVAL",
    "DEFAULT_IP",
    "LAB_PORT",
    "NOTEBOOK_NAME",
    "SUBCOMMANDS",
    "PortInUseError",
    "app_env",
    "build_parser",
    "check_port",
    "cmd_app",
    "cmd_bench",
    "cmd_lab",
    "cmd_simulate",
    "default_compile_cache",
    "ensure_notebook",
    "free_port",
    "lab_command",
    "lab_url",
    "main",
    "match_preset",
    "packaged_notebook",
    "parse_set",
    "port_available",
    "running_as_root",
    "server_env",
    "start_voila",
    "voila_command",
    "voila_url",
    "wait_for_http",
    "write_result",
]

SUBCOMMANDS = ("lab", "app", "simulate", "amplitudes", "fit", "bench")


def _version() -> str:
    try:
        return version("stpexplorer")
    except ImportError:  # source checkout without install (PackageNotFoundError is one)
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="stpexplorer",
                                     description="Interactive synaptic plasticity explorer. Without a command: `lab`.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="{" + ",".join(SUBCOMMANDS) + "}")
    servers.add_parsers(sub)
    simulate.add_parser(sub)
    amplitudes.add_parser(sub)
    fit.add_parser(sub)
    bench.add_parser(sub)
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
