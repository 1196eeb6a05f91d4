"""The d3-format subset the slider readouts use, in Python, so the status line shows a
value exactly as the browser's slider readout does (d3-format writes negatives with
the Unicode minus sign U+2212 and drops the sign of a value that rounds to zero)."""

from __future__ import annotations

import math
import re

__all__ = ["d3_format", "float_format", "LOG_FORMAT", "INT_FORMAT"]

LOG_FORMAT = ".3r"    # 3 significant digits, decimal notation (never exponent notation)
INT_FORMAT = "d"
MINUS = "\u2212"

_FMT = re.compile(r"^\.(\d+)(~?)([fr])$")


def float_format(step: float) -> str:
    """Fixed-point readout format with as many decimals as ``step`` needs."""
    if not step or not math.isfinite(step):
        return ".3~r"
    d = 0
    while d < 8 and abs(round(step, d) - step) > 1e-12 * max(1.0, abs(step)):
        d += 1
    return f".{d}f"


def _trim(s: str) -> str:
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


def d3_format(fmt: str, value) -> str:
    """``d3.format(fmt)(value)`` for fmt ``d``, ``.Nf``, ``.N~f``, ``.Nr``, ``.N~r``."""
    v = float(value)
    if not math.isfinite(v):
        return "NaN" if math.isnan(v) else ("−Infinity" if v < 0 else "Infinity")
    if fmt == "d":
        s = str(int(math.floor(v + 0.5)))  # Math.round
    else:
        m = _FMT.match(fmt)
        if not m:
            raise ValueError(f"unsupported readout format {fmt!r}")
        p, trim, typ = int(m.group(1)), bool(m.group(2)), m.group(3)
        if typ == "f":
            s = f"{v:.{p}f}"
        else:
            p = max(1, p)
            mant, exp = f"{abs(v):.{p - 1}e}".split("e")
            digits, e = mant.replace(".", ""), int(exp)
            if e < 0:
                s = "0." + "0" * (-e - 1) + digits
            elif len(digits) > e + 1:
                s = digits[: e + 1] + "." + digits[e + 1:]
            else:
                s = digits + "0" * (e + 1 - len(digits))
            if v < 0:
                s = "-" + s
        if trim:
            s = _trim(s)
    if s.startswith("-"):
        s = s[1:] if float(s) == 0.0 else MINUS + s[1:]
    return s
