"""Every reader of amplitude trains: CSV files, CSV text held in memory (an upload), and rows
of a pandas DataFrame, into plain ``{connection: {protocol: (isi_ms, amplitudes)}}``, which
:class:`~stpexplorer.fit.AmplitudeData` validates (``from_csv``, ``from_csv_text``,
``from_frame``, :func:`~stpexplorer.fit.connections_from_csv`). This module imports nothing
of the package, so the data class may use it without an import cycle.

CSV files (read with the ``csv`` module; nothing in a file is executed or evaluated):

* long format, one row per spike of a sweep, columns ``protocol, sweep, spike, isi_ms,
  amplitude`` (any order, extra columns ignored; an optional ``connection`` column is read by
  :func:`connections_from_csv`). ``spike`` counts from 0; ``isi_ms`` is the interval from the
  previous spike and must agree between sweeps; an empty amplitude or ``nan`` is missing.
* wide format, one row per sweep, columns ``protocol, sweep, a0, a1, ...``; one extra row per
  protocol with ``sweep`` = ``isi_ms`` holds its intervals in the same columns. A protocol with
  fewer spikes leaves the trailing cells empty.

Long files are parsed column-wise with numpy when every cell is well formed (fast: 1,000
connections in about a second); otherwise the row-by-row reader runs and names the first bad
row, column and value.
"""

from __future__ import annotations

import csv
import gc
import io
import math

import numpy as np

__all__ = ["LONG", "read_csv_file", "read_csv_text", "read_frame", "read_table"]

#: the columns of the long format
LONG = ("protocol", "sweep", "spike", "isi_ms", "amplitude")


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


#: largest spike index a file may give (a train of at most this many + 1 spikes): an index
#: sizes the amplitude array, so a typo such as 1e10 must be an error, not a memory error
MAX_SPIKE = 9_999


def _int(v, where: str, column: str) -> int:
    x = _number(v, where, column, missing_ok=False)
    if not math.isfinite(x) or x != int(x) or x < 0:
        raise ValueError(f"{where}, column {column!r}: must be an integer >= 0, got {v!r}")
    if column == "spike" and x > MAX_SPIKE:
        raise ValueError(f"{where}, column 'spike': must be an integer in [0, {MAX_SPIKE}], got {v!r}")
    return int(x)


def read_csv_file(path) -> dict:
    """``{connection: {protocol: (isi_ms, amplitudes)}}`` from a CSV file (long or wide format)."""
    gc_was_on = gc.isenabled()
    gc.disable()  # a list of many small lists: the cyclic collector would only slow the read down
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            table = list(csv.reader(fh))
    finally:
        if gc_was_on:
            gc.enable()
    return read_table(table, str(path))


def read_csv_text(text: str, source: str = "upload") -> dict:
    """As :func:`read_csv_file`, from the text of a CSV held in memory (an upload): no file is read."""
    if not isinstance(text, str):
        raise ValueError(f"{source}: CSV text must be a str, got {type(text).__name__}")
    return read_table(list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))), source)


def read_frame(df, source: str = "frame") -> dict:
    """As :func:`read_csv_file`, from the rows of a pandas DataFrame in long format."""
    rows = [{str(k): ("" if _isna(v) else v) for k, v in r.items()} for r in df.to_dict("records")]
    header = [str(c) for c in df.columns]
    body = [[str(r.get(h, "")) for h in header] for r in rows]
    return _with_conditions(_from_rows(header, rows, source, first_line=0), header, body, source)


def read_table(table: list[list[str]], source: str) -> dict:
    """The readers' common part: ``table`` = CSV rows (the first is the header)."""
    header = [h.strip() for h in table[0]] if table else []
    if not header or header == [""]:
        raise ValueError(f"{source}: the file is empty (no header row)")
    body = [r for r in table[1:] if r]
    fast = _long_fast(header, body) if all(c in header for c in LONG) else None
    if fast is not None:
        return _with_conditions(fast, header, body, source)
    rows = [dict(zip(header, r + [""] * (len(header) - len(r)))) for r in body]
    return _with_conditions(_from_rows(header, rows, source, first_line=2), header, body, source)


