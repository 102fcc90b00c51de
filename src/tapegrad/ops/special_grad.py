"""Gradients of the special functions, written in tapegrad ops (so they differentiate again)."""

from __future__ import annotations

import math

from ..creation import constant
from ..engine.registry import RegisterGradient
from . import math_ops as m
from . import special_ops as s
from .array_ops import where
from .grad_util import unbroadcast

_LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)


@RegisterGradient("Lgamma")
def _lgamma_grad(op, grad):
    return grad * s.digamma(op.inputs[0])


@RegisterGradient("Digamma")
def _digamma_grad(op, grad):
    x = op.inputs[0]
    return grad * s._polygamma(constant(1, "int64"), x)


@RegisterGradient("Polygamma")
def _polygamma_grad(op, grad):
    n, x = op.inputs
    return None, unbroadcast(grad * s._polygamma(n + 1, x), x)


def _xlog_grad(op, grad, log, shift):
    """Gradients of x * log(shift + y): log(shift + y) and x / (shift + y).

    Where x == 0 the product is 0 by definition, even where ``shift + y`` is not
    positive: there the gradient for x is 0 (not log of it), and at ``shift + y == 0``
    that for y is 0 (not 0 / 0). Elsewhere they are the true derivatives.
    """
    x, y = op.inputs
    need_x, need_y = op.needs_input_grad or (True, True)
    zero_x = m.equal(x, 0)
    gx = gy = None
    if need_x:
        inside = m.logical_or(m.logical_not(zero_x), y + shift > 0)
        gx = unbroadcast(where(inside, grad * log(where(inside, y, 1 - shift)), 0), x)
    if need_y:
        pole = m.logical_and(zero_x, m.equal(y + shift, 0))
        gy = unbroadcast(where(pole, 0, grad * x / where(pole, 1, y + shift)), y)
    return gx, gy


@RegisterGradient("Xlogy")
def _xlogy_grad(op, grad):
    return _xlog_grad(op, grad, m.log, 0)


@RegisterGradient("Xlog1py")
def _xlog1py_grad(op, grad):
    return _xlog_grad(op, grad, m.log1p, 1)


@RegisterGradient("LogNdtr")
def _log_ndtr_grad(op, grad):
    """pdf(x) / cdf(x) = exp(-x^2/2 - log sqrt(2 pi) - log_ndtr(x)): finite far in the left tail."""
    x = op.inputs[0]
    return grad * m.exp(-0.5 * x * x - _LOG_SQRT_2PI - op.outputs[0])


@RegisterGradient("Ndtri")
def _ndtri_grad(op, grad):
    """1 / pdf(ndtri(p)) = sqrt(2 pi) exp(y^2 / 2)."""
    y = op.outputs[0]
    return grad * m.exp(0.5 * y * y + _LOG_SQRT_2PI)
