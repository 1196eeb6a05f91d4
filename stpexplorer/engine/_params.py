"""Parameter pytrees and argument checks shared by every model.

Parameters are frozen dataclasses registered as JAX pytrees. Numbers are array
leaves (so a slider changes values, never the compiled function); sizes and
model choices (``rule``, ``bounds``, ``n_units``) are static metadata.

Every leaf is normalised at construction to an array of the engine's float
dtype (float32, or float64 when ``jax_enable_x64`` is on). Python floats, ints,
``np.float32`` scalars and JAX arrays therefore all reach ``jit`` with the same
abstract type and never trigger a recompilation.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import jax
import numpy as np

__all__ = ["float_dtype", "params_class", "trace_class", "check_range", "as_float_scalar", "as_count",
           "check_instance"]


def float_dtype() -> np.dtype:
    """The engine's float dtype: float64 when jax x64 is enabled, else float32."""
    return np.dtype(jax.dtypes.canonicalize_dtype(np.float64))


def _is_tracer(x: Any) -> bool:
    return isinstance(x, jax.core.Tracer)


def _as_leaf(name: str, value: Any):
    """Normalise one parameter value to an array of the engine float dtype."""
    dtype = float_dtype()
    if _is_tracer(value):
        return value.astype(dtype) if value.dtype != dtype else value
    if isinstance(value, jax.Array):
        # concrete JAX arrays become numpy too: jit caches numpy and device arrays under
        # different keys, and one kind of leaf means one compiled function
        value = np.asarray(value)
    try:
        arr = np.asarray(value, dtype=dtype)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a real number or an array of real numbers, got {value!r}") from None
    return arr


def _fmt(v: float) -> str:
    return f"{v:g}"


def _describe(arr) -> str:
    arr = np.asarray(arr)
    if arr.ndim == 0:
        return _fmt(float(arr))
    return f"an array with values in [{_fmt(float(np.nanmin(arr)))}, {_fmt(float(np.nanmax(arr)))}]"


def check_range(name: str, value, *, lo=None, hi=None, lo_open=False, hi_open=False,
                unit: str = "", note: str = "") -> None:
    """Raise ``ValueError`` naming ``name``, the valid range and the value received.

    Only concrete values are checked; traced values (inside ``jit``) pass through.
    """
    if _is_tracer(value):
        return
    arr = np.asarray(value, dtype=np.float64)
    lo_txt = "-inf" if lo is None else _fmt(lo)
    hi_txt = "inf" if hi is None else _fmt(hi)
    rng = f"{'(' if lo_open or lo is None else '['}{lo_txt}, {hi_txt}{')' if hi_open or hi is None else ']'}"
    ok = np.isfinite(arr)
    if lo is not None:
        ok &= (arr > lo) if lo_open else (arr >= lo)
    if hi is not None:
        ok &= (arr < hi) if hi_open else (arr <= hi)
    if not np.all(ok):
        bad = arr[~ok] if arr.ndim else arr
        got = _fmt(float(np.ravel(bad)[0]))
        if arr.ndim:
            got = f"{got} (and {int(np.size(bad)) - 1} more bad values)" if np.size(bad) > 1 else got
        u = f" {unit}" if unit else ""
        extra = f" ({note})" if note else ""
        raise ValueError(f"{name} must be in {rng}{u}{extra}, got {got}")


def _in_range(v, *, lo=None, hi=None, lo_open=False, hi_open=False, **_):
    return ((lo is None or (v > lo if lo_open else v >= lo))
            and (hi is None or (v < hi if hi_open else v <= hi)))


def as_float_scalar(name: str, value, **range_kw):
    """Check a scalar argument (dt_ms, rate_hz, ...) and return it as a 0-d float array."""
    if isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be a number, got {value!r}")
    if type(value) in (float, int) and math.isfinite(value) and _in_range(value, **range_kw):
        return np.asarray(value, dtype=float_dtype())  # fast path for plain numbers (hot: every call)
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    if arr.ndim != 0:
        raise ValueError(f"{name} must be a scalar, got an array of shape {arr.shape}")
    check_range(name, arr, **range_kw)
    return np.asarray(arr, dtype=float_dtype())


