"""A lecture starts: N students open the dashboard at once and move sliders.

    python -m tests.load.classroom --users 10 --seconds 30

Starts its own ``stpexplorer app`` (Voila, pre-heated kernel pool, idle-kernel culling) on
a free 127.0.0.1 port, serving a temporary copy of the explorer notebook, then opens
``--users`` dashboard sessions within ``--ramp`` seconds. Each session is a light client
that does what a Voila page does, over the same HTTP and websocket API: it requests the
page (Voila executes the notebook in a kernel for it), connects to the page's kernel,
fetches every widget's state through the ``jupyter.widget.control`` comm and waits until
the STP panel's first trace holds data (its *first plot*). Then every session moves the
STP panel's U slider every ``--period`` seconds for ``--seconds`` seconds; the *latency*
of a move is the time from sending the slider's new value to receiving the update of the
trace it redraws. Afterwards the sessions disconnect and the script waits for culling to
free their kernels. Prints ONE JSON line (see ``REPORT_KEYS``). Loopback only; the server
is stopped by process group whatever happens.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[2]
REPORT_KEYS = ("users", "seconds", "first_plot_s_p50", "first_plot_s_max", "latency_ms_p50",
               "latency_ms_p95", "moves", "kernel_rss_mb_max", "total_rss_mb", "errors",
               "kernels_after_close", "culled_s")
U_VALUES = [0.2, 0.3, 0.4, 0.5, 0.6, 0.7]  # on the U slider's grid (step 0.01)


def _percentile(xs, q):
    if not xs:
        return None
    xs = sorted(xs)
    k = min(len(xs) - 1, max(0, round(q / 100 * (len(xs) - 1))))
    return xs[k]


PROTOCOL = "v1.kernel.websocket.jupyter.org"  # the kernel websocket protocol browsers use


def decode(frame) -> dict:
    """A frame of the v1 kernel websocket protocol -> message dict (buffers dropped)."""
    from jupyter_server.services.kernels.connection.base import deserialize_msg_from_ws_v1

    channel, parts = deserialize_msg_from_ws_v1(frame)
    header, parent, metadata, content = (json.loads(p) for p in parts[:4])
    return {"channel": channel, "header": header, "msg_type": header.get("msg_type"),
            "parent_header": parent, "metadata": metadata, "content": content}


def message(session: str, msg_type: str, content: dict, metadata: dict | None = None,
            msg_id: str | None = None) -> bytes:
    """A shell message as a v1 frame."""
    from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1

    header = {"msg_id": msg_id or uuid.uuid4().hex, "msg_type": msg_type, "session": session,
              "username": "student", "version": "5.3",
              "date": time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime())}
    parts = [json.dumps(x).encode() for x in (header, {}, metadata or {}, content)]
    return serialize_msg_to_ws_v1(parts, "shell")


class Student:
    """One dashboard session (see the module docstring)."""

    def __init__(self, base: str, token: str, period: float, seconds: float, t_start: float):
        self.base, self.token, self.period, self.seconds = base, token, period, seconds
        self.t_start = t_start
        self.first_plot_s: float | None = None
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.session = uuid.uuid4().hex

    def _page(self) -> str:
        url = f"{self.base}/?token={self.token}"
        with urllib.request.urlopen(url, timeout=300) as r:
            html = r.read().decode("utf-8")
        m = re.search(r'"kernelId":\s*"([0-9a-f-]+)"', html)
        if not m:
            raise RuntimeError("no kernelId in the page")
        return m.group(1)

    async def run(self):
        import websockets

        t0 = time.monotonic()
        try:
            try:
                kernel = await asyncio.to_thread(self._page)
            except Exception as e:  # noqa: BLE001
                raise RuntimeError(f"page request failed: {e}") from None
            ws_url = (self.base.replace("http", "ws", 1) + f"/api/kernels/{kernel}/channels"
                      f"?session_id={self.session}&token={self.token}")
            async with websockets.connect(ws_url, max_size=None, open_timeout=120, ping_interval=None,
                                          subprotocols=[PROTOCOL]) as ws:
                try:
                    mark, slider = await self._states(ws)
                except asyncio.TimeoutError:
                    raise TimeoutError("no widget states within 120 s") from None
                self.first_plot_s = time.monotonic() - t0
                await self._move(ws, mark, slider, time.monotonic() + self.seconds)
        except Exception as e:  # noqa: BLE001 - counted and reported
            self.errors.append(f"{type(e).__name__}: {e}"[:300])

    async def _recv(self, ws, timeout: float) -> dict:
        return decode(await asyncio.wait_for(ws.recv(), timeout))

    async def _states(self, ws):
        """All widget states through the control comm; returns (watched mark, U slider)."""
        comm, opened = uuid.uuid4().hex, uuid.uuid4().hex
        await ws.send(message(self.session, "comm_open", {
            "comm_id": comm, "target_name": "jupyter.widget.control", "data": {}},
            {"version": "1.0.0"}, msg_id=opened))  # the widget control protocol, as ipywidgets 8's
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:  # the kernel has handled the comm_open
            msg = await self._recv(ws, 120)
            if (msg.get("msg_type") == "status" and msg.get("parent_header", {}).get("msg_id") == opened
                    and msg["content"].get("execution_state") == "idle"):
                break
        await ws.send(message(self.session, "comm_msg", {
            "comm_id": comm, "data": {"method": "request_states"}}))
        while time.monotonic() < deadline:
            msg = await self._recv(ws, 120)
            c = msg.get("content", {})
            if msg.get("msg_type") == "comm_msg" and c.get("comm_id") == comm:
                states = c["data"]["states"]
                return self._find(states)
        raise TimeoutError("no widget states within 120 s")

    @staticmethod
    def _find(states: dict):
        """The STP panel's U slider and the first mark of its traces figure."""
        def cls(mid):
            return states[mid]["state"].get("_dom_classes", [])

        def below(mid):
            out, todo = [], [mid]
            while todo:
                m = todo.pop()
                out.append(m)
                kids = states[m]["state"].get("children", [])
                todo += [k.replace("IPY_MODEL_", "") for k in kids if isinstance(k, str)]
            return out

        root = next(m for m in states if "stpx-panel-stp" in cls(m))
        tree = below(root)
        slider = next(m for m in tree if "stpx-slider-U" in cls(m))
        fig = next(m for m in tree if "stpx-fig-traces" in cls(m))
        return states[fig]["state"]["marks"][0].replace("IPY_MODEL_", ""), slider

    async def _move(self, ws, mark: str, slider: str, stop_at: float):
        i = 0
        while time.monotonic() < stop_at:
            value = U_VALUES[i % len(U_VALUES)]
            i += 1
            t_send = time.monotonic()
            await ws.send(message(self.session, "comm_msg", {
                "comm_id": slider, "data": {"method": "update", "state": {"value": value},
                                            "buffer_paths": []}}))
            try:
                while True:
                    msg = await self._recv(ws, 30)
                    c = msg.get("content", {})
                    if (msg.get("msg_type") == "comm_msg" and c.get("comm_id") == mark
                            and c.get("data", {}).get("method") == "update"):
                        self.latencies.append(time.monotonic() - t_send)
                        break
            except asyncio.TimeoutError:
                self.errors.append(f"move {i}: the trace did not update within 30 s (U={value})")
            await asyncio.sleep(max(0.0, self.period - (time.monotonic() - t_send)))


