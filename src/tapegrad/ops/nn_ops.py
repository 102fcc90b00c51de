"""Neural-network ops: activations, softmax and the cross-entropy losses (TensorFlow's ``tf.nn``).

Kernels are NumPy functions turned into ops by ``primitive``; their gradients are in
``nn_grad.py``. A few functions are composites of other ops where that is numerically sound.
"""

from __future__ import annotations

import math

from .. import backend
from ..backend import special_function, xp
from ..checks import real_only
from ..engine.dispatch import convert_inputs
from ..engine.registry import Sample, primitive
from .math_ops import cast, multiply, sigmoid, square, subtract
from .reduction_ops import reduce_sum
from .samples import integers, randn, unary
from .shape_util import normalize_one_axis

__all__ = [
    "relu", "relu6", "leaky_relu", "elu", "selu", "gelu", "softplus", "softsign", "silu", "swish",
    "softmax", "log_softmax", "softmax_cross_entropy_with_logits",
    "sparse_softmax_cross_entropy_with_logits", "sigmoid_cross_entropy_with_logits", "l2_loss",
]  # fmt: skip

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946

_erfc = special_function("erfc")
_EXTREMES = xp.array([-1000.0, -30.0, -0.5, 0.5, 30.0, 1000.0])


def _away_from(*kinks):
    """A sampler of normal values scaled by 3, none within 0.1 of the given kinks."""

    def make(*shape):
        x = 3 * randn(*shape)
        for k in kinks:
            x = x + xp.where(xp.abs(x - k) < 0.1, 0.25, 0.0)
        return x

    return make


def _stable_sigmoid(x):
    e = xp.exp(-xp.abs(x))
    return xp.where(x >= 0, 1 / (1 + e), e / (1 + e))


# -- activations ----------------------------------------------------------------------------------


@primitive("Relu", samples=unary(_away_from(0.0)))
def relu(features):
    """max(features, 0); its gradient at 0 is 0."""
    real_only(features)
    return xp.maximum(features, 0)


def _relu_grad_samples() -> list:
    away = _away_from(0.0)
    return [Sample(randn(*shape), away(*shape)) for shape in ((3, 4), (), (2, 1, 3))]


@primitive("ReluGrad", samples=_relu_grad_samples())
def _relu_grad(gradients, features):
    """``gradients`` where ``features > 0``, else 0 (also where ``gradients`` is inf or NaN).

    ``xp.where`` branches on each element; multiplying the bits of ``gradients`` by 0 or 1 does not.
    """
    bits = xp.dtype(f"u{gradients.dtype.itemsize}")
    return xp.multiply(gradients.view(bits), xp.greater(features, 0), dtype=bits).view(gradients.dtype)


@primitive("Relu6", samples=unary(_away_from(0.0, 6.0)) + [Sample(xp.array([-1.0, 2.0, 7.0]))])
def relu6(features):
    """min(max(features, 0), 6); its gradient at 0 and at 6 is 0."""
    real_only(features)
    return xp.minimum(xp.maximum(features, 0), 6)


@primitive("LeakyRelu", samples=[*unary(_away_from(0.0)), Sample(_away_from(0.0)(3, 4), alpha=0.01)])
def _leaky_relu(features, alpha=0.2):
    real_only(features)
    return xp.where(features > 0, features, features * alpha)


def leaky_relu(features, alpha=0.2, name=None):
    """features where positive, else ``alpha * features``; the gradient at 0 is ``alpha``."""
    return _leaky_relu(features, alpha=float(alpha))


@primitive("Elu", samples=unary(_away_from(0.0)))
def elu(features):
    """features where positive, else exp(features) - 1."""
    real_only(features)
    return xp.where(features > 0, features, xp.expm1(xp.minimum(features, 0)))


@primitive("Selu", samples=unary(_away_from(0.0)))
def selu(features):
    """Scaled ELU: scale * (features where positive, else alpha * (exp(features) - 1))."""
    real_only(features)
    negative = SELU_ALPHA * xp.expm1(xp.minimum(features, 0))
    return SELU_SCALE * xp.where(features > 0, features, negative)


_GELU_C = math.sqrt(2 / math.pi)
_GELU_A = 0.044715


