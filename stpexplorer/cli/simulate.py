"""``stpexplorer simulate``: one experiment of the registry, written as CSV or JSON.

Panels, presets and parameters all come from :data:`stpexplorer.experiments.EXPERIMENTS`
(``stpexplorer simulate --help`` lists them, with each parameter's range and unit). The
JSON output records every parameter the run used (defaults included) with its unit; CSV
headers carry units (``t_ms``, ``v_mV``; dimensionless traces keep their bare name).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = [
    "add_parser",
    "cmd_simulate",
    "match_preset",
    "parse_set",
    "registry_help",
    "used_values",
    "write_result",
]


def _load_optional(module: str, what: str):
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name not in (module, module.rpartition(".")[0]):
            raise
        raise SystemExit(f"stpexplorer {what}: {module} is not available in this installation") from None


def _registry_module():
    return _load_optional("stpexplorer.experiments", "simulate")


def _registry() -> dict:
    return _registry_module().EXPERIMENTS


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


_ASCII = {"→": "->", "←": "<-", "–": "-", "—": "-", "τ": "tau", "·": "*", "±": "+-"}


def _plain(name: str) -> str:
    """Case-, accent- and arrow-insensitive form of a preset name ("LSM E→E" -> "lsm e->e")."""
    text = "".join(_ASCII.get(ch, ch) for ch in name)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(text.casefold().split())


def match_preset(name: str, names: Sequence[str]) -> str:
    """The preset of ``names`` that ``name`` spells, in plain ASCII and any case; ``name``
    unchanged when none does (the registry's error then lists the valid names)."""
    if name in names:
        return name
    hits = [n for n in names if _plain(n) == _plain(name)]
    return hits[0] if len(hits) == 1 else name


def used_values(exp, values: Mapping[str, Any], preset: str | None = None) -> dict[str, Any]:
    """Every parameter of ``exp`` for a run: defaults, then the preset, then ``values``
    (checked; ValueError names the parameter, its range and the value)."""
    merged = dict(exp.preset_values(preset)) if preset else {}
    merged.update(values)
    return exp.validate(merged)


def write_result(result: Mapping[str, Any], path: os.PathLike | str, meta: Mapping[str, Any] | None = None) -> Path:
    """Write a ``{name: array}`` result as JSON (``.json``) or CSV (anything else).

    CSV: the result format of :mod:`stpexplorer.experiments.io` (one column per 1-D array,
    2-D arrays give ``name_j`` columns, a scalar a single first-row value; shorter columns are
    padded with empty cells).
    """
    # deferred: ``stpexplorer --help`` and the server commands never import numpy or the registry
    import numpy as np

    from stpexplorer.experiments.io import columns_to_csv  # deferred with numpy (above)

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".json":
        payload: dict[str, Any] = {"meta": dict(meta)} if meta else {}
        payload["data"] = {k: np.asarray(v).tolist() for k, v in result.items()}
        path.write_text(json.dumps(payload) + "\n", encoding="utf-8")
        return path
    cols: dict[str, Any] = {}
    for name, value in result.items():
        arr = np.asarray(value)
        if arr.ndim <= 1:
            cols[name] = arr
        else:
            flat = arr.reshape(arr.shape[0], -1)
            cols.update({f"{name}_{j}": flat[:, j] for j in range(flat.shape[1])})
    path.write_text(columns_to_csv(cols), encoding="utf-8")
    return path


def cmd_simulate(args: argparse.Namespace) -> int:
    def fail(msg) -> int:
        print(f"stpexplorer simulate: {msg}", file=sys.stderr)
        return 2

    registry = _registry()
    if args.panel not in registry:
        return fail(f"unknown panel {args.panel!r}; valid panels: {', '.join(registry)}")
    exp = registry[args.panel]
    preset = match_preset(args.preset, exp.presets) if args.preset else None
    try:
        values = used_values(exp, parse_set(args.set), preset)
        result = exp.run(values)
    except (KeyError, ValueError) as exc:
        # the registry names the valid presets / parameters and ranges
        return fail(exc.args[0] if isinstance(exc, KeyError) and exc.args else exc)
    units = {c.name: c.unit for c in exp.controls if c.unit and c.unit != "-"}
    meta = {"panel": exp.name, "title": exp.title, "preset": preset, "values": values, "units": units}
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".json":
        out.write_text(json.dumps({"meta": meta, "data": result.to_dict()}, ensure_ascii=False) + "\n",
                       encoding="utf-8")
    else:
        # the panels' export format (stpexplorer.experiments.io): one result CSV everywhere
        out.write_text(_registry_module().to_csv(exp, result), encoding="utf-8")
    print(f"wrote {out}")
    return 0


def _range(c) -> str:
    if c.kind == "choice":
        return "one of " + ", ".join(repr(o) for o in c.options)
    return c.range_text()


def registry_help() -> str:
    """Panels, their presets and parameters (name, range, unit, default), from the registry."""
    lines = ["panels, parameters (name, range with unit, default) and presets:"]
    for key, exp in _registry().items():
        lines += ["", f"  --panel {key}: {exp.title}"]
        for c in exp.controls:
            lines.append(f"    {c.name:<14} {_range(c):<32}  default {c.default!r}"
                         + (f"  {c.help}" if c.help else ""))
        if exp.presets:
            lines.append("    presets: " + "; ".join(exp.presets))
    lines += ["", "Preset names match in any case and in plain ASCII ('lsm e->e' is 'LSM E→E')."]
    return "\n".join(lines)


class _Panels:
    """``--panel`` choices: the registry's keys, imported only when ``simulate`` is parsed."""

    def __contains__(self, key) -> bool:
        return key in _registry()

    def __iter__(self):
        return iter(_registry())


class _Help(argparse.Action):
    """-h/--help that appends :func:`registry_help` (imports the registry only when asked)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        parser.epilog = registry_help()
        parser.print_help()
        parser.exit()


def add_parser(sub) -> None:
    """Register the ``simulate`` subcommand on an argparse subparsers object."""
    p = sub.add_parser("simulate", help="run one simulation and write CSV (or JSON for *.json)", add_help=False,
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       description="Run one panel's experiment; --help lists panels, parameters and presets.")
    p.add_argument("-h", "--help", action=_Help, help="show this help, the panels, parameters and presets")
    p.add_argument("--panel", default="stp", choices=_Panels(), metavar="KEY",
                   help="experiment key of the registry (default stp; see below)")
    p.add_argument("--preset", metavar="NAME", help="start from a named preset (any case, plain ASCII works)")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", default=[],
                   help="override a parameter (repeatable), e.g. --set U=0.2 --set tau_f=150")
    p.add_argument("--out", required=True, metavar="FILE", help="output file; .json gives JSON, else CSV")
    p.set_defaults(func=cmd_simulate)
