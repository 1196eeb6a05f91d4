"""The file row of a panel: parameter files (JSON) and trace exports (CSV).

In a served dashboard (``mode="browser"``, see :mod:`stpexplorer.ui.parts.file_access`) the row has
**Save JSON** and **Export CSV**, which put a download link for the visitor's browser in
the row, and **Upload JSON**; there is no file-name box and no server path is read or
written. In the user's own kernel (``mode="local"``) it also has a **File** box that
takes a plain file name in the working folder, **Load JSON**, and saves that never replace
a file this kernel did not write unless Save is pressed a second time (the message says so).
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable
from pathlib import Path

import ipywidgets as W

from stpexplorer.ui.parts.file_access import LocalFiles, check_file_name, file_access

__all__ = ["FileBar", "csv_name"]

_LINK_STYLE = "color: var(--jp-content-link-color, #1a6fb5); text-decoration: underline;"


def csv_name(name: str) -> str:
    """CSV file name for the File box's ``name`` (``stp-parameters.json`` -> ``stp-parameters.csv``)."""
    if isinstance(name, str) and name.lower().endswith(".csv"):
        return check_file_name(name, ".csv")
    return Path(check_file_name(name, ".json")).stem + ".csv"


class FileBar:
    """Widgets and rules of a panel's file row.

    ``json_text()`` / ``csv_text()`` give the text to save; ``load_text(text, source)``
    applies a parameter file; ``report(msg)`` shows an error in the panel."""

    def __init__(self, key: str, mode: str, *, json_text: Callable[[], str], csv_text: Callable[[], str],
                 load_text: Callable[[str, str], object], report: Callable[[str], None],
                 directory=None):
        self.key = key
        self.mode = file_access(mode)
        self.local = LocalFiles(directory) if self.mode == "local" else None
        self._json_text, self._csv_text = json_text, csv_text
        self._load_text, self._report = load_text, report
        self._confirm: str | None = None  # file name whose replacement awaits a second Save
        self.download = W.HTML("")
        self.download.add_class("stpx-download")
        self.message = W.HTML("")
        self.message.add_class("stpx-file-message")
        save = W.Button(description="Save JSON", icon="save")
        csv = W.Button(description="Export CSV", icon="table")
        self.upload = W.FileUpload(accept=".json,application/json", multiple=False,
                                   description="Upload JSON", tooltip="apply a parameter file from your computer")
        self.upload.add_class("stpx-upload")
        self.upload.observe(self._on_upload, "value")
        save.add_class("stpx-save-json")
        csv.add_class("stpx-export-csv")
        self.save_button, self.csv_button, self.load_button = save, csv, None
        kids = [save, csv, self.upload]
        if self.mode == "browser":
            save.tooltip = "download the parameters as a JSON file"
            csv.tooltip = "download the traces as a CSV file"
            save.on_click(lambda _: self._guard(self.offer_json))
            csv.on_click(lambda _: self._guard(self.offer_csv))
            self.name = None
        else:
            self.name = W.Text(value=f"{key}-parameters.json", description="File",
                               tooltip="a plain file name in the notebook's folder",
                               style={"description_width": "3em"}, layout=W.Layout(width="300px"))
            self.name.add_class("stpx-file-name")
            self.name.observe(lambda _: self._forget_confirm(), "value")
            load = W.Button(description="Load JSON", icon="folder-open",
                            tooltip="load parameters from the named file")
            load.add_class("stpx-load-json")
            self.load_button = load
            save.tooltip = "save the parameters to the named file (and offer a download)"
            csv.tooltip = "write the traces to the named file, with .csv (and offer a download)"
            save.on_click(lambda _: self._guard(self.save_from_box))
            load.on_click(lambda _: self._guard(self.load_from_box))
            csv.on_click(lambda _: self._guard(self.export_from_box))
            kids = [self.name, save, load, csv, self.upload]
        self.widget = W.HBox(kids + [self.download, self.message],
                             layout=W.Layout(flex_flow="row wrap", align_items="center"))
        self.widget.add_class("stpx-files")
        self.widget.add_class(f"stpx-files-{self.mode}")

    # ------------------------------------------------------------ downloads
    def offer(self, name: str, text: str, mime: str) -> None:
        """Put a download link for ``text`` in the row (the visitor's browser saves it)."""
        b64 = base64.b64encode(text.encode("utf-8")).decode()
        self.download.value = (f"<a download='{html.escape(name)}' href='data:{mime};base64,{b64}' "
                               f"style='{_LINK_STYLE}'>⬇ download {html.escape(name)}</a>")

    def offer_json(self) -> None:
        self.offer(f"{self.key}-parameters.json", self._json_text(), "application/json")

    def offer_csv(self) -> None:
        self.offer(f"{self.key}-traces.csv", self._csv_text(), "text/csv")

    # ------------------------------------------------------------ the File box (local mode)
    def save_from_box(self) -> Path:
        name = self.name.value
        text = self._json_text()
        return self._write(name, text, ".json", "application/json")

    def export_from_box(self) -> Path:
        return self._write(csv_name(self.name.value), self._csv_text(), ".csv", "text/csv")

    def load_from_box(self):
        name = self.name.value
        try:
            text = self.local.read(name, ".json")
        except UnicodeDecodeError as e:
            raise ValueError(f"{name}: not UTF-8 text ({e.reason})") from None
        return self._load_text(text, check_file_name(name, ".json"))

    def _write(self, name: str, text: str, suffix: str, mime: str) -> Path:
        checked = check_file_name(name, suffix)
        overwrite = self._confirm == checked
        try:
            path = self.local.write(checked, text, suffix, overwrite=overwrite)
        except FileExistsError:
            self._confirm = checked
            button = "Save JSON" if suffix == ".json" else "Export CSV"
            raise FileExistsError(f"{checked} already exists and was not written by this panel: press "
                                  f"{button} again to replace it, or choose another name") from None
        self._confirm = None
        self.message.value = f"saved {html.escape(path.name)} in {html.escape(str(path.parent))}"
        if len(text) < 4_000_000:
            self.offer(path.name, text, mime)
        return path

    def _forget_confirm(self):
        self._confirm = None

    # ------------------------------------------------------------ upload
    def _on_upload(self, change):
        files = change["new"]
        if not files:
            return
        # Forget the upload *first*, before the file is applied, so that the same file
        # chosen again is applied again. The browser's FileUpload model only sends a pick
        # whose value differs (deep equality: name, size, date, bytes) from the value it
        # holds; until the kernel's reset to () reaches it, it still holds this file, and
        # the same file picked again is dropped there (never sent, the button then reads
        # "(0)" once the reset lands). Resetting after _load_text (a simulation and a
        # redraw, a fraction of a second) left that window open while the applied values
        # were already on screen; sent now, the reset reaches the browser ahead of every
        # change the file makes, so once the new values show, a new pick is delivered.
        self.upload.value = ()
        f = files[0]
        name = str(f.get("name", "upload"))
        try:
            text = bytes(f["content"]).decode("utf-8")
        except (UnicodeDecodeError, KeyError, TypeError) as e:
            self._report(f"{name}: not a UTF-8 text file ({type(e).__name__})")
        else:
            self._load_text(text, name)

    def _guard(self, fn):
        try:
            fn()
        except FileExistsError as e:
            self._report(str(e))
        except Exception as e:  # noqa: BLE001 - shown to the user, the panel keeps its state
            self._report(f"{type(e).__name__}: {e}" if not isinstance(e, ValueError) else str(e))
