"""Checks of the course notebooks in notebooks/ and of the student copies built from them.

Execution of the instructor copies (and the 60 s budget per notebook) is checked by CI with
``pytest --nbval-lax notebooks/``; there every check cell raises if its reference solution
is wrong (the instructor copy sets ``STRICT_CHECKS = True``). Here:

* every notebook is stored clean: no outputs, no execution counts, no varying metadata;
* every course notebook (``NN_*.ipynb``) has the structure of a lesson: a title, timed
  sections, exercises made of a blank (tag ``answer``, ``... # TODO``), a collapsed reference
  solution (tag ``solution``) and a check (tag ``check``) that grades through ``grade(...)``
  without a bare ``assert``; one small cell showing the interactive panel (tag ``panel``);
  a summary;
* the course notebooks are exactly what ``notebooks/_build`` generates (edit the build
  scripts, then run ``python notebooks/_build/build_all.py``);
* ``build_all.py --student DIR`` writes copies without solutions and instructor notes, and an
  untouched student copy runs top to bottom with every check printing a hint (never
  "correct", never a number the student was not given).
"""

from __future__ import annotations

import importlib
import json
import re
import subprocess
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
    "05_fitting.ipynb": ("nb05_fit", "FitPanel"),
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

    sections = [c.source for c in cells if c.cell_type == "markdown" and re.match(r"##\s+\d", c.source)]
    untimed = [sec.splitlines()[0] for sec in sections if not re.search(r"\(~\d+ min\)", sec.splitlines()[0])]
    assert sections and not untimed, f"{path.name}: numbered sections need a timing '(~N min)': {untimed}"

    assert any("instructor" in _tags(c) and "STRICT_CHECKS = True" in c.source for c in cells), \
        f"{path.name}: the instructor copy must make failing checks raise (nbtools.instructor_setup())"
    checks = [i for i, c in enumerate(cells) if c.cell_type == "code" and "check" in _tags(c)]
    assert checks, f"{path.name}: needs at least one exercise check cell (tag 'check')"
    assert not any("exercise-check" in _tags(c) for c in cells), f"{path.name}: old tag 'exercise-check'"
    for i in checks:
        src = cells[i].source
        assert "grade(" in src, f"{path.name} cell {i}: a check grades through grade(...)"
        assert not re.search(r"^\s*assert\b", src, re.M), \
            f"{path.name} cell {i}: no bare assert in a check (its message would show the answer)"
        before = cells[:i]
        blanks = [k for k, c in enumerate(before) if "answer" in _tags(c)]
        assert blanks, f"{path.name} cell {i}: no answer blank before the check"
        assert any("solution" in _tags(c) for c in cells[blanks[-1]:i]), \
            f"{path.name} cell {i}: no solution cell between the blank and the check"
        assert any(c.cell_type == "markdown" and "Exercise" in c.source for c in before), \
            f"{path.name} cell {i}: no exercise statement before the check"
    for i, c in enumerate(cells):
        if "answer" in _tags(c):
            assert "..." in c.source and "TODO" in c.source, f"{path.name} cell {i}: a blank holds '... # TODO'"
        if "solution" in _tags(c):
            assert c.get("metadata", {}).get("jupyter", {}).get("source_hidden") is True, \
                f"{path.name} cell {i}: solution cells are stored collapsed"
            assert "SOLUTION" in c.source, f"{path.name} cell {i}: solution cells are clearly marked"
    thinks = [i for i, c in enumerate(cells) if c.cell_type == "markdown" and "> **Think!**" in c.source]
    assert thinks, f"{path.name}: at least one 'Think!' prompt"
    for i in thinks:
        assert i + 1 < len(cells) and "instructor" in _tags(cells[i + 1]), \
            f"{path.name} cell {i}: a Think! prompt is followed by its discussion notes (nbtools.notes)"

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


# ----------------------------------------------------------------------------- student copies

