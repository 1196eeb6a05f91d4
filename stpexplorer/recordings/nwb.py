"""Neurodata Without Borders (NWB 2) intracellular recordings as plain data, read with pynwb
(the ``recordings`` extra: ``pip install "stpexplorer[recordings]"``).

:func:`read_nwb` returns the same dict as :func:`~stpexplorer.recordings.abf.read_abf`.

The icephys tables: each row of the ``IntracellularRecordingsTable`` of the chosen electrode is a
sweep (its response); rows of one ``SimultaneousRecordingsTable`` row were recorded together;
a ``SequentialRecordingsTable`` row's ``stimulus_type`` names the protocol of its sweeps (a
sweep outside any sequential recording is named by its response's ``stimulus_description``,
else by the file's stem). A file without the tables (older NWB 2) gives its acquisition's
patch-clamp series, grouped into simultaneous recordings by ``sweep_number``.

Values are ``data × conversion + offset`` in the series' unit, then made readable: amperes
become pA, volts mV (other units are kept). Stimulus times are the pulse onsets
(:func:`~stpexplorer.recordings._pulses.pulse_onsets`) of the stimulus series of the *other*
electrodes of the same simultaneous recording (the presynaptic cell's pulses), in ms from the
start of the response; a protocol without one gets none (``{}``). Sweeps of unequal length are
padded with NaN; sweeps sampled at different rates are an error.

Nothing in a file is executed, and nothing outside it is read: a file with external links,
external raw storage or virtual datasets (which would make HDF5 read other files of the server)
is refused. A file that is not HDF5, is truncated or corrupt, or is not NWB is a ``ValueError``
naming the file. The file is parsed in a worker process
(:func:`~stpexplorer.recordings._isolate.run_isolated`): the HDF5 library can crash on a corrupt
file, and then only the worker dies.
"""

from __future__ import annotations

import importlib.util
import io
import os
import warnings
from pathlib import Path

import numpy as np

from stpexplorer.recordings import _source
from stpexplorer.recordings._isolate import run_isolated
from stpexplorer.recordings._pulses import group_sweeps, pulse_onsets

__all__ = ["read_nwb"]

_HINT = 'pip install "stpexplorer[recordings]"'
_READABLE = {"amperes": ("pA", 1e12), "ampere": ("pA", 1e12), "a": ("pA", 1e12),
             "volts": ("mV", 1e3), "volt": ("mV", 1e3), "v": ("mV", 1e3)}


class _Bad(Exception):
    """A problem found here (its message is complete)."""


def read_nwb(source, *, electrode=None, name=None) -> dict:
    """The sweeps of one intracellular electrode of an NWB file (``source``: a path or its bytes).

    ``electrode``: its name or its index among the electrodes with responses; None: the one
    electrode with responses (several: a ``ValueError`` lists them). Returns ``{"sweeps":
    float64 (n_sweeps, n_samples), "dt_ms", "units" ("pA", "mV", ...), "protocol" (one per sweep),
    "stimuli_ms" ({protocol: ms} or {}), "meta": {"file", "channel" and "electrode" (its name),
    "clamp", "stimulus_source"}}``; see the module's docstring. Sweeps of one protocol whose
    stimulus times differ are split into ``"name (1)"``, ``"name (2)"``, ...
    """
    fname = _source.source_name(source, name)
    _source.check_source(source, fname)
    if electrode is not None and (isinstance(electrode, bool) or not isinstance(electrode, (str, int, np.integer))
                                  or (not isinstance(electrode, str) and electrode < 0)):
        raise ValueError(f"electrode: a name (str), an index >= 0, or None, got {electrode!r}")
    if importlib.util.find_spec("pynwb") is None or importlib.util.find_spec("h5py") is None:
        raise ImportError(f"reading NWB files needs pynwb: {_HINT}")
    electrode = electrode if electrode is None or isinstance(electrode, str) else int(electrode)
    if isinstance(source, (bytes, bytearray, memoryview)):
        return run_isolated(f"{__name__}:_read", name=fname, payload=memoryview(source).tobytes(), fname=fname,
                            electrode=electrode)
    return run_isolated(f"{__name__}:_read", name=fname, source=os.fsdecode(os.fspath(source)), fname=fname,
                        electrode=electrode)


def _read(source, fname, electrode) -> dict:
    """:func:`read_nwb`'s work, in the worker process of :func:`run_isolated`."""
    import h5py  # optional dependency: pip install "stpexplorer[recordings]" (checked by read_nwb)
    import pynwb  # optional dependency: pip install "stpexplorer[recordings]"

    target = io.BytesIO(source) if isinstance(source, (bytes, bytearray)) else source
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            h5 = h5py.File(target, "r")
        except Exception as e:
            raise ValueError(f"{fname}: not an HDF5 (NWB) file, or truncated ({type(e).__name__}: {e})") from None
        try:
            _refuse_outside(h5, h5py)
            with pynwb.NWBHDF5IO(file=h5, mode="r") as nwb_io:
                return _extract(nwb_io.read(), fname, electrode)
        except _Bad as e:
            raise ValueError(f"{fname}: {e}") from None
        except Exception as e:  # h5py and pynwb raise whatever a malformed file makes them raise
            raise ValueError(f"{fname}: not a readable NWB file ({type(e).__name__}: {e})") from None
        finally:
            h5.close()