@primitive("Gelu", samples=[*unary(), Sample(randn(3, 4), approximate=True), Sample(_EXTREMES),
                            Sample(_EXTREMES, approximate=True)])  # fmt: skip
def _gelu(features, approximate=False):
    real_only(features)
    x = features
    if approximate:
        # 0.5 * (1 + tanh(u)) == sigmoid(2u), which has no cancellation for negative u
        return x * _stable_sigmoid(2 * _GELU_C * (x + _GELU_A * x * x * x))
    return 0.5 * x * _erfc(-x * math.sqrt(0.5))


def gelu(features, approximate=False, name=None):
    """Gaussian error linear unit: x * Phi(x), or its tanh approximation when ``approximate``."""
    return _gelu(features, approximate=bool(approximate))


@primitive("Softplus", samples=[*unary(), Sample(_EXTREMES)])
def softplus(features):
    """log(1 + exp(features)), computed without overflow."""
    real_only(features)
    x = features
    return xp.log1p(xp.exp(-xp.abs(x))) + xp.maximum(x, 0)


@primitive("Softsign", samples=unary(_away_from(0.0)))
def softsign(features):
    """features / (1 + |features|)."""
    return features / (1 + xp.abs(features))


def silu(features, beta=1.0, name=None):
    """Sigmoid linear unit (swish): features * sigmoid(beta * features)."""
    (x,) = convert_inputs((features,))
    return multiply(x, sigmoid(multiply(x, beta)))


swish = silu


# -- softmax --------------------------------------------------------------------------------------


def _shifted(x, axis):
    """``x`` minus its maximum along ``axis`` (a finite shift, so ±inf stays meaningful)."""
    top = xp.maximum.reduce(x, axis=axis, keepdims=True)
    return x - xp.where(xp.isfinite(top), top, 0)


def _softmax_samples():
    big = randn(2, 3) * 2 + xp.array([[1000.0], [-1000.0]])
    return [
        Sample(randn(3, 4), axis=1),
        Sample(randn(3, 4), axis=0),
        Sample(randn(2, 3, 4), axis=1),
        Sample(randn(5), axis=0),
        Sample(big, axis=1),
    ]


def _log_softmax_array(x, axis):
    z = _shifted(x, axis)
    return z - xp.log(xp.sum(xp.exp(z), axis=axis, keepdims=True))


@primitive("Softmax", samples=_softmax_samples())
def _softmax(logits, axis=-1):
    e = xp.exp(_shifted(logits, axis))
    return e / xp.sum(e, axis=axis, keepdims=True)


@primitive("LogSoftmax", samples=_softmax_samples())
def _log_softmax(logits, axis=-1):
    return _log_softmax_array(logits, axis)


def _softmax_axis(logits, axis, op_type):
    (x,) = convert_inputs((logits,))
    return x, normalize_one_axis(-1 if axis is None else axis, x.ndim, op_type)


def softmax(logits, axis=None, name=None):
    """exp(logits) / sum(exp(logits)) along ``axis`` (the last when None), without overflow."""
    x, axis = _softmax_axis(logits, axis, "Softmax")
    return _softmax(x, axis=axis)


def log_softmax(logits, axis=None, name=None):
    """logits - log(sum(exp(logits))) along ``axis`` (the last when None), without overflow."""
    x, axis = _softmax_axis(logits, axis, "LogSoftmax")
    return _log_softmax(x, axis=axis)


# -- losses ---------------------------------------------------------------------------------------


def _labels_like(labels, logits):
    """Tensors for ``labels`` and ``logits``, the labels cast to the dtype of the logits."""
    labels, logits = convert_inputs((labels, logits))
    if labels.dtype != logits.dtype:
        labels = cast(labels, logits.dtype)
    return labels, logits


def _soft_labels(*shape):
    p = xp.exp(randn(*shape))
    return p / xp.sum(p, axis=-1, keepdims=True)


_SOFTMAX_XENT_SAMPLES = [
    Sample(_soft_labels(3, 4), randn(3, 4), axis=1),
    Sample(randn(3, 4), randn(3, 4), axis=0),
    Sample(_soft_labels(4), randn(3, 4), axis=1),
    Sample(_soft_labels(2, 3, 4), randn(2, 1, 4) * 3, axis=2),
    Sample(_soft_labels(5), randn(5), axis=0),
    Sample(_soft_labels(2, 3), randn(2, 3) + xp.array([[1000.0], [-1000.0]]), axis=1),
]


