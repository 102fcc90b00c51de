"""Creating tensors: constants, filled arrays, ranges."""

from __future__ import annotations

import numbers

from . import backend
from .dtypes import as_dtype, float32, is_floating
from .engine.tensor import Tensor, infer_array, make_tensor
from .ops.array_ops import as_dims

__all__ = ["constant", "tensor", "zeros", "ones", "fill", "eye", "range", "linspace"]


def _dtype(dtype):
    return None if dtype is None else as_dtype(dtype)


def constant(value, dtype=None, shape=None, name=None) -> Tensor:
    """A tensor holding a copy of ``value`` (Python floats become float32, ints int64)."""
    array = infer_array(value, _dtype(dtype))
    if isinstance(value, Tensor):
        array = backend.array_copy(array)
    if shape is not None:
        shape = as_dims(shape, "constant")
        if array.size == 1:
            array = backend.xp.broadcast_to(array, shape).copy()
        elif array.size == _size(shape):
            array = array.reshape(shape)
        else:
            raise ValueError(f"constant: a value of shape {array.shape} cannot take shape {shape}")
    return make_tensor(array)


def _size(shape: tuple) -> int:
    n = 1
    for d in shape:
        n *= d
    return n


def tensor(data, dtype=None, requires_grad: bool = False) -> Tensor:
    """PyTorch's ``torch.tensor``: a copy of ``data``, optionally a leaf that requires grad."""
    t = constant(data, dtype)
    if requires_grad:
        if not is_floating(t.dtype):
            raise RuntimeError(f"only tensors of floating point dtype can require gradients, got {t.dtype}")
        t._rg = True
    return t


def zeros(shape, dtype=float32, name=None) -> Tensor:
    """A tensor of zeros."""
    return make_tensor(backend.xp.zeros(as_dims(shape, "zeros"), as_dtype(dtype)))


def ones(shape, dtype=float32, name=None) -> Tensor:
    """A tensor of ones."""
    return make_tensor(backend.xp.ones(as_dims(shape, "ones"), as_dtype(dtype)))


def fill(dims, value, name=None) -> Tensor:
    """A tensor of shape ``dims`` filled with ``value`` (dtype as ``constant`` infers it)."""
    scalar = infer_array(value)
    return make_tensor(backend.xp.full(as_dims(dims, "fill"), scalar, scalar.dtype))


def eye(num_rows: int, num_columns: int | None = None, batch_shape=None, dtype=float32, name=None) -> Tensor:
    """An identity matrix (or a batch of them)."""
    rows, columns = as_dims([num_rows, num_rows if num_columns is None else num_columns], "eye")
    matrix = backend.xp.eye(rows, columns, dtype=as_dtype(dtype))
    if batch_shape is not None:
        matrix = backend.xp.broadcast_to(matrix, as_dims(batch_shape, "eye: batch_shape") + matrix.shape).copy()
    return make_tensor(matrix)


def range(start, limit=None, delta=1, dtype=None, name=None) -> Tensor:
    """Numbers from ``start`` up to ``limit`` (exclusive) by ``delta``, like Python's range."""
    if limit is None:
        start, limit = 0, start
    bounds = _numbers("range", start=start, limit=limit, delta=delta)
    if not delta:
        raise ValueError("range: delta must not be zero")
    if dtype is None:
        dtype = bounds.dtype
    return make_tensor(backend.xp.arange(start, limit, delta, dtype=as_dtype(dtype)))


def _numbers(who: str, **values):
    """The real scalars ``values`` as one array; anything else raises ``TypeError`` naming them."""
    for key, value in values.items():
        if isinstance(value, Tensor):
            value = value.numpy()
        if not isinstance(value, numbers.Real) and getattr(value, "shape", None) != ():
            raise TypeError(f"{who}: {key} must be a real number, got {value!r}")
    return infer_array(list(values.values()))


def linspace(start, stop, num: int, name=None) -> Tensor:
    """``num`` evenly spaced values from ``start`` to ``stop`` inclusive."""
    dtype = _numbers("linspace", start=start, stop=stop).dtype
    (count,) = as_dims(num, "linspace: num")
    if not is_floating(dtype):
        dtype = float32
    return make_tensor(backend.xp.linspace(start, stop, count, dtype=dtype))
