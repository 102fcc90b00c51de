"""Axis and shape arithmetic shared by ops and their gradients (pure Python)."""

from __future__ import annotations


def normalize_axis(axis, ndim: int, op_type: str):
    """``axis`` (None, an int, or a sequence) as a sorted tuple of non-negative axes, or None."""
    if axis is None:
        return None
    if hasattr(axis, "numpy"):
        axis = axis.numpy().tolist()
    axes = (axis,) if isinstance(axis, int) or hasattr(axis, "__index__") else tuple(axis)
    out = []
    for a in axes:
        a = int(a)
        if not -ndim <= a < max(ndim, 1):
            raise ValueError(f"{op_type}: axis {a} is out of range for a tensor of rank {ndim}")
        out.append(a % ndim if ndim else 0)
    if len(set(out)) != len(out):
        raise ValueError(f"{op_type}: repeated axis in {axis}")
    return tuple(sorted(out))


def normalize_one_axis(axis: int, ndim: int, op_type: str) -> int:
    """A single axis in ``[-ndim, ndim)`` as a non-negative int."""
    axis = int(axis)
    if not -ndim <= axis < ndim:
        raise ValueError(f"{op_type}: axis {axis} is out of range for a tensor of rank {ndim}")
    return axis % ndim


def kept_shape(shape: tuple, axes) -> tuple:
    """The shape a reduction over ``axes`` gives with ``keepdims=True``."""
    if axes is None:
        return (1,) * len(shape)
    return tuple(1 if i in axes else n for i, n in enumerate(shape))
