"""Benchmarks: ``python -m stpexplorer.bench.<name>`` or ``stpexplorer bench <name>``.

Each module of this package is one benchmark with a ``main(argv)`` that prints its figures
(tests assert correctness; benchmarks only measure). :func:`benchmarks` lists them from the
package itself (``stpexplorer bench --list``), reading each module's first docstring line
without importing it, so a new benchmark is one new module here.
"""

from __future__ import annotations

import ast
import pkgutil
from pathlib import Path

__all__ = ["DEFAULT", "benchmarks"]

#: what ``stpexplorer bench`` runs without a name
DEFAULT = "engine"


def benchmarks() -> dict[str, str]:
    """``{name: first line of its docstring}`` of every benchmark module, sorted by name."""
    here = Path(__file__).parent
    out = {}
    for info in sorted(pkgutil.iter_modules([str(here)]), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        doc = ast.get_docstring(ast.parse((here / f"{info.name}.py").read_text(encoding="utf-8"))) or ""
        out[info.name] = doc.strip().splitlines()[0] if doc.strip() else ""
    return out
