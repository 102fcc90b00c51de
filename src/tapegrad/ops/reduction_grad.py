"""Gradients of the reductions, written in tapegrad ops."""

from __future__ import annotations

from ..engine.registry import RegisterGradient
from . import math_ops as m
from . import reduction_ops as r
from .array_ops import ones_like, stop_gradient, where
from .grad_util import broadcast_to_like, reduced_count, reshape_to, unbroadcast


def _spread(op, grad):
    """``grad`` of a reduction, reshaped to keep the reduced axes and broadcast to the input."""
    return broadcast_to_like(_kept(op, grad), op.inputs[0])


def _kept(op, t):
    """``t``, an output of the reduction ``op``, with the reduced axes kept (size 1)."""
    if op.get_attr("keepdims"):
        return t
    return reshape_to(t, op.inputs[0], keep=_axes(op))


def _axes(op):
    """The axes a reduction ``op`` reduced, as a tuple (all of them when ``axis`` is None)."""
    axis = op.get_attr("axis")
    return tuple(range(op.inputs[0].ndim)) if axis is None else tuple(axis)


@RegisterGradient("Sum")
def _sum_grad(op, grad):
    return _spread(op, grad)


@RegisterGradient("Mean")
def _mean_grad(op, grad):
    return _spread(op, grad) / reduced_count(op.inputs[0], _axes(op))


def _product_of_others(x, axes):
    """For each element, the product of the other elements of its block over ``axes``.

    Built from exclusive cumulative products (no division), so it is exact with zeros.
    Several axes are handled one at a time: the others on the element's own line along
    the first axis, times the others among the products of the remaining lines.
    """
    if not axes:
        return ones_like(x)
    first, rest = axes[0], axes[1:]
    line = r._cumprod(x, axis=first, exclusive=True) * r._cumprod(x, axis=first, exclusive=True, reverse=True)
    if not rest:
        return line
    lines = r._prod(x, axis=(first,), keepdims=True)
    return line * _product_of_others(lines, rest)


@RegisterGradient("Prod")
def _prod_grad(op, grad):
    x = op.inputs[0]
    return _spread(op, grad) * _product_of_others(x, _axes(op))


def _extremum_grad(op, grad):
    """The gradient goes to the elements equal to the result, split evenly among ties."""
    x = op.inputs[0]
    winners = m.cast(m.equal(x, _kept(op, op.outputs[0])), grad.dtype)
    count = r._sum(winners, axis=op.get_attr("axis"), keepdims=True)
    return _spread(op, grad) * (winners / count)


RegisterGradient("Max")(_extremum_grad)
RegisterGradient("Min")(_extremum_grad)


@RegisterGradient("ReduceLogSumExp")
def _logsumexp_grad(op, grad):
    """``grad`` times the softmax of ``x`` over the reduced axes.

    ``exp(x - out)`` alone is off by the rounding of ``out`` (in float32, a relative 2e-5
    for logits near 1000); dividing by its sum cancels that common factor. The shift is a
    constant for higher derivatives, as the softmax does not depend on it.
    """
    x = op.inputs[0]
    e = m.exp(x - stop_gradient(_kept(op, op.outputs[0])))
    return _spread(op, grad) * (e / r._sum(e, axis=op.get_attr("axis"), keepdims=True))


@RegisterGradient("Cumsum")
def _cumsum_grad(op, grad):
    return r._cumsum(
        grad, axis=op.get_attr("axis"), exclusive=op.get_attr("exclusive"), reverse=not op.get_attr("reverse")
    )


@RegisterGradient("Cumprod")
def _cumprod_grad(op, grad):
    """d/dx_i of sum_k g_k y_k is sum over the products y_k that contain x_i, with x_i left out.

    Elements before the first zero (in scan order) divide x_i out of those products; the
    first zero takes the products of the inputs with it set to 1; elements after it get 0.
    """
    x = op.inputs[0]
    y = op.outputs[0]
    axis, exclusive, reverse = op.get_attr("axis"), op.get_attr("exclusive"), op.get_attr("reverse")
    is_zero = m.equal(x, 0)
    zeros_so_far = r._cumsum(m.cast(is_zero, x.dtype), axis=axis, reverse=reverse)
    before = m.equal(zeros_so_far, 0)
    first = m.logical_and(is_zero, m.equal(zeros_so_far, 1))
    back = {"axis": axis, "exclusive": exclusive, "reverse": not reverse}
    dividing = r._cumsum(y * grad, **back) / where(is_zero, 1, x)
    x_first_one = where(first, 1, x)
    y_first_one = r._cumprod(x_first_one, axis=axis, exclusive=exclusive, reverse=reverse)
    at_first = r._cumsum(y_first_one * grad, **back)
    return where(before, dividing, where(first, at_first, 0))


@RegisterGradient("ScaledSquare")
def _scaled_square_grad(op, grad):
    x, scale = op.inputs
    ratio = x / scale
    return unbroadcast(grad * 2.0 * ratio, x), unbroadcast(-grad * m.square(ratio), scale)
