"""Reductions and scans with NumPy's signatures: sum, mean, var, extrema, cumsum, average, ...

Built on tapegrad's reduction ops; ``where=`` masks and ``initial=`` values are
applied with ``where``/``maximum`` around them, so everything stays differentiable.
"""

from __future__ import annotations

import builtins
import operator

import numpy as _np

from ..engine.tensor import Tensor, make_tensor
from ..ops import array_ops as _a
from ..ops import math_ops as _m
from ..ops import reduction_ops as _r
from ._core import NoValue, axes, no_out, one_axis, public, ravel, raw, tensor

_float64 = _np.dtype("float64")


def _input(a, dtype=None) -> Tensor:
    return tensor(a, dtype)


def _mask(where, x: Tensor):
    """A ``where=`` argument as a boolean array broadcast to ``x`` (None when it is True)."""
    if where is True or where is NoValue:
        return None
    return _np.broadcast_to(_np.asarray(raw(where), dtype=builtins.bool), x.shape)


def _count(mask, x: Tensor, axis, keepdims: builtins.bool):
    """How many elements each reduction covers, as a NumPy array or int."""
    if mask is None:
        if axis is None:
            return x.size
        n = 1
        for ax in axis:
            n *= x.shape[ax]
        return n
    return _np.sum(mask, axis=axis, keepdims=keepdims)


def _constant(value) -> Tensor:
    return make_tensor(_np.asarray(value))


def _masked_reduction(name, reduce, identity, combine, a, axis, dtype, out, keepdims, initial, where):
    """``reduce`` over ``axis`` with masked-out elements set to ``identity``, then ``initial`` combined in."""
    no_out(out, name)
    x = _input(a, dtype)
    ax = axes(axis, x.ndim, sort=True)
    mask = _mask(where, x)
    if mask is not None:
        x = _a.where(mask, x, identity)
    total = reduce(x, ax, builtins.bool(keepdims))
    return total if initial is NoValue else combine(total, initial)


def sum(a, axis=None, dtype=None, out=None, keepdims=False, initial=NoValue, where=True):
    """Sum of elements over ``axis`` (all when None)."""
    return _masked_reduction("sum", _r.reduce_sum, 0, operator.add, a, axis, dtype, out, keepdims, initial, where)


def prod(a, axis=None, dtype=None, out=None, keepdims=False, initial=NoValue, where=True):
    """Product of elements over ``axis``; the gradient is exact also where elements are zero."""
    return _masked_reduction("prod", _r.reduce_prod, 1, operator.mul, a, axis, dtype, out, keepdims, initial, where)


def _mean_input(a, dtype):
    """The input of a mean: integers and booleans average in float64, as in NumPy."""
    x = _input(a, dtype)
    if dtype is None and x.dtype.kind in "iub":
        x = _m.cast(x, _float64)
    return x


def mean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=True):
    """Arithmetic mean over ``axis`` (integers give float64)."""
    no_out(out, "mean")
    x = _mean_input(a, dtype)
    ax = axes(axis, x.ndim, sort=True)
    mask = _mask(where, x)
    if mask is None:
        return _r.reduce_mean(x, ax, builtins.bool(keepdims))
    total = _r.reduce_sum(_a.where(mask, x, 0), ax, builtins.bool(keepdims))
    return total / _np.asarray(_count(mask, x, ax, keepdims), x.dtype)


def _var(name, a, axis, dtype, out, ddof, keepdims, where, mean, correction, power: int):
    """The variance (``power`` 2) or standard deviation (``power`` 1): deviations are scaled by a power of
    two before they are squared, and the result scaled back, so neither overflows nor underflows needlessly."""
    no_out(out, name)
    if correction is not NoValue:
        if ddof != 0:
            raise ValueError(f"{name}: ddof and correction can't be provided simultaneously.")
        ddof = correction
    x = _mean_input(a, dtype)
    ax = axes(axis, x.ndim, sort=True)
    mask = _mask(where, x)
    if mask is not None:
        x = _a.where(mask, x, 0)  # masked-out values (NaN in nanvar) must not reach the gradient
    count = _count(mask, x, ax, True)
    if mean is not NoValue:
        centre = tensor(mean)
    else:
        centre = _r.reduce_sum(x, ax, True) / _np.asarray(count, x.dtype)
    deviation = x - centre
    if mask is not None:
        deviation = _a.where(mask, deviation, 0)
        count = _count(mask, x, ax, keepdims)
    squares, scale = _r.scaled_squares(deviation, ax, power)
    total = _r.reduce_sum(squares, ax, builtins.bool(keepdims))
    dof = _np.maximum(_np.asarray(count) - ddof, 0).astype(x.dtype)
    value = total / dof if power == 2 else _m.sqrt_zero_gradient_at_zero(total / dof)
    return _r.unscaled(value, scale, ax, builtins.bool(keepdims))


