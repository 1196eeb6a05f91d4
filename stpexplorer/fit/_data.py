"""Recorded amplitude trains: several protocols, each an interval vector and a sweeps × spikes table.

A protocol is a train of ``n_spikes`` presynaptic spikes given by its inter-spike intervals
``isi_ms`` (ms, shape (n_spikes,), the first entry 0: the first spike is from rest) and the
amplitudes it evoked, shape (n_sweeps, n_spikes); NaN marks a missing value.

CSV files: see :mod:`stpexplorer.fit.read` (long and wide format; nothing in a file is executed).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from stpexplorer.fit.read import LONG, read_csv_file, read_csv_text, read_frame

__all__ = ["AmplitudeData", "Protocol", "LONG", "connections_from_csv", "connections_from_csv_text"]


@dataclass(frozen=True, eq=False)
class Protocol:
    """One protocol: ``isi_ms`` (n_spikes,) in ms, ``amplitudes`` (n_sweeps, n_spikes), NaN = missing.

    Amplitudes measured from a recording also carry ``noise_sd`` (the baseline noise before
    each response) and ``failures`` (True where the response is below the stated multiple of
    it), both (n_sweeps, n_spikes); None otherwise. ``condition`` labels the experimental
    condition the protocol was recorded in (e.g. "2 mM Ca"; "" when not given): the quantal fit
    shares N and q between conditions and fits U per condition."""

    name: str
    isi_ms: np.ndarray
    amplitudes: np.ndarray
    noise_sd: np.ndarray | None = None
    failures: np.ndarray | None = None
    condition: str = ""

    @property
    def times_ms(self) -> np.ndarray:
        """Spike times from the first spike, ms: the cumulative sum of ``isi_ms``."""
        return np.cumsum(self.isi_ms)


def _protocol(name, isi, amps, condition="") -> Protocol:
    name = str(name)
    if not isinstance(condition, str):
        raise ValueError(f"protocol {name!r}: condition must be a str (a label such as '2 mM Ca'), "
                         f"got {condition!r}")
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
    return Protocol(name, isi, amps, condition=condition.strip())


@dataclass(frozen=True, eq=False)
class AmplitudeData:
    """Amplitude trains of one connection: a tuple of :class:`Protocol` (at least one), and
    optionally their ``source``, ``units`` and the ``measurement`` that made them from a recording.

    >>> d = AmplitudeData.from_dict({"20 Hz": ([0, 50, 50], [[1.0, 0.7, 0.6], [1.1, 0.8, float("nan")]])})
    >>> d["20 Hz"].amplitudes.shape
    (2, 3)
    """

    protocols: tuple[Protocol, ...]
    #: where the amplitudes came from (a file name) and their units, "" when not known
    source: str = ""
    units: str = ""
    #: how they were measured from a recording (a :class:`stpexplorer.recordings.Measurement`), or None
    measurement: object = None

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
    def conditions(self) -> tuple[str, ...]:
        """Each protocol's condition label ("" when not given), in protocol order."""
        return tuple(p.condition for p in self.protocols)

    @property
    def n_observations(self) -> int:
        return int(sum(np.isfinite(p.amplitudes).sum() for p in self.protocols))

    @classmethod
    def from_dict(cls, d: Mapping) -> AmplitudeData:
        """``{name: (isi_ms, amplitudes)}`` or ``{name: (isi_ms, amplitudes, condition)}`` with
        amplitudes (n_sweeps, n_spikes) or (n_spikes,) and condition a label ("" when not given)."""
        if not isinstance(d, Mapping) or len(d) == 0:
            raise ValueError("AmplitudeData.from_dict needs a non-empty dict {name: (isi_ms, amplitudes)}, "
                             f"got {d!r}")
        out = []
        for name, value in d.items():
            if not isinstance(value, (tuple, list)) or not (len(value) == 2 or (len(value) == 3 and isinstance(value[2], str))):
                raise ValueError(f"protocol {name!r}: value must be a pair (isi_ms, amplitudes) or a triple "
                                 f"(isi_ms, amplitudes, condition), got {type(value).__name__}")
            out.append(_protocol(name, *value))
        return cls(tuple(out))

    def to_dict(self) -> dict:
        """``{name: (isi_ms, amplitudes)}``, with the condition as a third element where one is given."""
        return {p.name: (p.isi_ms.copy(), p.amplitudes.copy(), *((p.condition,) if p.condition else ()))
                for p in self.protocols}

    @classmethod
    def from_csv(cls, path) -> AmplitudeData:
        """Read a long- or wide-format CSV (see :mod:`stpexplorer.fit.read`) of one connection."""
        return _one(connections_from_csv(path), str(path), "read them with connections_from_csv")

    @classmethod
    def from_csv_text(cls, text: str, source: str = "upload") -> AmplitudeData:
        """As :meth:`from_csv`, from CSV text held in memory (an upload); errors name ``source``."""
        return _one(connections_from_csv_text(text, source), source, "select one")

    @classmethod
    def from_frame(cls, df) -> AmplitudeData:
        """From a pandas DataFrame in long format (columns as for :meth:`from_csv`)."""
        return _one(_validated(read_frame(df)), "frame", "select one")

    def to_frame(self):
        """Long-format pandas DataFrame (pandas is imported here only)."""
        import pandas as pd  # optional dependency: only this method needs pandas

        df = pd.DataFrame(self.to_records(), columns=list(LONG))
        if any(self.conditions):
            df["condition"] = df["protocol"].map(dict(zip(self.names, self.conditions)))
        return df

    def spike_sums(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Per-(protocol, spike) sums, each (n_protocols, most spikes), zero where a protocol is
        shorter: ``(isi_ms, count of observed sweeps, Σ amplitude, Σ amplitude²)``. Everything
        that weighs squared errors (the landscape, the posterior) needs only these."""
        P, N = len(self.protocols), max(p.isi_ms.size for p in self.protocols)
        isi, c, s1, s2 = (np.zeros((P, N)) for _ in range(4))
        for j, p in enumerate(self.protocols):
            a, k = p.amplitudes, p.isi_ms.size
            ok = np.isfinite(a)
            isi[j, :k] = p.isi_ms
            c[j, :k], s1[j, :k], s2[j, :k] = ok.sum(0), np.where(ok, a, 0).sum(0), np.where(ok, a * a, 0).sum(0)
        return isi, c, s1, s2

    def to_csv_text(self) -> str:
        """The long-format CSV (``protocol, sweep, spike, isi_ms, amplitude``, then ``condition``
        when a protocol has one) that :meth:`from_csv` reads back; missing values skipped."""
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        cond = dict(zip(self.names, self.conditions)) if any(self.conditions) else None
        w.writerow(LONG + (("condition",) if cond else ()))
        w.writerows((p, s, k, f"{isi:.17g}", f"{a:.17g}", *((cond[p],) if cond else ()))
                    for p, s, k, isi, a in self.to_records())
        return buf.getvalue()

    def to_records(self) -> list[tuple]:
        """Long-format rows ``(protocol, sweep, spike, isi_ms, amplitude)``; missing values skipped."""
        return [(p.name, s, k, float(p.isi_ms[k]), float(p.amplitudes[s, k]))
                for p in self.protocols for s in range(p.amplitudes.shape[0]) for k in range(p.isi_ms.size)
                if np.isfinite(p.amplitudes[s, k])]


def _validated(conns: dict) -> dict[str, AmplitudeData]:
    return {c: AmplitudeData.from_dict(prots) for c, prots in conns.items()}


def _one(conns: dict, source: str, advice: str) -> AmplitudeData:
    if len(conns) > 1:
        raise ValueError(f"{source}: column 'connection' holds {len(conns)} connections; {advice}")
    return next(iter(conns.values()))


def connections_from_csv(path) -> dict[str, AmplitudeData]:
    """Read a CSV (long or wide format) into ``{connection: AmplitudeData}``.

    Without a ``connection`` column the one connection is named ``""``.
    """
    return _validated(read_csv_file(path))


def connections_from_csv_text(text: str, source: str = "upload") -> dict[str, AmplitudeData]:
    """As :func:`connections_from_csv`, from CSV text held in memory: no file is read."""
    return _validated(read_csv_text(text, source))
