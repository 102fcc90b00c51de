"""``Tensor``: an immutable array value that ops record.

A tensor holds its array, and, when an op that a tape or ``requires_grad`` tracks
produced it, the recorded op (``_node``) and which of its outputs it is
(``_index``). Operators and methods are attached by ``tapegrad.ops.tensor_methods``.
"""

from __future__ import annotations

import numbers

from .. import backend
from ..dtypes import as_dtype, float32, float64
from .state import state


class Tensor:
    """A value in tapegrad: an array plus, once recorded, the op that made it."""

    # Only the array and the producing op are set per op; rarely used state lives in
    # the instance dict on demand, with the class defaults below.
    __slots__ = ("__dict__", "__weakref__", "_node", "_value")
    __array_ufunc__ = None  # NumPy defers binary operators to ours
    _index = 0  # which output of ``_node`` this is
    _rg = False  # a leaf that requires grad (PyTorch face)
    _version = 0  # bumped by in-place changes; recorded ops check it
    _trainable_var = False  # True only on trainable Variables (watched automatically)
    grad = None
    _hooks = ()  # hooks on a leaf's gradient (non-leaf hooks live on the node)
    _tangents = None  # forward mode: {accumulator: tangent}

    def __init__(self, value, dtype=None):
        try:
            self._value = infer_array(value, None if dtype is None else as_dtype(dtype), copy=False)
        except (TypeError, ValueError) as e:
            raise type(e)(f"Tensor: {e}") from None
        self._node = None

    # -- the value ----------------------------------------------------------
    def numpy(self):
        """The value as a NumPy array (0-d for scalars); do not modify it in place."""
        return backend.to_numpy(self._value)

    @property
    def shape(self) -> tuple:
        return self._value.shape

    @property
    def dtype(self):
        return self._value.dtype

    @property
    def ndim(self) -> int:
        return self._value.ndim

    @property
    def size(self) -> int:
        return self._value.size

    def item(self):
        """The value of a one-element tensor as a Python number."""
        if self._value.size != 1:
            raise ValueError(f"item() needs a tensor with one element, got shape {self.shape}")
        return self._value.item()

    def _scalar(self, kind):
        if self._value.size != 1:
            raise TypeError(f"{kind.__name__}() needs a tensor with one element, got shape {self.shape}")
        return kind(self._value.reshape(()).item())

    def __float__(self) -> float:
        return self._scalar(float)

    def __int__(self) -> int:
        return self._scalar(int)

    def __complex__(self) -> complex:
        return self._scalar(complex)

    def __index__(self) -> int:
        if self._value.dtype.kind not in "iub":
            raise TypeError(f"only integer tensors can be used as an index, got dtype {self.dtype}")
        return self._scalar(int)

    def __bool__(self) -> bool:
        graph = state.graph
        if graph is not None and id(self) in graph._symbols:
            raise TypeError(
                "using a traced tensor as a Python bool is not allowed in tg.function: Python control flow "
                "is decided once, when the function is traced; use tg.where, or pass a Python value"
            )
        if self._value.size != 1:
            raise ValueError(
                f"the truth value of a tensor of shape {self.shape} is ambiguous; use tg.reduce_any or tg.reduce_all"
            )
        return bool(self._value.reshape(()).item())

    def __len__(self) -> int:
        if not self._value.ndim:
            raise TypeError("len() of a 0-d tensor")
        return self._value.shape[0]

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def __array__(self, dtype=None, copy=None):
        value = backend.to_numpy(self._value)
        if dtype is not None and value.dtype != dtype:
            return value.astype(dtype)
        return value.copy() if copy else value

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return f"<tg.Tensor: shape={self.shape}, dtype={self.dtype}, numpy={_numpy_repr(self._value)}>"

    def __str__(self) -> str:
        value = backend.to_numpy(self._value)
        return f"tg.Tensor({value[()]!s}, shape={self.shape}, dtype={self.dtype})"


def _numpy_repr(value) -> str:
    value = backend.to_numpy(value)
    return str(value[()]) if value.ndim == 0 else repr(value)


_new = object.__new__


def make_tensor(value, node=None, index=0) -> Tensor:
    """Wrap an array (already of the right type) without conversion: the fast path."""
    t = _new(Tensor)
    t._value = value
    t._node = node
    if index:
        t._index = index
    return t


_PYTHON_SCALARS = (bool, int, float, complex)


def infer_array(value, dtype=None, copy=True):
    """An array for ``value``; Python floats become float32, ints int64 (TF rules).

    ``copy=False`` lets a NumPy array of the right dtype through without copying.
    Values that are not numbers (strings, objects, ragged lists) raise ``TypeError``
    or ``ValueError`` saying what could not be converted.
    """
    if isinstance(value, Tensor):
        value = value._value
        return value if dtype is None else value.astype(dtype)
    try:
        array = _to_array(value, dtype, copy)
    except (ValueError, TypeError) as e:
        hint = " (nested lists of different lengths?)" if "inhomogeneous" in str(e) else ""
        raise type(e)(f"cannot convert {type(value).__name__} to a tensor: {e}{hint}") from None
    if array.dtype.kind in "OUSV":
        raise TypeError(f"cannot convert {type(value).__name__} to a tensor: dtype {array.dtype} is not numeric")
    return array


def _to_array(value, dtype, copy: bool):
    convert = backend.array_copy if copy else backend.asarray
    if isinstance(value, backend.ndarray) or _is_numpy_scalar(value):
        return convert(value, dtype)
    _check_python_value(value)
    if dtype is not None:
        return backend.array_copy(value, dtype)
    array = backend.array_copy(value)
    if array.dtype == float64:
        array = array.astype(float32)
    return array


def _is_numpy_scalar(value) -> bool:
    return hasattr(value, "dtype") and hasattr(value, "shape")


def _check_python_value(value) -> None:
    if value is None:
        raise TypeError("None is not a number")
    if isinstance(value, str | bytes):
        raise TypeError(f"the string {value!r} is not a number")
    if not isinstance(value, (*_PYTHON_SCALARS, list, tuple, numbers.Number)) and not hasattr(value, "__array__"):
        raise TypeError("it is neither a number, a sequence nor an array")


def convert_to_tensor(value, dtype=None) -> Tensor:
    """``value`` as a Tensor: tensors pass through, others are converted (TF dtype rules).

    A NumPy array of the requested dtype is wrapped without a copy.
    """
    if isinstance(value, Tensor):
        if dtype is not None and value.dtype != dtype:
            raise TypeError(f"convert_to_tensor: tensor has dtype {value.dtype}, requested {dtype}")
        return value
    if isinstance(value, list | tuple) and _contains_tensor(value):
        from ..ops.array_ops import stack

        return stack([convert_to_tensor(v, dtype) for v in value])
    return make_tensor(infer_array(value, dtype, copy=False))


def _contains_tensor(value) -> bool:
    return any(isinstance(v, Tensor) or (isinstance(v, list | tuple) and _contains_tensor(v)) for v in value)
