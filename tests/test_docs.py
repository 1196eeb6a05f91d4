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
