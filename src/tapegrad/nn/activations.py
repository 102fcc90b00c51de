"""Activation functions by name, for layers' ``activation=`` argument."""

from __future__ import annotations

from ..ops import math_ops, nn_ops

_BY_NAME = {
    "relu": nn_ops.relu, "relu6": nn_ops.relu6, "leaky_relu": nn_ops.leaky_relu, "elu": nn_ops.elu,
    "selu": nn_ops.selu, "gelu": nn_ops.gelu, "silu": nn_ops.silu, "swish": nn_ops.silu,
    "softplus": nn_ops.softplus, "softsign": nn_ops.softsign, "softmax": nn_ops.softmax,
    "log_softmax": nn_ops.log_softmax, "sigmoid": math_ops.sigmoid, "tanh": math_ops.tanh,
    "exponential": math_ops.exp,
}  # fmt: skip


def linear(x):
    """The identity: no activation."""
    return x


def get(identifier):
    """An activation function from a name (``"relu"``), a callable, or None (linear)."""
    if identifier is None or identifier == "linear":
        return linear
    if isinstance(identifier, str):
        try:
            return _BY_NAME[identifier]
        except KeyError:
            raise ValueError(f"unknown activation {identifier!r}; known: {', '.join(sorted(_BY_NAME))}") from None
    if callable(identifier):
        return identifier
    raise TypeError(f"an activation must be a name or a callable, got {type(identifier).__name__}")
