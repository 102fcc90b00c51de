"""Axis and shape arithmetic shared by ops and their gradients (pure Python)."""

from __future__ import annotations

import operator


def normalize_axis(axis, ndim: int, op_type: str):
    """``axis`` (None, an int, or a sequence) as a sorted tuple of non-negative axes, or None."""
    if axis is None:
        return None
    if hasattr(axis, "numpy"):
        axis = axis.numpy().tolist()
    single = hasattr(axis, "__index__") or isinstance(axis, str) or not hasattr(axis, "__iter__")
    axes = (axis,) if single else tuple(axis)
    out = []
    for a in axes:
        a = _int_axis(a, op_type)
        if not -ndim <= a < max(ndim, 1):
            raise ValueError(f"{op_type}: axis {a} is out of range for a tensor of rank {ndim}")
        out.append(a % ndim if ndim else 0)
    if len(set(out)) != len(out):
        raise ValueError(f"{op_type}: repeated axis in {axis}")
    return tuple(sorted(out))


def _int_axis(axis, op_type: str) -> int:
    """``axis`` as an int; anything else (a string, a float, None) raises ``TypeError``."""
    try:
        return operator.index(axis)
    except TypeError:
        raise TypeError(f"{op_type}: axis must be an int or a sequence of ints, got {axis!r}") from None


def normalize_one_axis(axis: int, ndim: int, op_type: str) -> int:
    """A single axis in ``[-ndim, ndim)`` as a non-negative int."""
    axis = _int_axis(axis, op_type)
    if not -ndim <= axis < ndim:
        raise ValueError(f"{op_type}: axis {axis} is out of range for a tensor of rank {ndim}")
    return axis % ndim


def kept_shape(shape: tuple, axes) -> tuple:
    """The shape a reduction over ``axes`` gives with ``keepdims=True``."""
    if axes is None:
        return (1,) * len(shape)
    return tuple(1 if i in axes else n for i, n in enumerate(shape))
