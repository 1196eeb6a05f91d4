"""A recording: sweeps of one channel, their protocols and stimulus times.

``Recording.sweeps`` is (n_sweeps, n_samples) float64 in ``units`` (NaN pads a shorter sweep),
sampled every ``dt_ms`` (ms); ``protocol`` names each sweep's protocol (sweeps of one protocol
share their stimulus times ``stimuli_ms[protocol]``, ms from the sweep start); ``meta`` says
where it came from (file, channel, clamp mode, where the stimulus times came from).
:meth:`Recording.amplitudes` measures the responses (:mod:`stpexplorer.recordings.measure`)
into an :class:`~stpexplorer.fit.AmplitudeData` that ``fit_stp`` and everything else reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

import numpy as np

from stpexplorer.fit import AmplitudeData
from stpexplorer.fit._data import _protocol
from stpexplorer.recordings.measure import (
    DEFAULT_BLANK_MS,
    Measurement,
    fit_decay,
    measure_sweeps,
)
from stpexplorer.recordings.stimuli import detect_artefacts, stimulus_times

__all__ = ["Recording", "METHODS", "MAX_SAMPLES"]

METHODS = ("tail", "local")
#: largest recording held (sweeps × samples): 20 sweeps × 10 s at 20 kHz is 4e6
MAX_SAMPLES = 100_000_000


def _pair(name, value, default) -> tuple[float, float]:
    if value is None:
        return default
    try:
        a, b = (float(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: must be a pair (start, end) in ms relative to each stimulus, got {value!r}") from None
    if not (np.isfinite(a) and np.isfinite(b) and a < b):
        raise ValueError(f"{name}: needs finite start < end (ms), got ({a:g}, {b:g})")
    return a, b


@dataclass(frozen=True, eq=False)
class Recording:
    """Sweeps of one channel; see the module's docstring. Build with :meth:`from_arrays`,
    :meth:`from_abf`, :meth:`from_nwb` or :func:`~stpexplorer.recordings.read_recording`."""

    sweeps: np.ndarray
    dt_ms: float
    units: str = "pA"
    protocol: tuple[str, ...] = ()
    stimuli_ms: Mapping[str, np.ndarray] = field(default_factory=dict)
    meta: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_arrays(cls, sweeps, dt_ms, *, units="pA", protocol="recording", stimuli_ms=None, meta=None) -> Recording:
        """``sweeps`` (n_sweeps, n_samples) or (n_samples,); ``protocol`` one name, or one per
        sweep; ``stimuli_ms`` times (ms), a train spec ``"20Hz:10@20ms"``, or ``{protocol: ...}``."""
        try:
            y = np.array(sweeps, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError("sweeps: must be numbers, shape (n_sweeps, n_samples)") from None
        if y.ndim == 1:
            y = y[None]
        if y.ndim != 2 or y.shape[1] < 8 or y.shape[0] < 1:
            raise ValueError(f"sweeps: must have shape (n_sweeps >= 1, n_samples >= 8), got {y.shape}")
        if y.size > MAX_SAMPLES:
            raise ValueError(f"sweeps: at most {MAX_SAMPLES:,} samples in all, got {y.size:,}")
        if np.any(np.isinf(y)):
            raise ValueError("sweeps: values must be finite (NaN pads a shorter sweep), got inf")
        if not np.any(np.isfinite(y)):
            raise ValueError("sweeps: every value is missing (NaN)")
        try:
            dt = float(dt_ms)
        except (TypeError, ValueError):
            raise ValueError(f"dt_ms: must be a sampling interval in ms, got {dt_ms!r}") from None
        if not (np.isfinite(dt) and 1e-4 <= dt <= 10.0):
            raise ValueError(f"dt_ms: must be a sampling interval in [0.0001, 10] ms, got {dt_ms!r}")
        names = (str(protocol),) * y.shape[0] if isinstance(protocol, str) else tuple(str(p) for p in protocol)
        if len(names) != y.shape[0]:
            raise ValueError(f"protocol: one name, or one per sweep ({y.shape[0]}), got {len(names)}")
        y.flags.writeable = False
        protocols = tuple(dict.fromkeys(names))
        stim = stimulus_times(stimuli_ms, protocols, y.shape[1] * dt)
        return cls(y, dt, str(units), names, MappingProxyType(stim), MappingProxyType(dict(meta or {})))

    @classmethod
    def from_abf(cls, path, *, channel=0, stimulus_channel=None, name=None, stimuli_ms=None) -> Recording:
        """An Axon ABF file (a path, or its bytes) read with pyabf; stimulus times from
        ``stimuli_ms`` when given, else ``stimulus_channel``, the protocol's command waveform or
        digital outputs, otherwise detected from the artefacts. ``name`` names bytes."""
        # optional dependency: pyabf, the recordings extra, is imported by the reader
        from stpexplorer.recordings.abf import read_abf

        return cls._from_raw(read_abf(path, channel=channel, stimulus_channel=stimulus_channel, name=name),
                             stimuli_ms)

    @classmethod
    def from_nwb(cls, path, *, electrode=None, name=None, stimuli_ms=None) -> Recording:
        """An NWB file's intracellular recordings (a path, or its bytes) read with pynwb;
        stimulus times from ``stimuli_ms`` when given, else the presynaptic stimulus series of
        the same simultaneous recording, otherwise detected from the artefacts."""
        # optional dependency: pynwb, the recordings extra, is imported by the reader
        from stpexplorer.recordings.nwb import read_nwb

        return cls._from_raw(read_nwb(path, electrode=electrode, name=name), stimuli_ms)

    @classmethod
    def _from_raw(cls, raw: dict, stimuli_ms=None) -> Recording:
        meta = dict(raw.get("meta", {}))
        rec = cls.from_arrays(raw["sweeps"], raw["dt_ms"], units=raw.get("units", ""), protocol=raw["protocol"],
                              stimuli_ms=raw.get("stimuli_ms") or None, meta=meta)
        if stimuli_ms is not None:
            rec = rec.with_stimuli(stimuli_ms)
            meta["stimulus_source"] = "given"
            rec = replace(rec, meta=MappingProxyType(meta))
        missing = [p for p in rec.protocols if p not in rec.stimuli_ms]
        if missing:
            found = rec.detect_stimuli()
            where = meta.get("file", "the recording")
            lost = [p for p in missing if p not in found]
            if lost:
                raise ValueError(f"{where}: no stimulus times for protocol {lost[0]!r}: the file has no stimulus "
                                 "channel and no artefacts were found; give stimuli_ms (times, or '20Hz:10@20ms')")
            rec = rec.with_stimuli({**rec.stimuli_ms, **{p: found[p] for p in missing}})
            meta["stimulus_source"] = meta.get("stimulus_source") or "detected from artefacts"
            rec = replace(rec, meta=MappingProxyType(meta))
        return rec

    # ---------------------------------------------------------------- views
    @property
    def protocols(self) -> tuple[str, ...]:
        """The protocols, in the order of their first sweep."""
        return tuple(dict.fromkeys(self.protocol))

    @property
    def n_sweeps(self) -> int:
        return int(self.sweeps.shape[0])

    @property
    def t_ms(self) -> np.ndarray:
        """Sample times (ms from the sweep start), (n_samples,)."""
        return np.arange(self.sweeps.shape[1]) * self.dt_ms

    @property
    def name(self) -> str:
        return str(self.meta.get("file", ""))

    def sweep_indices(self, protocol: str) -> np.ndarray:
        if protocol not in self.protocols:
            raise ValueError(f"protocol: no protocol {protocol!r}; protocols are {list(self.protocols)}")
        return np.flatnonzero(np.asarray(self.protocol) == protocol)

    def with_stimuli(self, stimuli_ms) -> Recording:
        """A copy with stimulus times replaced (for the protocols given; the others keep theirs)."""
        new = stimulus_times(stimuli_ms, self.protocols, self.sweeps.shape[1] * self.dt_ms)
        return replace(self, stimuli_ms=MappingProxyType({**self.stimuli_ms, **new}))

    def detect_stimuli(self, protocol=None) -> dict[str, np.ndarray]:
        """Stimulus times (ms) from the artefacts common to each protocol's sweeps
        (:func:`~stpexplorer.recordings.stimuli.detect_artefacts`); ``{protocol: times}``,
        protocols without any sharp artefact left out."""
        names = self.protocols if protocol is None else (protocol,)
        out = {}
        for p in names:
            t = detect_artefacts(self.sweeps[self.sweep_indices(p)], self.dt_ms)
            if t.size:
                out[p] = t
        return out

    # ---------------------------------------------------------------- measuring
    def amplitudes(self, method="tail", *, polarity="auto", window_ms=None, baseline_ms=None, blank_ms=None,
                   tau_ms=None, smooth_ms=0.3, failure_sd=3.0, exclude=()) -> AmplitudeData:
        """Measure every response (see :mod:`stpexplorer.recordings.measure`): an
        :class:`~stpexplorer.fit.AmplitudeData` of positive magnitudes in ``units``, one protocol
        per stimulus pattern, with ``noise_sd`` and ``failures`` per response and the
        :class:`~stpexplorer.recordings.Measurement` that made it. ``exclude``: sweep indices
        (of this recording) left out."""
        if method not in METHODS:
            raise ValueError(f"method: must be one of {list(METHODS)}, got {method!r}")
        missing = [p for p in self.protocols if p not in self.stimuli_ms]
        if missing:
            raise ValueError(f"protocol {missing[0]!r} has no stimulus times: give stimuli_ms (times, or "
                             "'20Hz:10@20ms'), or use rec.with_stimuli(rec.detect_stimuli())")
        if not (np.isfinite(failure_sd) and failure_sd >= 0):
            raise ValueError(f"failure_sd: must be a multiple of the noise SD >= 0, got {failure_sd!r}")
        if not (np.isfinite(smooth_ms) and 0 <= smooth_ms <= 5):
            raise ValueError(f"smooth_ms: must be in [0, 5] ms, got {smooth_ms!r}")
        keep = self._kept(exclude)
        isi_min = min((float(np.min(np.diff(t))) for t in self.stimuli_ms.values() if t.size > 1), default=50.0)
        blank = _pair("blank_ms", blank_ms, DEFAULT_BLANK_MS)
        window = _pair("window_ms", window_ms, (blank[1], max(blank[1] + 2 * self.dt_ms, min(5.0, 0.9 * isi_min))))
        baseline = _pair("baseline_ms", baseline_ms, (max(-2.0, -0.4 * isi_min), blank[0]))
        groups = {p: self.sweeps[keep[p]] for p in self.protocols if keep[p].size}
        if not groups:
            raise ValueError("exclude: every sweep is excluded; keep at least one")
        sign = self._sign(polarity, groups, window, baseline)
        taus, why = (), ""
        if method == "tail":
            taus, why = self._taus(tau_ms, groups, sign, window, baseline, blank, smooth_ms)
        prots, peaks = [], {}
        for p, y in groups.items():
            t = self.stimuli_ms[p]
            amps, noise, pk = measure_sweeps(y, self.dt_ms, t, method=method, sign=sign, window_ms=window,
                                             baseline_ms=baseline, blank_ms=blank, smooth_ms=smooth_ms, taus=taus)
            if not np.any(np.isfinite(amps)):
                raise ValueError(f"protocol {p!r}: no response window lies inside the sweeps "
                                 f"(stimuli at {t[0]:g}–{t[-1]:g} ms, sweeps {self.t_ms[-1]:g} ms long)")
            isi = np.concatenate([[0.0], np.diff(t)])
            base = _protocol(p, isi, amps)
            fail = np.where(np.isfinite(amps), amps < failure_sd * noise, False)
            for a in (noise, fail):
                a.flags.writeable = False
            prots.append(replace(base, noise_sd=noise, failures=fail))
            peaks[p] = pk
        m = Measurement(method, sign, window, baseline, blank, float(smooth_ms), float(failure_sd), tuple(taus), why,
                        self.name, self.units, {p: tuple(int(i) for i in keep[p]) for p in groups}, peaks)
        return AmplitudeData(tuple(prots), source=self.name, units=self.units, measurement=m)

    def _kept(self, exclude) -> dict[str, np.ndarray]:
        try:
            ex = {int(i) for i in exclude}
        except (TypeError, ValueError):
            raise ValueError(f"exclude: must be sweep indices, got {exclude!r}") from None
        bad = [i for i in ex if not 0 <= i < self.n_sweeps]
        if bad:
            raise ValueError(f"exclude: sweep indices must be in [0, {self.n_sweeps - 1}], got {bad[0]}")
        return {p: np.array([i for i in self.sweep_indices(p) if i not in ex], dtype=np.int64) for p in self.protocols}

    def _sign(self, polarity, groups, window, baseline) -> int:
        if polarity in (1, -1, "positive", "negative", "up", "down"):
            return 1 if polarity in (1, "positive", "up") else -1
        if polarity != "auto":
            raise ValueError(f"polarity: must be 'auto', 'positive' or 'negative', got {polarity!r}")
        total = 0.0
        for p, y in groups.items():
            m = np.nanmean(y, axis=0)
            for t in self.stimuli_ms[p]:
                i = int(round(t / self.dt_ms))
                w = m[max(0, i + int(round(window[0] / self.dt_ms))):i + int(round(window[1] / self.dt_ms)) + 1]
                b = m[max(0, i + int(round(baseline[0] / self.dt_ms))):max(1, i + int(round(baseline[1] / self.dt_ms)))]
                if w.size and b.size:
                    dev = w - np.nanmean(b)
                    total += float(dev[np.nanargmax(np.abs(dev))]) if np.any(np.isfinite(dev)) else 0.0
        return -1 if total < 0 else 1

    def _taus(self, tau_ms, groups, sign, window, baseline, blank, smooth_ms):
        if tau_ms is not None:
            taus = (tau_ms,) if np.ndim(tau_ms) == 0 else tuple(tau_ms)
            if not 1 <= len(taus) <= 2 or not all(np.isfinite(float(t)) and 0.05 <= float(t) <= 1e4 for t in taus):
                raise ValueError(f"tau_ms: one or two decay time constants in [0.05, 10000] ms, got {tau_ms!r}")
            return tuple(float(t) for t in taus), "given"
        # the protocol with the longest decay after its last stimulus
        p = max(groups, key=lambda q: self.sweeps.shape[1] * self.dt_ms - self.stimuli_ms[q][-1])
        y, t = groups[p], self.stimuli_ms[p]
        _, _, pk = measure_sweeps(y, self.dt_ms, t, method="local", sign=sign, window_ms=window,
                                  baseline_ms=baseline, blank_ms=blank, smooth_ms=smooth_ms)
        i0 = int(round(t[0] / self.dt_ms))
        lo = max(0, i0 + int(round(baseline[0] / self.dt_ms)))
        base = sign * np.nanmean(y[:, lo:max(lo + 1, i0 + int(round(baseline[1] / self.dt_ms)))])
        start = int(round(np.nanmedian(pk[:, -1]) / self.dt_ms)) if np.any(np.isfinite(pk[:, -1])) else i0
        decay = sign * np.nanmean(y[:, start:start + int(round(500.0 / self.dt_ms))], axis=0) - base
        return fit_decay(decay, self.dt_ms)
