"""Array creation with NumPy's names, signatures and dtype rules, returning tensors.

``array``/``asarray`` of a tensor keep it differentiable (``asarray`` returns it,
``array`` a connected copy); nested lists holding tensors are stacked
differentiably. ``full`` and ``full_like`` with a tensor fill value broadcast it
differentiably; other creation functions make constants.
"""

from __future__ import annotations

import numpy as _np

from ..engine.tensor import Tensor, make_tensor
from ..ops import array_ops as _a
from ._core import _contains_tensor, as_dtype, passthrough, public, raw, tensor


def _ndmin(x: Tensor, ndmin: int) -> Tensor:
    if x.ndim >= ndmin:
        return x
    return _a.reshape(x, (1,) * (ndmin - x.ndim) + x.shape)


def array(object, dtype=None, *, copy=True, order="K", subok=False, ndmin=0, like=None):
    """A tensor from ``object`` by NumPy's rules (a Python float is float64).

    A tensor gives a copy that stays connected to it (the gradient flows back); with
    ``copy=False`` the tensor itself. Nested lists holding tensors are stacked
    differentiably.
    """
    if isinstance(object, Tensor) or (isinstance(object, list | tuple) and _contains_tensor(object)):
        x = tensor(object, dtype)
        if copy and x is object:
            x = _a.identity(x)
        return _ndmin(x, ndmin)
    return make_tensor(_np.array(object, dtype=as_dtype(dtype), copy=copy, ndmin=ndmin))


def asarray(a, dtype=None, order=None, *, device=None, copy=None, like=None):
    """``a`` as a tensor by NumPy's rules; a tensor of the right dtype is returned as it is."""
    if copy:
        return array(a, dtype)
    if isinstance(a, Tensor) or (isinstance(a, list | tuple) and _contains_tensor(a)):
        return tensor(a, dtype)
    return make_tensor(_np.array(a, dtype=as_dtype(dtype), copy=copy))


def asanyarray(a, dtype=None, order=None, *, device=None, copy=None, like=None):
    """``a`` as a tensor (the same as ``asarray``: there are no tensor subclasses to keep)."""
    return asarray(a, dtype, copy=copy)


def copy(a, order="K", subok=False):
    """A copy of ``a`` (connected to it when it is a tensor)."""
    return array(a, copy=True)


def astype(x, dtype, /, *, copy=True, device=None):
    """``x`` converted to ``dtype`` (differentiable between floating dtypes)."""
    x = tensor(x)
    dtype = _np.dtype(dtype)
    if x.dtype == dtype:
        return _a.identity(x) if copy else x
    return tensor(x, dtype)


def full(shape, fill_value, dtype=None, order="C", *, device=None, like=None):
    """A tensor of ``shape`` filled with ``fill_value`` (differentiable in a tensor ``fill_value``)."""
    if isinstance(fill_value, Tensor):
        value = tensor(fill_value, dtype)
        return _a.broadcast_to(value, _a.as_shape(shape))
    return make_tensor(_np.full(_a.as_shape(shape), raw(fill_value), dtype=as_dtype(dtype)))


def full_like(a, fill_value, dtype=None, order="K", subok=True, shape=None, *, device=None):
    """A tensor like ``a`` (its shape and dtype unless given) filled with ``fill_value``."""
    prototype = _np.empty_like(raw(a) if isinstance(a, Tensor) else _np.asarray(raw(a)), dtype=as_dtype(dtype),
                               shape=shape)  # fmt: skip
    if isinstance(fill_value, Tensor):
        return _a.broadcast_to(tensor(fill_value, prototype.dtype), prototype.shape)
    return make_tensor(_np.full_like(prototype, raw(fill_value)))


zeros = passthrough("zeros", note="A constant")
ones = passthrough("ones", note="A constant")
empty = passthrough("empty", note="A constant")
zeros_like = passthrough("zeros_like", note="A constant")
ones_like = passthrough("ones_like", note="A constant")
empty_like = passthrough("empty_like", note="A constant")
eye = passthrough("eye", note="A constant")
identity = passthrough("identity", note="A constant")
arange = passthrough("arange", note="A constant")
linspace = passthrough("linspace", note="A constant")
logspace = passthrough("logspace", note="A constant")
geomspace = passthrough("geomspace", note="A constant")
tri = passthrough("tri", note="A constant")

for _f in (array, asarray, asanyarray, copy, astype, full, full_like):
    public(_f)
del _f