def _build_students(out_dir: Path) -> dict[str, Path]:
    proc = subprocess.run([sys.executable, str(BUILD_DIR / "build_all.py"), "--student", str(out_dir)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return {name: out_dir / name for name in COURSE}


@pytest.fixture(scope="module")
def student_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("student")
    _build_students(out)
    return out


@pytest.mark.parametrize("name", sorted(COURSE))
def test_student_copy_has_no_solutions(name, student_dir):
    teacher = _read(NB_DIR / name)
    student = _read(student_dir / name)
    nbformat.validate(student)
    for i, c in enumerate(student.cells):
        assert not {"solution", "instructor"} & set(_tags(c)), f"{name} cell {i}: instructor-only cell left in"
        assert "SOLUTION" not in c.source and "STRICT_CHECKS = True" not in c.source
        assert "Instructor notes" not in c.source
        if c.cell_type == "code":
            assert c.outputs == [] and c.execution_count is None
    # the blanks and the checks stay, in the same order
    for tag in ("answer", "check", "panel"):
        assert [c.source for c in teacher.cells if tag in _tags(c)] == \
            [c.source for c in student.cells if tag in _tags(c)], f"{name}: {tag} cells differ"
    removed = [c for c in teacher.cells if {"solution", "instructor"} & set(_tags(c))]
    assert len(student.cells) == len(teacher.cells) - len(removed)


def _outputs(cell) -> str:
    parts = []
    for o in cell.get("outputs", []):
        if o.output_type == "stream":
            parts.append(o.text)
        elif o.output_type == "error":
            parts.append(f"{o.ename}: {o.evalue}")
        else:
            parts.append(str(o.get("data", {}).get("text/plain", "")))
    return "\n".join(parts)


NUMBER = re.compile(r"(?<![\w.])[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?")


@pytest.mark.parametrize("name", sorted(COURSE))
def test_untouched_student_copy_runs_and_grades_nothing(name, student_dir):
    from nbclient import NotebookClient

    nb = _read(student_dir / name)
    given = "\n".join(c.source for c in nb.cells)  # what the student can read
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(student_dir)}}).execute()
    checks = 0
    for i, c in enumerate(nb.cells):
        if c.cell_type != "code":
            continue
        out = _outputs(c)
        # "correct" only ever appears in a passing check ("not yet" is the failing wording)
        assert not re.search(r"\bcorrect\b", out, re.I), f"{name} cell {i} says correct untouched:\n{out}"
        if "check" in _tags(c):
            checks += 1
            assert "not yet — hint:" in out, f"{name} cell {i}: an untouched check must print a hint:\n{out}"
            assert all(o.output_type == "stream" for o in c.outputs), f"{name} cell {i}: a check only prints"
            hint = out.split("hint:", 1)[1]
            unknown = [n for n in NUMBER.findall(hint) if n.lstrip("+-") not in given]
            assert not unknown, f"{name} cell {i}: the hint shows numbers the student was not given {unknown}:\n{out}"
    assert checks == sum("check" in _tags(c) for c in nb.cells) > 0


# wrong answers a student might give; each check must answer "not yet" with a hint that shows
# no number the student was not given
WRONG_ANSWERS = {
    "01_short_term_plasticity.ipynb": [
        ("return ...  # TODO: relax", "return u, x, (U if spike else 0.0)  # no depression; TODO: relax"),
        ("    return ...  # TODO", "    return np.ones_like(np.asarray(delta, dtype=float))"),
        ("r_half = ...  # TODO", "r_half = 1.0"),
        ("U_cross = ...  # TODO", "U_cross = 0.5"),
    ],
    "02_adaptive_thresholds.ipynb": [
        ("first_spike_step = ...  # TODO", "first_spike_step = 3"),
        ("theta = ...  # TODO 1", "theta = theta  # no decay; TODO 1"),
        ("thr = ...    # TODO 2", "thr = v_th + theta  # TODO 2"),
        ("spike = ...  # TODO 3", "spike = v >= thr and not refractory  # TODO 3"),
        ("theta = ...  # TODO 4", "theta = theta + theta_plus  # TODO 4"),
        ("def lif_rate(I):\n    return ...  # TODO", "def lif_rate(I):\n    return np.asarray(I) * 5.0"),
    ],
    "04_synapse_lab.ipynb": [
        ("my_current = ...  # TODO", "my_current = np.cumsum(6.0 * (wdyn_dep * pre_step).sum(axis=1))  # no decay; TODO"),
        ('ratio_pred = {"depressing": ..., "facilitating": ...}  # TODO',
         'ratio_pred = {"depressing": 6.0, "facilitating": 6.0}'),
        ('winner = {"depressing": ..., "facilitating": ...}  # TODO',
         'winner = {"depressing": "high", "facilitating": "high"}'),
    ],
    "05_fitting.ipynb": [
        ("my_guess = dict(U=..., tau_f=..., tau_d=..., W=...)  # TODO",
         "my_guess = dict(U=0.5, tau_f=10.0, tau_d=100.0, W=50.0)  # TODO"),
        ("profile_one = ...  # TODO", "profile_one = delta_one.min(axis=1)  # TODO"),
    ],
}


