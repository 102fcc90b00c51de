"""Reductions over axes: sum, mean, product, extrema, logsumexp, moments, scans."""

from __future__ import annotations

from ..backend import xp
from ..engine.dispatch import convert_inputs
from ..engine.registry import Sample, primitive
from .samples import randn
from .shape_util import normalize_axis

__all__ = ["reduce_sum"]

_REDUCE_SAMPLES = [
    Sample(randn(3, 4)),
    Sample(randn(3, 4), axis=(1,)),
    Sample(randn(3, 4), axis=(0,), keepdims=True),
    Sample(randn(2, 3, 4), axis=(0, 2)),
    Sample(randn()),
]


@primitive("Sum", samples=_REDUCE_SAMPLES)
def _sum(x, axis=None, keepdims=False):
    return xp.sum(x, axis=axis, keepdims=keepdims)


def _reduce(op_fn, input_tensor, axis, keepdims):
    """Run reduction ``op_fn`` with ``axis`` normalised against the input's rank."""
    (x,) = convert_inputs((input_tensor,))
    return op_fn(x, axis=normalize_axis(axis, x.ndim, op_fn.op_type), keepdims=bool(keepdims))


def reduce_sum(input_tensor, axis=None, keepdims=False, name=None):
    """Sum of elements over ``axis`` (all axes when None)."""
    return _reduce(_sum, input_tensor, axis, keepdims)
