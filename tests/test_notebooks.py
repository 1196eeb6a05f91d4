"""Static checks of the notebooks in notebooks/ (no execution here).

Execution (and the 60 s budget per notebook) is checked separately by CI with
``pytest --nbval-lax notebooks/``. These tests only read the .ipynb files:

* every notebook is stored clean: no outputs, no execution counts, no varying metadata;
* every course notebook (``NN_*.ipynb``) has the structure of a lesson: a title, exercises
  with an ``assert``-based check cell (tag ``exercise-check``) after a collapsed solution
  cell (tag ``solution``), one small cell showing the interactive panel (tag ``panel``),
  and a summary;
* the course notebooks are exactly what ``notebooks/_build`` generates (edit the build
  scripts, then run ``python notebooks/_build/build_all.py``).
"""

from __future__ import annotations

import importlib
import json
import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NB_DIR = ROOT / "notebooks"
BUILD_DIR = NB_DIR / "_build"

COURSE = {
    "01_short_term_plasticity.ipynb": ("nb01_stp", "STPPanel"),
    "02_adaptive_thresholds.ipynb": ("nb02_thresholds", "ThresholdPanel"),
    "03_stdp.ipynb": ("nb03_stdp", "STDPPanel"),
    "04_synapse_lab.ipynb": ("nb04_lab", "CircuitPanel"),
}

ALL_NOTEBOOKS = sorted(p for p in NB_DIR.rglob("*.ipynb")
                       if ".ipynb_checkpoints" not in p.parts and "_build" not in p.parts)
COURSE_NOTEBOOKS = sorted(p for p in NB_DIR.glob("*.ipynb") if re.match(r"\d\d_", p.name))

# notebook-level metadata that may be stored; anything else (widget state, papermill,
# execution timings, ...) varies between runs
ALLOWED_NB_METADATA = {"kernelspec", "language_info"}
VARYING_CELL_METADATA = {"execution", "collapsed", "scrolled", "ExecuteTime", "papermill", "widgets"}


def _read(path: Path):
    return nbformat.read(path, as_version=4)


def _tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def test_course_notebooks_present():
    names = {p.name for p in COURSE_NOTEBOOKS}
    assert set(COURSE) <= names, f"missing course notebooks: {sorted(set(COURSE) - names)}"


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=lambda p: p.name)
def test_stored_clean(path):
    nb = _read(path)
    nbformat.validate(nb)
    extra = set(nb.metadata) - ALLOWED_NB_METADATA
    assert not extra, f"{path.name}: varying notebook metadata {sorted(extra)}; strip it"
    lang = nb.metadata.get("language_info", {})
    assert set(lang) <= {"name"}, f"{path.name}: language_info should hold only the name, got {sorted(lang)}"
    for i, cell in enumerate(nb.cells):
        meta = set(cell.get("metadata", {}))
        assert not (meta & VARYING_CELL_METADATA), f"{path.name} cell {i}: varying metadata {sorted(meta & VARYING_CELL_METADATA)}"
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name} cell {i} has stored outputs"
            assert cell.execution_count is None, f"{path.name} cell {i} has an execution count"
        assert "attachments" not in cell or not cell.attachments, f"{path.name} cell {i} has attachments"


@pytest.mark.parametrize("path", COURSE_NOTEBOOKS, ids=lambda p: p.name)
def test_course_structure(path):
    nb = _read(path)
    cells = nb.cells
    first = cells[0]
    assert first.cell_type == "markdown" and first.source.lstrip().startswith("# "), \
        f"{path.name}: the first cell must be a markdown title ('# ...')"

    checks = [i for i, c in enumerate(cells) if c.cell_type == "code" and "exercise-check" in _tags(c)]
    assert checks, f"{path.name}: needs at least one exercise check cell (tag 'exercise-check')"
    for i in checks:
        assert "assert" in cells[i].source, f"{path.name} cell {i}: an exercise check must use assert"
        before = cells[:i]
        assert any("solution" in _tags(c) for c in before), f"{path.name} cell {i}: no solution cell before the check"
        assert any(c.cell_type == "markdown" and "Exercise" in c.source for c in before), \
            f"{path.name} cell {i}: no exercise statement before the check"
    for i, c in enumerate(cells):
        if "solution" in _tags(c):
            assert c.get("metadata", {}).get("jupyter", {}).get("source_hidden") is True, \
                f"{path.name} cell {i}: solution cells are stored collapsed"
            assert "SOLUTION" in c.source, f"{path.name} cell {i}: solution cells are clearly marked"

    summaries = [c for c in cells if c.cell_type == "markdown" and re.search(r"^##\s+Summary", c.source, re.M)]
    assert summaries, f"{path.name}: needs a '## Summary' markdown cell"

    panels = [c for c in cells if c.cell_type == "code" and "panel" in _tags(c)]
    assert len(panels) == 1, f"{path.name}: exactly one cell shows the interactive panel"
    assert len(panels[0].source.strip().splitlines()) <= 3, f"{path.name}: keep the panel cell small"
    if path.name in COURSE:
        assert COURSE[path.name][1] in panels[0].source, f"{path.name}: the panel cell shows the wrong panel"

    for i, c in enumerate(cells):
        assert "nbval-skip" not in _tags(c), f"{path.name} cell {i}: committed with an nbval-skip tag (dev build?)"
        assert "NBVAL_CHECK_OUTPUT" not in c.source, f"{path.name} cell {i}: do not compare outputs that may vary"
        if c.cell_type == "code":
            assert not re.search(r"https?://|urlopen|requests\.|np\.load\(|open\(", c.source), \
                f"{path.name} cell {i}: notebooks must not download or read data files"


@pytest.mark.parametrize("name", sorted(COURSE))
def test_course_notebook_matches_build_script(name, monkeypatch):
    monkeypatch.syspath_prepend(str(BUILD_DIR))
    monkeypatch.delenv("STPX_SKIP_PANEL", raising=False)
    for mod in ("nbtools", COURSE[name][0]):
        sys.modules.pop(mod, None)
    module = importlib.import_module(COURSE[name][0])
    nbtools = importlib.import_module("nbtools")
    # the prefix is the one the build script uses: read it back from the stored cell ids
    stored = (NB_DIR / name).read_text(encoding="utf-8")
    prefix = _read(NB_DIR / name).cells[0].id.rsplit("-", 1)[0]
    # compare the JSON content, not the bytes, so another nbformat version's formatting cannot fail it
    assert json.loads(nbtools.render(prefix, module.CELLS)) == json.loads(stored), \
        f"{name} differs from notebooks/_build/{COURSE[name][0]}.py: run python notebooks/_build/build_all.py"