def as_count(name: str, value, lo: int = 1) -> int:
    """Check an integer argument (n_spikes, seed, n_pairs, ...) >= ``lo`` and return it as int."""
    try:
        f = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an integer >= {lo}, got {value!r}") from None
    if not math.isfinite(f) or f != int(f) or f < lo:
        raise ValueError(f"{name} must be an integer >= {lo}, got {value!r}")
    return int(f)


def check_instance(name: str, value, cls) -> None:
    """Raise ``ValueError`` unless ``value`` is a ``cls`` (e.g. "params must be a STPParams, got dict")."""
    if not isinstance(value, cls):
        article = "an" if cls.__name__[0] in "AEIOU" and not cls.__name__.startswith("U") else "a"
        raise ValueError(f"{name} must be {article} {cls.__name__}, got {type(value).__name__}")


def params_class(*, meta: tuple[str, ...] = ()):
    """Decorate a class into a frozen dataclass pytree.

    Fields listed in ``meta`` are static (hashable, part of the compiled function);
    every other field is an array leaf. The class may define ``_check(self)``
    which runs after normalisation, on construction by the user only (JAX's own
    unflattening bypasses ``__init__``).
    """

    def wrap(cls):
        user_check = cls.__dict__.get("_check")

        def __post_init__(self):
            for name in type(self)._data_fields:
                v = getattr(self, name)
                if dataclasses.is_dataclass(v):  # nested parameter trees (CircuitParams)
                    continue
                object.__setattr__(self, name, _as_leaf(name, v))
            if user_check is not None:
                user_check(self)

        # must exist before dataclass() generates __init__, which calls it
        cls.__post_init__ = __post_init__
        cls = dataclasses.dataclass(frozen=True, eq=False)(cls)
        fields = [f.name for f in dataclasses.fields(cls)]
        data = tuple(f for f in fields if f not in meta)
        cls._data_fields = data
        cls._meta_fields = meta

        def flatten_with_keys(obj):
            children = tuple((jax.tree_util.GetAttrKey(n), getattr(obj, n)) for n in data)
            return children, tuple(getattr(obj, n) for n in meta)

        def flatten(obj):
            return tuple(getattr(obj, n) for n in data), tuple(getattr(obj, n) for n in meta)

        def unflatten(aux, children):
            obj = object.__new__(cls)
            for n, v in zip(data, children):
                object.__setattr__(obj, n, v)
            for n, v in zip(meta, aux):
                object.__setattr__(obj, n, v)
            return obj

        jax.tree_util.register_pytree_with_keys(cls, flatten_with_keys, unflatten, flatten)

        def replace(self, **changes):
            """Return a copy with some fields changed (validated like the constructor)."""
            return dataclasses.replace(self, **changes)

        def __repr__(self):
            parts = []
            for n in fields:
                v = getattr(self, n)
                if isinstance(v, (np.ndarray, jax.Array)) and not _is_tracer(v) and np.ndim(v) == 0:
                    parts.append(f"{n}={float(v):g}")
                elif isinstance(v, (np.ndarray, jax.Array)) and not _is_tracer(v):
                    parts.append(f"{n}=<array {tuple(np.shape(v))}>")
                else:
                    parts.append(f"{n}={v!r}")
            return f"{cls.__name__}({', '.join(parts)})"

        cls.replace = replace
        cls.__repr__ = __repr__
        return cls

    return wrap


def trace_class(cls):
    """A frozen dataclass pytree whose every field is an array (simulation output)."""
    cls = dataclasses.dataclass(frozen=True, eq=False)(cls)
    names = tuple(f.name for f in dataclasses.fields(cls))
    jax.tree_util.register_dataclass(cls, data_fields=list(names), meta_fields=[])
    return cls
