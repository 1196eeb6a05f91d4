"""``stpexplorer bench``: the engine benchmark table (every argument goes to :mod:`stpexplorer.bench`)."""

from __future__ import annotations

import argparse

from .simulate import _load_optional

__all__ = ["add_parser", "cmd_bench"]


def cmd_bench(args: argparse.Namespace) -> int:
    bench = _load_optional("stpexplorer.bench", "bench")
    return int(bench.main(list(args.bench_args)) or 0)


def add_parser(sub) -> None:
    """Register the ``bench`` subcommand (its arguments, -h included, belong to the benchmark)."""
    p = sub.add_parser("bench", help="print the engine benchmark table (extra args go to the benchmark)")
    p.add_argument("bench_args", nargs=argparse.REMAINDER, help="passed to stpexplorer.bench")
    p.set_defaults(func=cmd_bench)