@pytest.mark.parametrize("name", sorted(WRONG_ANSWERS))
def test_wrong_answers_get_hints_not_answers(name, student_dir):
    from nbclient import NotebookClient

    nb = _read(student_dir / name)
    for old, new in WRONG_ANSWERS[name]:
        hits = [c for c in nb.cells if "answer" in _tags(c) and old in c.source]
        assert len(hits) == 1, f"{name}: blank {old!r} not found once"
        hits[0].source = hits[0].source.replace(old, new)
    given = "\n".join(c.source for c in nb.cells)
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(student_dir)}}).execute()
    for i, c in enumerate(nb.cells):
        if "check" not in _tags(c):
            continue
        out = _outputs(c)
        assert "not yet — hint:" in out and not re.search(r"\bcorrect\b", out, re.I), f"{name} cell {i}:\n{out}"
        assert "evaluating your answer raised" not in out, f"{name} cell {i}: a wrong value deserves a real hint:\n{out}"
        hint = out.split("hint:", 1)[1]
        unknown = [n for n in NUMBER.findall(hint) if n.lstrip("+-") not in given]
        assert not unknown, f"{name} cell {i}: the hint shows numbers the student was not given {unknown}:\n{out}"


def _markdown(name: str) -> str:
    nb = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def test_stated_steady_state_numbers_are_the_models():
    """Notebook 1 states x* and release* of its depressing synapse at 5 Hz, and notebook 4 the
    x* its 30 Hz step starts from: each number equals the engine's steady state (3 digits)."""
    import stpexplorer as sx

    u, x, rel = (float(v) for v in sx.steady_state(sx.STPParams(U=0.5, tau_f=0.0, tau_d=800.0), 5.0))
    nb1 = _markdown("01_short_term_plasticity.ipynb")
    m = re.search(r"at 5 Hz, \$U = 0\.5\$, \$\\tau_d = 800\$ ms: \$x\^\* = ([\d.]+)\$, "
                  r"\$\\text\{release\}\^\* = ([\d.]+)\$", nb1)
    assert m, "notebook 1 no longer states x* and release* at 5 Hz"
    assert float(m.group(1)) == pytest.approx(x, abs=5e-4) and float(m.group(2)) == pytest.approx(rel, abs=5e-4)
    assert float(m.group(2)) == pytest.approx(0.5 * float(m.group(1)), abs=1e-3)  # release* = U x*, not x*
    m4 = re.search(r"5 Hz steady state \(\$x\^\* \\approx ([\d.]+)\$", _markdown("04_synapse_lab.ipynb"))
    assert m4 and float(m4.group(1)) == pytest.approx(x, abs=5e-3)


def test_notebook_5_states_the_example_recordings_synapse():
    """Notebook 5's raw-sweeps section names the example recording's synapse: the numbers are
    the ones example_recording simulates."""
    from stpexplorer.recordings.example import EXAMPLE_PARAMS

    m = re.search(r"depressing\s+synapse \(U ([\d.]+), τf ([\d.]+) ms, τd ([\d.]+) ms, W ([\d.]+) pA\)",
                  _markdown("05_fitting.ipynb"))
    assert m, "notebook 5 no longer names the example recording's synapse"
    stated = dict(zip(("U", "tau_f", "tau_d", "W"), map(float, m.groups())))
    assert stated == EXAMPLE_PARAMS
