"""Helpers shared by gradient functions."""

from __future__ import annotations

from .array_ops import reshape
from .reduction_ops import reduce_sum


def unbroadcast(grad, x):
    """``grad`` of a broadcast result, summed back to the shape of input ``x``."""
    shape = x.shape
    gshape = grad.shape
    if gshape == shape:
        return grad
    lead = len(gshape) - len(shape)
    axes = tuple(range(lead)) + tuple(i + lead for i, n in enumerate(shape) if n == 1 and gshape[i + lead] != 1)
    summed = reduce_sum(grad, axis=axes) if axes else grad
    return reshape(summed, shape) if summed.shape != shape else summed


def is_zero(grad) -> bool:
    """Whether ``grad`` is the zeros the engine passes for an output nothing used.

    A gradient function may skip work for such outputs (as TensorFlow's ``IsZero``).
    """
    return grad is None or grad.__dict__.get("_symbolic_zero", False)
