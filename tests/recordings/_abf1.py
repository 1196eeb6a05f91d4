"""An independent ABF1 writer for the tests (the fields of Axon's ABF 1.8 header, packed here):
several channels, a protocol path, the epoch table of DAC 0 and its waveform source."""

import struct

import numpy as np

RANGE, RESOLUTION = 10.0, 32768


def write_abf1(path, sweeps, rate_hz, units=("pA",), *, quantum=(0.01,), protocol="", epochs=(),
               waveform_source=0, dac_file=""):
    """``sweeps``: (n_channels, n_sweeps, n_samples); stored as int16 = round(value / quantum).
    ``epochs``: up to 10 (type, level, duration samples, duration increment per sweep) of DAC 0."""
    y = np.asarray(sweeps, dtype=np.float64)
    nch, nsw, n = y.shape
    h = bytearray(12 * 512)
    pack = lambda fmt, at, *v: struct.pack_into("<" + fmt, h, at, *v)  # noqa: E731
    pack("4s", 0, b"ABF ")
    pack("f", 4, 1.83)
    pack("h", 8, 5)  # episodic stimulation
    pack("i", 10, nch * nsw * n)
    pack("i", 16, nsw)
    pack("i", 20, 20240101)
    pack("i", 40, 12)  # data after the 12 header blocks
    pack("h", 100, 0)  # int16 data
    pack("h", 120, nch)
    pack("f", 122, 1e6 / rate_hz / nch)  # µs between samples of consecutive channels
    pack("i", 138, nch * n)
    pack("f", 244, RANGE)
    pack("i", 252, RESOLUTION)
    for c in range(nch):
        pack("h", 378 + 2 * c, c)
        pack("h", 410 + 2 * c, c)
        pack("10s", 442 + 10 * c, f"IN {c}".encode())
        pack("8s", 602 + 8 * c, units[c].ljust(8).encode())  # Axon pads with spaces
        pack("f", 730 + 4 * c, 1.0)
        pack("f", 922 + 4 * c, RANGE / (RESOLUTION * quantum[c]))  # V per unit: one LSB = quantum
        pack("f", 1050 + 4 * c, 1.0)
    pack("256s", 4898, protocol.ljust(256).encode())
    pack("2h", 2296, 1 if epochs else 0, 0)
    pack("2h", 2300, waveform_source, 0)
    for k, (kind, level, dur, inc) in enumerate(epochs):
        pack("h", 2308 + 2 * k, kind)
        pack("f", 2348 + 4 * k, level)
        pack("i", 2508 + 4 * k, dur)
        pack("i", 2588 + 4 * k, inc)
    pack("256s", 2736, dac_file.ljust(256).encode())
    q = np.asarray(quantum, dtype=np.float64)[:, None, None]
    raw = np.round(y / q).astype("<i2")  # (ch, sweep, sample) -> sample-major, channels interleaved
    data = raw.transpose(1, 2, 0).reshape(-1).tobytes()
    with open(path, "wb") as fh:
        fh.write(bytes(h) + data)
    return path