def var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=True, mean=NoValue, correction=NoValue):
    """Variance over ``axis``: the mean squared deviation, divided by ``N - ddof``."""
    return _var("var", a, axis, dtype, out, ddof, keepdims, where, mean, correction, 2)


def std(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=True, mean=NoValue, correction=NoValue):
    """Standard deviation over ``axis`` (sqrt of ``var``); its gradient is 0 where it is 0."""
    return _var("std", a, axis, dtype, out, ddof, keepdims, where, mean, correction, 1)


def _extremum(name, reduce, pick, a, axis, out, keepdims, initial, where):
    no_out(out, name)
    x = _input(a)
    ax = axes(axis, x.ndim, sort=True)
    mask = _mask(where, x)
    if mask is not None and initial is NoValue:
        raise ValueError(f"{name}: a where= mask needs initial= (the reduction has no identity)")
    if x.size == 0:
        kwargs = {} if initial is NoValue else {"initial": initial}
        return _constant(getattr(_np, name)(x._value, axis=ax, keepdims=keepdims, **kwargs))
    if mask is not None:
        x = _a.where(mask, x, initial)
    result = reduce(x, ax, builtins.bool(keepdims))
    return result if initial is NoValue else pick(result, initial)


def max(a, axis=None, out=None, keepdims=False, initial=NoValue, where=True):
    """The largest element over ``axis``; tied maxima share the gradient evenly."""
    return _extremum("max", _r.reduce_max, _m.maximum, a, axis, out, keepdims, initial, where)


def min(a, axis=None, out=None, keepdims=False, initial=NoValue, where=True):
    """The smallest element over ``axis``; tied minima share the gradient evenly."""
    return _extremum("min", _r.reduce_min, _m.minimum, a, axis, out, keepdims, initial, where)


def amax(a, axis=None, out=None, keepdims=False, initial=NoValue, where=True):
    """The largest element over ``axis`` (alias of ``max``)."""
    return _extremum("amax", _r.reduce_max, _m.maximum, a, axis, out, keepdims, initial, where)


def amin(a, axis=None, out=None, keepdims=False, initial=NoValue, where=True):
    """The smallest element over ``axis`` (alias of ``min``)."""
    return _extremum("amin", _r.reduce_min, _m.minimum, a, axis, out, keepdims, initial, where)


def ptp(a, axis=None, out=None, keepdims=False):
    """Peak to peak: ``max - min`` over ``axis``."""
    no_out(out, "ptp")
    return max(a, axis, keepdims=keepdims) - min(a, axis, keepdims=keepdims)


# -- NaN-ignoring reductions --------------------------------------------------------------------


def _nan_mask(x: Tensor):
    return _np.isnan(x._value) if x.dtype.kind in "fc" else None


def nansum(a, axis=None, dtype=None, out=None, keepdims=False, initial=NoValue, where=True):
    """Sum over ``axis`` treating NaN as zero (NaN elements get a zero gradient)."""
    x = _input(a, dtype)
    nan = _nan_mask(x)
    return sum(x if nan is None else _a.where(nan, 0, x), axis, None, out, keepdims, initial, where)


def nanprod(a, axis=None, dtype=None, out=None, keepdims=False, initial=NoValue, where=True):
    """Product over ``axis`` treating NaN as one."""
    x = _input(a, dtype)
    nan = _nan_mask(x)
    return prod(x if nan is None else _a.where(nan, 1, x), axis, None, out, keepdims, initial, where)


def _not_nan(x: Tensor, where):
    nan = _nan_mask(x)
    mask = _mask(where, x)
    if nan is None:
        return where
    return ~nan if mask is None else mask & ~nan


def nanmean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=True):
    """Mean over ``axis`` of the elements that are not NaN."""
    x = _mean_input(a, dtype)
    return mean(x, axis, None, out, keepdims, where=_not_nan(x, where))


def nanvar(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=True, mean=NoValue, correction=NoValue):
    """Variance over ``axis`` of the elements that are not NaN."""
    x = _mean_input(a, dtype)
    return _var("nanvar", x, axis, None, out, ddof, keepdims, _not_nan(x, where), mean, correction, 2)


def nanstd(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=True, mean=NoValue, correction=NoValue):
    """Standard deviation over ``axis`` of the elements that are not NaN."""
    x = _mean_input(a, dtype)
    return std(x, axis, None, out, ddof, keepdims, where=_not_nan(x, where), mean=mean, correction=correction)


def _nan_extremum(name, fill, plain, a, axis, out, keepdims, initial, where):
    x = _input(a)
    nan = _nan_mask(x)
    if nan is None:
        return plain(x, axis, out, keepdims, initial, where)
    result = plain(_a.where(nan, fill, x), axis, out, keepdims, initial, where)
    all_nan = _np.all(nan, axis=axes(axis, x.ndim, sort=True), keepdims=keepdims)
    return _a.where(all_nan, _np.nan, result) if _np.any(all_nan) else result


