"""``python -m stpexplorer.bench.gpu``: the engine on an accelerator, in one command.

Runs on whatever JAX's default backend is (a GPU when ``jax[cuda12]`` sees one; the CPU
otherwise, which is useful as the baseline of the same script) and prints one table and,
with ``--json FILE``, the same figures as JSON. Every figure is a median wall time after
compilation, with the first call (compilation included) listed separately:

* ``simulate_stp``: one synapse, 20,000 steps (2 s at dt 0.1 ms, Poisson 30 Hz);
* ``sweep_stp``: 1,024 and 1,048,576 (1M) parameter sets on that train, and the
  throughput in parameter sets per second;
* ``simulate_stdp`` over 4,096 rule settings; the synapse lab's default run;
* ``stdp_frequency_curve`` (5 rates x 2 lags x 60 pairs) over 1,024 rule settings;
* ``fit_stp`` (when available) on a simulated 7-protocol recording with 200 bootstraps.

Bounded: well under 10 minutes on one GPU (the 1M sweep runs in chunks of
``--chunk`` sets so that it fits in memory).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

import jax
import numpy as np

from stpexplorer import engine as eng

DT = 0.1


def _block(x):
    return jax.tree_util.tree_map(lambda a: a.block_until_ready() if hasattr(a, "block_until_ready") else a, x)


def timed(fn, repeat: int = 5) -> tuple[float, float]:
    """(first call s, median later call ms) of ``fn`` (blocks on its result)."""
    t = time.perf_counter()
    _block(fn())
    first = time.perf_counter() - t
    ts = []
    for _ in range(repeat):
        t = time.perf_counter()
        _block(fn())
        ts.append(time.perf_counter() - t)
    return first, statistics.median(ts) * 1e3


def stp_batch(n: int, seed: int = 0) -> eng.STPParams:
    rng = np.random.default_rng(seed)
    return eng.STPParams(U=rng.uniform(0.05, 0.95, n), tau_f=rng.uniform(0.0, 1000.0, n),
                         tau_d=rng.uniform(20.0, 1500.0, n))


def sweep_in_chunks(n: int, spikes, chunk: int):
    """sweep_stp over ``n`` sets, ``chunk`` at a time (one compiled shape)."""
    batch = stp_batch(chunk)
    out = None
    for _ in range(max(1, n // chunk)):
        out = eng.sweep_stp(batch, spikes, dt_ms=DT).release
    return out


def run(args) -> dict:
    spikes = eng.poisson_train(30.0, duration_ms=2000.0, dt_ms=DT, seed=1)
    one = eng.STPParams(U=0.5, tau_f=100.0, tau_d=400.0)
    rows = {}
    rows["simulate_stp 20k steps"] = timed(lambda: eng.simulate_stp(one, spikes, dt_ms=DT).release)
    b1k = stp_batch(1024)
    rows["sweep_stp 1,024 sets"] = timed(lambda: eng.sweep_stp(b1k, spikes, dt_ms=DT).release)
    n_big = args.sets
    rows[f"sweep_stp {n_big:,} sets"] = timed(lambda: sweep_in_chunks(n_big, spikes, args.chunk), repeat=2)
    pre, post = eng.pairing_trains(10.0, n_pairs=20, period_ms=100.0, duration_ms=2500.0, dt_ms=0.5)
    rules = eng.STDPParams(A_plus=np.linspace(0.001, 0.02, 4096), A_minus=0.0105, tau_plus=20.0, tau_minus=20.0)
    rows["simulate_stdp 4,096 rules"] = timed(lambda: eng.simulate_stdp(rules, pre, post, w0=0.5, dt_ms=0.5).w)
    if hasattr(eng, "stdp_frequency_curve"):
        trip = eng.STDPParams(A_plus=np.linspace(0.0, 0.01, 1024), A_minus=7e-3, tau_plus=16.8,
                              tau_minus=33.7, A3_plus=6.5e-3, tau_y=114.0, bounds="none")
        rates = np.array([0.1, 10.0, 20.0, 40.0, 50.0])
        rows["stdp_frequency_curve 1,024 rules"] = timed(
            lambda: eng.stdp_frequency_curve(trip, rates, np.array([-10.0, 10.0])))
    from stpexplorer.experiments import EXPERIMENTS  # the synapse lab's default run, as the panel runs it

    rows["synapse lab (experiment run)"] = timed(lambda: EXPERIMENTS["circuit"].run({}))
    fit = _fit_row(args)
    if fit:
        rows.update(fit)
    return {"backend": jax.default_backend(), "devices": [str(d) for d in jax.devices()],
            "jax": jax.__version__,
            "rows": {k: {"first_call_s": round(f, 3), "median_ms": round(m, 3)} for k, (f, m) in rows.items()},
            "sweep_sets_per_s": round(n_big / (rows[f"sweep_stp {n_big:,} sets"][1] / 1e3))}


def _fit_row(args):
    try:
        from stpexplorer.fit import fit_stp, synthetic_amplitudes  # available once the fit module exists
    except ImportError:
        return {}
    truth = eng.STPParams(U=0.3, tau_f=150.0, tau_d=400.0)
    protocols = {f"{r:g} Hz": np.r_[0.0, np.full(7, 1000.0 / r)] for r in (5, 10, 20, 40, 50, 80, 100)}
    try:
        data = synthetic_amplitudes(truth, protocols, n_sweeps=300, n_sites=10, quantal_size=0.1,
                                    cv=0.3, seed=0)
        return {"fit_stp 7 protocols, 200 boot": timed(lambda: fit_stp(data, n_boot=200).params.U, repeat=2)}
    except Exception as e:  # noqa: BLE001 - the fit's own tests cover it; say why it is missing
        print(f"fit_stp skipped: {type(e).__name__}: {e}", file=sys.stderr)
        return {}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sets", type=int, default=1 << 20, help="parameter sets of the big sweep (default 1M)")
    ap.add_argument("--chunk", type=int, default=1 << 16, help="sets per sweep call")
    ap.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = ap.parse_args(argv)
    rep = run(args)
    print(f"backend {rep['backend']} ({', '.join(rep['devices'])}), jax {rep['jax']}")
    print(f"{'measurement':40s} {'first call (s)':>15s} {'median (ms)':>12s}")
    for k, r in rep["rows"].items():
        print(f"{k:40s} {r['first_call_s']:15.3f} {r['median_ms']:12.3f}")
    print(f"sweep throughput: {rep['sweep_sets_per_s']:,} parameter sets per second")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(rep, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