class RSSSampler(threading.Thread):
    """Samples the server's and its kernels' resident memory once a second."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.kernel_max, self.total_max = pid, 0.0, 0.0
        self.stop = threading.Event()

    def kernels(self):
        try:
            kids = psutil.Process(self.pid).children(recursive=True)
        except psutil.Error:
            return []
        out = []
        for k in kids:
            try:
                if "ipykernel" in " ".join(k.cmdline()):
                    out.append(k)
            except psutil.Error:
                pass
        return out

    def run(self):
        while not self.stop.wait(1.0):
            total = 0.0
            try:
                total = psutil.Process(self.pid).memory_info().rss
            except psutil.Error:
                pass
            for k in self.kernels():
                try:
                    rss = k.memory_info().rss
                except psutil.Error:
                    continue
                self.kernel_max = max(self.kernel_max, rss / 2**20)
                total += rss
            self.total_max = max(self.total_max, total / 2**20)


async def lecture(base, token, args):
    """All students, arriving evenly within ``args.ramp`` seconds."""
    t_start = time.monotonic()
    students = [Student(base, token, args.period, args.seconds, t_start) for _ in range(args.users)]

    async def arrive(i, s):
        await asyncio.sleep(args.ramp * i / max(1, args.users))
        await s.run()

    await asyncio.gather(*(arrive(i, s) for i, s in enumerate(students)))
    return students


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--users", type=int, default=10)
    ap.add_argument("--seconds", type=float, default=30.0, help="slider moves per user, in seconds")
    ap.add_argument("--period", type=float, default=0.5, help="seconds between one user's moves")
    ap.add_argument("--ramp", type=float, default=3.0, help="users arrive within this many seconds")
    ap.add_argument("--pool", type=int, default=1, help="pre-heated kernels (stpexplorer app --pool-size)")
    ap.add_argument("--cull", type=int, default=15, help="idle-kernel culling after the pages close, s")
    args = ap.parse_args(argv)
    from stpexplorer import cli

    work = Path(tempfile.mkdtemp(prefix="stpx-classroom-"))
    nb = work / "explorer.ipynb"
    shutil.copy(REPO / "notebooks" / "explorer.ipynb", nb)
    for d in ("config", "runtime", "data", "ipython"):
        (work / d).mkdir()
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(work / "config"), JUPYTER_RUNTIME_DIR=str(work / "runtime"),
               JUPYTER_DATA_DIR=str(work / "data"), IPYTHONDIR=str(work / "ipython"),
               JUPYTER_PLATFORM_DIRS="1", JAX_PLATFORMS="cpu",
               PYTHONPATH=os.pathsep.join([str(REPO)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
    port, token = _free_port(), uuid.uuid4().hex
    log = open(work / "server.log", "wb")
    cmd = cli.voila_command(nb, port, "127.0.0.1", False, cull_idle_timeout=args.cull,
                            cull_interval=max(1, args.cull // 3), pool_size=args.pool)
    proc = subprocess.Popen(cmd, cwd=work, env=cli.app_env(token, env), stdout=log,
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    proc.token = token
    report = {"users": args.users, "seconds": args.seconds, "pool": args.pool}
    sampler = RSSSampler(proc.pid)
    try:
        base = f"http://127.0.0.1:{port}"
        cli.wait_for_http(f"{base}/voila/static/", timeout=120)
        _wait_preheated(sampler, args.pool, timeout=300)
        sampler.start()
        students = asyncio.run(lecture(base, proc.token, args))
        plots = [s.first_plot_s for s in students if s.first_plot_s is not None]
        lat = [x * 1000 for s in students for x in s.latencies]
        errors = [e for s in students for e in s.errors]
        report.update(
            first_plot_s_p50=_r(statistics.median(plots)) if plots else None,
            first_plot_s_max=_r(max(plots)) if plots else None,
            latency_ms_p50=_r(_percentile(lat, 50)), latency_ms_p95=_r(_percentile(lat, 95)),
            moves=len(lat), kernel_rss_mb_max=_r(sampler.kernel_max), total_rss_mb=_r(sampler.total_max),
            errors=len(errors) + sum(1 for s in students if s.first_plot_s is None and not s.errors),
        )
        if errors:
            report["error_examples"] = sorted(set(errors))[:5]
        t_closed = time.monotonic()
        pool = args.pool
        deadline = t_closed + args.cull + 60
        while time.monotonic() < deadline and len(sampler.kernels()) > pool:
            time.sleep(1.0)
        report["kernels_after_close"] = len(sampler.kernels())
        report["culled_s"] = _r(time.monotonic() - t_closed)
    finally:
        sampler.stop.set()
        _stop(proc)
        log.close()
        if os.environ.get("STPX_KEEP_LOG"):
            print((work / "server.log").read_text(errors="replace")[-5000:], file=sys.stderr)
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(report))
    return 0


def _r(x):
    return None if x is None else round(float(x), 1)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_preheated(sampler: RSSSampler, pool: int, timeout: float) -> None:
    """Wait until the pool's kernels have executed the notebook (their CPU goes quiet)."""
    deadline = time.monotonic() + timeout
    quiet = 0
    while time.monotonic() < deadline and quiet < 3:
        ks = sampler.kernels()
        busy = sum(k.cpu_percent(interval=0.5) for k in ks) if ks else 100.0
        quiet = quiet + 1 if len(ks) >= pool and busy < 5.0 else 0


def _stop(proc) -> None:
    import signal

    try:
        kids = psutil.Process(proc.pid).children(recursive=True)
    except psutil.Error:
        kids = []
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except Exception:  # noqa: BLE001
        proc.kill()
    for k in kids:
        try:
            k.kill()
        except psutil.Error:
            pass


if __name__ == "__main__":
    sys.exit(main())
