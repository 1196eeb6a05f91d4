"""The examples in the engine's docstrings run and print what they say."""

import doctest
import importlib

import pytest

MODULES = ["stpexplorer.engine.stp", "stpexplorer.engine.stdp", "stpexplorer.engine.wtas",
           "stpexplorer.engine.alif", "stpexplorer.engine.circuit", "stpexplorer.engine.protocols",
           "stpexplorer.experiments"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    mod = importlib.import_module(name)
    res = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert res.attempted > 0 and res.failed == 0


def _contract_panel_table() -> list[list[str]]:
    """Rows (cells without backticks) of the panel table in docs/ui_contract.md."""
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "docs" / "ui_contract.md").read_text(encoding="utf-8")
    m = re.search(r"<!-- panels:.*?-->\n(.*?)<!-- /panels -->", text, re.DOTALL)
    assert m, "docs/ui_contract.md has no <!-- panels --> table"
    rows = [[c.strip().strip("`") for c in ln.strip().strip("|").split("|")] for ln in m.group(1).splitlines()]
    return [r for r in rows[2:] if any(r)]  # past the header and the |---| line


def test_ui_contract_table_lists_the_registry():
    """The contract's panel table is the registry: same keys, titles, order; the panel class
    and root box class of each row are the Explorer's."""
    pytest.importorskip("ipywidgets")
    from stpexplorer.experiments import EXPERIMENTS
    from stpexplorer.ui.app.explorer import PANELS

    expected = [[k, exp.title, PANELS[k].__name__, f"stpx-panel-{k}"] for k, exp in EXPERIMENTS.items()]
    table = "\n".join("| " + " | ".join(f"`{c}`" if i != 1 else c for i, c in enumerate(r)) + " |"
                      for r in expected)
    assert _contract_panel_table() == expected, f"docs/ui_contract.md should list:\n{table}"


#: docs/architecture.md's layer table: what each layer may import of the package
LAYERS = {
    "engine": set(),
    "fit": {"engine"},
    "recordings": {"engine", "fit"},
    "experiments": {"engine", "fit", "recordings"},
    "ui.plot": set(),
    "ui.parts": {"engine", "experiments", "ui.plot"},
    "ui.panels": {"engine", "experiments", "fit", "recordings", "ui.parts", "ui.plot"},
    "ui.app": {"engine", "experiments", "ui.parts", "ui.panels", "ui.plot"},
    "ui": {"experiments", "ui.app", "ui.parts", "ui.panels", "ui.plot"},
    "cli": {"experiments", "fit", "recordings", "bench"},
    "bench": {"engine", "fit", "recordings", "experiments", "ui", "ui.app", "ui.parts", "ui.panels", "ui.plot", "cli"},
}


def _layer(module: str) -> str | None:
    parts = module.split(".")[1:]
    if not parts or parts[0] in ("__init__", "__main__"):
        return None  # the package root re-exports the engine and the fit
    if parts[0] == "ui" and len(parts) > 1 and parts[1] in ("plot", "parts", "panels", "app"):
        return f"ui.{parts[1]}"
    return parts[0]


def test_layers_import_only_downwards():
    """Every import of the package's own modules (module level or in a function) goes down the
    layer table of docs/architecture.md; the table there lists every layer folder."""
    import ast
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    pkg = root / "stpexplorer"
    table = (root / "docs" / "architecture.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([\w/]+)/` \|", table, re.M))
    assert documented == {k.replace(".", "/") for k in LAYERS if k != "ui"}, documented
    bad = []
    for path in sorted(pkg.rglob("*.py")):
        mod = ".".join(path.relative_to(root).with_suffix("").parts)
        here = _layer(mod)
        if here is None:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module == "stpexplorer":
                names = [f"stpexplorer.{a.name}" for a in node.names]  # from stpexplorer import engine
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                names = []
            for name in names:
                if not name.startswith("stpexplorer.") and name != "stpexplorer":
                    continue
                there = _layer(name) if name != "stpexplorer" else None
                if there is None:
                    there = "root"
                if there != here and there not in LAYERS[here]:
                    bad.append(f"{mod}:{node.lineno} imports {name} ({here} -> {there})")
    assert not bad, "imports against the layer table:\n" + "\n".join(bad)
