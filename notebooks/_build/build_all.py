"""Regenerate the teaching notebooks.

    python notebooks/_build/build_all.py [01 02 ...]            # instructor copies, in notebooks/
    python notebooks/_build/build_all.py --student DIR [01 ...]  # student copies, in DIR

Edit the content in ``nbNN_*.py`` next to this file, never the .ipynb files by hand. The
student copies leave out the reference solutions and the instructor notes (cells tagged
``solution`` or ``instructor``); see ``nbtools.py``.
"""

import argparse
import importlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

MODULES = {"01": "nb01_stp", "02": "nb02_thresholds", "03": "nb03_stdp", "04": "nb04_lab", "05": "nb05_fit"}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("which", nargs="*", help=f"notebooks to build, among {', '.join(MODULES)} (default: all)")
    parser.add_argument("--student", metavar="DIR", help="write student copies (no solutions, no notes) to DIR")
    args = parser.parse_args(argv)
    unknown = [k for k in args.which if k not in MODULES]
    if unknown:
        parser.error(f"unknown notebook(s) {', '.join(unknown)}; valid: {', '.join(MODULES)}")
    for key in args.which or list(MODULES):
        mod = importlib.import_module(MODULES[key])
        print(mod.build_notebook(out_dir=args.student, student=bool(args.student)))


if __name__ == "__main__":
    main()
