"""Regenerate the teaching notebooks: ``python notebooks/_build/build_all.py [01 02 ...]``.

Edit the content in ``nbNN_*.py`` next to this file, never the .ipynb files by hand.
"""

import importlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

MODULES = {"01": "nb01_stp", "02": "nb02_thresholds", "03": "nb03_stdp", "04": "nb04_lab"}

if __name__ == "__main__":
    wanted = sys.argv[1:] or list(MODULES)
    for key in wanted:
        mod = importlib.import_module(MODULES[key])
        print(mod.build_notebook())
