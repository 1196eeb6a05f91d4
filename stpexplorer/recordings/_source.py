"""Where the file readers get their bytes: a *source* is a path (``str`` or ``os.PathLike``) or
the bytes of an upload held in memory (``bytes``, ``bytearray``, ``memoryview``).

The size is checked before anything is read (``os.stat`` for a path): a source over
:data:`MAX_BYTES` is a ``ValueError`` naming the file and the limit. An upload is never written
to the server's disk. A reader that opens only paths (pyabf) gets one from :func:`as_path`: an
anonymous in-memory file (``os.memfd_create``, Linux), opened through ``/proc/self/fd/N`` and
closed afterwards. Where memfd is unavailable (macOS, Windows) the upload goes to a private
``tempfile.TemporaryDirectory`` (mode 0700) that is removed as soon as the reader has finished.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

__all__ = ["MAX_BYTES", "MAX_SAMPLES", "source_name", "check_source", "read_head", "as_path"]

#: largest file (path or upload) a reader accepts, in bytes
MAX_BYTES = 256 * 2**20
#: most samples a reader decodes (sweeps × samples; the limit of ``Recording``): a compressed
#: dataset can decode to far more than the size of its file
MAX_SAMPLES = 100_000_000

_BUFFERS = (bytes, bytearray, memoryview)


def source_name(source, name=None) -> str:
    """The name errors and ``meta["file"]`` use: ``name``, else the path's file name, else "upload"."""
    if name is not None:
        return str(name)
    if isinstance(source, (str, os.PathLike)):
        return Path(os.fspath(source)).name or os.fspath(source)
    return "upload"


def check_source(source, name: str) -> int:
    """The size in bytes of ``source`` after checking it exists and is at most :data:`MAX_BYTES`
    (nothing is read). Errors name ``name``, the limit and the size received."""
    limit = MAX_BYTES
    if isinstance(source, _BUFFERS):
        size = memoryview(source).nbytes
    elif isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        try:
            st = os.stat(path)
        except FileNotFoundError:
            raise FileNotFoundError(f"{name}: no such file: {path}") from None
        except OSError as e:
            raise ValueError(f"{name}: cannot read {path}: {e.strerror or e}") from None
        if not os.path.isfile(path):
            raise ValueError(f"{name}: {path} is not a file")
        size = st.st_size
    else:
        raise TypeError(f"source: a path (str or os.PathLike) or the file's bytes (bytes, bytearray, "
                        f"memoryview), got {type(source).__name__}")
    if size > limit:
        raise ValueError(f"{name}: the file is {size / 2**20:.1f} MiB ({size} bytes), over the limit of "
                         f"{limit / 2**20:g} MiB ({limit} bytes)")
    if size == 0:
        raise ValueError(f"{name}: the file is empty (0 bytes)")
    return size


def read_head(source, n: int) -> bytes:
    """The first ``n`` bytes of ``source`` (fewer if it is shorter); call :func:`check_source` first."""
    if isinstance(source, _BUFFERS):
        return bytes(memoryview(source).cast("B")[:n])
    with open(os.fspath(source), "rb") as fh:
        return fh.read(n)


@contextlib.contextmanager
def as_path(source):
    """A path to the bytes of ``source`` for readers that open only paths: a path is passed on
    unchanged; an upload becomes an in-memory file (memfd), or where memfd is missing a file in
    a private temporary directory removed on exit (see the module's docstring)."""
    if not isinstance(source, _BUFFERS):
        yield os.fspath(source)
        return
    data = memoryview(source).cast("B")
    memfd = getattr(os, "memfd_create", None)
    if memfd is not None and os.path.isdir("/proc/self/fd"):
        fd = memfd("stpexplorer-upload", getattr(os, "MFD_CLOEXEC", 0))
        try:
            _write_all(fd, data)
            yield f"/proc/self/fd/{fd}"
        finally:
            os.close(fd)
        return
    with tempfile.TemporaryDirectory(prefix="stpexplorer-") as tmp:  # created with mode 0700
        path = os.path.join(tmp, "upload")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            _write_all(fd, data)
        finally:
            os.close(fd)
        yield path


def _write_all(fd: int, data: memoryview) -> None:
    done = 0
    while done < len(data):
        done += os.write(fd, data[done:])