def _refuse_outside(h5, h5py) -> None:
    """Refuse links and storage that would make HDF5 read other files."""
    seen = set()
    stack = [h5]
    while stack:
        group = stack.pop()
        for key in group:
            link = group.get(key, getlink=True)
            if isinstance(link, h5py.ExternalLink):
                raise _Bad(f"{group.name}/{key} is an external link to {link.filename!r}: a file that refers to "
                           "other files is not read")
            if isinstance(link, h5py.SoftLink):
                continue
            obj = group[key]
            oid = obj.id.__hash__()
            if oid in seen:
                continue
            seen.add(oid)
            if isinstance(obj, h5py.Group):
                stack.append(obj)
            elif isinstance(obj, h5py.Dataset) and (obj.external or obj.is_virtual):
                raise _Bad(f"{obj.name} stores its data in other files: a file that refers to other files is not read")


def _records(nwb) -> list[dict]:
    """One dict per recording: electrode name, response/stimulus ``(series, start, count)`` or
    None, the simultaneous group, and its protocol name from the sequential table (or None)."""
    ir = nwb.intracellular_recordings
    if ir is None or len(ir) == 0:
        return _records_without_tables(nwb)
    ct = ir.category_tables
    elecs = ct["electrodes"]["electrode"][:]
    resp = ct["responses"]["response"][:] if "responses" in ct else [None] * len(elecs)
    stim = ct["stimuli"]["stimulus"][:] if "stimuli" in ct else [None] * len(elecs)
    group = list(range(len(elecs)))
    sim = nwb.icephys_simultaneous_recordings
    proto_of_sim: dict[int, str] = {}
    if sim is not None and len(sim):
        for j, rows in enumerate(_ragged(sim["recordings"])):
            for r in rows:
                group[int(r)] = -1 - j
        seq = nwb.icephys_sequential_recordings
        if seq is not None and len(seq):
            types = [_text(t) for t in seq["stimulus_type"].data[:]]
            for t, sims in zip(types, _ragged(seq["simultaneous_recordings"])):
                for j in sims:
                    proto_of_sim.setdefault(int(j), t)
    out = []
    for i, e in enumerate(elecs):
        g = group[i]
        out.append({"electrode": str(e.name), "response": _ref(resp[i]), "stimulus": _ref(stim[i]),
                    "group": g, "protocol": proto_of_sim.get(-1 - g) if g < 0 else None})
    return out


def _ragged(column) -> list[np.ndarray]:
    """The rows of a ragged (VectorIndex) column as arrays of target indices."""
    ends = np.asarray(column.data[:], dtype=np.int64)
    targets = np.asarray(column.target.data[:], dtype=np.int64)
    if ends.size and (np.any(np.diff(ends) < 0) or ends[0] < 0 or ends[-1] > targets.size):
        raise _Bad(f"corrupt icephys table: the index of column {column.name!r} is outside its data")
    return np.split(targets, ends[:-1]) if ends.size else []


def _text(v) -> str:
    return v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)


def _ref(ref):
    if ref is None or ref[2] is None or int(ref[1]) < 0:
        return None
    return ref[2], int(ref[0]), int(ref[1])


def _records_without_tables(nwb) -> list[dict]:
    out = []
    for kind, container in (("response", nwb.acquisition), ("stimulus", nwb.stimulus)):
        for key in sorted(container):
            ts = container[key]
            el = getattr(ts, "electrode", None)
            if el is None or not hasattr(ts, "data"):
                continue
            sweep = getattr(ts, "sweep_number", None)
            rec = {"electrode": str(el.name), "response": None, "stimulus": None, "protocol": None,
                   "group": ("sweep", int(sweep)) if sweep is not None else ("series", kind, key),
                   "order": (int(sweep) if sweep is not None else -1, key)}
            rec[kind] = (ts, 0, int(ts.data.shape[0]))
            out.append(rec)
    out.sort(key=lambda r: r["order"])
    return out


def _choose(records, electrode) -> str:
    names = list(dict.fromkeys(r["electrode"] for r in records if r["response"] is not None))
    if not names:
        raise _Bad("no intracellular responses (no IntracellularRecordingsTable rows, no patch-clamp series in "
                   "acquisition)")
    if electrode is None:
        if len(names) > 1:
            raise _Bad(f"records {len(names)} electrodes with responses: give electrode, one of {names}")
        return names[0]
    if isinstance(electrode, str):
        if electrode not in names:
            raise _Bad(f"electrode must be one of {names} (the electrodes with responses), got {electrode!r}")
        return electrode
    if not 0 <= electrode < len(names):
        raise _Bad(f"electrode must be an index in [0, {len(names) - 1}] or one of {names}, got {electrode}")
    return names[int(electrode)]


