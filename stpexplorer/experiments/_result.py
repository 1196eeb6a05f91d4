"""Base of the typed results: JSON-safe ``to_dict`` and the per-step columns of the one result
CSV format (:func:`result_columns`; written by :func:`stpexplorer.experiments.to_csv` for the
panels' export and for ``stpexplorer simulate``)."""

from __future__ import annotations

import dataclasses
from dataclasses import fields
from typing import ClassVar

import numpy as np

__all__ = ["Result", "result_columns", "unit_of"]


def _jsonable(v):
    if isinstance(v, str) or v is None:
        return v
    a = np.asarray(v)
    if a.dtype.kind == "f" and not np.isfinite(a).all():
        a = a.astype(object)
        a[~np.isfinite(np.asarray(v, dtype=np.float64))] = None
    return a.tolist()


def unit_of(result, name: str) -> str:
    """A result field's unit ('' = dimensionless or undeclared): the result type's ``units``
    mapping (``{"v": "mV"}``, beside ``per_step``) or the dataclass field's ``metadata["unit"]``."""
    if name == "t":
        return "ms"
    declared = getattr(type(result), "units", None) or {}
    if name in declared:
        return str(declared[name])
    if dataclasses.is_dataclass(result):
        for f in fields(result):
            if f.name == name:
                return str(f.metadata.get("unit", ""))
    return ""


def _labelled(name: str, unit: str) -> str:
    unit = unit.strip()
    if not unit or unit == "-" or name.endswith(f"_{unit}"):
        return name
    return f"{name}_{unit.replace(' ', '').replace('/', '_per_')}"


def result_columns(result, per_step=None) -> dict[str, np.ndarray]:
    """The columns of a result's CSV: ``t_ms``, then one column per per-step trace (``per_step``,
    default the result's own), its header carrying its unit (``v_mV``, ``current_nA``;
    dimensionless traces keep their name); a 2-D trace gives one column per unit or synapse
    (``v_mV_0``, ``v_mV_1``, ...)."""
    cols = {"t_ms": np.asarray(result.t)}
    for name in (result.per_step if per_step is None else per_step):
        a, head = np.asarray(getattr(result, name)), _labelled(name, unit_of(result, name))
        if a.ndim == 1:
            cols[head] = a
        else:
            for i in range(a.shape[1]):
                cols[f"{head}_{i}"] = a[:, i]
    return cols


class Result:
    """Mixin of the frozen result dataclasses. ``per_step`` names the fields that are
    per-step traces on the time axis ``t`` (shape (n_steps,) or (n_steps, n)); ``units``
    maps field names to their units."""

    per_step: ClassVar[tuple[str, ...]] = ()
    #: units of fields that have one besides ms/Hz in their names (read by the CLI's CSV headers)
    units: ClassVar[dict[str, str]] = {}

    def to_dict(self) -> dict:
        """Every field as JSON-safe data: arrays as (nested) lists, NaN/inf as None."""
        return {f.name: _jsonable(getattr(self, f.name)) for f in fields(self)}

    def columns(self) -> dict[str, np.ndarray]:
        """:func:`result_columns` of this result: ``t_ms`` then each per-step trace, units in the headers."""
        return result_columns(self)
