"""Conversions shared by ``tapegrad.numpy``: NumPy's dtype rules for inputs, axes, ``out=``.

Inputs follow NumPy, not TensorFlow: a Python float or a list of floats becomes
float64 (``numpy.asarray`` decides), NumPy arrays keep their dtype, tensors pass
through unchanged, and a Python scalar beside an array or tensor is weak (it takes
the other operand's dtype, NumPy 2's rule, which the engine applies to op inputs).
"""

from __future__ import annotations

import builtins
import functools
import operator

import numpy as _np

from ..engine.tensor import Tensor, make_tensor
from ..ops.array_ops import reshape as _tg_reshape
from ..ops.array_ops import stack as _tg_stack
from ..ops.math_ops import cast as _tg_cast

PY_SCALARS = (builtins.bool, builtins.int, builtins.float, builtins.complex)


class _NoValueType:
    """Marks an argument that was not given (NumPy's ``<no value>``)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<no value>"


NoValue = _NoValueType()


def _contains_tensor(obj) -> builtins.bool:
    return builtins.any(isinstance(v, Tensor) or (isinstance(v, list | tuple) and _contains_tensor(v)) for v in obj)


def raw(obj):
    """``obj`` with tensors replaced by their arrays, also inside lists and tuples (for NumPy)."""
    if isinstance(obj, Tensor):
        return obj._value
    if isinstance(obj, list):
        return [raw(v) for v in obj]
    if isinstance(obj, tuple):
        return tuple(raw(v) for v in obj)
    return obj


def wrap(result):
    """A NumPy result as tensors: arrays and NumPy scalars become tensors; Python values stay."""
    if isinstance(result, _np.ndarray | _np.generic):
        return make_tensor(_np.asarray(result))
    if isinstance(result, tuple):
        return tuple(wrap(r) for r in result)
    if isinstance(result, list):
        return [wrap(r) for r in result]
    return result


def as_dtype(dtype):
    return None if dtype is None else _np.dtype(dtype)


def tensor(x, dtype=None) -> Tensor:
    """``x`` as a tensor by NumPy's rules (what ``numpy.asarray`` would give).

    Tensors pass through (cast, differentiably, when ``dtype`` differs); nested lists
    that hold tensors are stacked differentiably; anything else goes through
    ``numpy.asarray``.
    """
    dtype = as_dtype(dtype)
    if isinstance(x, Tensor):
        return x if dtype is None or x.dtype == dtype else _tg_cast(x, dtype)
    if isinstance(x, list | tuple) and _contains_tensor(x):
        target = dtype if dtype is not None else _np.asarray(raw(x)).dtype
        return _stack_nested(x, target)
    array = _np.asarray(x, dtype=dtype)
    if array.dtype.kind in "OUSV":
        raise TypeError(f"tapegrad.numpy: cannot use a {type(x).__name__} of dtype {array.dtype} as an array")
    return make_tensor(array)


def _stack_nested(x, dtype) -> Tensor:
    if isinstance(x, Tensor):
        return x if x.dtype == dtype else _tg_cast(x, dtype)
    if isinstance(x, list | tuple) and _contains_tensor(x):
        return _tg_stack([_stack_nested(v, dtype) for v in x])
    return make_tensor(_np.asarray(x, dtype=dtype))


def operands(*xs, dtype=None) -> list:
    """Inputs of an element-wise function, promoted as NumPy promotes them.

    Python scalars stay Python scalars beside a tensor or array (the engine treats them
    as weak); when every input is a Python scalar they are converted (float -> float64).
    With ``dtype``, every input is converted to it first (a ufunc's ``dtype=``).
    """
    if dtype is not None:
        return [tensor(x, dtype) for x in xs]
    out = [x if type(x) in PY_SCALARS else tensor(x) for x in xs]
    if not builtins.any(isinstance(x, Tensor) for x in out):
        out = [tensor(x) for x in out]
    return out


def no_out(out, name: str) -> None:
    """Refuse ``out=``: tensors cannot be written into."""
    if out is not None:
        raise TypeError(
            f"{name}: out= is not supported; tapegrad tensors are immutable values, so use the returned tensor"
        )


def check_ufunc_kwargs(name: str, out, where) -> None:
    no_out(out, name)
    if where is not True:
        raise TypeError(f"{name}: where= needs out=, which tensors do not support; use tapegrad.numpy.where")


def is_int(x) -> builtins.bool:
    return not isinstance(x, builtins.bool) and hasattr(x, "__index__") and getattr(x, "ndim", 0) == 0


def axes(axis, ndim: int, *, sort: builtins.bool = False):
    """``axis`` (None, an int or a sequence) as a tuple of non-negative axes, NumPy's errors.

    Returns None for None; the given order is kept unless ``sort``.
    """
    if axis is None:
        return None
    if isinstance(axis, Tensor):
        axis = axis._value.tolist()
    seq = (axis,) if is_int(axis) else tuple(axis)
    out = []
    for a in seq:
        a = operator.index(a)
        if not -ndim <= a < ndim:
            raise _np.exceptions.AxisError(a, ndim)
        out.append(a % ndim)
    if len(set(out)) != len(out):
        raise ValueError("repeated axis")
    return tuple(sorted(out)) if sort else tuple(out)


def one_axis(axis, ndim: int) -> builtins.int:
    """A single axis in ``[-ndim, ndim)`` as a non-negative int (AxisError otherwise)."""
    a = operator.index(axis.item() if isinstance(axis, Tensor) else axis)
    if not -ndim <= a < ndim:
        raise _np.exceptions.AxisError(a, ndim)
    return a % ndim


def ravel(x: Tensor) -> Tensor:
    return x if x.ndim == 1 else _tg_reshape(x, (-1,))


def result_dtype(ufunc, *inputs):
    """The dtype NumPy's ``ufunc`` returns for inputs of these dtypes (or tensors, or Python scalars)."""
    samples = [x if type(x) in PY_SCALARS else _np.zeros(1, getattr(x, "dtype", x)) for x in inputs]
    out = ufunc(*samples)
    return (out[0] if isinstance(out, tuple) else out).dtype


def passthrough(name: str, fn=None, note: str = "Not differentiable"):
    """``numpy.<name>`` on the values of tensors; array results come back as tensors without a gradient."""
    fn = fn if fn is not None else getattr(_np, name)

    @functools.wraps(fn)
    def f(*args, **kwargs):
        if "out" in kwargs:
            no_out(kwargs["out"], name)
        return wrap(fn(*[raw(a) for a in args], **{k: raw(v) for k, v in kwargs.items()}))

    f.__name__ = f.__qualname__ = name
    f.__module__ = "tapegrad.numpy"
    doc = getattr(fn, "__doc__", None) or ""
    f.__doc__ = f"{note}: ``numpy.{name}`` on the values; results are tensors with no gradient.\n\n{doc}"
    return f


def public(fn, name: str | None = None):
    """Give a generated function its NumPy name and this package as its module."""
    if name is not None:
        fn.__name__ = fn.__qualname__ = name
    fn.__module__ = "tapegrad.numpy"
    return fn
