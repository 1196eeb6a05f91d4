"""Raw recordings to amplitudes: sweeps of postsynaptic current or voltage (ABF, NWB, arrays),
their stimulus times (from the file, given, or detected from the artefacts), and the measured
response amplitudes as an :class:`~stpexplorer.fit.AmplitudeData` the fit reads.

>>> rec = read_recording("cell1.abf")                          # doctest: +SKIP
>>> data = rec.amplitudes(method="tail")                       # doctest: +SKIP
>>> fit_stp(data)                                              # doctest: +SKIP

ABF needs pyabf and NWB pynwb: ``pip install "stpexplorer[recordings]"``. Nothing in a file is
executed; files over :data:`MAX_BYTES` are refused before they are read.
"""

from __future__ import annotations

import os

from stpexplorer.recordings._recording import MAX_SAMPLES, METHODS, Recording
from stpexplorer.recordings._source import MAX_BYTES
from stpexplorer.recordings.measure import Measurement
from stpexplorer.recordings.stimuli import Train, parse_train

__all__ = ["Recording", "Measurement", "read_recording", "Train", "parse_train", "METHODS", "EXTENSIONS",
           "MAX_BYTES", "MAX_SAMPLES"]

#: file extensions :func:`read_recording` knows, and the reader of each
EXTENSIONS = {".abf": "abf", ".nwb": "nwb"}


def read_recording(path, **kw) -> Recording:
    """Read ``path`` by its extension (``.abf``: :meth:`Recording.from_abf`, ``.nwb``:
    :meth:`Recording.from_nwb`); keywords go to that reader."""
    ext = os.path.splitext(str(path))[1].lower()
    kind = EXTENSIONS.get(ext)
    if kind is None:
        raise ValueError(f"{path}: cannot read {ext or 'a file without extension'!r} recordings; "
                         f"known: {', '.join(EXTENSIONS)} (a CSV of amplitudes goes to AmplitudeData.from_csv)")
    return Recording.from_abf(path, **kw) if kind == "abf" else Recording.from_nwb(path, **kw)
