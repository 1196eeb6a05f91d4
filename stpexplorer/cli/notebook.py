"""The explorer notebook a server opens: the packaged copy, copied next to the user.

The packaged copy is never opened directly, so JupyterLab's autosave never writes into
site-packages.
"""

from __future__ import annotations

import importlib.resources
import os
import sys
from pathlib import Path

__all__ = ["NOTEBOOK_NAME", "ensure_notebook", "packaged_notebook"]

NOTEBOOK_NAME = "explorer.ipynb"


def packaged_notebook() -> Path:
    """Path of the explorer notebook shipped inside the installed package."""
    ref = importlib.resources.files("stpexplorer") / "notebooks" / NOTEBOOK_NAME
    if not ref.is_file():
        raise FileNotFoundError(
            f"the packaged notebook stpexplorer/notebooks/{NOTEBOOK_NAME} is missing; "
            "reinstall stpexplorer (pip install --force-reinstall stpexplorer)"
        )
    # Regular (non-zip) installs: this is a real file on disk.
    return Path(str(ref))


def ensure_notebook(directory: os.PathLike | str, *, reset: bool = False) -> Path:
    """Return the explorer notebook to open from ``directory``, creating it if missing.

    An existing copy (possibly modified by the user) is kept as is; with ``reset=True`` it
    is first moved aside to ``explorer.ipynb.bak`` (or ``.bak1``, ...), never deleted. In a
    source checkout or on Binder (a ``notebooks/explorer.ipynb`` below ``directory``) that
    notebook is used.
    """
    directory = Path(directory).expanduser().resolve()
    checkout_copy = directory / "notebooks" / NOTEBOOK_NAME
    target = checkout_copy if checkout_copy.is_file() else directory / NOTEBOOK_NAME
    source = packaged_notebook()
    if target.exists() and reset:
        if target.read_bytes() == source.read_bytes():
            return target
        n = 0
        backup = target.with_name(target.name + ".bak")
        while backup.exists():
            n += 1
            backup = target.with_name(f"{target.name}.bak{n}")
        target.rename(backup)
        print(f"stpexplorer: moved your copy to {backup}", file=sys.stderr)
    if not target.exists():
        directory.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes())
    return target
