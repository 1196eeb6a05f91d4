"""Run a file parser in a separate worker process, so that a C library crashing on a malformed
file kills the worker, not the kernel or server that asked.

The HDF5 library (under h5py, under pynwb) can crash with a segmentation fault on a corrupt or
malicious file (random byte flips in an NWB file do it); no Python ``try`` catches that.
:func:`run_isolated` sends the request to a worker (``python -m stpexplorer.recordings._isolate``,
started on first use and kept: later reads cost no start-up) over its stdin and reads the
answer from its stdout. Nothing is pickled either way: requests and answers are JSON, arrays
are ``.npy`` bytes read with ``allow_pickle=False``. The worker's exceptions come back as the
same type (``ValueError``, ``FileNotFoundError``, ``ImportError``, ``TypeError``); a crash, or a
read running past ``timeout_s`` (the worker is killed), is a ``ValueError`` naming the file, and
the next read starts a fresh worker. An upload travels through the pipe: it is never written to
disk. Only functions of ``stpexplorer.recordings`` modules can be asked for. Using
``subprocess`` rather than ``multiprocessing`` means the caller's ``__main__`` is never
re-imported (a script without an ``if __name__ == "__main__"`` guard still works).
"""

from __future__ import annotations

import importlib
import io
import json
import os
import select
import struct
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np

__all__ = ["run_isolated"]

_PASSED = {c.__name__: c for c in (ValueError, FileNotFoundError, ImportError, TypeError)}
_LOCK = threading.Lock()
_WORKER: list[subprocess.Popen] = []


def _send(fh, data: bytes) -> None:
    fh.write(struct.pack("<Q", len(data)))
    fh.write(data)


def _recv(fh) -> bytes:
    head = b""
    while len(head) < 8:
        part = fh.read(8 - len(head))
        if not part:
            raise EOFError
        head += part
    (n,) = struct.unpack("<Q", head)
    parts, got = [], 0
    while got < n:
        part = fh.read(min(n - got, 1 << 20))
        if not part:
            raise EOFError
        parts.append(part)
        got += len(part)
    return b"".join(parts)


def _encode(value, arrays: list):
    if isinstance(value, np.ndarray):
        arrays.append(value)
        return {"__array__": len(arrays) - 1}
    if isinstance(value, dict):
        return {"__dict__": [[k, _encode(v, arrays)] for k, v in value.items()]}
    if isinstance(value, (list, tuple)):
        return [_encode(v, arrays) for v in value]
    if isinstance(value, (np.integer, np.floating)):
        return value.item()
    return value


def _decode(value, arrays: list):
    if isinstance(value, dict):
        if "__array__" in value:
            return arrays[value["__array__"]]
        return {k: _decode(v, arrays) for k, v in value["__dict__"]}
    if isinstance(value, list):
        return [_decode(v, arrays) for v in value]
    return value


def _serve() -> None:
    """The worker: answer requests until stdin closes."""
    inp = os.fdopen(os.dup(0), "rb")
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # whatever a library prints goes to stderr, never into the answers
    while True:
        try:
            req = json.loads(_recv(inp))
            payload = _recv(inp)
        except EOFError:
            return
        arrays: list = []
        try:
            mod, _, fn = req["func"].partition(":")
            if not mod.startswith("stpexplorer.recordings."):
                raise ValueError(f"not a reader: {req['func']!r}")
            kwargs = req["kwargs"]
            if req["payload"]:
                kwargs["source"] = payload
            answer = {"ok": True, "value": _encode(getattr(importlib.import_module(mod), fn)(**kwargs), arrays)}
        except Exception as e:  # the file's fault: report it, keep serving
            known = type(e).__name__ in _PASSED
            answer = {"ok": False, "type": type(e).__name__ if known else "ValueError",
                      "message": str(e) if known else f"{type(e).__name__}: {e}"}
            arrays = []
        answer["arrays"] = len(arrays)
        _send(out, json.dumps(answer).encode())
        for a in arrays:
            buf = io.BytesIO()
            np.save(buf, np.ascontiguousarray(a), allow_pickle=False)
            _send(out, buf.getvalue())
        out.flush()


def _worker() -> subprocess.Popen:
    if _WORKER and _WORKER[0].poll() is None:
        return _WORKER[0]
    _WORKER.clear()
    root = str(Path(__file__).resolve().parents[2])  # the folder holding the stpexplorer package
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([root, *filter(None, [os.environ.get("PYTHONPATH")])]))
    proc = subprocess.Popen([sys.executable, "-m", "stpexplorer.recordings._isolate"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, bufsize=0)
    _WORKER.append(proc)
    return proc


def _kill() -> None:
    if _WORKER:
        proc = _WORKER.pop()
        proc.kill()
        proc.wait()
        for fh in (proc.stdin, proc.stdout):
            fh.close()


def _read_within(fh, deadline_s: float) -> bytes:
    ready, _, _ = select.select([fh], [], [], deadline_s) if hasattr(select, "select") and os.name != "nt" \
        else ([fh], [], [])
    if not ready:
        raise TimeoutError
    return _recv(fh)


def run_isolated(func: str, *, name: str, payload: bytes | None = None, timeout_s: float = 120.0, **kwargs):
    """``func(**kwargs)`` (``"stpexplorer.recordings.<module>:<function>"``; keyword arguments
    JSON-able; its result JSON-able with arrays) in the worker; ``payload``, when given, is passed
    as ``source=`` (the bytes of an upload). See the module's docstring."""
    with _LOCK:
        proc = _worker()
        try:
            _send(proc.stdin, json.dumps({"func": func, "kwargs": kwargs, "payload": payload is not None}).encode())
            _send(proc.stdin, bytes(payload) if payload is not None else b"")
            proc.stdin.flush()
            answer = json.loads(_read_within(proc.stdout, timeout_s))
            arrays = [np.load(io.BytesIO(_read_within(proc.stdout, timeout_s)), allow_pickle=False)
                      for _ in range(int(answer["arrays"]))]
        except TimeoutError:
            _kill()
            raise ValueError(f"{name}: reading the file took longer than {timeout_s:g} s (corrupt, or too "
                             "complex)") from None
        except (EOFError, OSError, ValueError):  # the worker died mid-read: the file crashed it
            try:
                code = proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                code = None
            _kill()
            raise ValueError(f"{name}: corrupt file: the reader crashed on it (exit code {code})") from None
    if answer["ok"]:
        return _decode(answer["value"], arrays)
    raise _PASSED.get(answer["type"], ValueError)(answer["message"])


if __name__ == "__main__":
    _serve()
