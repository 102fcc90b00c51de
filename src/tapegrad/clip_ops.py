"""Gradient clipping: by value, by norm, by global norm."""

from __future__ import annotations

from .engine.tensor import convert_to_tensor
from .ops import math_ops as m
from .ops.math_ops import clip_by_value
from .ops.reduction_ops import reduce_sum

__all__ = ["clip_by_value", "clip_by_norm", "clip_by_global_norm", "global_norm"]


def clip_by_norm(t, clip_norm, axes=None, name=None):
    """``t`` scaled so its L2 norm (over ``axes``) is at most ``clip_norm``."""
    t = convert_to_tensor(t)
    norm = m.sqrt_zero_gradient_at_zero(reduce_sum(t * t, axis=axes, keepdims=True))
    clip_norm = m.cast(convert_to_tensor(clip_norm), t.dtype)
    return t * clip_norm / m.maximum(norm, clip_norm)


def global_norm(t_list, name=None):
    """sqrt of the sum of squares of every element of every tensor (None entries skipped)."""
    tensors = [convert_to_tensor(t) for t in t_list if t is not None]
    if not tensors:
        raise ValueError("global_norm: no tensors given")
    total = reduce_sum(tensors[0] * tensors[0])
    for t in tensors[1:]:
        total = total + reduce_sum(t * t)
    return m.sqrt_zero_gradient_at_zero(total)


def clip_by_global_norm(t_list, clip_norm, use_norm=None, name=None):
    """Scale every tensor by ``clip_norm / max(global_norm, clip_norm)``; returns (tensors, norm)."""
    if isinstance(t_list, str) or not hasattr(t_list, "__iter__"):
        raise TypeError("clip_by_global_norm: t_list must be a sequence of tensors")
    t_list = list(t_list)
    norm = global_norm(t_list) if use_norm is None else convert_to_tensor(use_norm)
    clip = m.cast(convert_to_tensor(clip_norm), norm.dtype)
    scale = clip / m.maximum(norm, clip)
    clipped = [None if t is None else convert_to_tensor(t) * m.cast(scale, convert_to_tensor(t).dtype) for t in t_list]
    return clipped, norm