def _extract(nwb, fname, electrode) -> dict:
    records = _records(nwb)
    chosen = _choose(records, electrode)
    mine = [r for r in records if r["electrode"] == chosen and r["response"] is not None]
    counts = [r["response"][2] for r in mine]
    if len(mine) * max(counts) > _source.MAX_SAMPLES:
        raise _Bad(f"{len(mine)} sweeps of up to {max(counts)} samples is over the limit of "
                   f"{_source.MAX_SAMPLES} samples")
    traces, dts, starts = zip(*(_series(*r["response"]) for r in mine))
    dt_ms = dts[0]
    for d in dts:
        if abs(d - dt_ms) > 1e-6 * dt_ms:
            raise _Bad(f"the sweeps of electrode {chosen!r} are sampled at different rates ({1000 / dt_ms:g} Hz and "
                       f"{1000 / d:g} Hz): read them separately")
    first = mine[0]["response"][0]
    units, scale = _READABLE.get(str(first.unit).strip().lower(), (str(first.unit), 1.0))
    n = max(t.size for t in traces)
    sweeps = np.full((len(traces), n), np.nan)
    for i, (t, r) in enumerate(zip(traces, mine)):
        if str(r["response"][0].unit) != str(first.unit):
            raise _Bad(f"the sweeps of electrode {chosen!r} have different units ({first.unit!r} and "
                       f"{r['response'][0].unit!r})")
        sweeps[i, : t.size] = t * scale
    stem = Path(fname).stem
    base, onsets, sources = [], [], []
    for r, t0 in zip(mine, starts):
        desc = str(getattr(r["response"][0], "stimulus_description", "") or "")
        base.append(r["protocol"] or (desc if desc not in ("", "N/A", "None") else stem))
        found = _presynaptic(records, r, chosen, t0)
        onsets.append(found[1] if found else None)
        if found:
            sources.append(found[0])
    protocol, stimuli = group_sweeps(base, onsets, dt_ms)
    kind = type(first).__name__
    clamp = ("voltage" if kind.startswith("VoltageClamp") else "current" if "Clamp" in kind
             else {"pA": "voltage", "mV": "current"}.get(units, ""))
    src = ", ".join(dict.fromkeys(sources)) if stimuli else ""
    return {"sweeps": sweeps, "dt_ms": float(dt_ms), "units": units, "protocol": protocol, "stimuli_ms": stimuli,
            "meta": {"file": fname, "channel": chosen, "electrode": chosen, "clamp": clamp, "stimulus_source": src,
                     "electrodes": list(dict.fromkeys(r["electrode"] for r in records if r["response"] is not None))}}


def _series(ts, start, count):
    """``(values in the series' unit, dt in ms, start time in ms)`` of ``count`` samples from ``start``."""
    length = int(ts.data.shape[0]) if ts.data is not None and len(ts.data.shape) else 0
    if start < 0 or count < 1 or start + count > length:
        raise _Bad(f"series {ts.name!r}: samples [{start}, {start + count}) outside its {length} samples")
    if count > _source.MAX_SAMPLES:
        raise _Bad(f"series {ts.name!r}: {count} samples is over the limit of {_source.MAX_SAMPLES}")
    y = np.asarray(ts.data[start:start + count], dtype=np.float64)
    if y.ndim != 1:
        raise _Bad(f"series {ts.name!r}: data must be 1-D (n_samples,), got shape {y.shape}")
    conv = float(ts.conversion) if ts.conversion is not None else 1.0
    off = float(getattr(ts, "offset", 0.0) or 0.0)
    y = y * conv + off
    if ts.rate is not None:
        rate = float(ts.rate)
        if not (np.isfinite(rate) and rate > 0):
            raise _Bad(f"series {ts.name!r}: sampling rate must be > 0 Hz, got {rate!r}")
        return y, 1000.0 / rate, 1000.0 * (float(ts.starting_time or 0.0) + start / rate)
    t = np.asarray(ts.timestamps[start:start + count], dtype=np.float64)
    d = np.diff(t)
    if t.size < 2 or not np.all(np.isfinite(d)) or np.median(d) <= 0 or np.ptp(d) > 1e-3 * np.median(d):
        raise _Bad(f"series {ts.name!r}: timestamps must be evenly spaced (a sampling rate) to be read as sweeps")
    return y, 1000.0 * float(np.median(d)), 1000.0 * float(t[0])


def _presynaptic(records, rec, chosen, t0_ms):
    """``(source, onsets in ms from the response's start)`` from the other electrodes' stimuli of
    the simultaneous recording of ``rec`` (the one with most pulses), or None."""
    best = None
    for r in records:
        if r["group"] != rec["group"] or r["electrode"] == chosen or r["stimulus"] is None:
            continue
        y, dt, t0 = _series(*r["stimulus"])
        t = pulse_onsets(y, dt) + (t0 - t0_ms)
        if t.size and (best is None or t.size > best[1].size):
            best = (f"stimulus of electrode {r['electrode']}", t)
    return best
