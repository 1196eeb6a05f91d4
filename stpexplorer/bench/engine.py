"""``stpexplorer bench``: engine benchmark (and the panels' benchmark when the UI is installed).

Every figure is measured in this one run, against baselines run in the same process:

* ``simulate_stp``: one synapse, 20,000 steps (2 s at dt 0.1 ms, Poisson 30 Hz), after compilation,
  against a minimal jitted ``lax.scan`` of the same exact update (decay factors precomputed once,
  nothing else) and a Neuromatch-style Python/numpy loop over the same protocol;
* ``sweep_stp`` over 1024 parameter sets on that train against the clock-driven vmapped
  ``lax.scan`` that brainstate/brainpy amount to (exponential-Euler decay every step);
* first-call (compilation) time of each model.
"""

from __future__ import annotations

import argparse
import statistics
import time

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from stpexplorer import engine as eng

DT = 0.1
DURATION = 2000.0


def _timeit_pair(a, b, *, repeat: int, warmup: int = 5) -> tuple[float, float]:
    """Median wall times (ms) of ``a()`` and ``b()``, measured alternately so that the
    machine's drift (a shared VM) affects both alike."""
    for _ in range(warmup):
        a()
        b()
    ta, tb = [], []
    for _ in range(repeat):
        t = time.perf_counter()
        a()
        ta.append(time.perf_counter() - t)
        t = time.perf_counter()
        b()
        tb.append(time.perf_counter() - t)
    return statistics.median(ta) * 1e3, statistics.median(tb) * 1e3


def _timeit(fn, *, repeat: int, warmup: int = 2) -> float:
    """Median wall time of ``fn()`` in ms (fn must block until its result is ready)."""
    for _ in range(warmup):
        fn()
    ts = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t)
    return statistics.median(ts) * 1e3


@jax.jit
def _minimal_scan(U, e_f, e_d, spikes):
    """The minimal exact-update scan: one multiply-add per state per step."""

    def step(c, s):
        u, x = c
        u = u * e_f
        x = 1.0 + (x - 1.0) * e_d
        u = u + s * U * (1.0 - u)
        r = u * x * s
        x = x - r
        return (u, x), (u, x, r)

    z = jnp.zeros((), spikes.dtype)
    return lax.scan(step, (z, z + 1.0), spikes)[1]


def _numpy_loop(U, tau_f, tau_d, spikes, dt):
    """A Neuromatch-tutorial-style loop (forward Euler, one Python iteration per step)."""
    n = spikes.size
    u = np.zeros(n)
    x = np.ones(n)
    rel = np.zeros(n)
    for i in range(1, n):
        s = spikes[i]
        u[i] = u[i - 1] - dt * u[i - 1] / tau_f + U * (1.0 - u[i - 1]) * s
        rel[i] = u[i] * x[i - 1] * s
        x[i] = x[i - 1] + dt * (1.0 - x[i - 1]) / tau_d - u[i] * x[i - 1] * s
    return u, x, rel


def _clock_driven_sweep(U, tau_f, tau_d, spikes, dt):
    """brainstate/brainpy-style: every set decays u and x every step (exp-Euler), vmapped."""

    def one(U, tf, td):
        a_f = jnp.exp(-dt / tf)
        a_d = jnp.exp(-dt / td)

        def step(c, s):
            u, x = c
            u = u * a_f
            x = 1.0 - (1.0 - x) * a_d
            u = u + s * U * (1.0 - u)
            r = u * x * s
            return (u, x - r), r

        return lax.scan(step, (jnp.zeros_like(U), jnp.ones_like(U)), spikes)[1]

    return jax.vmap(one)(U, tau_f, tau_d)


_clock_driven_sweep = jax.jit(_clock_driven_sweep)


