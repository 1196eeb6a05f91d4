"""Base of the typed results: JSON-safe ``to_dict`` and the per-step CSV columns."""

from __future__ import annotations

from dataclasses import fields
from typing import ClassVar

import numpy as np

__all__ = ["Result"]


def _jsonable(v):
    if isinstance(v, str) or v is None:
        return v
    a = np.asarray(v)
    if a.dtype.kind == "f" and not np.isfinite(a).all():
        a = a.astype(object)
        a[~np.isfinite(np.asarray(v, dtype=np.float64))] = None
    return a.tolist()


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
        """``t_ms`` then one column per per-step trace (2-D traces: ``name_i`` per unit)."""
        cols = {"t_ms": np.asarray(self.t)}
        for name in self.per_step:
            a = np.asarray(getattr(self, name))
            if a.ndim == 1:
                cols[name] = a
            else:
                for i in range(a.shape[1]):
                    cols[f"{name}_{i}"] = a[:, i]
        return cols
