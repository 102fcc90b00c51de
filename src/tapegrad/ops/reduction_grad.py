"""Gradients of the reductions, written in tapegrad ops."""

from __future__ import annotations

from ..engine.registry import RegisterGradient
from .array_ops import broadcast_to, reshape
from .shape_util import kept_shape


def _spread(op, grad):
    """``grad`` of a reduction, reshaped to keep the reduced axes and broadcast to the input."""
    shape = op.inputs[0].shape
    if not op.get_attr("keepdims"):
        grad = reshape(grad, kept_shape(shape, op.get_attr("axis")))
    return broadcast_to(grad, shape)


@RegisterGradient("Sum")
def _sum_grad(op, grad):
    return _spread(op, grad)
