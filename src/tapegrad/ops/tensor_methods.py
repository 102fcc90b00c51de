"""Python operators and NumPy-style methods of ``Tensor``, bound to tapegrad ops."""

from __future__ import annotations

from ..engine.tensor import Tensor
from . import array_ops as a
from . import linalg_ops as la
from . import math_ops as m
from . import reduction_ops as r


def _reflected(fn):
    return lambda self, other: fn(other, self)


_BINARY = {
    "add": m.add,
    "sub": m.subtract,
    "mul": m.multiply,
    "truediv": m.divide,
    "floordiv": m.floordiv,
    "mod": m.floormod,
    "pow": m.pow,
    "matmul": la.matmul,
}

for _name, _fn in _BINARY.items():
    setattr(Tensor, f"__{_name}__", _fn)
    setattr(Tensor, f"__r{_name}__", _reflected(_fn))


def _eq(self, other):
    return NotImplemented if other is None or isinstance(other, str) else m.equal(self, other)


def _ne(self, other):
    return NotImplemented if other is None or isinstance(other, str) else m.not_equal(self, other)


Tensor.__neg__ = m.negative
Tensor.__pos__ = lambda self: self
Tensor.__abs__ = m.abs
Tensor.__lt__ = m.less
Tensor.__le__ = m.less_equal
Tensor.__gt__ = m.greater
Tensor.__ge__ = m.greater_equal
Tensor.__eq__ = _eq
Tensor.__ne__ = _ne
Tensor.__and__ = m.logical_and
Tensor.__or__ = m.logical_or
Tensor.__xor__ = m.logical_xor
Tensor.__invert__ = m.logical_not
Tensor.__getitem__ = a.getitem


def _reduction(fn):
    """A method ``t.fn(axis=None, keepdims=False)``; PyTorch's ``dim``/``keepdim`` also work."""

    def method(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        return fn(self, dim if dim is not None else axis, keepdim if keepdim is not None else keepdims)

    method.__name__ = fn.__name__
    method.__doc__ = fn.__doc__
    return method


Tensor.sum = _reduction(r.reduce_sum)
Tensor.mean = _reduction(r.reduce_mean)
Tensor.prod = _reduction(r.reduce_prod)
Tensor.max = _reduction(r.reduce_max)
Tensor.min = _reduction(r.reduce_min)
Tensor.std = _reduction(r.reduce_std)
Tensor.var = _reduction(r.reduce_variance)
Tensor.any = _reduction(r.reduce_any)
Tensor.all = _reduction(r.reduce_all)
Tensor.argmax = lambda self, axis=None: r.argmax(self if axis is not None else a.reshape(self, (-1,)), axis or 0)
Tensor.argmin = lambda self, axis=None: r.argmin(self if axis is not None else a.reshape(self, (-1,)), axis or 0)
Tensor.cumsum = lambda self, axis=0: r.cumsum(self, axis)
Tensor.reshape = lambda self, *shape: a.reshape(self, shape[0] if len(shape) == 1 else shape)
Tensor.astype = m.cast
Tensor.T = property(lambda self: a.transpose(self))
Tensor.transpose = lambda self, *perm: a.transpose(self, (perm[0] if len(perm) == 1 else perm) or None)
Tensor.squeeze = lambda self, axis=None: a.squeeze(self, axis)
Tensor.flatten = lambda self: a.reshape(self, (-1,))


# -- NumPy's own functions on tensors: differentiated through tapegrad.numpy ---------
def _numpy_namespace(module: str):
    import tapegrad.numpy as tnp

    for part in module.split(".")[1:]:
        tnp = getattr(tnp, part, None)
        if tnp is None:
            break
    return tnp


def _unsupported(name: str) -> TypeError:
    return TypeError(
        f"numpy.{name} has no differentiable version in tapegrad.numpy, so it cannot be applied to a "
        "tg.Tensor without dropping its gradient; use tapegrad.numpy, or call .numpy() first if you "
        "do not need the gradient"
    )


def _array_ufunc(self, ufunc, method, *inputs, **kwargs):
    """``numpy.sin(t)``, ``array + t``: run the tapegrad.numpy function of the same name."""
    name = ufunc.__name__
    if method != "__call__" or kwargs.get("out") is not None:
        raise TypeError(f"numpy.{name}.{method} with out= or ufunc methods is not supported on tg.Tensor")
    fn = getattr(_numpy_namespace("numpy"), name, None)
    if fn is None:
        raise _unsupported(name)
    return fn(*inputs, **kwargs)


def _array_function(self, func, types, args, kwargs):
    """``numpy.sum(t, axis=0)``, ``numpy.linalg.inv(t)``: dispatched to tapegrad.numpy."""
    namespace = _numpy_namespace(func.__module__ or "numpy")
    fn = getattr(namespace, func.__name__, None) if namespace is not None else None
    if fn is None:
        raise _unsupported(func.__name__)
    return fn(*args, **kwargs)


Tensor.__array_ufunc__ = _array_ufunc
Tensor.__array_function__ = _array_function
