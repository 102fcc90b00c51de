"""Random tensors with a global seed (``tg.random.set_seed``) and per-call seeds.

Samples come from the ``RandomSample`` op, so a ``tg.function`` draws new ones each
time its graph runs (from the global generator, or afresh from the op's seed, as
eagerly) instead of keeping those drawn while it was traced.
"""

from __future__ import annotations

import contextlib
import threading

from . import backend
from .checks import bounded, integer, real_number
from .dtypes import as_dtype, float32
from .engine.registry import NotDifferentiable, Sample, primitive
from .ops.array_ops import as_dims

__all__ = ["set_seed", "normal", "uniform", "truncated_normal"]

_lock = threading.Lock()
_generator = backend.xp.random.default_rng()


def set_seed(seed: int) -> None:
    """Make every later random op reproducible from ``seed``."""
    global _generator
    generator = backend.xp.random.default_rng(_seed("set_seed", seed))
    with _lock:
        _generator = generator


@contextlib.contextmanager
def generator_kept():
    """Leave the global generator as it was before the block (for a trace, whose samples are examples)."""
    with _lock:
        saved = _generator.bit_generator.state
    try:
        yield
    finally:
        with _lock:
            _generator.bit_generator.state = saved


def _seed(who: str, seed) -> int | None:
    if seed is None and who != "set_seed":
        return None
    seed = integer(who, "seed", seed)
    if seed < 0:
        raise ValueError(f"{who}: seed must be non-negative, got {seed}")
    return seed


def _float_dtype(who: str, dtype):
    dtype = as_dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"{who}: dtype must be a floating-point type, got {dtype}")
    return dtype


def _draw(seed, method: str, *args, size):
    """Samples from the per-call generator of ``seed``, or from the global one."""
    if seed is not None:
        return getattr(backend.xp.random.default_rng(seed), method)(*args, size=size)
    with _lock:
        return getattr(_generator, method)(*args, size=size)


def _truncated_normal(seed, mean: float, stddev: float, size):
    values = _draw(seed, "standard_normal", size=size)
    outside = backend.xp.abs(values) > 2
    attempt = 0
    while outside.any():
        attempt += 1
        redraw_seed = None if seed is None else seed + attempt
        values[outside] = _draw(redraw_seed, "standard_normal", size=int(outside.sum()))
        outside = backend.xp.abs(values) > 2
    return values * stddev + mean


@primitive("RandomSample", samples=[
    Sample(kind="normal", params=(0.5, 2.0), shape=(2, 3), dtype=float32, seed=1),
    Sample(kind="uniform", params=(-1.0, 1.0), shape=(4,), dtype=float32, seed=2),
    Sample(kind="integers", params=(0, 5), shape=(3,), dtype=as_dtype("int64"), seed=3),
    Sample(kind="truncated_normal", params=(0.0, 1.0), shape=(5,), dtype=float32, seed=4),
])  # fmt: skip
def _sample(kind="normal", params=(), shape=(), dtype=float32, seed=None):
    """Samples of NumPy's generator method ``kind`` (or ``truncated_normal``) with ``params``."""
    if kind == "truncated_normal":
        values = _truncated_normal(seed, *params, size=shape)
    else:
        values = _draw(seed, kind, *params, size=shape)
    return values.astype(as_dtype(dtype))


NotDifferentiable("RandomSample")


def normal(shape, mean=0.0, stddev=1.0, dtype=float32, seed=None, name=None):
    """Samples from a normal distribution."""
    dtype, seed = _float_dtype("normal", dtype), _seed("normal", seed)
    mean, stddev = real_number("normal", "mean", mean), bounded("normal", "stddev", stddev, 0.0)
    return _sample(kind="normal", params=(mean, stddev), shape=as_dims(shape, "normal"), dtype=dtype, seed=seed)


def uniform(shape, minval=0, maxval=None, dtype=float32, seed=None, name=None):
    """Samples from a uniform distribution on [minval, maxval) (maxval defaults to 1)."""
    dtype, seed = as_dtype(dtype), _seed("uniform", seed)
    shape = as_dims(shape, "uniform")
    if dtype.kind in "iu":
        if maxval is None:
            raise ValueError("uniform: maxval must be given for integer dtypes")
        low, high = integer("uniform", "minval", minval), integer("uniform", "maxval", maxval)
        if low >= high:
            raise ValueError(f"uniform: minval {low} must be less than maxval {high} for integer dtypes")
        return _sample(kind="integers", params=(low, high), shape=shape, dtype=dtype, seed=seed)
    if dtype.kind != "f":
        raise TypeError(f"uniform: dtype must be a floating-point or integer type, got {dtype}")
    low = real_number("uniform", "minval", minval)
    high = 1.0 if maxval is None else real_number("uniform", "maxval", maxval)
    return _sample(kind="uniform", params=(low, high), shape=shape, dtype=dtype, seed=seed)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=float32, seed=None, name=None):
    """Normal samples, redrawn until they lie within two standard deviations of the mean."""
    dtype, seed = _float_dtype("truncated_normal", dtype), _seed("truncated_normal", seed)
    shape = as_dims(shape, "truncated_normal")
    mean = real_number("truncated_normal", "mean", mean)
    stddev = bounded("truncated_normal", "stddev", stddev, 0.0)
    return _sample(kind="truncated_normal", params=(mean, stddev), shape=shape, dtype=dtype, seed=seed)
