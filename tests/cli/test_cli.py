"""Tests of the command line, packaging, README quick start, Binder files and .ci/run."""

from __future__ import annotations

import importlib.resources
import importlib.util
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from stpexplorer import cli

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
CI_RUN = ROOT / ".ci" / "run"
BINDER = ROOT / "binder"
TEST_COMMAND = 'python3 -m venv .venv && .venv/bin/pip install ".[test]" && .venv/bin/python -m pytest'


def _subprocess_env(token: str | None = None) -> dict[str, str]:
    """Environment in which ``python -m stpexplorer`` imports the package under test
    (installed or source checkout)."""
    env = cli.server_env(token)
    pkg_parent = str(Path(cli.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [pkg_parent, env.get("PYTHONPATH")]))
    return env


def _opt(cmd: list[str], name: str) -> str | None:
    """Value of ``--name=value`` in argv (last one wins), or None."""
    value = None
    for arg in cmd:
        if arg.startswith(f"--{name}="):
            value = arg.split("=", 1)[1]
    return value


# ------------------------------------------------------------------ argument parsing



def _start(argv, cwd, env):
    """A server in its own process group (so :func:`_stop` stops its children), output piped."""
    return subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)


def _stop(proc) -> str:
    """SIGTERM a server started in its own process group (SIGKILL after 30 s); its output."""
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        out, _ = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
    return out.decode(errors="replace")

def test_no_command_means_lab(monkeypatch):
    seen = []
    monkeypatch.setattr(cli.servers, "cmd_lab", lambda args: seen.append(args) or 0)
    args = cli.build_parser().parse_args(["lab"])
    assert args.port == cli.LAB_PORT and args.ip == "127.0.0.1" and not args.no_browser
    assert cli.main([]) == 0 and seen[-1].command == "lab" and seen[-1].port == cli.LAB_PORT
    assert cli.main(["--port", "9999", "--no-browser"]) == 0
    assert seen[-1].command == "lab" and seen[-1].port == 9999 and seen[-1].no_browser
    assert cli.main(["lab", "--ip", "0.0.0.0"]) == 0 and seen[-1].ip == "0.0.0.0"


def test_app_and_simulate_parsing():
    p = cli.build_parser()
    a = p.parse_args(["app", "--port", "9100", "--ip", "0.0.0.0", "--no-browser", "--dir", "/tmp/x"])
    assert (a.command, a.port, a.ip, a.no_browser, a.dir) == ("app", 9100, "0.0.0.0", True, "/tmp/x")
    assert a.cull_idle_timeout == cli.CULL_IDLE_TIMEOUT and not a.no_preheat
    assert p.parse_args(["app"]).port == cli.APP_PORT
    s = p.parse_args(["simulate", "--preset", "TPM98 facilitating", "--set", "U=0.1", "--set", "tau_f=50", "--out", "r.csv"])
    assert s.preset == "TPM98 facilitating" and s.set == ["U=0.1", "tau_f=50"] and s.out == "r.csv"
    with pytest.raises(SystemExit):
        p.parse_args(["simulate"])  # --out is required


def test_parse_set():
    assert cli.parse_set(["U=0.2", "n_spikes=5", "protocol=train", "flag=true", "x = 1e-3"]) == {
        "U": 0.2,
        "n_spikes": 5,
        "protocol": "train",
        "flag": True,
        "x": 1e-3,
    }
    for bad in (["U"], ["=3"]):
        with pytest.raises(ValueError, match="key=value"):
            cli.parse_set(bad)


