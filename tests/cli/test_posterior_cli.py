"""``stpexplorer fit DATA.csv --posterior [--scheduler ADDRESS]``."""

import csv
import json

import pytest

from stpexplorer.bench.fit import connections_csv
from stpexplorer.cli import main

pytest.importorskip("blackjax")
FAST = ["--chains", "2", "--draws", "100", "--warmup", "100"]


def test_posterior_rows_per_connection(tmp_path, capsys):
    data = tmp_path / "conns.csv"
    connections_csv(data, 2)
    out = tmp_path / "post.csv"
    assert main(["fit", str(data), "--posterior", *FAST, "--out", str(out)]) == 0
    assert "2 connection(s) written" in capsys.readouterr().err
    rows = list(csv.DictReader(out.open()))
    assert [r["connection"] for r in rows] == ["c0", "c1"]
    for r in rows:
        assert float(r["U_lo"]) <= float(r["U"]) <= float(r["U_hi"])
        assert {"tau_d", "W", "max_r_hat", "min_ess_bulk", "divergences"} <= set(r)
    js = tmp_path / "post.json"
    assert main(["fit", str(data), "--posterior", *FAST, "--out", str(js)]) == 0
    doc = json.loads(js.read_text())["connections"]
    assert set(doc["c0"]["summary"]) == {"U", "tau_f", "tau_d", "W"} and doc["c0"]["model"] == "tm"


@pytest.mark.timeout(300)
def test_posterior_on_a_dask_scheduler_matches_this_process(tmp_path):
    distributed = pytest.importorskip("distributed")
    data = tmp_path / "conns.csv"
    connections_csv(data, 2)
    here, there = tmp_path / "here.csv", tmp_path / "there.csv"
    assert main(["fit", str(data), "--posterior", *FAST, "--out", str(here)]) == 0
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                       dashboard_address=None)
    try:
        assert main(["fit", str(data), "--posterior", *FAST, "--scheduler", cluster.scheduler_address,
                     "--out", str(there)]) == 0
    finally:
        cluster.close()
    assert here.read_text() == there.read_text()
