"""Gradients of the shape and layout ops, written in tapegrad ops."""

from __future__ import annotations

from ..engine.registry import RegisterGradient
from .array_ops import reshape, scatter_into_zeros, where, zeros_like
from .grad_util import unbroadcast


@RegisterGradient("Reshape")
def _reshape_grad(op, grad):
    return reshape(grad, op.inputs[0].shape)


@RegisterGradient("Identity")
def _identity_grad(op, grad):
    return grad


@RegisterGradient("BroadcastTo")
def _broadcast_to_grad(op, grad):
    return unbroadcast(grad, op.inputs[0])


@RegisterGradient("SelectV2")
def _select_grad(op, grad):
    condition, x, y = op.inputs
    zero = zeros_like(grad)
    return None, unbroadcast(where(condition, grad, zero), x), unbroadcast(where(condition, zero, grad), y)


@RegisterGradient("Pack")
def _stack_grad(op, grad):
    axis = op.get_attr("axis") % grad.ndim
    lead = (slice(None),) * axis
    return [grad[lead + (i,)] for i in range(len(op.inputs))]


@RegisterGradient("StridedSlice")
def _getitem_grad(op, grad):
    return scatter_into_zeros(grad, shape=op.inputs[0].shape, key=op.get_attr("key"))


@RegisterGradient("StridedSliceGrad")
def _scatter_grad(op, grad):
    return grad[op.get_attr("key")]
