"""Sharding over several devices and float64 mode, each in a fresh interpreter
(the device count and x64 must be set before JAX starts)."""

import json
import os
import subprocess
import sys
import textwrap

import numpy as np

import stpexplorer as stp

SCRIPT = textwrap.dedent("""
    import json, sys, numpy as np, jax
    import stpexplorer as stp
    s = stp.poisson_train(30.0, duration_ms=500.0, dt_ms=0.1, seed=2)
    p = stp.STPParams(U=np.linspace(0.05, 0.95, 9), tau_f=120.0, tau_d=np.geomspace(50, 900, 9))
    tr = stp.simulate_stp(p, s, dt_ms=0.1)
    sw = stp.sweep_stp(p, s, dt_ms=0.1)
    pre, post = stp.pairing_trains(5.0, n_pairs=5, period_ms=50.0, duration_ms=300.0, dt_ms=0.5)
    sd = stp.simulate_stdp(stp.STDPParams(A_plus=np.linspace(0, 0.05, 5), A_minus=0.01, tau_plus=20.0,
                                          tau_minus=20.0), pre, post, w0=0.5, dt_ms=0.5)
    out = dict(devices=jax.device_count(), dtype=str(tr.u.dtype),
               n_shards=len(tr.u.sharding.device_set), release=np.asarray(tr.release).tolist(),
               sweep=np.asarray(sw.release).tolist(), w=np.asarray(sd.w).tolist())
    json.dump(out, sys.stdout)
""")


def _run(env_extra):
    env = {k: v for k, v in os.environ.items() if k not in ("XLA_FLAGS", "JAX_ENABLE_X64")}
    env.update(env_extra, JAX_PLATFORMS="cpu")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    res = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-3000:]
    return json.loads(res.stdout)


def test_batch_is_sharded_over_devices_and_equals_unsharded():
    one = _run({})
    two = _run({"XLA_FLAGS": "--xla_force_host_platform_device_count=2"})
    assert one["devices"] == 1 and two["devices"] == 2
    assert two["n_shards"] == 2  # the 9 sets were padded to 10 and split over both devices
    for key in ("release", "sweep", "w"):
        np.testing.assert_allclose(np.array(two[key]), np.array(one[key]), rtol=1e-6, atol=1e-7)


def test_float64_when_x64_is_enabled():
    out = _run({"JAX_ENABLE_X64": "1"})
    assert out["dtype"] == "float64"
    ref = _run({})
    np.testing.assert_allclose(np.array(out["release"]), np.array(ref["release"]), rtol=2e-5, atol=1e-7)
    # in float64 the simulation equals the exact recursion to ~1e-12
    s = stp.poisson_train(30.0, duration_ms=500.0, dt_ms=0.1, seed=2)
    idx = np.flatnonzero(s)
    from tests.reference import tm_release_at_times as recursion

    U, td = np.linspace(0.05, 0.95, 9), np.geomspace(50, 900, 9)
    for i in range(9):
        np.testing.assert_allclose(np.array(out["release"])[i][idx], recursion(U[i], 120.0, td[i], idx * 0.1),
                                   rtol=1e-10)


def test_engine_imports_without_the_ui():
    code = "import sys, stpexplorer, stpexplorer.engine, stpexplorer.experiments; " \
           "print(any(m in sys.modules for m in ('ipywidgets', 'bqplot')))"
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         cwd=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "False"
