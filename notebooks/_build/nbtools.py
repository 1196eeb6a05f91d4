"""Tiny helpers to write the teaching notebooks with nbformat (clean, deterministic).

Every cell gets a stable id (``<prefix>-NN``), no outputs and no execution count; the
notebook metadata holds only the kernelspec and the language name, so rebuilding a
notebook that did not change gives a byte-identical file.

Two builds come from the same cells:

* the **instructor** copy (what ``notebooks/`` holds): everything, including the cells
  tagged ``solution`` (reference answers) and ``instructor`` (discussion notes, answer keys,
  and the switch that makes a failing check raise, so ``pytest --nbval-lax`` catches a
  broken reference solution);
* the **student** copy (``build_all.py --student DIR``): the same notebook without those
  cells. The blanks (cells tagged ``answer``, holding ``... # TODO``) stay, and every check
  (tag ``check``) prints a hint instead of "correct" until the student fills them in.
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

#: cells with these tags exist only in the instructor copy
INSTRUCTOR_ONLY = ("solution", "instructor")

#: what a check prints: a passing check says PASS_WORD, a failing one FAIL_WORD and a hint.
#: The fail wording never contains the pass word, so "correct" in an output means a pass.
PASS_WORD = "correct"
FAIL_WORD = "not yet"


def _src(text: str) -> str:
    return textwrap.dedent(text).strip("\n")


def md(text: str) -> dict:
    return {"kind": "markdown", "source": _src(text), "tags": []}


def code(text: str, *, tags=(), hidden=False) -> dict:
    return {"kind": "code", "source": _src(text), "tags": list(tags), "hidden": hidden}


#: the figure and grading helpers every course notebook defines in its setup cell
HELPERS = '''

# ---- figures: bqplot, readable in JupyterLab's light and dark themes ----
GREY = "#999999"  # reference lines and markers (black vanishes on a dark background)
FIG_WIDTH, MARGIN = 800, {"top": 50, "bottom": 55, "left": 90, "right": 30}
LEGEND_WIDTH = 190  # right margin that holds the legend, outside the data
display(HTML("<style>.stpx-nbfig text { fill: var(--jp-ui-font-color1, #333) !important; } "
             ".stpx-nbfig .axis line, .stpx-nbfig .axis path { stroke: var(--jp-ui-font-color2, #666); } "
             f".stpx-legend-out g.g_legend {{ transform: translate({FIG_WIDTH - MARGIN['left'] - LEGEND_WIDTH + 8}px, 0px); }}"
             "</style>"))


def new_figure(title, height="300px"):
    fig = plt.figure(title=title, layout={"width": f"{FIG_WIDTH}px", "height": height}, fig_margin=dict(MARGIN))
    fig.add_class("stpx-nbfig")
    return fig


def _log_ticks(values):
    # 1-2-5 ticks inside the data range, so a log axis reads 0.2, 0.5, 1, 2, 5 (not 2e-1, 5e+0)
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v) & (v > 0)]
    if v.size == 0:
        return None
    lo, hi = v.min(), v.max()
    cands = [m * 10.0 ** k for k in range(int(np.floor(np.log10(lo))) - 1, int(np.ceil(np.log10(hi))) + 1)
             for m in (1, 2, 5)]
    inside = [c for c in cands if lo * (1 - 1e-9) <= c <= hi * (1 + 1e-9)]
    return inside if len(inside) >= 2 else None


def finish(xlabel, ylabel):
    # label the figure's axes themselves: plt.xlabel labels the axis of the *last* mark,
    # which is nobody's after a reference line or a histogram
    fig = plt.current_figure()
    if any(getattr(m, "display_legend", False) for m in fig.marks):
        # bqplot draws legends inside the plot area; move it into a wide right margin (CSS above)
        fig.fig_margin = dict(MARGIN, right=LEGEND_WIDTH)
        fig.legend_location = "top-left"
        fig.legend_style = {"fill": "none", "stroke": "none"}  # no box: it would be clipped at the figure edge
        fig.add_class("stpx-legend-out")
    for axis in fig.axes:
        vertical = axis.orientation == "vertical"
        axis.label = ylabel if vertical else xlabel
        axis.tick_format = "~g"
        if vertical:
            axis.label_offset = "62px"  # clear of tick labels as wide as "-0.0015"
        if isinstance(axis.scale, bqplot.LogScale):
            dim = "y" if vertical else "x"
            data = [np.ravel(getattr(m, dim)) for m in fig.marks if m.scales.get(dim) is axis.scale]
            ticks = _log_ticks(np.concatenate(data)) if data else None
            if ticks:
                axis.tick_values = np.array(ticks)
    plt.show()


# ---- exercises: checks that grade without giving the answer away ----
STRICT_CHECKS = False  # the instructor copy sets it to True: a failing check then raises


def answered(value):
    # False while the blank still holds `...` (or None)
    return value is not Ellipsis and value is not None


class Blank(Exception):
    """Raised by a check while the student's blank still holds `...`."""


