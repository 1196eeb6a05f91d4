"""Run a coroutine to completion from a test, whatever the test session's main thread is doing.

The browser tests' Playwright sync API keeps an asyncio loop running in the main thread for
the whole session (its fixtures are session-scoped), so ``asyncio.run`` there raises
"cannot be called from a running event loop". A fresh thread has no loop: run it there."""

from __future__ import annotations

import asyncio
import threading


def run_async(make_coro, timeout: float = 180.0):
    """``asyncio.run(make_coro())`` in a new thread; returns its result or re-raises its error."""
    box: dict = {}

    def target():
        try:
            box["result"] = asyncio.run(make_coro())
        except BaseException as e:  # noqa: BLE001 - re-raised in the caller's thread
            box["error"] = e

    t = threading.Thread(target=target, name="test-asyncio-loop")
    t.start()
    t.join(timeout)
    assert not t.is_alive(), f"coroutine did not finish within {timeout} s"
    if "error" in box:
        raise box["error"]
    return box["result"]
