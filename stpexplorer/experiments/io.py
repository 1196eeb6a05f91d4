"""Files: parameters as JSON (data only, never code), traces as CSV."""

from __future__ import annotations

import csv
import io
import json

import numpy as np

from stpexplorer.experiments._schema import Experiment

__all__ = ["FORMAT", "dump_json", "load_json", "result_to_jsonable", "to_csv"]

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


def to_csv(exp: Experiment, result) -> str:
    """Per-step traces of a result as CSV text: ``t_ms`` then one column per trace of
    ``result.per_step`` (2-D traces get one column per unit/synapse, ``name_i``)."""
    cols = result.columns()
    buf = io.StringIO()
    wr = csv.writer(buf, lineterminator="\n")
    wr.writerow(cols)
    wr.writerows(zip(*[np.char.mod("%.7g", c) for c in cols.values()]))
    return buf.getvalue()


def result_to_jsonable(result) -> dict:
    """A typed result (or a ``{name: array}`` dict) as JSON-safe data (NaN/inf as None)."""
    if hasattr(result, "to_dict"):
        return result.to_dict()
    out = {}
    for k, v in result.items():
        a = np.asarray(v)
        out[k] = a.tolist() if a.ndim else (a.item() if np.isfinite(a).all() else None)
    return out
