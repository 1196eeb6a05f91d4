"""On a GPU (runs only where JAX sees one): the engine gives the CPU's numbers, and the
GPU benchmark script runs. Everywhere else these tests are skipped with the reason."""

from __future__ import annotations

import json

import jax
import numpy as np
import pytest

import stpexplorer as stp


def _gpus():
    try:
        return jax.devices("gpu")
    except RuntimeError:
        return []


pytestmark = pytest.mark.skipif(not _gpus(), reason="JAX sees no GPU here")
RTOL = 2e-5  # float32, different reduction order and fused operations on the two devices


def _on(device, fn):
    with jax.default_device(device):
        return jax.tree_util.tree_map(np.asarray, fn())


def test_gpu_matches_cpu():
    spikes = stp.poisson_train(30.0, duration_ms=2000.0, dt_ms=0.1, seed=3)
    batch = stp.STPParams(U=np.linspace(0.05, 0.95, 64), tau_f=np.linspace(0.0, 800.0, 64),
                          tau_d=np.geomspace(20.0, 1500.0, 64))
    pre, post = stp.pairing_trains(10.0, n_pairs=20, period_ms=100.0, duration_ms=2500.0, dt_ms=0.5)
    rules = stp.STDPParams(A_plus=np.linspace(0.001, 0.02, 16), A_minus=0.0105, tau_plus=20.0, tau_minus=20.0)

    def work():
        return (stp.simulate_stp(batch, spikes, dt_ms=0.1).release,
                stp.sweep_stp(batch, spikes, dt_ms=0.1).release,
                stp.simulate_stdp(rules, pre, post, w0=0.5, dt_ms=0.5).w)

    gpu, cpu = _on(_gpus()[0], work), _on(jax.devices("cpu")[0], work)
    for g, c in zip(gpu, cpu):
        np.testing.assert_allclose(g, c, rtol=RTOL, atol=1e-6)


def test_gpu_benchmark_script_runs(tmp_path):
    from stpexplorer.bench import gpu as bench_gpu

    out = tmp_path / "gpu.json"
    assert bench_gpu.main(["--sets", "65536", "--json", str(out)]) == 0
    rep = json.loads(out.read_text())
    assert rep["backend"] == "gpu" and rep["sweep_sets_per_s"] > 0
