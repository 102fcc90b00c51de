"""Python operators and NumPy-style methods of ``Tensor``, bound to tapegrad ops."""

from __future__ import annotations

from ..engine.tensor import Tensor
from . import array_ops as a
from . import math_ops as m
from . import reduction_ops as r


def _reflected(fn):
    return lambda self, other: fn(other, self)


def _transpose(self, *axes):
    from .array_ops import transpose

    return transpose(self, axes[0] if len(axes) == 1 and not isinstance(axes[0], int) else (axes or None))


_BINARY = {
    "add": m.add,
    "sub": m.subtract,
    "mul": m.multiply,
    "truediv": m.divide,
    "floordiv": m.floordiv,
    "mod": m.floormod,
    "pow": m.pow,
}

for _name, _fn in _BINARY.items():
    setattr(Tensor, f"__{_name}__", _fn)
    setattr(Tensor, f"__r{_name}__", _reflected(_fn))

Tensor.__neg__ = m.negative
Tensor.__pos__ = lambda self: self
Tensor.__abs__ = m.abs
Tensor.__lt__ = m.less
Tensor.__le__ = m.less_equal
Tensor.__gt__ = m.greater
Tensor.__ge__ = m.greater_equal
Tensor.__eq__ = m.equal
Tensor.__ne__ = m.not_equal
Tensor.__and__ = m.logical_and
Tensor.__or__ = m.logical_or
Tensor.__xor__ = m.logical_xor
Tensor.__invert__ = m.logical_not
Tensor.__getitem__ = a.getitem
Tensor.reshape = lambda self, *shape: a.reshape(self, shape[0] if len(shape) == 1 else shape)
Tensor.sum = lambda self, axis=None, keepdims=False: r.reduce_sum(self, axis, keepdims)
Tensor.astype = m.cast
