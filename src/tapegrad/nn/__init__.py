"""``tg.nn``: neural-network ops under TensorFlow's ``tf.nn`` names.

Activations, softmax and the cross-entropy losses, plus the element-wise functions that
``tf.nn`` also exposes (``sigmoid``, ``tanh``).
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

__all__ = [
    "elu", "gelu", "l2_loss", "leaky_relu", "log_softmax", "relu", "relu6", "selu", "sigmoid",
    "sigmoid_cross_entropy_with_logits", "silu", "softmax", "softmax_cross_entropy_with_logits",
    "softplus", "softsign", "sparse_softmax_cross_entropy_with_logits", "swish", "tanh",
]  # fmt: skip
