"""Losses: mean squared error and cross-entropies, as functions and Keras-like classes.

Functions return one loss per example; the classes reduce them: ``"sum_over_batch_size"``
(the mean, the default), ``"sum"``, or ``"none"``.
"""

from __future__ import annotations

from ..engine.tensor import convert_to_tensor
from ..ops import math_ops as m
from ..ops import nn_ops
from ..ops.reduction_ops import reduce_mean, reduce_sum

_EPSILON = 1e-7  # Keras' fuzz factor for probabilities


def _pair(y_true, y_pred):
    y_pred = convert_to_tensor(y_pred)
    y_true = m.cast(convert_to_tensor(y_true), y_pred.dtype)
    return y_true, y_pred


def mean_squared_error(y_true, y_pred):
    """Mean over the last axis of (y_true - y_pred)²."""
    y_true, y_pred = _pair(y_true, y_pred)
    return reduce_mean(m.squared_difference(y_true, y_pred), axis=-1)


def binary_crossentropy(y_true, y_pred, from_logits: bool = False):
    """Mean over the last axis of the binary cross-entropy (stable from logits)."""
    y_true, y_pred = _pair(y_true, y_pred)
    if from_logits:
        return reduce_mean(nn_ops.sigmoid_cross_entropy_with_logits(labels=y_true, logits=y_pred), axis=-1)
    p = m.clip_by_value(y_pred, _EPSILON, 1 - _EPSILON)
    return reduce_mean(-(y_true * m.log(p) + (1 - y_true) * m.log(1 - p)), axis=-1)


def categorical_crossentropy(y_true, y_pred, from_logits: bool = False, axis: int = -1):
    """Cross-entropy of one-hot (or soft) labels against probabilities or logits."""
    y_true, y_pred = _pair(y_true, y_pred)
    if from_logits:
        return nn_ops.softmax_cross_entropy_with_logits(labels=y_true, logits=y_pred, axis=axis)
    p = y_pred / reduce_sum(y_pred, axis=axis, keepdims=True)
    return -reduce_sum(y_true * m.log(m.clip_by_value(p, _EPSILON, 1 - _EPSILON)), axis=axis)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits: bool = False):
    """Cross-entropy of integer class labels against probabilities or logits."""
    y_pred = convert_to_tensor(y_pred)
    labels = m.cast(convert_to_tensor(y_true), "int64")
    if not from_logits:
        y_pred = m.log(m.clip_by_value(y_pred, _EPSILON, 1 - _EPSILON))
    return nn_ops.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=y_pred)


_REDUCTIONS = ("sum_over_batch_size", "sum", "none", None)


class Loss:
    """A loss function with a reduction; call it as ``loss(y_true, y_pred)``."""

    def __init__(self, fn, reduction: str | None = "sum_over_batch_size", name: str | None = None, **options):
        if not callable(fn):
            raise TypeError(f"{type(self).__name__}: the loss function must be callable, got {type(fn).__name__}")
        if reduction not in _REDUCTIONS:
            raise ValueError(f"{type(self).__name__}: reduction must be one of {_REDUCTIONS}, got {reduction!r}")
        self.fn, self.reduction, self.options = fn, reduction, options
        self.name = name or fn.__name__

    def __call__(self, y_true, y_pred):
        losses = self.fn(y_true, y_pred, **self.options)
        if self.reduction == "sum":
            return reduce_sum(losses)
        if self.reduction == "sum_over_batch_size":
            return reduce_mean(losses)
        return losses


class MeanSquaredError(Loss):
    def __init__(self, reduction: str | None = "sum_over_batch_size", name: str | None = None):
        super().__init__(mean_squared_error, reduction, name)


class BinaryCrossentropy(Loss):
    def __init__(self, from_logits: bool = False, reduction: str | None = "sum_over_batch_size", name=None):
        super().__init__(binary_crossentropy, reduction, name, from_logits=from_logits)


class CategoricalCrossentropy(Loss):
    def __init__(self, from_logits: bool = False, reduction: str | None = "sum_over_batch_size", name=None):
        super().__init__(categorical_crossentropy, reduction, name, from_logits=from_logits)


class SparseCategoricalCrossentropy(Loss):
    def __init__(self, from_logits: bool = False, reduction: str | None = "sum_over_batch_size", name=None):
        super().__init__(sparse_categorical_crossentropy, reduction, name, from_logits=from_logits)
