"""Tiny helpers to write the teaching notebooks with nbformat (clean, deterministic).

Every cell gets a stable id (``<prefix>-NN``), no outputs and no execution count; the
notebook metadata holds only the kernelspec and the language name, so rebuilding a
notebook that did not change gives a byte-identical file.
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import nbformat

NOTEBOOK_DIR = Path(__file__).resolve().parents[1]

#: set STPX_SKIP_PANEL=1 while developing without the UI: the panel cell gets the
#: ``nbval-skip`` tag (never commit notebooks built that way)
SKIP_PANEL = os.environ.get("STPX_SKIP_PANEL") == "1"

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def _src(text: str) -> str:
    return textwrap.dedent(text).strip("\n")


def md(text: str) -> dict:
    return {"kind": "markdown", "source": _src(text), "tags": []}


def code(text: str, *, tags=(), hidden=False) -> dict:
    return {"kind": "code", "source": _src(text), "tags": list(tags), "hidden": hidden}


#: the bqplot figure helpers every course notebook defines in its setup cell
FIGURE_HELPERS = '''

def new_figure(title, height="300px"):
    return plt.figure(title=title, layout={"width": "760px", "height": height},
                      fig_margin={"top": 50, "bottom": 50, "left": 70, "right": 30})


def finish(xlabel, ylabel):
    plt.xlabel(xlabel)
    plt.ylabel(ylabel)
    plt.show()
'''


def setup_cell(text: str) -> dict:
    """The notebook's first code cell: ``text`` (imports, constants) then the figure helpers."""
    return code(text.rstrip("\n") + "\n" + FIGURE_HELPERS)


def exercise_check(text: str) -> dict:
    """A check cell after an exercise (asserts; tagged so tests can find it)."""
    return code(text, tags=("exercise-check",))


def solution(text: str) -> dict:
    """A clearly marked solution cell, collapsed by default in JupyterLab.

    It only fills in the answer when the student left it as ``None``, so the
    notebook always runs top to bottom (CI) while a student's own answer is kept.
    """
    return code(text, tags=("solution",), hidden=True)


def panel(text: str) -> dict:
    tags = ["panel"] + (["nbval-skip"] if SKIP_PANEL else [])
    return code(text, tags=tags)


def make(prefix: str, cells: list[dict]) -> nbformat.NotebookNode:
    """The notebook object for ``cells`` (ids ``<prefix>-NN``), clean and validated."""
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}}
    out = []
    for i, c in enumerate(cells):
        cid = f"{prefix}-{i:02d}"
        if c["kind"] == "markdown":
            cell = nbformat.v4.new_markdown_cell(c["source"], id=cid)
        else:
            cell = nbformat.v4.new_code_cell(c["source"], id=cid)
            cell.outputs = []
            cell.execution_count = None
            if c.get("hidden"):
                cell.metadata["jupyter"] = {"source_hidden": True}
        if c["tags"]:
            cell.metadata["tags"] = list(c["tags"])
        out.append(cell)
    nb.cells = out
    nbformat.validate(nb)
    return nb


def render(prefix: str, cells: list[dict]) -> str:
    """The exact file contents written for ``cells`` (ends with a newline)."""
    return nbformat.writes(make(prefix, cells)) + "\n"


def build(filename: str, prefix: str, cells: list[dict]) -> Path:
    path = NOTEBOOK_DIR / filename
    path.write_text(render(prefix, cells), encoding="utf-8")
    return path