def nanmax(a, axis=None, out=None, keepdims=False, initial=NoValue, where=True):
    """The largest element over ``axis``, ignoring NaN (NaN where a slice is all NaN)."""
    return _nan_extremum("nanmax", -_np.inf, max, a, axis, out, keepdims, initial, where)


def nanmin(a, axis=None, out=None, keepdims=False, initial=NoValue, where=True):
    """The smallest element over ``axis``, ignoring NaN (NaN where a slice is all NaN)."""
    return _nan_extremum("nanmin", _np.inf, min, a, axis, out, keepdims, initial, where)


# -- scans ---------------------------------------------------------------------------------------


def _scan(op, a, axis, dtype, out, name):
    no_out(out, name)
    x = _input(a, dtype)
    if axis is None:
        x, axis = ravel(x), 0
    return op(x, one_axis(axis, x.ndim))


def cumsum(a, axis=None, dtype=None, out=None):
    """Cumulative sum along ``axis`` (of the flattened input when None)."""
    return _scan(_r.cumsum, a, axis, dtype, out, "cumsum")


def cumprod(a, axis=None, dtype=None, out=None):
    """Cumulative product along ``axis`` (of the flattened input when None)."""
    return _scan(_r.cumprod, a, axis, dtype, out, "cumprod")


def _cumulative(name, op, identity, x, axis, dtype, out, include_initial):
    x = _input(x, dtype)
    if axis is None:
        if x.ndim > 1:
            raise ValueError(f"{name}: axis must be given for arrays of more than one dimension")
        axis = 0
    if x.ndim == 0:
        raise ValueError(f"{name}: input must have at least one dimension")
    result = _scan(op, x, axis, None, out, name)
    if not include_initial:
        return result
    ax = one_axis(axis, x.ndim)
    shape = list(x.shape)
    shape[ax] = 1
    start = make_tensor(_np.full(shape, identity, result.dtype))
    return _a.concat([start, result], ax)


def cumulative_sum(x, /, *, axis=None, dtype=None, out=None, include_initial=False):
    """Cumulative sum along ``axis`` (NumPy 2's array-API form; ``include_initial`` prepends 0)."""
    return _cumulative("cumulative_sum", _r.cumsum, 0, x, axis, dtype, out, include_initial)


def cumulative_prod(x, /, *, axis=None, dtype=None, out=None, include_initial=False):
    """Cumulative product along ``axis`` (NumPy 2's array-API form; ``include_initial`` prepends 1)."""
    return _cumulative("cumulative_prod", _r.cumprod, 1, x, axis, dtype, out, include_initial)


# -- average -------------------------------------------------------------------------------------


def average(a, axis=None, weights=None, returned=False, *, keepdims=False):
    """The weighted average over ``axis``; differentiable in ``a`` and in ``weights``.

    With ``returned``, also the sum of the weights (broadcast to the average's shape).
    """
    x = _input(a)
    ax = axes(axis, x.ndim)
    keep = builtins.bool(keepdims)
    if weights is None:
        avg = mean(x, ax, keepdims=keep)
        scale = make_tensor(_np.asarray(x.size / avg.size, avg.dtype))
    else:
        w = _input(weights)
        if w.shape != x.shape:
            if ax is None:
                raise TypeError("Axis must be specified when shapes of a and weights differ.")
            if w.shape != tuple(x.shape[i] for i in ax):
                raise ValueError("Shape of weights must be consistent with shape of a along specified axis.")
            w = _a.transpose(w, tuple(int(i) for i in _np.argsort(ax)))
            w = _a.reshape(w, tuple(n if i in ax else 1 for i, n in enumerate(x.shape)))
        if x.dtype.kind in "iub":
            dtype = _np.result_type(x.dtype, w.dtype, "f8")
        else:
            dtype = _np.result_type(x.dtype, w.dtype)
        reduce_axes = None if ax is None else tuple(sorted(ax))
        scale = _r.reduce_sum(tensor(w, dtype), reduce_axes, keep)
        if _np.any(scale._value == 0.0):
            raise ZeroDivisionError("Weights sum to zero, can't be normalized")
        product = tensor(x, dtype) * tensor(w, dtype)
        avg = _r.reduce_sum(product, reduce_axes, keep) / scale
    if not returned:
        return avg
    if scale.shape != avg.shape:
        scale = _a.broadcast_to(scale, avg.shape)
    return avg, scale


for _f in (sum, prod, mean, var, std, max, min, amax, amin, ptp, nansum, nanprod, nanmean, nanvar, nanstd,
           nanmax, nanmin, cumsum, cumprod, cumulative_sum, cumulative_prod, average):  # fmt: skip
    public(_f)
del _f
