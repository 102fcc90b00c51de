"""Gradients of the element-wise math ops, written in tapegrad ops."""

from __future__ import annotations

import math

from ..engine.registry import RegisterGradient
from . import math_ops as m
from .array_ops import where, zeros_like
from .grad_util import unbroadcast, wanted_grads


def _binary(op, gx, gy):
    """Gradients of a broadcasting binary op, reduced to its inputs' shapes."""
    x, y = op.inputs
    return unbroadcast(gx, x), unbroadcast(gy, y)


@RegisterGradient("AddV2")
def _add_grad(op, grad):
    return wanted_grads(op, lambda: grad, lambda: grad)


@RegisterGradient("Sub")
def _sub_grad(op, grad):
    return wanted_grads(op, lambda: grad, lambda: -grad)


@RegisterGradient("Mul")
def _mul_grad(op, grad):
    x, y = op.inputs
    return wanted_grads(op, lambda: grad * y, lambda: grad * x)


@RegisterGradient("RealDiv")
def _div_grad(op, grad):
    x, y = op.inputs
    return wanted_grads(op, lambda: grad / y, lambda: -grad * x / (y * y))


@RegisterGradient("Neg")
def _neg_grad(op, grad):
    return -grad


@RegisterGradient("Pow")
def _pow_grad(op, grad):
    x, y = op.inputs
    z = op.outputs[0]

    def grad_y():
        positive = x > 0
        return grad * z * where(positive, m.log(where(positive, x, 1)), 0)

    return wanted_grads(op, lambda: grad * y * x ** (y - 1), grad_y)


@RegisterGradient("Square")
def _square_grad(op, grad):
    return grad * (2 * op.inputs[0])


@RegisterGradient("Sqrt")
def _sqrt_grad(op, grad):
    return grad * 0.5 / op.outputs[0]


@RegisterGradient("Rsqrt")
def _rsqrt_grad(op, grad):
    y = op.outputs[0]
    return grad * (-0.5 * y * y * y)


@RegisterGradient("Reciprocal")
def _reciprocal_grad(op, grad):
    y = op.outputs[0]
    return -grad * y * y


@RegisterGradient("Exp")
def _exp_grad(op, grad):
    return grad * op.outputs[0]


@RegisterGradient("Expm1")
def _expm1_grad(op, grad):
    return grad * m.exp(op.inputs[0])


@RegisterGradient("Log")
def _log_grad(op, grad):
    return grad / op.inputs[0]


@RegisterGradient("Log1p")
def _log1p_grad(op, grad):
    return grad / (1 + op.inputs[0])


@RegisterGradient("Abs")
def _abs_grad(op, grad):
    return grad * m.sign(op.inputs[0])


@RegisterGradient("Sin")
def _sin_grad(op, grad):
    return grad * m.cos(op.inputs[0])


@RegisterGradient("Cos")
def _cos_grad(op, grad):
    return -grad * m.sin(op.inputs[0])


@RegisterGradient("Tan")
def _tan_grad(op, grad):
    y = op.outputs[0]
    return grad * (1 + y * y)


@RegisterGradient("Asin")
def _asin_grad(op, grad):
    x = op.inputs[0]
    return grad * m.rsqrt(1 - x * x)


@RegisterGradient("Acos")
def _acos_grad(op, grad):
    x = op.inputs[0]
    return -grad * m.rsqrt(1 - x * x)


@RegisterGradient("Atan")
def _atan_grad(op, grad):
    x = op.inputs[0]
    return grad / (1 + x * x)


@RegisterGradient("Atan2")
def _atan2_grad(op, grad):
    y, x = op.inputs
    scale = grad / (x * x + y * y)
    return _binary(op, scale * x, -scale * y)


@RegisterGradient("Sinh")
def _sinh_grad(op, grad):
    return grad * m.cosh(op.inputs[0])


@RegisterGradient("Cosh")
def _cosh_grad(op, grad):
    return grad * m.sinh(op.inputs[0])


@RegisterGradient("Tanh")
def _tanh_grad(op, grad):
    y = op.outputs[0]
    return grad * (1 - y * y)


