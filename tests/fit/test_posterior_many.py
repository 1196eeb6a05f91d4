"""sample_many: in this process, and on a 2-worker Dask LocalCluster on 127.0.0.1, identically."""

import numpy as np
import pytest

pytest.importorskip("blackjax")

from stpexplorer import STPParams  # noqa: E402
from stpexplorer.fit import sample_many, synthetic_amplitudes  # noqa: E402

ISI = {"20 Hz": np.r_[0, [50.0] * 7]}
KW = dict(chains=2, draws=150, warmup=150)


def _conns(n=4):
    out = {}
    for i in range(n):
        p = STPParams(U=0.2 + 0.1 * i, tau_f=50.0, tau_d=200.0 + 50 * i, W=1.0)
        out[f"c{i}"] = synthetic_amplitudes(p, ISI, n_sweeps=10, n_sites=20, quantal_size=5.0, cv=0.3, seed=i)
    return out


def test_in_process_names_order_seeds_and_progress():
    seen = []
    posts = sample_many(_conns(3), chunk=2, progress=lambda d, t: seen.append((d, t)), **KW)
    assert list(posts) == ["c0", "c1", "c2"] and seen == [(2, 3), (3, 3)]
    assert posts["c0"].samples["U"].shape == (2, 150)
    with pytest.raises(ValueError, match="chunk: must be an integer >= 1"):
        sample_many(_conns(1), chunk=0)


@pytest.mark.timeout(300)
def test_a_local_dask_cluster_gives_the_same_draws():
    distributed = pytest.importorskip("distributed")
    conns = _conns(4)
    here = sample_many(conns, chunk=2, **KW)
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                       dashboard_address=None)
    try:
        with distributed.Client(cluster) as client:
            there = sample_many(conns, client=client, chunk=2, **KW)
    finally:
        cluster.close()
    assert list(there) == list(here)
    for name in conns:
        for k, v in here[name].samples.items():
            np.testing.assert_array_equal(there[name].samples[k], v)
