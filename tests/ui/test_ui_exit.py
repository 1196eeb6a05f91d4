"""A script that builds an Explorer exits cleanly while the background warm-up is still
compiling (it used to abort at exit: "terminate called ...", exit status 134)."""

import subprocess
import sys


def test_script_building_an_explorer_exits_0():
    r = subprocess.run([sys.executable, "-c", "import stpexplorer as sx; sx.Explorer()"],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "terminate called" not in r.stderr
