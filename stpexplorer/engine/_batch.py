"""Run a single-parameter-set model over a batch of parameter sets.

Every ``simulate_*`` takes parameter trees whose leaves may carry leading batch
axes (all leaves broadcast together). The batch is flattened to one axis, run
with ``jax.vmap`` in one jitted call and reshaped back, so outputs carry the
batch axes first. When several devices are visible (GPUs, or CPU devices forced
with ``XLA_FLAGS=--xla_force_host_platform_device_count=N``) the flattened batch
is padded to a multiple of the device count and sharded over a 1-D mesh with
``jax.sharding.NamedSharding``; XLA partitions the vmapped computation.
"""

from __future__ import annotations

from functools import lru_cache

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec

__all__ = ["batch_shape", "run_batched", "batch_sharding"]


def batch_shape(params) -> tuple[int, ...]:
    """The broadcast shape of all parameter leaves (``()`` for a single set)."""
    shapes = [np.shape(leaf) for leaf in jax.tree_util.tree_leaves(params)]
    if not any(shapes):  # the common case: one parameter set
        return ()
    try:
        return tuple(np.broadcast_shapes(*shapes)) if shapes else ()
    except ValueError:
        raise ValueError(
            "parameter arrays must broadcast to one batch shape, got shapes "
            + ", ".join(str(s) for s in shapes)
        ) from None


@lru_cache(maxsize=None)
def _mesh(n_devices: int) -> Mesh:
    return Mesh(np.array(jax.devices()[:n_devices]), ("batch",))


def batch_sharding(n: int):
    """The sharding used for a flattened batch of ``n`` sets, or None on one device."""
    n_dev = jax.device_count()
    if n_dev <= 1 or n < n_dev:
        return None
    return NamedSharding(_mesh(n_dev), PartitionSpec("batch"))


def run_batched(single, vmapped, params, *args):
    """Call ``single(params, *args)`` or, for batched params, ``vmapped`` over a flat batch.

    ``vmapped`` must map axis 0 of every parameter leaf and broadcast ``args``.
    """
    shape = batch_shape(params)
    if shape == ():
        return single(params, *args)
    n = int(np.prod(shape))
    leaves, treedef = jax.tree_util.tree_flatten(params)
    # numpy leaves (the common case: values from sliders) are broadcast on the host for free
    flat = [np.broadcast_to(leaf, shape).reshape(n) if isinstance(leaf, np.ndarray)
            else jnp.reshape(jnp.broadcast_to(leaf, shape), (n,)) for leaf in leaves]
    sharding = batch_sharding(n)
    n_pad = 0
    if sharding is not None:
        n_dev = jax.device_count()
        n_pad = (-n) % n_dev
        if n_pad:
            # pad with copies of the last set; the padded rows are dropped below
            flat = [jnp.concatenate([jnp.asarray(x), jnp.repeat(jnp.asarray(x)[-1:], n_pad)]) for x in flat]
        flat = [jax.device_put(x, sharding) for x in flat]
    out = vmapped(jax.tree_util.tree_unflatten(treedef, flat), *args)
    if n_pad == 0 and shape == (n,):
        return out
    return jax.tree_util.tree_map(lambda y: jnp.reshape(y[:n], shape + y.shape[1:]), out)
