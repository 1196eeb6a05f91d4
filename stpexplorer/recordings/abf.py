"""Axon Binary Format (ABF1 and ABF2, pCLAMP/Clampex) sweeps as plain data, read with pyabf
(the ``recordings`` extra: ``pip install "stpexplorer[recordings]"``).

:func:`read_abf` returns ``{"sweeps", "dt_ms", "units", "protocol", "stimuli_ms", "meta"}``
(see its docstring); :class:`~stpexplorer.recordings.Recording` validates it.

Nothing in a file is executed, and nothing else is read: before pyabf sees the file its header
is checked here (the signature, the channel count, the data and each header section lying inside
the file, the sweep count fitting the samples), so a corrupt count cannot make pyabf allocate
gigabytes; a waveform taken from a separate stimulus *file* (``nWaveformSource`` 2, which pyabf
would look up on the server's disk) is never touched. Every failure of pyabf on a malformed file
becomes a ``ValueError`` naming the file.

Stimulus times, in this order: (1) ``stimulus_channel``: the pulse onsets
(:func:`~stpexplorer.recordings._pulses.pulse_onsets`) of that recorded ADC channel; (2) the
protocol's own outputs: the command waveform of each DAC whose waveform comes from the epoch
table (``nWaveformSource`` 1; the Clampex convention puts 1/64 of the sweep at the holding level
before the first epoch), and, in ABF2, the digital outputs of the active DAC's epochs; the output
with the most pulses wins if it has a train (two or more pulses in a sweep); (3) none: ``{}``.
"""

from __future__ import annotations

import struct
import warnings
from pathlib import Path

import numpy as np

from stpexplorer.recordings import _source
from stpexplorer.recordings._pulses import group_sweeps, pulse_onsets

__all__ = ["read_abf"]

_HINT = 'pip install "stpexplorer[recordings]"'
#: ABF2 header sections pyabf reads: (offset of the section's entry in the header, name, most entries)
_SECTIONS = ((76, "protocol", 1), (92, "ADC", 16), (108, "DAC", 16), (124, "epoch", 1000),
             (156, "epoch-per-DAC", 1000), (172, "user list", 1000), (220, "strings", None),
             (252, "tag", None), (316, "synch array", None))
_ABF1_HEADER = 5806  # bytes of the ABF1 header pyabf reads


def read_abf(source, *, channel=0, stimulus_channel=None, name=None) -> dict:
    """The sweeps of ADC ``channel`` of an ABF file (``source``: a path, or the file's bytes).

    Returns ``{"sweeps": float64 (n_sweeps, n_samples) in "units" (NaN pads a shorter sweep of a
    variable-length protocol), "dt_ms": float, "units": str (the channel's, e.g. "pA"),
    "protocol": list[str] (one per sweep: the protocol file's name, else the file's stem),
    "stimuli_ms": {protocol: float64 ms from the sweep start} ({} when the file gives none),
    "meta": {"file", "channel", "clamp" ("voltage"/"current"/""), "stimulus_source"}}``.
    Sweeps whose stimulus times differ are split into protocols ``"name (1)"``, ``"name (2)"``
    (:func:`~stpexplorer.recordings._pulses.group_sweeps`). ``name`` names the file in errors
    and ``meta`` (default: the path's file name, or "upload").
    """
    fname = _source.source_name(source, name)
    size = _source.check_source(source, fname)
    _check_index("channel", channel, optional=False)
    _check_index("stimulus_channel", stimulus_channel, optional=True)
    try:
        # optional dependency: pip install "stpexplorer[recordings]"
        import pyabf
    except ImportError:
        raise ImportError(f"reading ABF files needs pyabf: {_HINT}") from None
    _preflight(_source.read_head(source, 8192), size, fname)
    with warnings.catch_warnings(), _source.as_path(source) as path:
        warnings.simplefilter("ignore")
        try:
            abf = pyabf.ABF(path, loadData=True, cacheStimulusFiles=False)
        except Exception as e:  # pyabf raises whatever a malformed header makes it raise
            raise ValueError(f"{fname}: not a readable ABF file ({type(e).__name__}: {e})") from None
        try:
            return _extract(pyabf, abf, fname, channel, stimulus_channel)
        except _Bad as e:
            raise ValueError(f"{fname}: {e}") from None
        except Exception as e:
            raise ValueError(f"{fname}: not a readable ABF file ({type(e).__name__}: {e})") from None


class _Bad(Exception):
    """A problem found here (its message is complete)."""


def _check_index(arg, value, *, optional):
    if optional and value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ValueError(f"{arg}: must be an ADC channel index (an integer >= 0"
                         f"{', or None' if optional else ''}), got {value!r}")


def _preflight(head: bytes, size: int, fname: str) -> None:
    """Check what pyabf would trust blindly (counts that size its lists and reads)."""
    sig = head[:4]
    if sig == b"ABF ":
        _preflight_v1(head, size, fname)
    elif sig == b"ABF2":
        _preflight_v2(head, size, fname)
    else:
        raise ValueError(f"{fname}: not an ABF file (it starts with {sig!r}, not b'ABF ' or b'ABF2')")