@RegisterGradient("Asinh")
def _asinh_grad(op, grad):
    x = op.inputs[0]
    return grad * m.rsqrt(x * x + 1)


@RegisterGradient("Acosh")
def _acosh_grad(op, grad):
    x = op.inputs[0]
    return grad * m.rsqrt(x * x - 1)


@RegisterGradient("Atanh")
def _atanh_grad(op, grad):
    x = op.inputs[0]
    return grad / (1 - x * x)


@RegisterGradient("Sigmoid")
def _sigmoid_grad(op, grad):
    y = op.outputs[0]
    return grad * y * (1 - y)


@RegisterGradient("Erf")
def _erf_grad(op, grad):
    x = op.inputs[0]
    return grad * (2 / math.sqrt(math.pi)) * m.exp(-x * x)


@RegisterGradient("Erfc")
def _erfc_grad(op, grad):
    x = op.inputs[0]
    return grad * (-2 / math.sqrt(math.pi)) * m.exp(-x * x)


def _share_at_ties(op, grad, x_wins):
    """Max/min gradient: the winner takes it, ties split it evenly."""
    x, y = op.inputs
    weight_x = m.cast(x_wins, grad.dtype) + 0.5 * m.cast(m.equal(x, y), grad.dtype)
    gx = grad * weight_x
    return _binary(op, gx, grad - gx)


@RegisterGradient("Maximum")
def _maximum_grad(op, grad):
    x, y = op.inputs
    return _share_at_ties(op, grad, x > y)


@RegisterGradient("Minimum")
def _minimum_grad(op, grad):
    x, y = op.inputs
    return _share_at_ties(op, grad, x < y)


@RegisterGradient("SquaredDifference")
def _squared_difference_grad(op, grad):
    x, y = op.inputs
    gx = grad * (2 * (x - y))
    return _binary(op, gx, -gx)


def _zero_grad(op, grad):
    return [zeros_like(t) for t in op.inputs]


for _op_type in ("Sign", "Floor", "Ceil", "Round", "FloorDiv"):
    RegisterGradient(_op_type)(_zero_grad)


@RegisterGradient("FloorMod")
def _floormod_grad(op, grad):
    x, y = op.inputs
    return _binary(op, grad, -grad * m.floordiv(x, y))


@RegisterGradient("Cast")
def _cast_grad(op, grad):
    x = op.inputs[0]
    return m.cast(grad, x.dtype) if x.dtype.kind in "fc" else None


@RegisterGradient("ClipByValue")
def _clip_by_value_grad(op, grad):
    t, low, high = op.inputs
    below = t < low
    above = t > high
    zero = zeros_like(grad)
    g_t = where(below | above, zero, grad)
    return (
        unbroadcast(g_t, t),
        unbroadcast(where(below, grad, zero), low),
        unbroadcast(where(above & ~below, grad, zero), high),
    )


@RegisterGradient("AddN")
def _add_n_grad(op, grad):
    return [grad] * len(op.inputs)


# -- added for tapegrad.numpy ---------------------------------------------------------------------


@RegisterGradient("Cbrt")
def _cbrt_grad(op, grad):
    y = op.outputs[0]
    return grad / (3 * y * y)


@RegisterGradient("LogAddExp")
def _logaddexp_grad(op, grad):
    x, y = op.inputs
    z = op.outputs[0]
    return wanted_grads(op, lambda: grad * m.exp(x - z), lambda: grad * m.exp(y - z))


@RegisterGradient("Hypot")
def _hypot_grad(op, grad):
    """x / hypot and y / hypot, taken as 0 where both are 0."""
    x, y = op.inputs
    z = op.outputs[0]
    positive = z > 0
    scale = where(positive, grad / where(positive, z, 1), 0)
    return wanted_grads(op, lambda: scale * x, lambda: scale * y)


@RegisterGradient("TruncateMod")
def _truncatemod_grad(op, grad):
    x, y = op.inputs
    q = x / y
    truncated = where(q >= 0, m.floor(q), m.ceil(q))
    return wanted_grads(op, lambda: grad, lambda: -grad * truncated)
