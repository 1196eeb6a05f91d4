"""Amplitude trains packed for the quantal model, and the ``conditions`` argument resolved.

``conditions`` (of :func:`~stpexplorer.fit.fit_quantal`, :func:`~stpexplorer.fit.variance_mean`,
:func:`~stpexplorer.fit.binomial_loglik`): None (each protocol's own ``Protocol.condition``, ""
when not given), a dict ``{protocol: label}`` naming every protocol, or a sequence of labels, one
per protocol in order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from stpexplorer.engine._params import check_instance
from stpexplorer.fit._data import AmplitudeData

__all__ = ["pack", "resolve_conditions"]


def check_data(data) -> AmplitudeData:
    check_instance("data", data, AmplitudeData)
    return data


def resolve_conditions(data: AmplitudeData, conditions) -> tuple[tuple[str, ...], np.ndarray]:
    """``(labels, index)``: the distinct condition labels in order of appearance and, per protocol,
    the index of its label (n_protocols,)."""
    names = data.names
    if conditions is None:
        per = data.conditions
    elif isinstance(conditions, Mapping):
        unknown = [k for k in conditions if k not in names]
        if unknown:
            raise ValueError(f"conditions: unknown protocol {unknown[0]!r}; the protocols are {list(names)}")
        missing = [n for n in names if n not in conditions]
        if missing:
            raise ValueError(f"conditions must give a label for every protocol {list(names)}; missing {missing[0]!r}")
        per = tuple(str(conditions[n]) for n in names)
    elif isinstance(conditions, Sequence) and not isinstance(conditions, str):
        if len(conditions) != len(names):
            raise ValueError(f"conditions must hold one label per protocol ({len(names)}: {list(names)}), "
                             f"got {len(conditions)} labels")
        per = tuple(str(c) for c in conditions)
    else:
        raise ValueError("conditions must be None (the protocols' own conditions), a dict {protocol: label} "
                         f"or a list of one label per protocol, got {conditions!r}")
    labels = tuple(dict.fromkeys(per))
    return labels, np.array([labels.index(c) for c in per], dtype=np.int64)


def pack(data: AmplitudeData) -> tuple[np.ndarray, np.ndarray]:
    """``(isi (P, K), amplitudes (P, n_sweeps, K))`` float64, NaN-padded (shorter protocols, fewer
    sweeps); the padded intervals are 0 and add nothing to the likelihood."""
    P = len(data)
    K = max(p.isi_ms.size for p in data.protocols)
    S = max(p.amplitudes.shape[0] for p in data.protocols)
    isi = np.zeros((P, K))
    amps = np.full((P, S, K), np.nan)
    for j, p in enumerate(data.protocols):
        ns, nk = p.amplitudes.shape
        isi[j, :nk] = p.isi_ms
        amps[j, :ns, :nk] = p.amplitudes
    return isi, amps
