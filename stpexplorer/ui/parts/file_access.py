"""Which files a panel may read and write, and where (no widgets here).

Two modes, decided once per kernel (:func:`file_access`):

* ``"browser"`` -- a **served** dashboard (Voila, ``stpexplorer app``, Binder's Voila
  link): the kernel belongs to the server, not to the visitor. Parameter files and CSV
  exports go to the visitor's browser as downloads and parameter files come back as
  uploads; no server path is ever written or read on a visitor's behalf.
* ``"local"`` -- the user's own kernel (JupyterLab, a script): files are read and
  written in one folder (the kernel's working directory), by **plain file name** only
  (:func:`check_file_name`), and a file this process did not write is never replaced
  without ``overwrite=True`` (:class:`LocalFiles`).

A kernel counts as served when Voila started it (Voila puts ``VOILA_*`` variables and
``SERVER_SOFTWARE=voila/...`` in its environment, pre-heated kernels included) or when
``STPX_FILES=browser`` is set (``stpexplorer app`` sets it for its kernels).
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Mapping

__all__ = ["served", "file_access", "check_file_name", "LocalFiles", "FILE_MODES"]

FILE_MODES = ("auto", "browser", "local")
_VOILA_VARS = ("VOILA_BASE_URL", "VOILA_SERVER_URL", "VOILA_PREHEAT", "VOILA_KERNEL_ID",
               "VOILA_REQUEST_URL", "VOILA_APP_PORT")
_MAX_NAME = 128


def served(environ: Mapping[str, str] | None = None) -> bool:
    """True when this kernel serves a dashboard to visitors (see the module docstring)."""
    env = os.environ if environ is None else environ
    if env.get("STPX_FILES", "").strip().lower() == "browser":
        return True
    if env.get("SERVER_SOFTWARE", "").lower().startswith("voila"):
        return True
    return any(k in env for k in _VOILA_VARS)


def file_access(mode: str = "auto", environ: Mapping[str, str] | None = None) -> str:
    """Resolve ``mode`` ("auto", "browser" or "local") to "browser" or "local".

    A served kernel is always "browser": asking for "local" there gives a warning and
    "browser" (a dashboard never touches the server's files for a visitor)."""
    if mode not in FILE_MODES:
        raise ValueError(f"files must be one of {', '.join(map(repr, FILE_MODES))}, got {mode!r}")
    if served(environ):
        if mode == "local":
            warnings.warn("files='local' ignored: this kernel serves a dashboard, so files go to "
                          "the visitor's browser", stacklevel=2)
        return "browser"
    return "local" if mode == "auto" else mode


def check_file_name(name, suffix: str) -> str:
    """A plain file name ending in ``suffix`` (".json", ".csv"), or ValueError.

    Allowed: one name in the working folder, e.g. ``stp-parameters.json``; the suffix is
    added when the name has none. Refused: an empty name, a folder part (``/``, ``\\``,
    ``:``), ``..``, a leading ``.`` (hidden files), control characters, another suffix
    (so a notebook or a script can never be written), more than 128 characters."""
    if not isinstance(name, str):
        raise ValueError(f"file name must be text, got {type(name).__name__}")
    if not name.strip():
        raise ValueError("file name is empty: type a name such as "
                         f"'parameters{suffix}'")
    if any(ch in name for ch in "/\\:") or (os.altsep and os.altsep in name):
        raise ValueError(f"file name must be a plain name without folders ('/', '\\\\' or ':'), got {name!r}")
    if ".." in name:
        raise ValueError(f"file name must not contain '..', got {name!r}")
    if name.startswith("."):
        raise ValueError(f"file name must not start with '.', got {name!r}")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        raise ValueError(f"file name must not contain control characters, got {name!r}")
    if name != name.strip():
        raise ValueError(f"file name must not start or end with spaces, got {name!r}")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        name = name + suffix
    elif "." + ext.lower() != suffix:
        raise ValueError(f"file name must end in {suffix} (a {suffix[1:].upper()} file), got {name!r}")
    if len(name) > _MAX_NAME:
        raise ValueError(f"file name must have at most {_MAX_NAME} characters, got {len(name)}")
    return name


# files written by this process (resolved paths): these may be replaced without asking
_WRITTEN: set[Path] = set()


class LocalFiles:
    """Plain-named files in one folder of the user's own kernel.

    ``write(name, text, suffix)`` refuses to replace a file this process did not write
    (FileExistsError) unless ``overwrite=True``; ``read(name, suffix)`` reads only plain
    names in the folder. Symbolic links are neither followed nor replaced."""

    def __init__(self, directory: os.PathLike | str | None = None):
        self.directory = Path(directory) if directory is not None else None

    @property
    def folder(self) -> Path:
        """The folder in use (the current working directory unless one was given)."""
        return (self.directory or Path.cwd()).resolve()

    def path(self, name, suffix: str) -> Path:
        """The full path of plain name ``name`` (checked) in :attr:`folder`."""
        return self.folder / check_file_name(name, suffix)

    def exists_foreign(self, name, suffix: str) -> bool:
        """True when ``name`` exists and was not written by this process."""
        p = self.path(name, suffix)
        return (p.exists() or p.is_symlink()) and p not in _WRITTEN

    def write(self, name, text: str, suffix: str, *, overwrite: bool = False) -> Path:
        p = self.path(name, suffix)
        if p.is_symlink():
            raise ValueError(f"{p.name} is a symbolic link: not replaced; choose another name")
        if p.exists():
            if not p.is_file():
                raise ValueError(f"{p.name} exists and is not a file; choose another name")
            if p not in _WRITTEN and not overwrite:
                raise FileExistsError(f"{p.name} already exists and was not written here: "
                                      "save again to replace it (overwrite=True), or choose another name")
        p.write_text(text, encoding="utf-8")
        _WRITTEN.add(p)
        return p

    def read(self, name, suffix: str) -> str:
        p = self.path(name, suffix)
        if p.is_symlink() or not p.is_file():
            raise ValueError(f"no file {p.name} in {self.folder}")
        return p.read_text(encoding="utf-8")