def numeric(value, shape=None):
    # the answer as a float array (Blank while it is still `...`, ValueError for a wrong shape)
    if not answered(value):
        raise Blank()
    if isinstance(value, (list, tuple, np.ndarray)) and any(v is Ellipsis for v in np.ravel(np.asarray(value, dtype=object))):
        raise Blank()  # a loop that still computes with `...`
    arr = np.asarray(value, dtype=float)
    if shape is not None and arr.shape != tuple(shape):
        raise ValueError(f"expected shape {tuple(shape)}, got {arr.shape}")
    return arr


def grade(exercise, test, todo="fill in the blank marked TODO"):
    # test() returns None when the answer is right, otherwise a hint: what to compute and
    # what shape or sign to expect, never the expected number; `todo` is the hint for a blank
    try:
        hint = test()
    except Blank:
        hint = todo
    except Exception as err:  # a half-written answer: say what went wrong, keep the notebook running
        hint = f"evaluating your answer raised {type(err).__name__}: {err}"
    if hint is None:
        print(f"{exercise}: ''' + PASS_WORD + ''' ✓")
        return
    if STRICT_CHECKS:
        raise AssertionError(f"{exercise}: the reference solution fails its check ({hint})")
    print(f"{exercise}: ''' + FAIL_WORD + ''' — hint: {hint}")
'''


def setup_cell(text: str) -> dict:
    """The notebook's first code cell: ``text`` (imports, constants) then the helpers."""
    head = text.rstrip("\n")
    if "import bqplot\n" not in head + "\n":
        head = "import bqplot\n" + head
    head = "from IPython.display import HTML, display\n" + head
    return code(head + "\n" + HELPERS)


def instructor_setup() -> dict:
    """Instructor copy only: a failing check raises, so nbval catches a broken reference solution."""
    return code("""
        # INSTRUCTOR COPY (this cell is not in the student copy): checks raise instead of hinting,
        # so running the notebook tests every reference solution
        STRICT_CHECKS = True
    """, tags=("instructor",))


def answer(text: str) -> dict:
    """The blank a student fills in (``name = ...  # TODO``); it stays in the student copy."""
    return code(text, tags=("answer",))


def solution(text: str) -> dict:
    """A reference solution: instructor copy only, collapsed, clearly marked."""
    return code("# SOLUTION (instructor copy only)\n" + _src(text), tags=("solution",), hidden=True)


def check(text: str) -> dict:
    """A check cell: calls ``grade(...)``; prints "correct" or a hint, never the answer."""
    return code(text, tags=("check",))


def notes(text: str) -> dict:
    """Instructor notes (discussion of a Think! prompt, answer keys): instructor copy only."""
    return {"kind": "markdown", "source": "> **Instructor notes** (not in the student copy)\n>\n"
            + "\n".join("> " + ln if ln else ">" for ln in _src(text).splitlines()),
            "tags": ["instructor"]}


def panel(text: str) -> dict:
    tags = ["panel"] + (["nbval-skip"] if SKIP_PANEL else [])
    return code(text, tags=tags)


def make(prefix: str, cells: list[dict], *, student: bool = False) -> nbformat.NotebookNode:
    """The notebook object for ``cells`` (ids ``<prefix>-NN``), clean and validated.

    ``student=True`` leaves out the instructor-only cells (ids of the others do not change).
    """
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}}
    out = []
    for i, c in enumerate(cells):
        if student and set(c["tags"]) & set(INSTRUCTOR_ONLY):
            continue
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


def render(prefix: str, cells: list[dict], *, student: bool = False) -> str:
    """The exact file contents written for ``cells`` (ends with a newline)."""
    return nbformat.writes(make(prefix, cells, student=student)) + "\n"


def build(filename: str, prefix: str, cells: list[dict], *, out_dir=None, student: bool = False) -> Path:
    path = Path(out_dir or NOTEBOOK_DIR) / filename
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(prefix, cells, student=student), encoding="utf-8")
    return path
