"""``stpexplorer amplitudes RECORDING``: measure response amplitudes from an ABF or NWB file.

Reads the recording (:func:`stpexplorer.recordings.read_recording`), takes the stimulus times
from the file, from ``--stimuli`` (``20Hz:10@20ms``, or ``PROTOCOL=20Hz:10@20ms`` for one
protocol; repeatable) or from the artefacts, measures every response
(:meth:`~stpexplorer.recordings.Recording.amplitudes`) and writes the long-format CSV that
``stpexplorer fit`` and the Fit tab read (``--out amps.csv``; stdout without it). The options
that choose the recording and the measurement are shared with ``stpexplorer fit RECORDING``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

#: file extensions read as recordings (the rest is a CSV of amplitudes)
RECORDING_EXTENSIONS = (".abf", ".nwb")


def _pair(text: str) -> tuple[float, float]:
    try:
        a, b = (float(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expects START,END in ms, got {text!r}") from None
    return a, b


def _taus(text: str) -> tuple[float, ...]:
    try:
        return tuple(float(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expects TAU or TAU1,TAU2 in ms, got {text!r}") from None


def add_measure_options(p) -> None:
    """The options that read a recording and measure it (``amplitudes`` and ``fit``)."""
    g = p.add_argument_group("recordings (.abf, .nwb)")
    g.add_argument("--method", choices=("tail", "local"), default="tail",
                   help="tail: subtract the preceding responses' decay (default); local: peak minus the baseline")
    g.add_argument("--stimuli", action="append", default=[], metavar="[PROTOCOL=]SPEC",
                   help="stimulus times as a train, e.g. 20Hz:10@20ms (default: from the file or its artefacts)")
    g.add_argument("--channel", type=int, default=0, help="ABF: the recorded channel (default 0)")
    g.add_argument("--stimulus-channel", type=int, default=None, help="ABF: a channel holding the stimulus")
    g.add_argument("--electrode", default=None, help="NWB: the electrode (name) when the file has several")
    g.add_argument("--window", type=_pair, default=None, metavar="START,END", help="peak window, ms after a stimulus")
    g.add_argument("--baseline", type=_pair, default=None, metavar="START,END", help="baseline window, ms (negative)")
    g.add_argument("--tau", type=_taus, default=None, metavar="TAU[,TAU2]", help="decay time constant(s), ms")
    g.add_argument("--polarity", choices=("auto", "positive", "negative"), default="auto",
                   help="direction of the responses (default: the sign of the mean response)")


def add_parser(sub) -> None:
    p = sub.add_parser("amplitudes", help="measure response amplitudes in an ABF or NWB recording into a CSV")
    p.add_argument("recording", metavar="RECORDING", help="an .abf or .nwb file")
    add_measure_options(p)
    p.add_argument("--out", metavar="FILE", help="amps.csv (long format); default: stdout")
    p.set_defaults(func=cmd_amplitudes)


def _stimuli(items: list[str]):
    if not items:
        return None
    named = {}
    for item in items:
        name, sep, spec = item.rpartition("=")
        if sep:
            named[name] = spec
        elif len(items) == 1:
            return item
        else:
            raise ValueError(f"--stimuli: with several, write PROTOCOL=SPEC each, got {item!r}")
    return named


def measure(args: argparse.Namespace):
    """Read ``args.recording`` and measure it: ``(Recording, AmplitudeData)``."""
    # deferred: the recordings import numpy and the fit (JAX), which `stpexplorer --help` never needs
    from stpexplorer.recordings import read_recording

    path = args.recording
    kw = {"electrode": args.electrode} if path.lower().endswith(".nwb") else {
        "channel": args.channel, "stimulus_channel": args.stimulus_channel}
    rec = read_recording(path, stimuli_ms=_stimuli(args.stimuli), **kw)
    data = rec.amplitudes(args.method, polarity=args.polarity, window_ms=args.window, baseline_ms=args.baseline,
                          tau_ms=args.tau)
    return rec, data


def cmd_amplitudes(args: argparse.Namespace) -> int:
    try:
        rec, data = measure(args)
    except (OSError, ValueError, ImportError) as exc:
        print(f"stpexplorer amplitudes: {exc}", file=sys.stderr)
        return 1
    text = data.to_csv_text()
    if args.out:
        Path(args.out).write_text(text)
        n = sum(p.amplitudes.shape[0] for p in data.protocols)
        print(f"stpexplorer amplitudes: {data.n_observations} amplitudes of {n} sweeps "
              f"({', '.join(data.names)}) written to {args.out}; {data.measurement.describe()}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
