"""The kernel manager ``stpexplorer app`` gives Voila: a kernel handed to a page gets a
grace period before idle culling.

Voila keeps pre-heated kernels in a pool and exempts them from culling while they wait.
When a page takes one, it leaves the pool, and the culler judges it by its last activity,
which is the end of the notebook's execution, possibly long ago. If that was more than
``cull_idle_timeout`` seconds ago, the culler shuts the kernel down at its next pass,
*before the page's websocket has connected* (it has no connection yet): the page then
never renders ("Kernel does not exist"). This happened to the first visitor after a
server had been waiting for longer than the cull timeout, and to 1 in 5 CI runs.

:class:`DashboardKernelManager` treats the first culling pass that sees a kernel outside
the pool as the moment it was handed out: it resets the kernel's last activity to now and
skips it, so the page has a full ``cull_idle_timeout`` to connect. Afterwards culling is
Jupyter's: a kernel whose page is open is never culled, one whose page closed is culled
once idle that long. Runs in the Voila server process (imported by class path).
"""

from __future__ import annotations

from jupyter_server._tz import utcnow
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager

__all__ = ["DashboardKernelManager"]


class DashboardKernelManager(AsyncMappingKernelManager):
    """``AsyncMappingKernelManager`` whose culler gives a kernel, the first time it sees
    it (Voila's pool asks only about kernels outside the pool), a fresh idle period."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._handed_out: set[str] = set()

    async def cull_kernel_if_idle(self, kernel_id: str):
        if kernel_id not in self._handed_out:
            self._handed_out.add(kernel_id)
            kernel = self._kernels.get(kernel_id)
            if kernel is not None:
                kernel.last_activity = utcnow()
                self.log.info("kernel %s left the pre-heated pool: idle culling counts from now", kernel_id)
                return None
        return await super().cull_kernel_if_idle(kernel_id)

    async def shutdown_kernel(self, kernel_id: str, *args, **kwargs):
        self._handed_out.discard(kernel_id)
        return await super().shutdown_kernel(kernel_id, *args, **kwargs)
