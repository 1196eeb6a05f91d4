"""Recorded amplitude trains: several protocols, each an interval vector and a sweeps × spikes table.

A protocol is a train of ``n_spikes`` presynaptic spikes given by its inter-spike intervals
``isi_ms`` (ms, shape (n_spikes,), the first entry 0: the first spike is from rest) and the
amplitudes it evoked, shape (n_sweeps, n_spikes); NaN marks a missing value.

CSV files (read with the ``csv`` module; nothing in a file is executed or evaluated):

* long format, one row per spike of a sweep, columns ``protocol, sweep, spike, isi_ms,
  amplitude`` (any order, extra columns ignored; an optional ``connection`` column is read by
  :func:`connections_from_csv`). ``spike`` counts from 0; ``isi_ms`` is the interval from the
  previous spike and must agree between sweeps; an empty amplitude or ``nan`` is missing.
* wide format, one row per sweep, columns ``protocol, sweep, a0, a1, ...``; one extra row per
  protocol with ``sweep`` = ``isi_ms`` holds its intervals in the same columns. A protocol with
  fewer spikes leaves the trailing cells empty.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

__all__ = ["AmplitudeData", "Protocol", "connections_from_csv"]

LONG = ("protocol", "sweep", "spike", "isi_ms", "amplitude")


@dataclass(frozen=True, eq=False)
class Protocol:
    """One protocol: ``isi_ms`` (n_spikes,) in ms, ``amplitudes`` (n_sweeps, n_spikes), NaN = missing."""

    name: str
    isi_ms: np.ndarray
    amplitudes: np.ndarray

    @property
    def times_ms(self) -> np.ndarray:
        """Spike times from the first spike, ms: the cumulative sum of ``isi_ms``."""
        return np.cumsum(self.isi_ms)


def _protocol(name, isi, amps) -> Protocol:
    name = str(name)
    try:
        isi = np.asarray(isi, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"protocol {name!r}: isi_ms must be numbers, got {isi!r}") from None
    try:
        amps = np.asarray(amps, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"protocol {name!r}: amplitudes must be numbers (NaN for missing)") from None
    if isi.ndim != 1 or isi.size < 1:
        raise ValueError(f"protocol {name!r}: isi_ms must have shape (n_spikes,) with n_spikes >= 1, "
                         f"got shape {isi.shape}")
    bad = np.flatnonzero(~np.isfinite(isi) | (isi < 0))
    if bad.size:
        k = int(bad[0])
        raise ValueError(f"protocol {name!r}: isi_ms[{k}] must be a finite interval >= 0 ms, got {isi[k]:g}")
    if isi[0] != 0:
        raise ValueError(f"protocol {name!r}: isi_ms[0] must be 0 (the first spike is from rest), got {isi[0]:g}")
    if amps.ndim == 1:
        amps = amps[None, :]
    if amps.ndim != 2 or amps.shape[1] != isi.size:
        raise ValueError(f"protocol {name!r}: amplitudes must have shape (n_sweeps, {isi.size}) or ({isi.size},) "
                         f"to match isi_ms, got shape {amps.shape}")
    if np.any(np.isinf(amps)):
        s, k = np.argwhere(np.isinf(amps))[0]
        raise ValueError(f"protocol {name!r}: amplitude of sweep {s}, spike {k} must be finite "
                         f"(NaN marks a missing value), got {amps[s, k]:g}")
    if not np.any(np.isfinite(amps)):
        raise ValueError(f"protocol {name!r} has no values (every amplitude is missing)")
    isi.flags.writeable = False
    amps.flags.writeable = False
    return Protocol(name, isi, amps)


@dataclass(frozen=True, eq=False)
class AmplitudeData:
    """Amplitude trains of one connection: a tuple of :class:`Protocol` (at least one).

    >>> d = AmplitudeData.from_dict({"20 Hz": ([0, 50, 50], [[1.0, 0.7, 0.6], [1.1, 0.8, float("nan")]])})
    >>> d["20 Hz"].amplitudes.shape
    (2, 3)
    """

    protocols: tuple[Protocol, ...]

    def __post_init__(self):
        if len(self.protocols) == 0:
            raise ValueError("AmplitudeData needs at least one protocol, got none")
        names = [p.name for p in self.protocols]
        dup = {n for n in names if names.count(n) > 1}
        if dup:
            raise ValueError(f"protocol names must be unique, got {sorted(dup)[0]!r} more than once")

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.protocols)

    def __getitem__(self, name: str) -> Protocol:
        for p in self.protocols:
            if p.name == name:
                return p
        raise KeyError(f"no protocol {name!r}; protocols are {list(self.names)}")

    def __len__(self) -> int:
        return len(self.protocols)

    @property
    def n_observations(self) -> int:
        return int(sum(np.isfinite(p.amplitudes).sum() for p in self.protocols))

    @classmethod
    def from_dict(cls, d: Mapping) -> AmplitudeData:
        """``{name: (isi_ms, amplitudes)}`` with amplitudes (n_sweeps, n_spikes) or (n_spikes,)."""
        if not isinstance(d, Mapping) or len(d) == 0:
            raise ValueError("AmplitudeData.from_dict needs a non-empty dict {name: (isi_ms, amplitudes)}, "
                             f"got {d!r}")
        out = []
        for name, value in d.items():
            if not isinstance(value, (tuple, list)) or len(value) != 2:
                raise ValueError(f"protocol {name!r}: value must be a pair (isi_ms, amplitudes), got {type(value).__name__}")
            out.append(_protocol(name, *value))
        return cls(tuple(out))

    def to_dict(self) -> dict:
        return {p.name: (p.isi_ms.copy(), p.amplitudes.copy()) for p in self.protocols}

    @classmethod
    def from_csv(cls, path) -> AmplitudeData:
        """Read a long- or wide-format CSV (see the module docstring) of one connection."""
        conns = connections_from_csv(path)
        if len(conns) > 1:
            raise ValueError(f"{path}: column 'connection' holds {len(conns)} connections; "
                             "read them with connections_from_csv")
        return next(iter(conns.values()))

    @classmethod
    def from_frame(cls, df) -> AmplitudeData:
        """From a pandas DataFrame in long format (columns as for :meth:`from_csv`)."""
        rows = [{str(k): ("" if _isna(v) else v) for k, v in r.items()} for r in df.to_dict("records")]
        conns = _from_rows([str(c) for c in df.columns], rows, "frame", first_line=0)
        if len(conns) > 1:
            raise ValueError(f"frame: column 'connection' holds {len(conns)} connections; select one")
        return next(iter(conns.values()))

    def to_frame(self):
        """Long-format pandas DataFrame (pandas is imported here only)."""
        import pandas as pd

        return pd.DataFrame(self.to_records(), columns=list(LONG))

    def to_records(self) -> list[tuple]:
        """Long-format rows ``(protocol, sweep, spike, isi_ms, amplitude)``; missing values skipped."""
        return [(p.name, s, k, float(p.isi_ms[k]), float(p.amplitudes[s, k]))
                for p in self.protocols for s in range(p.amplitudes.shape[0]) for k in range(p.isi_ms.size)
                if np.isfinite(p.amplitudes[s, k])]


def _isna(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _number(v, where: str, column: str, *, missing_ok: bool) -> float:
    if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool):
        return float(v)
    txt = str(v).strip()
    if txt == "" or txt.lower() in ("nan", "na"):
        if missing_ok:
            return math.nan
        raise ValueError(f"{where}, column {column!r}: value is missing")
    try:
        return float(txt)
    except ValueError:
        raise ValueError(f"{where}, column {column!r}: {txt!r} is not a number") from None


def _int(v, where: str, column: str) -> int:
    x = _number(v, where, column, missing_ok=False)
    if not math.isfinite(x) or x != int(x) or x < 0:
        raise ValueError(f"{where}, column {column!r}: must be an integer >= 0, got {v!r}")
    return int(x)


def connections_from_csv(path) -> dict[str, AmplitudeData]:
    """Read a CSV (long or wide format) into ``{connection: AmplitudeData}``.

    Without a ``connection`` column the one connection is named ``""``.
    """
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        if not reader.fieldnames:
            raise ValueError(f"{path}: the file is empty (no header row)")
        header = [h.strip() for h in reader.fieldnames]
        rows = [{h.strip(): (v if v is not None else "") for h, v in r.items() if h is not None} for r in reader]
    return _from_rows(header, rows, str(path), first_line=2)


def _from_rows(header: list[str], rows: list[dict], src: str, *, first_line: int) -> dict[str, AmplitudeData]:
    if "spike" in header or "amplitude" in header:
        missing = [c for c in LONG if c not in header]
        if missing:
            raise ValueError(f"{src}: long format needs columns {list(LONG)}, missing {missing}")
        groups = _long(rows, src, first_line)
    elif "protocol" in header and "sweep" in header:
        groups = _wide(header, rows, src, first_line)
    else:
        raise ValueError(f"{src}: needs columns {list(LONG)} (long format) or protocol, sweep, a0, a1, ... "
                         f"(wide format), got {header}")
    if not groups:
        raise ValueError(f"{src}: no protocols (the file has a header but no data rows)")
    return {c: AmplitudeData(tuple(_protocol(n, isi, a) for n, (isi, a) in prots.items()))
            for c, prots in groups.items()}


def _long(rows, src, first_line):
    cells: dict = {}  # (connection, protocol) -> {(sweep, spike): (amplitude, line)}
    isis: dict = {}  # (connection, protocol) -> {spike: (isi, line)}
    for i, r in enumerate(rows):
        where = f"{src}: row {i + first_line}" if first_line else f"{src}: row {i}"
        conn = str(r.get("connection", "")).strip()
        prot = str(r["protocol"]).strip()
        if prot == "":
            raise ValueError(f"{where}, column 'protocol': value is missing")
        sweep, spike = _int(r["sweep"], where, "sweep"), _int(r["spike"], where, "spike")
        isi = _number(r["isi_ms"], where, "isi_ms", missing_ok=False)
        if not math.isfinite(isi) or isi < 0:
            raise ValueError(f"{where}, column 'isi_ms': protocol {prot!r} spike {spike}: interval must be "
                             f"finite and >= 0 ms, got {isi:g}")
        amp = _number(r["amplitude"], where, "amplitude", missing_ok=True)
        key = (conn, prot)
        c = cells.setdefault(key, {})
        if (sweep, spike) in c:
            raise ValueError(f"{where}: duplicate (protocol, sweep, spike) = ({prot!r}, {sweep}, {spike}), "
                             f"first given in row {c[(sweep, spike)][1]}")
        c[(sweep, spike)] = (amp, i + first_line)
        known = isis.setdefault(key, {})
        if spike in known and known[spike][0] != isi:
            raise ValueError(f"{where}, column 'isi_ms': protocol {prot!r} spike {spike} has interval {isi:g} ms "
                             f"but {known[spike][0]:g} ms in row {known[spike][1]} (intervals must agree between sweeps)")
        known.setdefault(spike, (isi, i + first_line))
    out: dict = {}
    for (conn, prot), c in cells.items():
        spikes = sorted(isis[(conn, prot)])
        n = spikes[-1] + 1
        if spikes != list(range(n)):
            gap = sorted(set(range(n)) - set(spikes))[0]
            raise ValueError(f"{src}: protocol {prot!r}: spike {gap} is missing in every sweep "
                             f"(spikes must count 0 .. {n - 1}; lengths differ)")
        sweeps = sorted({s for s, _ in c})
        pos = {s: j for j, s in enumerate(sweeps)}
        amps = np.full((len(sweeps), n), np.nan)
        for (s, k), (a, _) in c.items():
            amps[pos[s], k] = a
        isi = np.array([isis[(conn, prot)][k][0] for k in range(n)])
        out.setdefault(conn, {})[prot] = (isi, amps)
    return out


def _wide(header, rows, src, first_line):
    cols = [h for h in header if h not in ("protocol", "sweep", "connection")]
    acc: dict = {}  # (connection, protocol) -> {"isi": values, "sweeps": {sweep: (values, line)}}
    for i, r in enumerate(rows):
        where = f"{src}: row {i + first_line}"
        conn, prot = str(r.get("connection", "")).strip(), str(r["protocol"]).strip()
        vals = [_number(r.get(c, ""), where, c, missing_ok=True) for c in cols]
        entry = acc.setdefault((conn, prot), {"isi": None, "sweeps": {}})
        if str(r["sweep"]).strip() == "isi_ms":
            if entry["isi"] is not None:
                raise ValueError(f"{where}: protocol {prot!r} has a second isi_ms row")
            n = len(vals)
            while n and math.isnan(vals[n - 1]):
                n -= 1
            entry["isi"] = vals[:n]
            continue
        sweep = _int(r["sweep"], where, "sweep")
        if sweep in entry["sweeps"]:
            raise ValueError(f"{where}: duplicate (protocol, sweep) = ({prot!r}, {sweep}), first given in row "
                             f"{entry['sweeps'][sweep][1]}")
        entry["sweeps"][sweep] = (vals, i + first_line)
    out: dict = {}
    for (conn, prot), e in acc.items():
        if e["isi"] is None:
            raise ValueError(f"{src}: protocol {prot!r} has no row with sweep = isi_ms giving its intervals")
        n = len(e["isi"])
        if n == 0 or any(math.isnan(v) for v in e["isi"]):
            raise ValueError(f"{src}: protocol {prot!r}: the isi_ms row must give one interval per spike "
                             f"without gaps, got {e['isi']}")
        amps = np.array([v[:n] for v, _ in (e["sweeps"][s] for s in sorted(e["sweeps"]))]).reshape(-1, n)
        for v, line in e["sweeps"].values():
            if any(not math.isnan(x) for x in v[n:]):
                raise ValueError(f"{src}: row {line}: protocol {prot!r} has {n} spikes but values beyond column "
                                 f"{cols[n - 1]!r} (lengths differ)")
        out.setdefault(conn, {})[prot] = (np.array(e["isi"]), amps)
    return out
