"""Gradients of the nn ops, written in tapegrad ops."""

from __future__ import annotations

import math

from ..batching import RegisterBatchRule, batch_rule
from ..engine.registry import RegisterGradient
from . import math_ops as m
from . import nn_ops as nn
from .array_ops import broadcast_to, where
from .grad_util import insert_axis, is_zero, unbroadcast
from .reduction_ops import reduce_sum


@RegisterGradient("Relu")
def _relu_grad(op, grad):
    return nn._relu_grad(grad, op.inputs[0])


@RegisterGradient("ReluGrad")
def _relu_grad_grad(op, grad):
    return nn._relu_grad(grad, op.inputs[1]), None


RegisterBatchRule("ReluGrad")(batch_rule("Relu"))  # element-wise, as Relu


@RegisterGradient("Relu6")
def _relu6_grad(op, grad):
    x = op.inputs[0]
    return where(m.logical_and(x > 0, x < 6), grad, 0)


@RegisterGradient("LeakyRelu")
def _leaky_relu_grad(op, grad):
    return where(op.inputs[0] > 0, grad, grad * op.get_attr("alpha"))


@RegisterGradient("Elu")
def _elu_grad(op, grad):
    x = op.inputs[0]
    return where(x > 0, grad, grad * m.exp(m.minimum(x, 0)))


@RegisterGradient("Selu")
def _selu_grad(op, grad):
    x = op.inputs[0]
    return where(x > 0, grad * nn.SELU_SCALE, grad * (nn.SELU_SCALE * nn.SELU_ALPHA) * m.exp(m.minimum(x, 0)))


@RegisterGradient("Gelu")
def _gelu_grad(op, grad):
    x = op.inputs[0]
    if op.get_attr("approximate"):
        c, a = nn._GELU_C, nn._GELU_A
        s = m.sigmoid((2 * c) * (x + a * x * x * x))
        du = (2 * c) * (1 + (3 * a) * x * x)
        return grad * (s + x * s * (1 - s) * du)
    cdf = 0.5 * m.erfc(x * -math.sqrt(0.5))
    pdf = m.exp(-0.5 * x * x) * (1 / math.sqrt(2 * math.pi))
    return grad * (cdf + x * pdf)


@RegisterGradient("Softplus")
def _softplus_grad(op, grad):
    return grad * m.sigmoid(op.inputs[0])


@RegisterGradient("Softsign")
def _softsign_grad(op, grad):
    return grad / m.square(1 + m.abs(op.inputs[0]))


@RegisterGradient("Softmax")
def _softmax_grad(op, grad):
    y = op.outputs[0]
    axis = op.get_attr("axis")
    return y * (grad - reduce_sum(grad * y, axis=axis, keepdims=True))


@RegisterGradient("LogSoftmax")
def _log_softmax_grad(op, grad):
    axis = op.get_attr("axis")
    return grad - m.exp(op.outputs[0]) * reduce_sum(grad, axis=axis, keepdims=True)


@RegisterGradient("SoftmaxCrossEntropyWithLogits")
def _softmax_xent_grad(op, grad):
    labels, logits = op.inputs
    axis = op.get_attr("axis")
    g = insert_axis(grad, axis)
    shape = _broadcast_shape(labels._value.shape, logits._value.shape)
    wide_labels = labels if labels._value.shape == shape else broadcast_to(labels, shape)
    wide_logits = logits if logits._value.shape == shape else broadcast_to(logits, shape)
    total = reduce_sum(wide_labels, axis=axis, keepdims=True)
    d_logits = g * (nn._softmax(wide_logits, axis=axis) * total - wide_labels)
    d_labels = -g * nn._log_softmax(wide_logits, axis=axis)
    return unbroadcast(d_labels, labels), unbroadcast(d_logits, logits)


def _broadcast_shape(a, b):
    n = max(len(a), len(b))
    a = (1,) * (n - len(a)) + tuple(a)
    b = (1,) * (n - len(b)) + tuple(b)
    return tuple(max(x, y) if min(x, y) != 0 else 0 for x, y in zip(a, b))


@RegisterGradient("SparseSoftmaxCrossEntropyWithLogits")
def _sparse_softmax_xent_grad(op, grad, grad_backprop):
    logits = op.inputs[1]
    backprop = op.outputs[1]
    result = insert_axis(grad, grad.ndim) * backprop
    if not is_zero(grad_backprop):  # differentiating the gradient: backprop = softmax(logits) - one_hot
        softmax = nn._softmax(logits, axis=logits.ndim - 1)
        result = result + softmax * (grad_backprop - reduce_sum(grad_backprop * softmax, axis=-1, keepdims=True))
    return None, result