@primitive("SoftmaxCrossEntropyWithLogits", samples=_SOFTMAX_XENT_SAMPLES)
def _softmax_xent(labels, logits, axis=-1):
    shape = xp.broadcast_shapes(labels.shape, logits.shape)
    log_p = _log_softmax_array(xp.broadcast_to(logits, shape), axis)
    return -xp.sum(labels * log_p, axis=axis)


def softmax_cross_entropy_with_logits(labels, logits, axis=-1, name=None):
    """-sum(labels * log_softmax(logits)) along ``axis``; differentiable in both arguments.

    ``labels`` should be probability distributions (rows summing to 1); ``labels`` and
    ``logits`` broadcast against each other.
    """
    labels, logits = _labels_like(labels, logits)
    try:
        shape = backend.xp.broadcast_shapes(labels.shape, logits.shape)
    except ValueError:
        raise ValueError(
            f"SoftmaxCrossEntropyWithLogits: labels of shape {labels.shape} and logits of shape "
            f"{logits.shape} do not broadcast"
        ) from None
    return _softmax_xent(labels, logits, axis=normalize_one_axis(axis, len(shape), "SoftmaxCrossEntropyWithLogits"))


_SPARSE_XENT_SAMPLES = [
    Sample(integers(3, high=4), randn(3, 4)),
    Sample(integers(2, 3, high=5), randn(2, 3, 5)),
    Sample(xp.array(2), randn(4)),
    Sample(xp.array([0, 2]), randn(2, 3) + xp.array([[1000.0], [-1000.0]])),
]


@primitive("SparseSoftmaxCrossEntropyWithLogits", samples=_SPARSE_XENT_SAMPLES)
def _sparse_softmax_xent(labels, logits):
    if labels.dtype.kind not in "iu":
        raise TypeError(f"labels must be integers, got dtype {labels.dtype}")
    if logits.ndim < 1 or labels.shape != logits.shape[:-1]:
        raise ValueError(f"labels must have the shape of logits without its last axis, {logits.shape[:-1]}")
    classes = logits.shape[-1]
    unsigned = labels.view(f"u{labels.dtype.itemsize}")  # negative labels become large
    if labels.size and unsigned.max() >= classes:
        raise ValueError(f"labels must be in [0, {classes})")
    # one row per label; the arrays made below are new, so they are written in place
    shifted = _shifted(logits.reshape(labels.size, classes), -1)
    backprop = xp.exp(shifted)
    total = xp.add.reduce(backprop, axis=-1, keepdims=True)
    picked = (xp.arange(labels.size), unsigned.reshape(-1))  # each label's logit
    loss = xp.log(total[:, 0])
    loss -= shifted[picked]
    backprop /= total
    backprop[picked] -= 1  # softmax - one_hot(labels): the gradient, as TensorFlow's op returns it
    return loss.reshape(labels.shape), backprop.reshape(logits.shape)


def sparse_softmax_cross_entropy_with_logits(labels, logits, name=None):
    """-log_softmax(logits)[..., labels]: cross entropy with integer class ``labels``.

    ``labels`` has the shape of ``logits`` without its last (class) axis.
    """
    return _sparse_softmax_xent(labels, logits)[0]


def sigmoid_cross_entropy_with_logits(labels=None, logits=None, name=None):
    """Element-wise logistic loss max(x, 0) - x * z + log(1 + exp(-|x|)), x = logits, z = labels."""
    if labels is None or logits is None:
        raise ValueError("sigmoid_cross_entropy_with_logits: both labels and logits are needed")
    labels, logits = _labels_like(labels, logits)
    if labels.shape != logits.shape:
        raise ValueError(
            f"sigmoid_cross_entropy_with_logits: logits and labels must have the same shape, "
            f"got {logits.shape} and {labels.shape}"
        )
    return subtract(softplus(logits), multiply(logits, labels))


def l2_loss(t, name=None):
    """sum(t ** 2) / 2."""
    return reduce_sum(square(t)) / 2
