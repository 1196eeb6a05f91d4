"""The first page after a long wait renders (issue 9, part 2: the flaky first page).

Root cause: Voila protects its pre-heated kernels from idle culling only while they sit in
the pool. A page takes one out, and before the page's websocket connects, the culler's next
pass judged the kernel by the end of its notebook execution: once that was longer ago than
``cull_idle_timeout``, the kernel was shut down and the page never rendered ("Kernel does
not exist"). With short culling times this failed every time; ``stpexplorer app`` now gives
Voila ``stpexplorer.cli.voila_kernels.DashboardKernelManager``, which restarts the idle clock of
a kernel when it leaves the pool.
"""
from __future__ import annotations

import time

import psutil

import e2e_harness as H


def _wait_quiet(srv: H.Server, timeout: float = 180.0) -> None:
    """Until the pre-heated kernel has executed the notebook (its CPU goes quiet)."""
    deadline, quiet = time.monotonic() + timeout, 0
    while time.monotonic() < deadline and quiet < 3:
        procs = [psutil.Process(p) for p in srv.kernel_pids()]
        busy = sum(p.cpu_percent(interval=0.5) for p in procs) if procs else 100.0
        quiet = quiet + 1 if procs and busy < 5.0 else 0


def test_first_visitor_after_a_long_wait_gets_the_dashboard(page, e2e_scratch, monkeypatch):
    monkeypatch.setattr(H, "CULL_IDLE_TIMEOUT", 3)
    monkeypatch.setattr(H, "CULL_INTERVAL", 1)
    srv = H.start_voila(H.NOTEBOOKS["explorer"], e2e_scratch / "first-page-after-wait")
    try:
        _wait_quiet(srv)
        time.sleep(6)  # the pooled kernel has now been idle for twice the cull timeout
        H.open_voila(page, srv, H.panel_sel("stp"), timeout=90_000)
        H.assert_no_widget_errors(page, page.errors)
        assert "Kernel does not exist" not in srv.log_tail(20000)
    finally:
        srv.stop()
