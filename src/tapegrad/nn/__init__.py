"""``tg.nn``: neural-network ops under TensorFlow's ``tf.nn`` names, and small Keras-like layers.

Ops: activations, softmax and the cross-entropy losses, plus the element-wise functions
that ``tf.nn`` also exposes (``sigmoid``, ``tanh``). Layers: ``Module`` (variable
tracking), ``Dense``, ``Sequential``, ``Dropout``, ``Activation``; ``losses``,
``initializers`` and ``activations`` submodules.
"""

from __future__ import annotations

from ..ops.math_ops import sigmoid, tanh
from ..ops.nn_ops import (
    elu,
    gelu,
    l2_loss,
    leaky_relu,
    log_softmax,
    relu,
    relu6,
    selu,
    sigmoid_cross_entropy_with_logits,
    silu,
    softmax,
    softmax_cross_entropy_with_logits,
    softplus,
    softsign,
    sparse_softmax_cross_entropy_with_logits,
    swish,
)
from . import activations, initializers, losses
from .layers import Activation, Dense, Dropout, Sequential
from .losses import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    MeanSquaredError,
    SparseCategoricalCrossentropy,
)
from .module import Module

__all__ = [
    "Activation", "BinaryCrossentropy", "CategoricalCrossentropy", "Dense", "Dropout", "MeanSquaredError",
    "Module", "Sequential", "SparseCategoricalCrossentropy", "activations", "initializers", "losses",
    "elu", "gelu", "l2_loss", "leaky_relu", "log_softmax", "relu", "relu6", "selu", "sigmoid",
    "sigmoid_cross_entropy_with_logits", "silu", "softmax", "softmax_cross_entropy_with_logits",
    "softplus", "softsign", "sparse_softmax_cross_entropy_with_logits", "swish", "tanh",
]  # fmt: skip