def test_help_lists_subcommands(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for name in cli.SUBCOMMANDS:
        assert name in out


# ------------------------------------------------------------------ server commands


def test_voila_command_local_token_culling(tmp_path):
    nb = tmp_path / "explorer.ipynb"
    cmd = cli.voila_command(nb, 9123, open_browser=False)
    assert cmd[:3] == [sys.executable, "-m", "voila"] and cmd[3] == str(nb)
    assert _opt(cmd, "Voila.ip") == "127.0.0.1"
    assert _opt(cmd, "Voila.port") == "9123" and _opt(cmd, "Voila.port_retries") == "0"
    assert _opt(cmd, "Voila.open_browser") == "False"
    # standalone Voila disables auth unless --token is passed; never an empty token
    assert "--token" in cmd
    assert not any(re.match(r"--(Voila\.|IdentityProvider\.|ServerApp\.)?token=$", a) for a in cmd)
    assert int(_opt(cmd, "MappingKernelManager.cull_idle_timeout")) > 0
    assert int(_opt(cmd, "MappingKernelManager.cull_interval")) > 0
    assert _opt(cmd, "MappingKernelManager.cull_connected") == "False"  # open pages keep their kernel
    assert _opt(cmd, "VoilaConfiguration.preheat_kernel") == "True"
    other = cli.voila_command(nb, 9123, "0.0.0.0", True, preheat=False, cull_idle_timeout=0)
    assert _opt(other, "Voila.ip") == "0.0.0.0" and _opt(other, "Voila.open_browser") == "True"
    assert _opt(other, "VoilaConfiguration.preheat_kernel") is None
    assert "--token" in other


def test_lab_command_local_token(tmp_path):
    nb = tmp_path / "explorer.ipynb"
    cmd = cli.lab_command(nb, 9124, open_browser=False)
    assert cmd[:3] == [sys.executable, "-m", "jupyterlab"] and cmd[-1] == "explorer.ipynb"
    assert _opt(cmd, "ServerApp.ip") == "127.0.0.1" and _opt(cmd, "ServerApp.port") == "9124"
    assert _opt(cmd, "ServerApp.port_retries") == "0" and _opt(cmd, "ServerApp.open_browser") == "False"
    assert _opt(cmd, "ServerApp.root_dir") == str(tmp_path)
    names = [a.split("=", 1)[0].lower() for a in cmd if a.startswith("--")]
    assert not any("token" in n or "password" in n for n in names)
    assert not any("disable_check_xsrf" in a for a in cmd)
    assert "--ServerApp.allow_root=True" in cli.lab_command(nb, 1, allow_root=True)


def test_server_env_never_disables_token():
    env = cli.server_env("abc", base={"PATH": "/bin", "STPX_JAX_CACHE": ""})
    assert env == {"PATH": "/bin", "JUPYTER_TOKEN": "abc", "STPX_JAX_CACHE": ""}
    assert "JUPYTER_TOKEN" not in cli.server_env(None, base={})
    with pytest.raises(ValueError):
        cli.server_env("")


def test_urls():
    assert cli.voila_url("127.0.0.1", 8866, "t") == "http://127.0.0.1:8866/?token=t"
    assert cli.voila_url("0.0.0.0", 8866) == "http://127.0.0.1:8866/"
    assert cli.lab_url("127.0.0.1", 8888, token="t") == "http://127.0.0.1:8888/lab/tree/explorer.ipynb?token=t"


# ------------------------------------------------------------------ port handling


def test_port_taken_is_reported(tmp_path, capsys):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        assert not cli.port_available(port)
        with pytest.raises(cli.PortInUseError, match=str(port)):
            cli.check_port(port)
        for command in ("app", "lab"):
            rc = cli.main([command, "--port", str(port), "--no-browser", "--dir", str(tmp_path)])
            assert rc != 0
            err = capsys.readouterr().err
            assert f"port {port}" in err and "already in use" in err
    assert not (tmp_path / "explorer.ipynb").exists()  # nothing written when we cannot start
    assert cli.port_available(cli.free_port())


def test_port_taken_subprocess(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        r = subprocess.run(
            [sys.executable, "-m", "stpexplorer", "app", "--no-browser", "--port", str(port), "--dir", str(tmp_path)],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=tmp_path,
            env=_subprocess_env(),
        )
    assert r.returncode != 0
    assert str(port) in r.stderr and "in use" in r.stderr


# ------------------------------------------------------------------ notebook


def test_packaged_notebook_via_importlib_resources():
    ref = importlib.resources.files("stpexplorer") / "notebooks" / "explorer.ipynb"
    assert ref.is_file()
    assert cli.packaged_notebook().read_bytes() == ref.read_bytes()
    nb = json.loads(ref.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert len(code) == 1 and "".join(code[0]["source"]) == "from stpexplorer import Explorer\nExplorer()"
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code)
    assert nb["cells"][0]["cell_type"] == "markdown"


def test_explorer_notebooks_identical():
    assert (ROOT / "notebooks" / "explorer.ipynb").read_bytes() == cli.packaged_notebook().read_bytes()


def test_ensure_notebook_never_overwrites(tmp_path):
    target = cli.ensure_notebook(tmp_path)
    assert target == tmp_path / "explorer.ipynb"
    assert target.read_bytes() == cli.packaged_notebook().read_bytes()
    target.write_text("my edits", encoding="utf-8")
    assert cli.ensure_notebook(tmp_path) == target and target.read_text() == "my edits"
    cli.ensure_notebook(tmp_path, reset=True)
    assert target.read_bytes() == cli.packaged_notebook().read_bytes()
    assert (tmp_path / "explorer.ipynb.bak").read_text() == "my edits"
    # checkout / Binder layout: notebooks/explorer.ipynb is used in place
    (tmp_path / "co" / "notebooks").mkdir(parents=True)
    (tmp_path / "co" / "notebooks" / "explorer.ipynb").write_text("checkout", encoding="utf-8")
    assert cli.ensure_notebook(tmp_path / "co") == tmp_path / "co" / "notebooks" / "explorer.ipynb"
    assert not (tmp_path / "co" / "explorer.ipynb").exists()


def test_package_data_declared():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert "*.ipynb" in text and 'stpexplorer = "stpexplorer.cli:main"' in text


# ------------------------------------------------------------------ simulate / bench


def test_simulate_writes_csv_and_json(tmp_path):
    pytest.importorskip("stpexplorer.experiments")
    csv_out = tmp_path / "r.csv"
    assert cli.main(["simulate", "--set", "n_spikes=3", "--out", str(csv_out)]) == 0
    header = csv_out.read_text(encoding="utf-8").splitlines()[0]
    assert "," in header and len(csv_out.read_text().splitlines()) > 2
    json_out = tmp_path / "r.json"
    assert cli.main(["simulate", "--out", str(json_out)]) == 0
    doc = json.loads(json_out.read_text(encoding="utf-8"))
    assert doc["meta"]["panel"] == "stp" and doc["data"]


def test_simulate_unknown_names_listed(tmp_path, capsys):
    pytest.importorskip("stpexplorer.experiments")
    assert cli.main(["simulate", "--preset", "no such preset", "--out", str(tmp_path / "x.csv")]) == 2
    err = capsys.readouterr().err
    assert "no such preset" in err and "valid" in err
    assert cli.main(["simulate", "--set", "bogus=1", "--out", str(tmp_path / "x.csv")]) == 2
    err = capsys.readouterr().err
    assert "bogus" in err and "tau_f" in err
    with pytest.raises(SystemExit) as exc:  # argparse checks --panel against the registry's keys
        cli.main(["simulate", "--panel", "nope", "--out", str(tmp_path / "x.csv")])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    ex = pytest.importorskip("stpexplorer.experiments")
    assert "'nope'" in err and ", ".join(repr(k) for k in ex.EXPERIMENTS) in err
    assert not (tmp_path / "x.csv").exists()


def test_write_result_generic(tmp_path):
    np = pytest.importorskip("numpy")
    res = {"t": np.arange(3.0), "w": np.ones((3, 2)), "s": np.float64(2.0)}
    text = cli.write_result(res, tmp_path / "r.csv").read_text()
    assert text.splitlines()[0] == "t,w_0,w_1,s" and len(text.splitlines()) == 4
    doc = json.loads(cli.write_result(res, tmp_path / "r.json", {"a": 1}).read_text())
    assert doc["meta"] == {"a": 1} and doc["data"]["w"] == [[1.0, 1.0]] * 3


def test_bench_delegates(monkeypatch):
    import types

    seen = {}
    fake = types.SimpleNamespace(main=lambda argv: seen.setdefault("argv", argv) and 0)
    monkeypatch.setitem(sys.modules, "stpexplorer.bench.engine", fake)
    assert cli.main(["bench", "--repeat", "3", "-h"]) == 0
    assert seen["argv"] == ["--repeat", "3", "-h"]


# ------------------------------------------------------------------ README / CI / Binder


def _quick_start_lines() -> list[str]:
    text = README.read_text(encoding="utf-8")
    m = re.search(r"^## Quick start\s*\n(.*?)(?=^## )", text, re.S | re.M)
    assert m, "README has no Quick start section"
    blocks = re.findall(r"```[a-z]*\n(.*?)```", m.group(1), re.S)
    assert len(blocks) == 1, "Quick start must hold exactly one code block"
    return [ln for ln in blocks[0].splitlines() if ln.strip()]


def test_readme_quick_start_two_lines():
    assert _quick_start_lines() == ["python3 -m venv .venv && .venv/bin/pip install . && .venv/bin/stpexplorer",
                                    TEST_COMMAND]


def test_readme_sections():
    text = README.read_text(encoding="utf-8")
    assert "urlpath=lab/tree/notebooks/explorer.ipynb" in text
    assert "urlpath=voila/render/notebooks/explorer.ipynb" in text
    for heading in ("Command line", "Models", "Presets", "Scripting the engine",
                    "GPU and multi-device batches", "Benchmarks", "Screenshots"):
        assert re.search(rf"^## {re.escape(heading)}\s*$", text, re.M), heading
    for sub in ("lab", "app", "simulate", "bench", "--port", "--ip", "--no-browser", "--dir"):
        assert sub in text


def test_ci_run_uses_readme_test_command():
    assert CI_RUN.is_file() and os.access(CI_RUN, os.X_OK)
    script = CI_RUN.read_text(encoding="utf-8")
    assert "set -euo pipefail" in script
    line = _quick_start_lines()[1]
    assert re.search(rf"^TEST_COMMAND='{re.escape(line)}'$", script, re.M), "README and .ci/run disagree"
    assert "python -m pytest" in script and "--nbval-lax notebooks/" in script and "-m smoke" in script


def test_binder_files():
    assert (BINDER / "runtime.txt").read_text().strip() == "python-3.12"
    reqs = [ln.strip() for ln in (BINDER / "requirements.txt").read_text().splitlines()]
    reqs = [ln for ln in reqs if ln and not ln.startswith("#")]
    assert "." in reqs
    names = {re.split(r"[=<>!~ ]", r, maxsplit=1)[0].lower().replace("_", "-") for r in reqs if r != "."}
    for pkg in ("jax", "jaxlib", "numpy", "ipywidgets", "bqplot", "jupyterlab", "voila", "jupyter-server",
                "pyabf", "pynwb",  # the recordings extra: Binder reads ABF and NWB uploads
                "blackjax", "arviz-stats"):  # the posterior extra: notebook 5 samples posteriors
        assert pkg in names, pkg
    assert all("==" in r for r in reqs if r != "."), "Binder pins exact versions"
    conf = json.loads((BINDER / "jupyter_server_config.json").read_text())
    assert conf["MappingKernelManager"]["cull_idle_timeout"] > 0
    from stpexplorer.cli.servers import WEBSOCKET_MAX_BYTES

    ws = conf["ServerApp"]["tornado_settings"]["websocket_max_message_size"]
    assert ws == WEBSOCKET_MAX_BYTES  # a recording upload arrives in one message
    assert os.access(BINDER / "postBuild", os.X_OK)


# ------------------------------------------------------------------ a real server


@pytest.mark.slow
@pytest.mark.timeout(120)
@pytest.mark.skipif(importlib.util.find_spec("voila") is None, reason="voila is not installed")
def test_app_serves_with_token(tmp_path):
    port = cli.free_port()
    token = secrets.token_hex(8)
    env = _subprocess_env(token)
    proc = _start(
        [sys.executable, "-m", "stpexplorer", "app", "--no-browser", "--no-preheat", "--port", str(port),
         "--dir", str(tmp_path)],
        tmp_path, env)
    try:
        # the login page (no token) answers first; then the token is accepted
        assert cli.wait_for_http(cli.voila_url("127.0.0.1", port) + "login", timeout=60) == 200
        import urllib.request

        with urllib.request.urlopen(cli.voila_url("127.0.0.1", port), timeout=30) as r:
            assert "/login" in r.url  # without the token we are sent to the login page
        assert (tmp_path / "explorer.ipynb").is_file()
        with socket.socket() as s:  # bound to 127.0.0.1 only
            assert s.connect_ex(("127.0.0.1", port)) == 0
    finally:
        text = _stop(proc)
    assert f"127.0.0.1:{port}/?token=" in text, text[-2000:]


@pytest.mark.slow
@pytest.mark.timeout(240)
@pytest.mark.skipif(
    importlib.util.find_spec("voila") is None or importlib.util.find_spec("jupyter_server") is None,
    reason="voila / jupyter_server not installed",
)
def test_binder_voila_url_renders_explorer(tmp_path):
    """Replay Binder's Voila URL: jupyter_server with the voila extension and the culling
    config of binder/, serving the repository; /voila/render/notebooks/explorer.ipynb must
    execute the explorer notebook."""
    import urllib.request

    port = cli.free_port()
    token = secrets.token_hex(8)
    env = _subprocess_env(token)
    env["JUPYTER_RUNTIME_DIR"] = str(tmp_path / "runtime")
    proc = _start(
        [sys.executable, "-m", "jupyter_server", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
         "--ServerApp.port_retries=0", "--ServerApp.open_browser=False", f"--ServerApp.root_dir={ROOT}",
         f"--config={BINDER / 'jupyter_server_config.json'}",
         # CI containers run as root; Binder does not
         *(["--ServerApp.allow_root=True"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])],
        tmp_path, env)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:  # fail fast when the server exits instead of listening
            assert proc.poll() is None, proc.communicate()[0].decode(errors="replace")[-3000:]
            try:
                cli.wait_for_http(f"{base}/login", timeout=2)
                break
            except TimeoutError:
                assert time.monotonic() < deadline, "jupyter_server did not start within 120 s"
        url = f"{base}/voila/render/notebooks/explorer.ipynb?token={token}"
        with urllib.request.urlopen(url, timeout=180) as r:
            assert r.status == 200
            html = r.read().decode("utf-8", errors="replace")
        assert "application/vnd.jupyter.widget-view+json" in html, html[-3000:]
        assert "ModuleNotFoundError" not in html and "Traceback" not in html
    finally:
        text = _stop(proc)
    assert "Culling kernels with idle durations > 600 seconds" in text, text[-3000:]


@pytest.mark.slow
@pytest.mark.timeout(120)
@pytest.mark.skipif(importlib.util.find_spec("voila") is None, reason="voila is not installed")
def test_start_voila_helper(tmp_path):
    """The helper the browser tests use: same argv as the CLI, token known to the caller."""
    nb = tmp_path / "w.ipynb"
    nb.write_text(json.dumps({
        "cells": [{"cell_type": "code", "execution_count": None, "id": "a", "metadata": {}, "outputs": [],
                   "source": ["1 + 1"]}],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4, "nbformat_minor": 5,
    }))
    port = cli.free_port()
    proc = cli.start_voila(nb, port, preheat=False)
    try:
        assert proc.args == cli.voila_command(nb, port, "127.0.0.1", False, preheat=False)
        status = cli.wait_for_http(cli.voila_url("127.0.0.1", port, proc.token), timeout=90)
        assert status == 200
        with pytest.raises(cli.PortInUseError, match=str(port)):
            cli.start_voila(nb, port)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_servers_give_kernels_a_compile_cache_unless_turned_off(tmp_path):
    from stpexplorer import cli

    env = cli.server_env("tok", base={"XDG_CACHE_HOME": str(tmp_path)})
    assert env["STPX_JAX_CACHE"] == str(tmp_path / "stpexplorer" / "jax")
    assert cli.server_env("tok", base={"STPX_JAX_CACHE": ""})["STPX_JAX_CACHE"] == ""


def test_binder_start_exports_the_cache_and_execs():
    import os
    import subprocess

    start = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "binder", "start")
    out = subprocess.run([start, "sh", "-c", "echo $STPX_JAX_CACHE"], capture_output=True, text=True,
                         env={"HOME": "/home/jovyan", "PATH": os.environ["PATH"]}, check=True)
    assert out.stdout.strip() == "/home/jovyan/.cache/stpexplorer/jax"


def test_lab_as_root_passes_allow_root_and_says_so(tmp_path, monkeypatch, capsys):
    seen = {}
    monkeypatch.setattr(cli.servers, "running_as_root", lambda: True)
    monkeypatch.setattr(cli.servers, "_run_server", lambda cmd, cwd, env: seen.setdefault("cmd", cmd) and 0)
    rc = cli.main(["lab", "--no-browser", "--dir", str(tmp_path), "--port", str(cli.free_port())])
    assert rc == 0 and "--ServerApp.allow_root=True" in seen["cmd"]
    err = capsys.readouterr().err
    assert "passing --allow-root" in err and "loopback interface" in err and len(err.splitlines()) == 2  # + notebook
    assert _opt(seen["cmd"], "ServerApp.ip") == "127.0.0.1"
    assert "ServerApp.token=" not in " ".join(seen["cmd"])  # token authentication stays on


def test_lab_as_a_user_does_not_allow_root(tmp_path, monkeypatch, capsys):
    seen = {}
    monkeypatch.setattr(cli.servers, "running_as_root", lambda: False)
    monkeypatch.setattr(cli.servers, "_run_server", lambda cmd, cwd, env: seen.setdefault("cmd", cmd) and 0)
    assert cli.main(["lab", "--no-browser", "--dir", str(tmp_path), "--port", str(cli.free_port())]) == 0
    assert "--ServerApp.allow_root=True" not in seen["cmd"]
    assert "allow-root" not in capsys.readouterr().err


# ------------------------------------------------------------------ first run (issue 14)


def test_lab_url_opens_the_explorer_notebook(tmp_path):
    """JupyterLab prints (and `/` redirects to) its default_url: the notebook, not the file browser."""
    cmd = cli.lab_command(tmp_path / "explorer.ipynb", 9125, open_browser=False)
    assert _opt(cmd, "ServerApp.default_url") == "/lab/tree/explorer.ipynb"
    assert _opt(cmd, "LabApp.default_url") == "/lab/tree/explorer.ipynb"  # LabApp would set "/lab"
    assert cmd[-1] == "explorer.ipynb"


@pytest.mark.slow
@pytest.mark.timeout(120)
@pytest.mark.skipif(importlib.util.find_spec("jupyterlab") is None, reason="jupyterlab is not installed")
def test_lab_prints_the_notebook_url(tmp_path):
    port, token = cli.free_port(), secrets.token_hex(8)
    proc = _start([sys.executable, "-m", "stpexplorer", "lab", "--no-browser", "--port", str(port),
                   "--dir", str(tmp_path)], tmp_path, _subprocess_env(token))
    try:
        import urllib.request

        url = cli.lab_url("127.0.0.1", port, token=token)
        assert cli.wait_for_http(f"http://127.0.0.1:{port}/login", timeout=90) == 200
        with urllib.request.urlopen(url, timeout=30) as r:
            assert r.status == 200 and "/login" not in r.url
        time.sleep(1.0)  # the URL is logged right after the server listens
    finally:
        text = _stop(proc)
    # a token from $JUPYTER_TOKEN is printed as "token=..."; a generated one in full
    assert re.search(rf"http://127\.0\.0\.1:{port}/lab/tree/explorer\.ipynb\?token=", text), text[-3000:]
    assert (tmp_path / "explorer.ipynb").is_file()


def test_simulate_help_lists_panels_presets_and_parameters(capsys):
    ex = pytest.importorskip("stpexplorer.experiments")
    with pytest.raises(SystemExit) as exc:
        cli.main(["simulate", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for key, exp in ex.EXPERIMENTS.items():
        head = f"--panel {key}: {exp.title}"
        assert head in out
        lines = out.split(head, 1)[1].split("--panel ", 1)[0].splitlines()  # this panel's section
        for c in exp.controls:
            line = next((ln for ln in lines if ln.split()[:1] == [c.name]), None)
            assert line is not None, f"{key}.{c.name} missing from --help"
            if c.kind == "choice":
                assert all(repr(o) in line for o in c.options), line
            else:
                assert c.range_text() in line, line  # range and unit
                if c.unit and c.unit != "-":
                    assert c.unit in line
        for name in exp.presets:
            assert name in "\n".join(lines)


def test_preset_names_match_plain_ascii_and_any_case():
    ex = pytest.importorskip("stpexplorer.experiments")
    names = ex.EXPERIMENTS["stp"].presets
    assert cli.match_preset("LSM E->E", names) == "LSM E→E"
    assert cli.match_preset("lsm  e->i", names) == "LSM E→I"
    assert cli.match_preset("tpm98 depressing", names) == "TPM98 depressing"
    assert cli.match_preset("TPM98 DEPRESSING", names) == "TPM98 depressing"
    assert cli.match_preset("LSM E->X", names) == "LSM E->X"  # no match: unchanged, the registry names the valid ones


def test_simulate_json_records_every_parameter_used(tmp_path):
    ex = pytest.importorskip("stpexplorer.experiments")
    np = pytest.importorskip("numpy")
    exp = ex.EXPERIMENTS["stp"]
    out = tmp_path / "r.json"
    assert cli.main(["simulate", "--preset", "lsm e->e", "--set", "n_spikes=5", "--out", str(out)]) == 0
    meta = json.loads(out.read_text(encoding="utf-8"))["meta"]
    assert meta["preset"] == "LSM E→E" and meta["panel"] == "stp"
    values = meta["values"]
    assert list(values) == exp.names  # defaults included, in the registry's order
    expected = {**exp.defaults(), **exp.preset_values("LSM E→E"), "n_spikes": 5}
    assert values == expected
    assert meta["units"] == {c.name: c.unit for c in exp.controls if c.unit and c.unit != "-"}
    # the recorded values reproduce the written data
    data = json.loads(out.read_text(encoding="utf-8"))["data"]
    again = exp.run(values)
    np.testing.assert_allclose(data["release_at_spikes"], np.asarray(again.release_at_spikes), rtol=1e-6)
    assert len(data["release_at_spikes"]) == 5 + (values["probe_delay_ms"] > 0)  # the train, its probe


def test_csv_headers_carry_units():
    import dataclasses

    np = pytest.importorskip("numpy")

    @dataclasses.dataclass(frozen=True)
    class R:
        t: np.ndarray
        v: np.ndarray = dataclasses.field(metadata={"unit": "mV"})
        u: np.ndarray = None
        g: np.ndarray = None

    R.units = {"g": "nS"}  # a result type may declare units beside per_step
    n = 4
    res = R(np.arange(n) * 0.5, np.linspace(-70, -50, n), np.full(n, 0.2), np.ones((n, 2)))
    cols = pytest.importorskip("stpexplorer.experiments").result_columns(res, ("v", "u", "g"))
    assert list(cols) == ["t_ms", "v_mV", "u", "g_nS_0", "g_nS_1"]
    np.testing.assert_array_equal(cols["v_mV"], res.v)


def test_simulate_csv_starts_with_time_in_ms(tmp_path):
    ex = pytest.importorskip("stpexplorer.experiments")
    np = pytest.importorskip("numpy")
    out = tmp_path / "r.csv"
    assert cli.main(["simulate", "--panel", "stp", "--set", "n_spikes=3", "--out", str(out)]) == 0
    rows = out.read_text(encoding="utf-8").splitlines()
    head = rows[0].split(",")
    exp = ex.EXPERIMENTS["stp"]
    assert head[0] == "t_ms" and len(head) == 1 + len(exp.per_step)
    assert all(h == n or h.startswith(n + "_") for h, n in zip(head[1:], exp.per_step))
    t = np.array([float(r.split(",")[0]) for r in rows[1:]])
    np.testing.assert_allclose(t, np.asarray(exp.run({"n_spikes": 3}).t), rtol=1e-6, atol=1e-9)


def test_progress_bar_in_a_log_and_on_a_terminal():
    import io

    log = io.StringIO()
    bar = cli.fit.ProgressBar(log, width=10)
    for f in (0.0, 0.05, 0.5, 0.55):
        bar.stage(f, "bootstrap")
    bar.connections(2, 2)
    lines = log.getvalue().splitlines()
    assert len(lines) == 3  # one line per 10 % step in a log, and the end
    assert lines[1].startswith("fit [#####.....]  50% bootstrap") and "s left" in lines[1]
    assert lines[-1].startswith("fit [##########] 100% bootstrap, 2/2 connections")

    class Tty(io.StringIO):
        def isatty(self):
            return True

    tty = Tty()
    bar = cli.fit.ProgressBar(tty, width=10)
    bar.stage(0.3, "multi-start")
    bar.connections(1, 1)
    text = tty.getvalue()
    assert text.count("\r") == 2 and text.endswith("1/1 connections, 0 s\n")


def test_fit_command_shows_a_progress_bar(tmp_path, monkeypatch, capsys):
    fit = pytest.importorskip("stpexplorer.fit")

    class Fake:
        def to_dict(self):
            return {"U": 0.5}

    def fake_fit_many(conns, *, progress, stage_progress, **kw):
        for f in (0.0, 0.4, 0.8):
            stage_progress(f, "multi-start")
        progress(2, 2)
        return {k: Fake() for k in conns}

    monkeypatch.setattr(fit, "connections_from_csv", lambda path: {"a": None, "b": None})
    monkeypatch.setattr(fit, "fit_many", fake_fit_many)
    out = tmp_path / "fit.json"
    assert cli.main(["fit", str(tmp_path / "data.csv"), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "fit [" in err and "100%" in err and "2/2 connections" in err
    assert json.loads(out.read_text())["connections"] == {"a": {"U": 0.5}, "b": {"U": 0.5}}


def test_servers_accept_a_recording_upload_in_one_websocket_message(tmp_path):
    from stpexplorer.cli import lab_command, voila_command
    from stpexplorer.cli.servers import WEBSOCKET_MAX_BYTES
    from stpexplorer.ui.panels.fit.recording import UPLOAD_MAX_BYTES

    assert WEBSOCKET_MAX_BYTES > UPLOAD_MAX_BYTES
    nb = tmp_path / "explorer.ipynb"
    for cmd, app in ((lab_command(nb, port=8888), "ServerApp"), (voila_command(nb, port=8866), "Voila")):
        flag = next(a for a in cmd if a.startswith(f"--{app}.tornado_settings="))
        assert json.loads(flag.split("=", 1)[1]) == {"websocket_max_message_size": WEBSOCKET_MAX_BYTES}
