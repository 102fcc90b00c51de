"""In-place tensor methods (PyTorch's ``add_``, ``x[i] = v``, ...) with version counting.

An in-place op computes its result with the ordinary (recorded) op, then gives the
tensor that value: the array is replaced, never written through, so no other
tensor or saved value sees the change. The tensor's version goes up; a backward
pass through an op that recorded an older version raises ``RuntimeError``.
"""

from __future__ import annotations

import sys

from ..backend import xp
from ..engine.state import AUTOGRAD, state
from ..engine.tensor import Tensor, make_tensor
from ..ops import array_ops, math_ops


def _check_leaf(t: Tensor, name: str) -> None:
    if t._rg and state.grad_enabled and (t._node is None or AUTOGRAD not in t._node.tapes):
        raise RuntimeError(
            f"{name}: a leaf tensor that requires grad (shape {t.shape}) is being used in an in-place "
            "operation; do it under tg.no_grad() or use the out-of-place op"
        )


def _snapshot(t: Tensor) -> Tensor:
    """``t`` as it is now: same value and producing op, a separate object."""
    old = make_tensor(t._value, t._node, t._index)
    if t._version:
        old._version = t._version
    if t._rg:
        old._rg = True
    return old


def _take_value(t: Tensor, new: Tensor, name: str) -> Tensor:
    if new.shape != t.shape:
        raise RuntimeError(f"{name}: the result has shape {new.shape}, which doesn't match the tensor's {t.shape}")
    value = new._value
    if value.dtype != t.dtype:
        if not xp.can_cast(value.dtype, t.dtype, "same_kind"):
            raise RuntimeError(f"{name}: result type {value.dtype} can't be cast to the tensor's dtype {t.dtype}")
        value = value.astype(t.dtype)
    t._value = value
    t._node = new._node
    t._index = new._index
    t._version += 1
    if state.graph is not None:
        state.graph.alias(t, new)
    owner = t.__dict__.get("_data_owner")
    if owner is not None:  # ``x.data.add_(...)`` changes x, untracked
        owner._value = value
    return t


def apply_inplace(t: Tensor, compute, name: str) -> Tensor:
    """Give ``t`` the value ``compute(t)``, recorded as an op on ``t``'s previous value."""
    _check_leaf(t, name)
    return _take_value(t, compute(_snapshot(t)), name)


def add_(self, other, alpha=1):
    """self += alpha * other, in place."""
    return apply_inplace(self, lambda s: s + (other if alpha == 1 else other * alpha), "add_")


def sub_(self, other, alpha=1):
    """self -= alpha * other, in place."""
    return apply_inplace(self, lambda s: s - (other if alpha == 1 else other * alpha), "sub_")


def mul_(self, other):
    """self *= other, in place."""
    return apply_inplace(self, lambda s: s * other, "mul_")


def div_(self, other):
    """self /= other, in place."""
    return apply_inplace(self, lambda s: s / other, "div_")


def clamp_(self, min=None, max=None):
    """Clip the values to [min, max] in place (either bound may be None)."""
    if min is None and max is None:
        raise ValueError("clamp_: give min, max or both")

    def clamp(s):
        if min is not None:
            s = math_ops.maximum(s, min)
        return s if max is None else math_ops.minimum(s, max)

    return apply_inplace(self, clamp, "clamp_")


def fill_(self, value):
    """Set every element to ``value`` (the result no longer depends on the old value)."""
    _check_leaf(self, "fill_")
    filled = array_ops.zeros_like(self) + value
    return _take_value(self, math_ops.cast(filled, self.dtype), "fill_")


def zero_(self):
    """Set every element to zero."""
    return fill_(self, 0)


def copy_(self, src):
    """Take the values of ``src`` (broadcast to this shape), differentiably."""
    _check_leaf(self, "copy_")
    return _take_value(self, math_ops.cast(array_ops.broadcast_to(src, self.shape), self.dtype), "copy_")


def setitem(self, key, value) -> None:
    """``self[key] = value``: recorded when ``self`` or ``value`` is tracked."""
    _check_leaf(self, "__setitem__")
    tracked = isinstance(value, Tensor) and (value._node is not None or value._rg)
    if not tracked and self._node is None and not state.active and _exclusive(self._value):
        try:
            self._value[array_ops._index_key(key)] = value._value if isinstance(value, Tensor) else value
        except (TypeError, ValueError) as e:
            raise type(e)(
                f"__setitem__: cannot set {key!r} of a tensor of shape {self.shape} to {value!r}: {e}"
            ) from None
        self._version += 1
        return
    _take_value(self, array_ops.set_item(_snapshot(self), key, value), "__setitem__")


def _exclusive(array) -> bool:
    """Whether only one tensor holds ``array`` (no view, no saved copy): safe to write into."""
    return array.base is None and array.flags.writeable and sys.getrefcount(array) <= 3


def _augmented(inplace, out_of_place):
    """``x += y``: in place (PyTorch, NumPy) when the result fits ``x``; otherwise, and for a
    constant watched by a recording tape, a new tensor bound to the name (TensorFlow)."""

    def method(self, other):
        if self._node is None and any(id(self) in r.watched for r in state.active):
            return out_of_place(self, other)  # a watched constant under a tape: TensorFlow's rebinding
        result = out_of_place(_snapshot(self), other)
        if result.shape != self.shape or not xp.can_cast(result.dtype, self.dtype, "same_kind"):
            return out_of_place(self, other)
        _check_leaf(self, inplace)
        return _take_value(self, result, inplace)

    return method


Tensor.add_ = add_
Tensor.sub_ = sub_
Tensor.mul_ = mul_
Tensor.div_ = div_
Tensor.clamp_ = clamp_
Tensor.fill_ = fill_
Tensor.zero_ = zero_
Tensor.copy_ = copy_
Tensor.__setitem__ = setitem
Tensor.__iadd__ = _augmented("__iadd__", math_ops.add)
Tensor.__isub__ = _augmented("__isub__", math_ops.subtract)
Tensor.__imul__ = _augmented("__imul__", math_ops.multiply)
Tensor.__itruediv__ = _augmented("__itruediv__", math_ops.divide)
