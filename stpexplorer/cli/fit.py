"""``stpexplorer fit DATA.csv|RECORDING.abf|RECORDING.nwb``: fit short-term plasticity to
recorded amplitude trains.

A recording (``.abf``, ``.nwb``) is measured first, as ``stpexplorer amplitudes`` does (the same
options: ``--method``, ``--stimuli``, ...). A file of one connection (a recording, or a CSV
without a ``connection`` column) is named after its file in the output.

The CSV is in long format (protocol, sweep, spike, isi_ms, amplitude) or wide format (see
:mod:`stpexplorer.fit._data`). With a ``connection`` column every connection is fitted, all in
batched (vmapped) calls; the output has one row per connection with the estimates, their 95 %
bootstrap intervals, the SSE and the convergence counts. ``--out`` ending in ``.json`` writes
JSON (``{"connections": {name: FitResult.to_dict()}}``), anything else CSV; without ``--out``
the CSV goes to stdout. A progress bar (:class:`ProgressBar`) goes to stderr.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
import time
from pathlib import Path

from stpexplorer.cli import posterior
from stpexplorer.cli.amplitudes import (
    RECORDING_EXTENSIONS,
    add_measure_options,
    measure,
)

PARAMS = ("U", "f", "tau_f", "tau_d", "W")


def add_parser(sub) -> None:
    """Register the ``fit`` subcommand on an argparse subparsers object."""
    p = sub.add_parser("fit", help="fit short-term plasticity to amplitude trains in a CSV, or to an ABF/NWB "
                                   "recording (one row per connection)")
    p.add_argument("data", metavar="DATA.csv|RECORDING",
                   help="long- or wide-format CSV (a 'connection' column fits many), or an .abf/.nwb recording")
    p.add_argument("--model", choices=("tm", "etm"), default="tm",
                   help="tm: U, tau_f, tau_d, W (f = U); etm: f free too (default tm)")
    p.add_argument("--boot", type=int, default=200, metavar="N", help="bootstrap replicates for the intervals (default 200)")
    p.add_argument("--starts", type=int, default=64, metavar="N", help="multi-start points (default 64)")
    p.add_argument("--weights", choices=("observations", "protocols"), default="observations",
                   help="weigh every observation (default) or every protocol equally")
    p.add_argument("--fix", action="append", default=[], metavar="NAME=VALUE",
                   help="pin a parameter, e.g. --fix tau_f=0 (repeatable)")
    p.add_argument("--seed", type=int, default=0, help="seed of the design and the bootstrap (default 0)")
    p.add_argument("--chunk", type=int, default=200, metavar="N", help="connections per batched call (default 200)")
    p.add_argument("--out", metavar="FILE", help="fit.json (JSON) or fit.csv (CSV); default: CSV on stdout")
    add_measure_options(p)
    posterior.add_options(p)
    p.set_defaults(func=cmd_fit)


def _fixed(items) -> dict:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ValueError(f"--fix expects NAME=VALUE, got {item!r}")
        try:
            out[key.strip()] = float(value)
        except ValueError:
            raise ValueError(f"--fix {key}: {value!r} is not a number") from None
    return out


class ProgressBar:
    """A one-line progress bar on ``stream`` (stderr), without a dependency::

        fit [#########.....................]  30% bootstrap, 3/10 connections, 12 s, ~28 s left

    :meth:`stage` takes ``fit_many``'s ``stage_progress(fraction, stage)``, :meth:`connections`
    its ``progress(done, total)``. On a terminal the line is redrawn in place (carriage return);
    elsewhere (a log file, CI) a line is written per 10 % step and per finished chunk of
    connections, so logs stay short.
    """

    def __init__(self, stream, label: str = "fit", width: int = 30):
        self.stream, self.label, self.width = stream, label, width
        self.t0, self.fraction, self.stage_name, self.count = time.perf_counter(), 0.0, "", ""
        self.tty, self._logged = hasattr(stream, "isatty") and stream.isatty(), -1

    def stage(self, fraction: float, name: str) -> None:
        self.fraction, self.stage_name = min(max(float(fraction), 0.0), 1.0), name
        self._draw()

    def connections(self, done: int, total: int) -> None:
        self.count = f"{done}/{total} connections"
        self.fraction = max(self.fraction, done / total)
        self._draw(final=done == total, force=True)

    def _draw(self, final: bool = False, force: bool = False) -> None:
        n, dt = round(self.width * self.fraction), time.perf_counter() - self.t0
        left = f", ~{dt * (1 - self.fraction) / self.fraction:.0f} s left" if 0 < self.fraction < 1 else ""
        what = ", ".join(x for x in (self.stage_name, self.count) if x)
        msg = f"{self.label} [{'#' * n}{'.' * (self.width - n)}] {self.fraction:4.0%} {what}, {dt:.0f} s{left}"
        if self.tty:
            self.stream.write("\r" + msg + ("\n" if final else ""))
        elif force or int(self.fraction * 10) > self._logged:
            self._logged = int(self.fraction * 10)
            self.stream.write(msg + "\n")
        self.stream.flush()


def rows(results: dict) -> list[dict]:
    """One flat dict per connection: estimates, interval bounds, SSE, convergence, undetermined names."""
    out = []
    for name, r in results.items():
        row = {"connection": name, "model": r.model}
        for k in PARAMS:
            row[k], (row[f"{k}_lo"], row[f"{k}_hi"]) = r.values[k], r.ci[k]
        row.update(sse=r.sse, n_converged=r.n_converged, n_starts=r.n_starts, boot_converged=r.boot_converged,
                   n_boot=r.n_boot,
                   at_bound=";".join(f"{k}:{v}" for k, v in r.at_bound.items() if v in ("lower", "upper")))
        out.append(row)
    return out


def cmd_fit(args: argparse.Namespace) -> int:
    # deferred: the fit imports JAX, which `stpexplorer --help` and the server commands never need
    from stpexplorer.fit import connections_from_csv, fit_many

    try:
        fixed = _fixed(args.fix)
        name = Path(args.data).stem
        if Path(args.data).suffix.lower() in RECORDING_EXTENSIONS:
            args.recording = args.data
            conns = {name: measure(args)[1]}
        else:
            conns = connections_from_csv(args.data)
            if list(conns) == [""]:
                conns = {name: conns[""]}
        bar = ProgressBar(sys.stderr, label="posterior" if args.posterior else "fit")
        if args.posterior:
            args.fixed = fixed
            return _write_posteriors(posterior.sample(conns, args, bar.connections), args)
        results = fit_many(conns, model=args.model, fixed=fixed, n_starts=args.starts, n_boot=args.boot,
                           seed=args.seed, weights=args.weights, chunk=args.chunk, progress=bar.connections,
                           stage_progress=bar.stage)
    except (OSError, ValueError, ImportError) as exc:
        print(f"stpexplorer fit: {exc}", file=sys.stderr)
        return 1
    doc = {"connections": {k: r.to_dict() for k, r in results.items()}}
    return _write(doc, lambda: rows(results), len(results), args)


def _write_posteriors(posts, args) -> int:
    return _write(posterior.posterior_json(posts), lambda: posterior.posterior_rows(posts), len(posts), args)


def _write(doc: dict, table_of, n: int, args) -> int:
    """JSON (``doc``) or CSV (the rows ``table_of()`` makes) to ``args.out``, or CSV to stdout."""
    if args.out and Path(args.out).suffix.lower() == ".json":
        Path(args.out).write_text(json.dumps(doc, indent=1, allow_nan=False))
    else:
        table = table_of()
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=list(table[0]))
        w.writeheader()
        w.writerows(table)
        if args.out:
            Path(args.out).write_text(buf.getvalue())
        else:
            sys.stdout.write(buf.getvalue())
    if args.out:
        print(f"stpexplorer fit: {n} connection(s) written to {args.out}", file=sys.stderr)
    return 0
