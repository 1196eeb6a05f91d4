"""The classroom load test runs end to end (a small class; the figures are in the README),
and ``stpexplorer app --pool-size`` reaches Voila."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from stpexplorer import cli

from tests._aio import run_async

ROOT = Path(__file__).resolve().parents[2]


def test_pool_size_reaches_voila():
    cmd = cli.voila_command("x.ipynb", 8866, pool_size=4)
    assert "--VoilaConfiguration.default_pool_size=4" in cmd
    with pytest.raises(ValueError, match="pool_size must be >= 1, got 0"):
        cli.voila_command("x.ipynb", 8866, pool_size=0)
    args = cli.build_parser().parse_args(["app", "--pool-size", "3"])
    assert args.pool_size == 3
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["app", "--pool-size", "0"])


@pytest.mark.slow
def test_classroom_load_test_reports_one_json_line():
    pytest.importorskip("voila")
    pytest.importorskip("websockets")
    out = subprocess.run([sys.executable, "-m", "tests.load.classroom", "--users", "2", "--seconds", "3",
                          "--ramp", "1", "--cull", "5"], cwd=ROOT, capture_output=True, text=True, timeout=280)
    assert out.returncode == 0, out.stderr[-3000:]
    lines = out.stdout.strip().splitlines()
    assert len(lines) == 1, out.stdout[-2000:]
    rep = json.loads(lines[0])
    for key in ("users", "first_plot_s_p50", "first_plot_s_max", "latency_ms_p50", "latency_ms_p95",
                "kernel_rss_mb_max", "total_rss_mb", "errors"):
        assert key in rep
    assert rep["users"] == 2 and rep["errors"] == 0 and rep["moves"] >= 2
    assert rep["first_plot_s_max"] < 120 and rep["kernel_rss_mb_max"] > 50
    assert rep["kernels_after_close"] == 1  # only the pre-heated pool is left after culling


def test_app_kernels_get_a_grace_period_when_they_leave_the_pool(monkeypatch):
    """`stpexplorer app` names DashboardKernelManager; its culler's first look at a kernel
    (the moment it left the pool) restarts the idle clock instead of culling; later looks
    are Jupyter's own culling."""
    import datetime as dt
    import types

    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager

    from stpexplorer.cli.voila_kernels import DashboardKernelManager

    cmd = cli.voila_command("x.ipynb", 8866)
    assert ("--VoilaConfiguration.multi_kernel_manager_class="
            "stpexplorer.cli.voila_kernels.DashboardKernelManager") in cmd
    seen = []

    async def jupyter_cull(self, kernel_id):
        seen.append(kernel_id)

    monkeypatch.setattr(AsyncMappingKernelManager, "cull_kernel_if_idle", jupyter_cull)
    km = DashboardKernelManager()
    long_ago = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)
    km._kernels["k1"] = types.SimpleNamespace(last_activity=long_ago)
    run_async(lambda: km.cull_kernel_if_idle("k1"))
    assert seen == [] and (dt.datetime.now(dt.timezone.utc) - km._kernels["k1"].last_activity).total_seconds() < 5
    run_async(lambda: km.cull_kernel_if_idle("k1"))
    assert seen == ["k1"]  # the second pass culls as Jupyter does
