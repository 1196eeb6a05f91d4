"""Count XLA compilations with JAX's public monitoring hooks (no private ``jit._cache_size``).

Every time JAX compiles a computation for the backend (a jitted function called with a new
shape, dtype or tree structure, or an eager op seen for the first time) it records the event
``/jax/core/compile/backend_compile_duration`` through :mod:`jax.monitoring`. One listener,
registered on first use, counts these events for the whole process.

>>> import jax, jax.numpy as jnp, numpy as np
>>> f = jax.jit(lambda x: x * 2.0)
>>> with count_compilations() as c:
...     _ = f(np.ones(3, np.float32)); _ = f(np.full(3, 5.0, np.float32))  # same shape: one compile
>>> c.n
1
"""

from __future__ import annotations

import threading
from typing import Self

import jax

__all__ = ["compile_count", "count_compilations", "CompileCounter", "COMPILE_EVENT"]

COMPILE_EVENT = "/jax/core/compile/backend_compile_duration"

_lock = threading.Lock()
_total = 0
_registered = False


def _listener(event: str, duration_secs: float, **kwargs) -> None:
    global _total
    if event == COMPILE_EVENT:
        with _lock:
            _total += 1


def _ensure_listener() -> None:
    global _registered
    with _lock:
        if not _registered:
            jax.monitoring.register_event_duration_secs_listener(_listener)
            _registered = True


def compile_count() -> int:
    """Backend compilations seen in this process since the counter was first used.

    Compare two readings: ``before = compile_count(); ...; compile_count() - before``.
    The first call registers the listener and returns the count from then on (0).
    """
    _ensure_listener()
    return _total


class CompileCounter:
    """Context manager: ``n`` is the number of compilations inside the ``with`` block
    (read it inside the block for the count so far)."""

    def __init__(self):
        self._start = 0
        self._end: int | None = None

    def __enter__(self) -> Self:
        self._start = compile_count()
        self._end = None
        return self

    def __exit__(self, *exc) -> None:
        self._end = compile_count()

    @property
    def n(self) -> int:
        end = compile_count() if self._end is None else self._end
        return end - self._start


def count_compilations() -> CompileCounter:
    """``with count_compilations() as c: ...`` then ``c.n`` compilations happened inside."""
    return CompileCounter()
