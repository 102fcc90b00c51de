"""``tg.math``: TensorFlow's ``tf.math`` namespace (element-wise math and reductions)."""

from .ops.math_ops import *  # noqa: F403
from .ops.nn_ops import softplus, softsign  # noqa: F401
from .ops.reduction_ops import *  # noqa: F403
