"""Random tensors with a global seed (``tg.random.set_seed``) and per-call seeds."""

from __future__ import annotations

import threading

from . import backend
from .dtypes import as_dtype, float32
from .engine.tensor import make_tensor
from .ops.array_ops import as_shape

__all__ = ["set_seed", "normal", "uniform", "truncated_normal"]

_lock = threading.Lock()
_generator = backend.xp.random.default_rng()


def set_seed(seed: int) -> None:
    """Make every later random op reproducible from ``seed``."""
    global _generator
    with _lock:
        _generator = backend.xp.random.default_rng(int(seed))


def _draw(seed, method: str, *args, size):
    """Samples from the per-call generator of ``seed``, or from the global one."""
    if seed is not None:
        return getattr(backend.xp.random.default_rng(int(seed)), method)(*args, size=size)
    with _lock:
        return getattr(_generator, method)(*args, size=size)


def normal(shape, mean=0.0, stddev=1.0, dtype=float32, seed=None, name=None):
    """Samples from a normal distribution."""
    values = _draw(seed, "normal", float(mean), float(stddev), size=as_shape(shape))
    return make_tensor(values.astype(as_dtype(dtype)))


def uniform(shape, minval=0, maxval=None, dtype=float32, seed=None, name=None):
    """Samples from a uniform distribution on [minval, maxval) (maxval defaults to 1)."""
    dtype = as_dtype(dtype)
    shape = as_shape(shape)
    if dtype.kind in "iu":
        if maxval is None:
            raise ValueError("uniform: maxval must be given for integer dtypes")
        return make_tensor(_draw(seed, "integers", int(minval), int(maxval), size=shape).astype(dtype))
    values = _draw(seed, "uniform", float(minval), 1.0 if maxval is None else float(maxval), size=shape)
    return make_tensor(values.astype(dtype))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=float32, seed=None, name=None):
    """Normal samples, redrawn until they lie within two standard deviations of the mean."""
    shape = as_shape(shape)
    values = _draw(seed, "standard_normal", size=shape)
    outside = backend.xp.abs(values) > 2
    attempt = 0
    while outside.any():
        attempt += 1
        redraw_seed = None if seed is None else int(seed) + attempt
        values[outside] = _draw(redraw_seed, "standard_normal", size=int(outside.sum()))
        outside = backend.xp.abs(values) > 2
    return make_tensor((values * float(stddev) + float(mean)).astype(as_dtype(dtype)))
