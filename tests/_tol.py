"""Tolerances by dtype (one place), in the manner of jax-md's test_util."""

import numpy as np

from stpexplorer import float_dtype

# Relative tolerance against float64 references: float32 round-off over ~100 events
# of a few flops each stays well below 2e-5; float64 keeps 1e-10.
RTOL = {np.dtype(np.float32): 2e-5, np.dtype(np.float64): 1e-10}
ATOL = {np.dtype(np.float32): 1e-6, np.dtype(np.float64): 1e-12}


def assert_close(actual, desired, *, rtol=None, atol=None, err_msg=""):
    dt = float_dtype()
    np.testing.assert_allclose(np.asarray(actual, dtype=np.float64), np.asarray(desired, dtype=np.float64),
                               rtol=RTOL[dt] if rtol is None else rtol, atol=ATOL[dt] if atol is None else atol,
                               err_msg=err_msg)
