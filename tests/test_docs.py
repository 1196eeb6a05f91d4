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