def engine_rows(repeat: int = 50) -> list[tuple[str, float, str]]:
    rows: list[tuple[str, float, str]] = []
    spikes = eng.poisson_train(30.0, duration_ms=DURATION, dt_ms=DT, seed=0)
    p = eng.STPParams(U=0.2, tau_f=200.0, tau_d=300.0)

    def ours():
        eng.simulate_stp(p, spikes, dt_ms=DT).release.block_until_ready()

    t0 = time.perf_counter()
    ours()
    compile_stp = (time.perf_counter() - t0) * 1e3
    f32 = np.float32
    e_f, e_d = f32(np.exp(-DT / 200.0)), f32(np.exp(-DT / 300.0))
    js = jnp.asarray(spikes)

    def minimal():
        _minimal_scan(f32(0.2), e_f, e_d, js)[2].block_until_ready()

    t_ours, t_min = _timeit_pair(ours, minimal, repeat=repeat * 10)
    t_np = _timeit(lambda: _numpy_loop(0.2, 200.0, 300.0, spikes.astype(np.float64), DT), repeat=5, warmup=1)
    rows.append(("simulate_stp, 20,000 steps (ms)", t_ours, ""))
    rows.append(("  minimal jitted lax.scan (ms)", t_min, f"ours / minimal = {t_ours / t_min:.2f}x (goal <= 1.5x)"))
    rows.append(("  numpy loop, Neuromatch style (ms)", t_np, f"numpy / ours = {t_np / t_ours:.0f}x (goal >= 100x)"))

    n_sets = 1024
    batch = eng.STPParams(U=np.linspace(0.05, 0.95, n_sets), tau_f=np.geomspace(10, 2000, n_sets),
                          tau_d=np.geomspace(2000, 10, n_sets))

    def sweep():
        eng.sweep_stp(batch, spikes, dt_ms=DT).release.block_until_ready()

    t0 = time.perf_counter()
    sweep()
    compile_sweep = (time.perf_counter() - t0) * 1e3
    args = tuple(jnp.asarray(a) for a in (batch.U, batch.tau_f, batch.tau_d))
    t_sweep = _timeit(sweep, repeat=repeat)
    t_clock = _timeit(lambda: _clock_driven_sweep(*args, js, f32(DT)).block_until_ready(), repeat=max(5, repeat // 5))
    rows.append(("sweep_stp, 1024 sets, event-driven (ms)", t_sweep, ""))
    rows.append(("  clock-driven vmapped scan (ms)", t_clock, f"clock / ours = {t_clock / t_sweep:.1f}x (goal >= 10x)"))

    with eng.count_compilations() as c:  # a slider moving: new values must reuse the compiled function
        for i in range(20):
            eng.simulate_stp(p.replace(U=0.1 + 0.01 * i), spikes, dt_ms=DT).release.block_until_ready()
    rows.append(("compilations, simulate_stp with 20 new U values", float(c.n), "goal 0"))
    rows.append(("first call simulate_stp (ms)", compile_stp, "goal <= 1000 ms"))
    rows.append(("first call sweep_stp (ms)", compile_sweep, "goal <= 1000 ms"))
    rows.extend(_first_calls())
    return rows


def _first_calls() -> list[tuple[str, float, str]]:
    out = []
    cur = np.full(2000, 2.5)

    def t(fn):
        t0 = time.perf_counter()
        jax.block_until_ready(fn())
        return (time.perf_counter() - t0) * 1e3

    sp = eng.STDPParams(A_plus=0.01, A_minus=0.0105, tau_plus=20.0, tau_minus=20.0)
    pre, post = eng.pairing_trains(10.0, n_pairs=10, period_ms=200.0, duration_ms=2000.0, dt_ms=0.5)
    out.append(("first call simulate_stdp (ms)", t(lambda: eng.simulate_stdp(sp, pre, post, w0=0.5, dt_ms=0.5)),
                "goal <= 1000 ms"))
    wp = eng.WTASParams(n_units=8, thr_base=0.15, thr_gain=0.002, refract_ms=0.0, thr_jitter=0.05)
    out.append(("first call simulate_wtas (ms)",
                t(lambda: eng.simulate_wtas(wp, np.random.default_rng(0).random((2000, 8)), dt_ms=0.5, seed=0)),
                "goal <= 1000 ms"))
    out.append(("first call simulate_alif (ms)", t(lambda: eng.simulate_alif(eng.ALIFParams(), cur, dt_ms=0.5)),
                "goal <= 1000 ms"))
    cp = eng.CircuitParams(stp=eng.STPParams(U=0.2, tau_f=200.0, tau_d=300.0), neuron=eng.ALIFParams(), stdp=sp)
    spikes = eng.poisson_train(20.0, duration_ms=1000.0, dt_ms=0.5, seed=0, n_trains=40)
    out.append(("first call simulate_circuit (ms)", t(lambda: eng.simulate_circuit(cp, spikes, w0=0.5, dt_ms=0.5)),
                "goal <= 1000 ms"))
    return out


def format_rows(title: str, rows) -> str:
    width = max(len(r[0]) for r in rows)
    lines = [title, "-" * len(title)]
    lines += [f"{name:<{width}}  {value:10.3f}  {note}" for name, value, note in rows]
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="stpexplorer bench", description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=50, help="timed repetitions per figure (median reported)")
    ap.add_argument("--engine-only", action="store_true", help="skip the widget panels' benchmark")
    args = ap.parse_args(argv)
    print(f"jax {jax.__version__} on {jax.devices()[0].platform} ({jax.device_count()} device(s)), "
          f"dtype {eng.float_dtype()}")
    print(format_rows("Engine", engine_rows(args.repeat)))
    if not args.engine_only:
        try:
            from stpexplorer.bench import ui as bench_ui  # optional: the panels' benchmark needs the UI
        except ImportError as e:  # the UI extra is not installed
            print(f"\n(panel benchmark skipped: {e})")
        else:
            print()
            bench_ui.main([])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
