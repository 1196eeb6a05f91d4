"""``stpexplorer bench [NAME] [ARGS]``: run one benchmark of :mod:`stpexplorer.bench`
(``engine`` by default; ``--list`` names them all). ARGS, ``-h`` included, go to the benchmark."""

from __future__ import annotations

import argparse

from stpexplorer.bench import DEFAULT, benchmarks
from stpexplorer.cli.simulate import _load_optional

__all__ = ["add_parser", "cmd_bench"]


def cmd_bench(args: argparse.Namespace) -> int:
    rest = list(args.bench_args)
    known = benchmarks()
    if rest[:1] == ["--list"]:
        width = max(map(len, known))
        for name, line in known.items():
            print(f"{name:<{width}}  {line}")
        return 0
    name = DEFAULT
    if rest and not rest[0].startswith("-"):
        name = rest.pop(0)
        if name not in known:
            raise SystemExit(f"stpexplorer bench: unknown benchmark {name!r}; "
                             f"valid benchmarks: {', '.join(known)} (stpexplorer bench --list)")
    bench = _load_optional(f"stpexplorer.bench.{name}", "bench")
    return int(bench.main(rest) or 0)


def add_parser(sub) -> None:
    """Register the ``bench`` subcommand (its arguments, -h included, belong to the benchmark)."""
    p = sub.add_parser("bench", help=f"run a benchmark ({DEFAULT} by default; --list names them); "
                                     "extra args go to the benchmark")
    p.add_argument("bench_args", nargs=argparse.REMAINDER,
                   help="[NAME] [ARGS]: the benchmark (stpexplorer bench --list) and its arguments")
    p.set_defaults(func=cmd_bench)