def _with_conditions(groups: dict, header: list, body: list, source: str) -> dict:
    """Add each protocol's ``condition`` (the one non-empty label of its rows) as a third element."""
    if "condition" not in header:
        return groups
    ic, ip = header.index("condition"), header.index("protocol")
    ik = header.index("connection") if "connection" in header else None
    seen: dict = {}
    for i, r in enumerate(body):
        cell = (r[ic] if ic < len(r) else "").strip()
        if not cell:
            continue
        key = ((r[ik].strip() if ik is not None and ik < len(r) else ""), r[ip].strip())
        if seen.setdefault(key, (cell, i + 2))[0] != cell:
            raise ValueError(f"{source}: row {i + 2}, column 'condition': protocol {key[1]!r} has condition "
                             f"{cell!r} but {seen[key][0]!r} in row {seen[key][1]} (one condition per protocol)")
    return {c: {p: (*v, seen.get((c, p), ("", 0))[0]) for p, v in prots.items()} for c, prots in groups.items()}


def _long_fast(header, body):
    """Column-wise reader of a well-formed long file, or None (then the row reader finds the fault)."""
    if not body or any(len(r) != len(header) for r in body):
        return None
    cols = {h: [r[i] for r in body] for i, h in enumerate(header)}
    try:
        sweep, spike, isi = (np.array(cols[c], dtype=np.float64) for c in ("sweep", "spike", "isi_ms"))
        amp = np.array([a if a.strip() else "nan" for a in cols["amplitude"]], dtype=np.float64)
    except ValueError:
        return None
    ints = np.concatenate([sweep, spike])
    if not (np.all(np.isfinite(ints)) and np.all(ints >= 0) and np.all(ints == np.round(ints))
            and np.all(spike <= MAX_SPIKE)
            and np.all(np.isfinite(isi)) and np.all(isi >= 0) and not np.any(np.isinf(amp))):
        return None
    prot = [p.strip() for p in cols["protocol"]]
    conn = [c.strip() for c in cols["connection"]] if "connection" in cols else [""] * len(prot)
    if any(p == "" for p in prot):
        return None
    codes: dict = {}  # (connection, protocol) -> group number, in the order of the file
    g = np.array([codes.setdefault((c, p), len(codes)) for c, p in zip(conn, prot)])
    uniq = list(codes)
    o = np.lexsort((spike, sweep, g))  # duplicates: equal (group, sweep, spike) side by side
    if np.any((np.diff(g[o]) == 0) & (np.diff(sweep[o]) == 0) & (np.diff(spike[o]) == 0)):
        return None
    o = np.lexsort((spike, g))  # intervals must agree between sweeps
    if np.any((np.diff(g[o]) == 0) & (np.diff(spike[o]) == 0) & (np.diff(isi[o]) != 0)):
        return None
    starts = np.searchsorted(g[o], np.arange(len(uniq)))
    groups: dict = {}
    for j in range(len(uniq)):
        rows = o[starts[j]: starts[j + 1] if j + 1 < len(uniq) else len(o)]
        k = spike[rows].astype(np.int64)
        n = int(k.max()) + 1
        sw, pos = np.unique(sweep[rows], return_inverse=True)
        if np.unique(k).size != n:  # a spike missing in every sweep
            return None
        a = np.full((sw.size, n), np.nan)
        a[pos, k] = amp[rows]
        iv = np.empty(n)
        iv[k] = isi[rows]
        c, p = uniq[j]
        groups.setdefault(c, {})[p] = (iv, a)
    return groups


def _from_rows(header: list[str], rows: list[dict], src: str, *, first_line: int) -> dict:
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
    return groups


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
    cols = [h for h in header if h not in ("protocol", "sweep", "connection", "condition")]
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
