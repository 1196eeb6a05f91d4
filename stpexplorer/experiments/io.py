"""Files: parameters as JSON (data only, never code), results as CSV: one format, written here
for the panels' export and for ``stpexplorer simulate`` (:func:`to_csv`, :func:`columns_to_csv`).

The result CSV: a header row, then one row per time step; the first column ``t_ms``, then one
column per per-step trace with its unit in the header (``v_mV``; dimensionless: the bare
name; 2-D traces ``name_i``); numbers with 7 significant digits (``%.7g``); a missing value
(NaN, or a shorter column) is an empty cell.
"""

from __future__ import annotations

import csv
import io
import json

import numpy as np

from stpexplorer.experiments._result import result_columns
from stpexplorer.experiments._schema import Experiment

__all__ = ["FORMAT", "columns_to_csv", "dump_json", "load_json", "result_to_jsonable", "to_csv"]

FORMAT = "stpexplorer-parameters"


def dump_json(exp: Experiment, values: dict) -> str:
    """``values`` (checked, missing ones at their defaults) as a parameter file for ``exp``."""
    vals = exp.validate(values)
    return json.dumps({"format": FORMAT, "version": 1, "panel": exp.name, "values": vals}, indent=2)


def load_json(exp: Experiment, text: str) -> dict:
    """Parse a parameter file for ``exp``: returns the complete, validated values.

    Raises ValueError with a clear message for malformed JSON, another panel's file,
    missing or unknown parameters, or out-of-range values. Only ``json.loads`` reads
    the text: nothing in a file is executed.
    """
    try:
        doc = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError, TypeError) as e:
        raise ValueError(f"not a valid JSON parameter file: {e}") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or not isinstance(doc.get("values"), dict):
        raise ValueError(f"not a stpexplorer parameter file: expected an object with "
                         f"\"format\": \"{FORMAT}\" and a \"values\" object")
    if doc.get("panel") != exp.name:
        raise ValueError(f"this file holds parameters of panel {doc.get('panel')!r}, not {exp.name!r}")
    return exp.validate(doc["values"], complete=True)


def _cells(col, n: int) -> np.ndarray:
    a = np.asarray(col)
    a = a.reshape(-1) if a.ndim else a.reshape(1)
    if a.dtype.kind == "b":
        a = a.astype(np.int8)
    if a.dtype.kind in "iu":
        text = a.astype(str)
    else:
        a = a.astype(np.float64)
        text = np.where(np.isnan(a), "", np.char.mod("%.7g", a))
    return np.concatenate([text, np.full(n - text.size, "", dtype=text.dtype)]) if text.size < n else text


def columns_to_csv(cols) -> str:
    """``{header: column}`` as CSV text in the result format (module docstring); shorter columns
    (a scalar: one cell) are padded with empty cells."""
    n = max((int(np.size(c)) for c in cols.values()), default=0)
    buf = io.StringIO()
    wr = csv.writer(buf, lineterminator="\n")
    wr.writerow(list(cols))
    wr.writerows(zip(*[_cells(c, n) for c in cols.values()]))
    return buf.getvalue()


def to_csv(exp: Experiment, result) -> str:
    """A result of ``exp`` as CSV text: ``t_ms`` then one column per trace of ``exp.per_step``,
    units in the headers (:func:`~stpexplorer.experiments._result.result_columns`)."""
    return columns_to_csv(result_columns(result, exp.per_step))


def result_to_jsonable(result) -> dict:
    """A typed result (or a ``{name: array}`` dict) as JSON-safe data (NaN/inf as None)."""
    if hasattr(result, "to_dict"):
        return result.to_dict()
    out = {}
    for k, v in result.items():
        a = np.asarray(v)
        out[k] = a.tolist() if a.ndim else (a.item() if np.isfinite(a).all() else None)
    return out