def _truncated(fname, what, need, size):
    return ValueError(f"{fname}: truncated or corrupt ABF file: {what} needs {need} bytes, the file has {size}")


def _preflight_v1(head, size, fname):
    if len(head) < _ABF1_HEADER:
        raise _truncated(fname, "the ABF1 header", _ABF1_HEADER, size)
    u = lambda fmt, at: struct.unpack_from("<" + fmt, head, at)[0]  # noqa: E731
    mode, points, ignored, episodes = u("h", 8), u("i", 10), u("h", 14), u("i", 16)
    data_ptr, tag_ptr, n_tags, fmt, nch = u("i", 40), u("i", 44), u("i", 48), u("h", 100), u("h", 120)
    _channels(fname, nch)
    if fmt != 0:
        raise ValueError(f"{fname}: ABF1 data format {fmt} is not supported (pyabf reads 16-bit integer data, "
                         "format 0)")
    start = data_ptr * 512 + ignored
    if points < nch or start < 0:
        raise ValueError(f"{fname}: corrupt ABF1 header: {points} samples from byte {start}")
    if start + 2 * points > size:
        raise _truncated(fname, f"the data ({points} samples from byte {start})", start + 2 * points, size)
    _episodes(fname, mode, episodes, points // nch)
    if n_tags < 0 or (n_tags and (tag_ptr < 0 or tag_ptr * 512 + 64 * n_tags > size)):
        raise _truncated(fname, f"the tag section ({n_tags} tags)", max(tag_ptr, 0) * 512 + 64 * n_tags, size)


def _preflight_v2(head, size, fname):
    if len(head) < 512:
        raise _truncated(fname, "the ABF2 header", 512, size)
    counts = {}
    for at, what, most in _SECTIONS + ((236, "data", None),):
        block, entry, count = struct.unpack_from("<IIi", head, at)
        counts[what] = (entry, count)
        if count < 0 or (most is not None and count > most):
            raise ValueError(f"{fname}: corrupt ABF2 header: the {what} section has {count} entries "
                             f"(must be in [0, {most if most is not None else 'the file size'}])")
        if count and (entry == 0 or block * 512 + entry * count > size):
            raise _truncated(fname, f"the {what} section ({count} entries of {entry} bytes from block {block})",
                             block * 512 + entry * count, size)
    nch = counts["ADC"][1]
    _channels(fname, nch)
    entry, points = counts["data"]
    if entry not in (2, 4) or points < nch:
        raise ValueError(f"{fname}: corrupt ABF2 header: {points} data samples of {entry} bytes")
    _episodes(fname, None, struct.unpack_from("<I", head, 12)[0], points // nch)


def _channels(fname, nch):
    if not 1 <= nch <= 16:
        raise ValueError(f"{fname}: corrupt ABF header: {nch} ADC channels (must be in [1, 16])")


def _episodes(fname, mode, episodes, per_channel):
    if mode != 3 and not 0 <= episodes <= per_channel:  # mode 3: gap-free, one sweep
        raise ValueError(f"{fname}: corrupt ABF header: {episodes} sweeps of {per_channel} samples "
                         f"(must be in [0, {per_channel}])")


def _extract(pyabf, abf, fname, channel, stimulus_channel) -> dict:
    nch = abf.channelCount
    for arg, ch in (("channel", channel), ("stimulus_channel", stimulus_channel)):
        if ch is not None and not 0 <= ch < nch:
            raise _Bad(f"{arg} must be an ADC channel in [0, {nch - 1}], got {ch} (the file records "
                       f"{', '.join(f'{i}: {n!r}' for i, n in enumerate(abf.adcNames))})")
    sweeps = _sweeps(abf, channel)
    dt_ms = _dt_ms(abf)
    units = str(abf.adcUnits[channel]).replace("\x00", "").strip()
    units = "" if units == "?" else units
    proto = str(getattr(abf, "protocol", "") or "")
    base = proto if proto and proto != "None" else Path(fname).stem
    onsets, src = [None] * sweeps.shape[0], ""
    if stimulus_channel is not None:
        onsets = [pulse_onsets(y, dt_ms) for y in _sweeps(abf, stimulus_channel)]
        src = f"channel {stimulus_channel}"
    else:
        found = _protocol_outputs(pyabf, abf, sweeps.shape[1], dt_ms)
        if found is not None:
            src, onsets = found
    protocol, stimuli = group_sweeps([base] * sweeps.shape[0], onsets, dt_ms)
    if not stimuli:
        src = ""
    low = units.lower()
    clamp = "voltage" if low in ("pa", "na", "ua", "µa", "a", "fa") else "current" if low in ("mv", "v", "uv", "µv") else ""
    return {"sweeps": sweeps, "dt_ms": dt_ms, "units": units, "protocol": protocol, "stimuli_ms": stimuli,
            "meta": {"file": fname, "channel": int(channel), "clamp": clamp, "stimulus_source": src,
                     "channels": [f"{i}: {str(n).strip()} ({str(u).replace(chr(0), '').strip()})"
                                  for i, (n, u) in enumerate(zip(abf.adcNames, abf.adcUnits))]}}


def _sweeps(abf, channel) -> np.ndarray:
    """(n_sweeps, n_samples) float64 of one ADC channel, NaN-padded for variable-length sweeps."""
    data = abf.data[channel]
    n_sw, n = int(abf.sweepCount), int(abf.sweepPointCount)
    synch = getattr(abf, "_synchArraySection", None)
    lengths = [int(x) // abf.channelCount for x in synch.lLength] if synch is not None and n_sw > 1 else []
    if len(set(lengths)) > 1:  # variable-length sweeps: the synch array gives each sweep's length
        if len(lengths) < n_sw or min(lengths) < 0 or sum(lengths[:n_sw]) > data.size:
            raise _Bad("corrupt ABF file: the sweep lengths of its synch array exceed its data")
        n = max(lengths[:n_sw])
        if n_sw * n > _source.MAX_SAMPLES:
            raise _Bad(f"{n_sw} sweeps of up to {n} samples is over the limit of {_source.MAX_SAMPLES} samples")
        out = np.full((n_sw, n), np.nan)
        pos = 0
        for i, m in enumerate(lengths[:n_sw]):
            out[i, :m] = data[pos:pos + m]
            pos += m
        return out
    if n < 1 or n_sw * n > data.size:
        raise _Bad(f"corrupt ABF file: {n_sw} sweeps of {n} samples but {data.size} samples of data")
    if n_sw * n > _source.MAX_SAMPLES:
        raise _Bad(f"{n_sw} sweeps of {n} samples is over the limit of {_source.MAX_SAMPLES} samples")
    return np.asarray(data[: n_sw * n], dtype=np.float64).reshape(n_sw, n)


def _dt_ms(abf) -> float:
    """The sampling interval of one channel (ms), from the header (pyabf's dataRate is an int)."""
    if abf.abfVersion["major"] == 1:
        dt = abf._headerV1.fADCSampleInterval * abf.channelCount / 1000.0
    else:
        dt = abf._protocolSection.fADCSequenceInterval / 1000.0
    if not (np.isfinite(dt) and 1e-6 <= dt <= 1e6):
        raise _Bad(f"corrupt ABF header: sampling interval {dt!r} ms (must be in [1e-6, 1e6] ms)")
    return float(dt)


def _protocol_outputs(pyabf, abf, n, dt_ms):
    """``(source, onsets per sweep)`` of the protocol output with the most pulses, or None."""
    v1 = abf.abfVersion["major"] == 1
    hdr = abf._headerV1 if v1 else abf._dacSection
    n_dac = min(len(hdr.nWaveformEnable), 2 if v1 else 16)
    candidates = []
    for k in range(n_dac):
        # source 1: the epoch table; 2 would be a stimulus file on disk, never looked up
        if hdr.nWaveformEnable[k] and hdr.nWaveformSource[k] == 1:
            candidates.append((f"command waveform DAC {k}", k, None))
    if not v1 and abf._protocolSection.nDigitalEnable:
        active = int(abf._protocolSection.nActiveDACChannel)
        if 0 <= active < len(hdr.nWaveformEnable):
            candidates += [(f"digital output {b}", active, b) for b in range(8)]
    tables, best = {}, None
    for label, k, bit in candidates:
        try:
            if k not in tables:
                tables[k] = pyabf.waveform.EpochTable(abf, k).epochWaveformsBySweep
            onsets = []
            for wave in tables[k]:
                if not _sane(wave, n):
                    raise _Bad("epochs outside the sweep")
                y = wave.getWaveform() if bit is None else wave.getDigitalWaveform(bit)
                onsets.append(pulse_onsets(np.asarray(y, dtype=np.float64)[:n], dt_ms))
        except Exception:  # a malformed epoch table gives no stimulus times (artefacts may)
            tables.setdefault(k, [])
            continue
        score = max((t.size for t in onsets), default=0)
        if score >= 2 and (best is None or score > best[0]):
            best = (score, label, onsets)
    return None if best is None else (best[1], best[2])


def _sane(wave, n) -> bool:
    """Every epoch of a sweep's waveform lies inside the sweep (else pyabf would allocate what
    a corrupt duration asks for)."""
    edges = list(zip(wave.p1s, wave.p2s))
    return all(isinstance(a, (int, np.integer)) and isinstance(b, (int, np.integer)) and 0 <= a <= b <= n
               for a, b in edges) and bool(edges) and wave.p2s[-1] <= n and all(
        isinstance(p, (int, np.integer)) and p >= 0 for p in list(wave.pulsePeriods) + list(wave.pulseWidths))

