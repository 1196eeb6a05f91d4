"""The recordings benchmark runs end to end (its figures are printed, never asserted)."""

import pytest

pytest.importorskip("pyabf")


def test_the_benchmark_runs_on_a_small_file(capsys):
    from stpexplorer.bench.recordings import main

    assert main(["--sweeps", "2", "--seconds", "1", "--repeats", "1", "--moves", "2"]) == 0
    out = capsys.readouterr().out
    assert "read + detect + measure (tail)" in out and "peak-window change over 2 moves" in out
