"""Shape and layout ops: reshape, broadcast, select, and friends."""

from __future__ import annotations

from ..backend import xp
from ..dtypes import as_dtype
from ..engine.registry import NotDifferentiable, Sample, primitive
from .samples import randn

__all__ = ["reshape", "broadcast_to", "where", "zeros_like", "ones_like", "stack", "stop_gradient", "identity"]


def as_shape(shape) -> tuple:
    """A shape given as an int, a sequence or a tensor, as a tuple of ints."""
    if hasattr(shape, "numpy"):
        shape = shape.numpy().tolist()
    if isinstance(shape, int) or hasattr(shape, "__index__"):
        return (int(shape),)
    return tuple(int(n) for n in shape)


@primitive("Reshape", samples=[Sample(randn(3, 4), shape=(2, 6)), Sample(randn(6), shape=(3, -1)),
                               Sample(randn(1), shape=())])  # fmt: skip
def _reshape(x, shape=()):
    return xp.reshape(x, shape)


def reshape(tensor, shape, name=None):
    """``tensor`` with a new shape of the same size; one dimension may be -1."""
    return _reshape(tensor, shape=as_shape(shape))


@primitive("BroadcastTo", samples=[Sample(randn(3, 1), shape=(2, 3, 4)), Sample(randn(), shape=(2,)),
                                   Sample(randn(4), shape=(3, 4))])  # fmt: skip
def _broadcast_to(x, shape=()):
    return xp.broadcast_to(x, shape)


def broadcast_to(input, shape, name=None):
    """``input`` broadcast to ``shape`` by NumPy's rules."""
    return _broadcast_to(input, shape=as_shape(shape))


def _select_samples():
    cond = randn(3, 4) > 0
    return [
        Sample(cond, randn(3, 4), randn(3, 4)),
        Sample(cond, randn(4), randn(3, 1)),
        Sample(cond[0], randn(), randn(4)),
    ]


@primitive("SelectV2", samples=_select_samples())
def _select(condition, x, y):
    return xp.where(condition, x, y)


def where(condition, x=None, y=None, name=None):
    """Elements of ``x`` where ``condition`` holds, else of ``y`` (broadcasting).

    With only ``condition``, the indices of its true elements, shape ``(n, rank)``.
    """
    if x is None and y is None:
        return _where_indices(condition)
    if x is None or y is None:
        raise ValueError("where: give both x and y, or neither")
    return _select(condition, x, y)


@primitive("Where", samples=[Sample(randn(3, 4) > 0)])
def _where_indices(condition):
    return xp.argwhere(condition)


NotDifferentiable("Where")


@primitive("ZerosLike", samples=[Sample(randn(2, 3))])
def _zeros_like(x, dtype=None):
    return xp.zeros_like(x, dtype=dtype)


@primitive("OnesLike", samples=[Sample(randn(2, 3))])
def _ones_like(x, dtype=None):
    return xp.ones_like(x, dtype=dtype)


NotDifferentiable("ZerosLike")
NotDifferentiable("OnesLike")


def zeros_like(input, dtype=None, name=None):
    """Zeros with the shape (and, unless given, the dtype) of ``input``."""
    return _zeros_like(input, dtype=None if dtype is None else as_dtype(dtype))


def ones_like(input, dtype=None, name=None):
    """Ones with the shape (and, unless given, the dtype) of ``input``."""
    return _ones_like(input, dtype=None if dtype is None else as_dtype(dtype))


@primitive("Pack", samples=[Sample(randn(3), randn(3), axis=0), Sample(randn(2, 3), randn(2, 3), randn(2, 3), axis=-1)])
def _stack(*values, axis=0):
    return xp.stack(values, axis=axis)


def stack(values, axis=0, name=None):
    """Tensors of one shape joined along a new axis."""
    values = list(values)
    if not values:
        raise ValueError("stack: expected a non-empty list of tensors")
    return _stack(*values, axis=int(axis))


def _index_key(key) -> tuple:
    """An indexing key with tensors and lists turned into arrays (NumPy semantics)."""
    if not isinstance(key, tuple):
        key = (key,)
    out = []
    for k in key:
        if hasattr(k, "_value"):
            k = k._value
        elif isinstance(k, list):
            k = xp.asarray(k)
        if hasattr(k, "dtype") and k.dtype.kind not in "iub":
            raise IndexError(f"tensors used as indices must be integer or boolean, got dtype {k.dtype}")
        out.append(k)
    return tuple(out)


@primitive("StridedSlice", samples=[
    Sample(randn(4, 5), key=(slice(1, 3), slice(None, None, 2))),
    Sample(randn(4, 5), key=(1,)),
    Sample(randn(4, 5), key=(Ellipsis, None, -1)),
    Sample(randn(4, 5), key=(xp.array([0, 2, 0]),)),
    Sample(randn(4, 5), key=(randn(4, 5) > 0,)),
    Sample(randn(3, 4, 5), key=(xp.array([0, 1]), slice(None), xp.array([4, 4]))),
])  # fmt: skip
def _getitem(x, key=()):
    return x[key]


def getitem(tensor, key):
    """``tensor[key]`` with NumPy's basic and advanced indexing (differentiable)."""
    return _getitem(tensor, key=_index_key(key))


@primitive("StridedSliceGrad", samples=[
    Sample(randn(2, 3), shape=(4, 3), key=(slice(1, 3),)),
    Sample(randn(3, 5), shape=(4, 5), key=(xp.array([0, 2, 0]),)),
])  # fmt: skip
def scatter_into_zeros(values, shape=(), key=()):
    """Zeros of ``shape`` with ``values`` added at ``key`` (repeated indices accumulate)."""
    out = xp.zeros(shape, dtype=values.dtype)
    if any(isinstance(k, xp.ndarray) for k in key):
        xp.add.at(out, key, values)
    else:
        out[key] = values
    return out


@primitive("StopGradient", samples=[Sample(randn(2, 3))])
def _stop_gradient(x):
    return x


NotDifferentiable("StopGradient")


def stop_gradient(input, name=None):
    """``input`` as a value that gradients do not flow through."""
    return _stop_gradient(input)


@primitive("Identity", samples=[Sample(randn(2, 3))])
def identity(input):
    """A new tensor with the same value (gradients flow through)."""
    return input
