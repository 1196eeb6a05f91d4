"""A panel's file actions: ``save_json``, ``load_json``, ``export_csv`` (:class:`PanelFiles`,
a part a :class:`~stpexplorer.ui.parts.panel.Panel` holds) over its file row
(:class:`~stpexplorer.ui.parts.file_row.FileBar`, ``bar``); the panel says what the files hold."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from stpexplorer.ui.parts.file_row import FileBar

__all__ = ["PanelFiles"]


class PanelFiles:
    """``PanelFiles(key, mode, json_text=, csv_text=, load_text=, report=)``: the file row
    (``bar``, a :class:`FileBar` for files named after ``key``, in ``mode`` "auto", "browser"
    or "local": :mod:`~stpexplorer.ui.parts.file_access`) and ``save_json``, ``load_json``,
    ``export_csv``. ``json_text()`` / ``csv_text()``: the text to save; ``load_text(text,
    source)``: applies a parameter file (the values, or None after reporting why not);
    ``report(msg)``: shows an error."""

    def __init__(self, key: str, mode: str, *, json_text: Callable[[], str], csv_text: Callable[[], str],
                 load_text: Callable[[str, str], object], report: Callable[[str], None]):
        self.json_text, self.csv_text, self.load_text, self._report = json_text, csv_text, load_text, report
        self.bar = FileBar(key, mode, json_text=json_text, csv_text=csv_text, load_text=load_text, report=report)

    def _local_only(self, what: str):
        if self.bar.mode != "local":
            raise PermissionError(f"{what}: this dashboard is served to visitors, so it reads and writes "
                                  "no files on the server; use the download links and Upload JSON")

    def save_json(self, path=None):
        """Write the current parameters as a stpexplorer JSON parameter file.

        In your own kernel, ``path`` is any path (your code decides); without one, the
        File box's plain name is used with its rules (:class:`~stpexplorer.ui.parts.file_access.LocalFiles`).
        In a served dashboard ``path`` must be None: a download link is offered instead
        and None is returned."""
        return self._write("save_json", path, self.json_text, "application/json",
                           self.bar.offer_json, self.bar.save_from_box)

    def export_csv(self, path=None):
        """Write the last good run's per-step traces as CSV (see :meth:`save_json` for
        ``path``; in a served dashboard a download link is offered)."""
        return self._write("export_csv", path, self.csv_text, "text/csv",
                           self.bar.offer_csv, self.bar.export_from_box)

    def _write(self, what, path, text, mime, offer, from_box):
        """Shared by save_json and export_csv: a download (served), the File box, or ``path``."""
        if path is None:
            if self.bar.mode == "browser":
                offer()
                return None
            return str(from_box())
        self._local_only(what)
        body = text()
        Path(path).write_text(body, encoding="utf-8")
        if len(body) < 4_000_000:
            self.bar.offer(Path(path).name, body, mime)
        return str(path)

    def load_json(self, path=None):
        """Load a parameter file: all values with one simulation. A malformed, incomplete,
        out-of-range or other panel's file changes nothing: the message goes to ``.error``
        and the error area, and None is returned (the values dict otherwise). Without
        ``path`` the File box's name is read. Not available in a served dashboard
        (PermissionError): visitors use Upload JSON."""
        self._local_only("load_json")
        if path is None:
            try:
                return self.bar.load_from_box()
            except ValueError as e:
                self._report(str(e))
                return None
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            self._report(f"cannot read {path}: {e}")
            return None
        return self.load_text(text, str(path))
