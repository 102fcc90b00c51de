"""Reductions over axes: sum, mean, product, extrema, logsumexp, moments, scans."""

from __future__ import annotations

from ..backend import xp
from ..checks import real_only
from ..dtypes import as_dtype, int64
from ..engine.dispatch import convert_inputs
from ..engine.registry import NotDifferentiable, Sample, primitive
from .samples import positive, randn
from .shape_util import normalize_axis, normalize_one_axis

__all__ = [
    "reduce_sum", "reduce_mean", "reduce_prod", "reduce_max", "reduce_min", "reduce_logsumexp",
    "reduce_variance", "reduce_std", "reduce_any", "reduce_all", "argmax", "argmin", "cumsum",
    "cumprod",
]  # fmt: skip

_REDUCE_SAMPLES = [
    Sample(randn(3, 4)),
    Sample(randn(3, 4), axis=(1,)),
    Sample(randn(3, 4), axis=(0,), keepdims=True),
    Sample(randn(2, 3, 4), axis=(0, 2)),
    Sample(randn()),
]


def _distinct(*shape):
    """Values whose every pair differs by at least 0.1 (no ties for max/min), shuffled."""
    n = 1
    for s in shape:
        n *= s
    values = xp.linspace(-2.0, 2.0, n) if n > 1 else xp.array([0.3])
    return xp.reshape(values[xp.argsort(randn(n))], shape)


@primitive("Sum", samples=_REDUCE_SAMPLES)
def _sum(x, axis=None, keepdims=False):
    return xp.add.reduce(x, axis=axis, keepdims=keepdims)  # xp.sum without its Python wrapper


def _reduce(op_fn, input_tensor, axis, keepdims):
    """Run reduction ``op_fn`` with ``axis`` normalised against the input's rank."""
    (x,) = convert_inputs((input_tensor,))
    axes = normalize_axis(axis, x.ndim, op_fn.op_type)
    if x.ndim == 0 and axes is not None:
        axes = None  # axis 0 (or -1) of a scalar: the scalar itself, as in TensorFlow
    return op_fn(x, axis=axes, keepdims=bool(keepdims))


def reduce_sum(input_tensor, axis=None, keepdims=False, name=None):
    """Sum of elements over ``axis`` (all axes when None)."""
    return _reduce(_sum, input_tensor, axis, keepdims)


# -- mean, product --------------------------------------------------------------------------------


@primitive("Mean", samples=_REDUCE_SAMPLES)
def _mean(x, axis=None, keepdims=False):
    if x.dtype.kind not in "fc" or x.dtype == xp.float16:  # (NumPy sums float16 in float32)
        out = xp.mean(x, axis=axis, keepdims=keepdims)
        if x.dtype.kind in "iu":
            out = out.astype(x.dtype)  # integer mean truncates toward zero, as in TensorFlow
        return xp.asarray(out)
    out = xp.asarray(xp.add.reduce(x, axis=axis, keepdims=keepdims))  # xp.mean without its Python wrapper
    out /= x.size // out.size if out.size else 1  # the count of elements reduced into each result
    return out


def reduce_mean(input_tensor, axis=None, keepdims=False, name=None):
    """Mean of elements over ``axis`` (all axes when None); integer inputs give a truncated mean."""
    return _reduce(_mean, input_tensor, axis, keepdims)


def _with_zeros():
    x = randn(3, 4)
    x[0, 1] = 0.0
    x[2, 0] = x[2, 3] = 0.0
    return x


_PROD_SAMPLES = [
    *_REDUCE_SAMPLES,
    Sample(randn(2, 3, 4), axis=(0, 1, 2), keepdims=True),
    Sample(_with_zeros(), axis=(1,)),
    Sample(_with_zeros(), axis=(0, 1)),
    Sample(_with_zeros()),
]


@primitive("Prod", samples=_PROD_SAMPLES)
def _prod(x, axis=None, keepdims=False):
    return xp.prod(x, axis=axis, keepdims=keepdims)


def reduce_prod(input_tensor, axis=None, keepdims=False, name=None):
    """Product of elements over ``axis``; its gradient is exact also where inputs are zero."""
    return _reduce(_prod, input_tensor, axis, keepdims)


# -- extrema --------------------------------------------------------------------------------------

_EXTREMA_SAMPLES = [
    Sample(_distinct(3, 4)),
    Sample(_distinct(3, 4), axis=(1,)),
    Sample(_distinct(3, 4), axis=(0,), keepdims=True),
    Sample(_distinct(2, 3, 4), axis=(0, 2)),
    Sample(xp.array(0.7)),
]


@primitive("Max", samples=_EXTREMA_SAMPLES)
def _max(x, axis=None, keepdims=False):
    real_only(x)
    return xp.max(x, axis=axis, keepdims=keepdims)


@primitive("Min", samples=_EXTREMA_SAMPLES)
def _min(x, axis=None, keepdims=False):
    real_only(x)
    return xp.min(x, axis=axis, keepdims=keepdims)


def reduce_max(input_tensor, axis=None, keepdims=False, name=None):
    """Largest element over ``axis``; tied maxima share the gradient evenly."""
    return _reduce(_max, input_tensor, axis, keepdims)


def reduce_min(input_tensor, axis=None, keepdims=False, name=None):
    """Smallest element over ``axis``; tied minima share the gradient evenly."""
    return _reduce(_min, input_tensor, axis, keepdims)


def _lse_samples():
    big = randn(2, 3) + xp.array([[1000.0], [-1000.0]])
    return [*_REDUCE_SAMPLES, Sample(big, axis=(1,)), Sample(big, axis=(0,), keepdims=True)]


@primitive("ReduceLogSumExp", samples=_lse_samples())
def _logsumexp(x, axis=None, keepdims=False):
    top = xp.max(x, axis=axis, keepdims=True, initial=-xp.inf)
    top = xp.where(xp.isfinite(top), top, 0)
    with xp.errstate(divide="ignore"):
        out = xp.log(xp.sum(xp.exp(x - top), axis=axis, keepdims=True)) + top
    return out if keepdims else xp.squeeze(out, axis=axis)


def reduce_logsumexp(input_tensor, axis=None, keepdims=False, name=None):
    """log(sum(exp(x))) over ``axis``, computed without overflow (shifted by the maximum)."""
    return _reduce(_logsumexp, input_tensor, axis, keepdims)


# -- moments (composites of Mean) -----------------------------------------------------------------


@primitive("PowerOfTwoScale", samples=[
    Sample(randn(3, 4)),
    Sample(randn(3, 4) * 1e30, axis=(1,)),
    Sample(randn(2, 3, 4) * 1e-30, axis=(0, 2)),
    Sample(xp.zeros((2, 3)), axis=(0,)),
])  # fmt: skip
def _power_of_two_scale(x, axis=None):
    """Per slice over ``axis`` (kept, of size 1), the power of two 2**e with max|x| < 2**e <= 2 max|x|.

    Dividing by it is exact and brings the slice into [-1, 1], so that squares neither
    overflow nor underflow; 1 for a slice of zeros, or one holding inf or NaN.
    """
    largest = xp.max(xp.abs(x), axis=axis, keepdims=True, initial=0)
    info = xp.finfo(largest.dtype)
    exponent = xp.clip(xp.frexp(largest)[1], info.minexp, info.maxexp - 1)  # 2**exponent and 2**-exponent exist
    return xp.ldexp(xp.ones_like(largest), exponent)


NotDifferentiable("PowerOfTwoScale")


@primitive("ScaledSquare", samples=[
    Sample(randn(3, 4), positive(3, 1)),
    Sample(randn(2, 3), positive(3)),
])  # fmt: skip
def _scaled_square(x, scale):
    """x * (x / scale): for a variance, x**2 / scale without overflow, with a gradient (2 x / scale) of
    the size of x's values / scale, so that it does not overflow either."""
    return xp.multiply(x, x / scale)


def scaled_squares(deviations, axes, power: int):
    """``(squares, scale)`` for a moment of ``power`` 2 (variance) or 1 (standard deviation) over ``axes``.

    ``scale`` is a power of two per slice over ``axes`` (None: all; kept dimensions) that brings
    the deviations into [-1, 1], exactly. For a standard deviation the squares are of the scaled
    deviations, in [0, 1]; for a variance they are ``deviations**2 / scale``, of the deviations'
    size, and so is their gradient (a variance's gradient 2 (x - mean) / n is as representable
    as ``x``, even where the variance overflows). Either way the moment is ``scale`` times the
    moment of the squares.
    """
    from .math_ops import square

    scale = _power_of_two_scale(deviations, axis=axes)
    squares = _scaled_square(deviations, scale) if power == 2 else square(deviations / scale)
    return squares, scale


def unscaled(value, scale, axes, keepdims: bool):
    """``value * scale`` for a reduction over ``axes`` of scaled squares (``scale`` has the kept dimensions)."""
    from .array_ops import squeeze

    if not keepdims:
        scale = squeeze(scale, axis=tuple(range(scale.ndim)) if axes is None else axes)
    return value * scale


def _moment(name: str, input_tensor, axis, keepdims, power: int):
    """The variance (``power`` 2) or standard deviation (``power`` 1) over ``axis``, of deviations scaled
    by a power of two before they are squared, then scaled back: no needless overflow or underflow."""
    from .math_ops import sqrt_zero_gradient_at_zero, square

    (x,) = convert_inputs((input_tensor,))
    axes = None if x.ndim == 0 else normalize_axis(axis, x.ndim, name)
    keepdims = bool(keepdims)
    deviations = x - _mean(x, axis=axes, keepdims=True)
    if x.dtype.kind not in "fc":  # integers: the variance truncated, as in TensorFlow
        variance = _mean(square(deviations), axis=axes, keepdims=keepdims)
        return variance if power == 2 else sqrt_zero_gradient_at_zero(variance)
    squares, scale = scaled_squares(deviations, axes, power)
    value = _mean(squares, axis=axes, keepdims=keepdims)
    return unscaled(value if power == 2 else sqrt_zero_gradient_at_zero(value), scale, axes, keepdims)


def reduce_variance(input_tensor, axis=None, keepdims=False, name=None):
    """Population variance over ``axis``: mean of squared deviations from the mean (two passes).

    Deviations are scaled by a power of two before they are squared: float32 values near
    1e30 or 1e-30 have their variance (where float32 holds it) and gradient.
    """
    return _moment("reduce_variance", input_tensor, axis, keepdims, 2)


def reduce_std(input_tensor, axis=None, keepdims=False, name=None):
    """Population standard deviation over ``axis`` (scaled like ``reduce_variance``: no overflow).

    Where the deviation is zero (constant input) its gradient is taken as 0, not NaN.
    """
    return _moment("reduce_std", input_tensor, axis, keepdims, 1)


# -- logical reductions ---------------------------------------------------------------------------

_BOOL_SAMPLES = [
    Sample(randn(3, 4) > 0),
    Sample(randn(3, 4) > 0, axis=(1,)),
    Sample(randn(2, 3, 4) > 0, axis=(0, 2), keepdims=True),
    Sample(xp.array(True)),
]


@primitive("Any", samples=_BOOL_SAMPLES)
def _any(x, axis=None, keepdims=False):
    return xp.any(x, axis=axis, keepdims=keepdims)


@primitive("All", samples=_BOOL_SAMPLES)
def _all(x, axis=None, keepdims=False):
    return xp.all(x, axis=axis, keepdims=keepdims)


NotDifferentiable("Any")
NotDifferentiable("All")


def reduce_any(input_tensor, axis=None, keepdims=False, name=None):
    """Logical or of elements over ``axis`` (boolean result, not differentiable)."""
    return _reduce(_any, input_tensor, axis, keepdims)


def reduce_all(input_tensor, axis=None, keepdims=False, name=None):
    """Logical and of elements over ``axis`` (boolean result, not differentiable)."""
    return _reduce(_all, input_tensor, axis, keepdims)


# -- arg extrema ----------------------------------------------------------------------------------

_ARG_SAMPLES = [
    Sample(randn(3, 4), axis=0),
    Sample(randn(3, 4), axis=1, output_type=as_dtype("int32")),
    Sample(randn(5), axis=0),
]


@primitive("ArgMax", samples=_ARG_SAMPLES)
def _argmax(input, axis=0, output_type=int64):
    real_only(input)
    return xp.argmax(input, axis=axis).astype(output_type)


@primitive("ArgMin", samples=_ARG_SAMPLES)
def _argmin(input, axis=0, output_type=int64):
    real_only(input)
    return xp.argmin(input, axis=axis).astype(output_type)


NotDifferentiable("ArgMax")
NotDifferentiable("ArgMin")


def _arg(op_fn, input, axis, output_type):
    (x,) = convert_inputs((input,))
    axis = normalize_one_axis(0 if axis is None else axis, x.ndim, op_fn.op_type)
    return op_fn(x, axis=axis, output_type=as_dtype(output_type))


def argmax(input, axis=None, output_type=int64, name=None):
    """Index of the largest element along ``axis`` (0 when None); the first one at ties."""
    return _arg(_argmax, input, axis, output_type)


def argmin(input, axis=None, output_type=int64, name=None):
    """Index of the smallest element along ``axis`` (0 when None); the first one at ties."""
    return _arg(_argmin, input, axis, output_type)


# -- scans ----------------------------------------------------------------------------------------


def _scan(fn, x, axis, exclusive, reverse, identity):
    if reverse:
        x = xp.flip(x, axis)
    if exclusive:
        body = [slice(None)] * x.ndim
        body[axis] = slice(None, -1)
        shape = list(x.shape)
        shape[axis] = min(shape[axis], 1)
        out = xp.concatenate([xp.full(shape, identity, x.dtype), fn(x[tuple(body)], axis=axis)], axis=axis)
    else:
        out = fn(x, axis=axis)
    return xp.flip(out, axis) if reverse else out


_SCAN_SAMPLES = [
    Sample(randn(3, 4), axis=0),
    Sample(randn(3, 4), axis=1, exclusive=True),
    Sample(randn(3, 4), axis=1, reverse=True),
    Sample(randn(2, 3, 4), axis=2, exclusive=True, reverse=True),
    Sample(randn(5), axis=0),
]


@primitive("Cumsum", samples=_SCAN_SAMPLES)
def _cumsum(x, axis=0, exclusive=False, reverse=False):
    return _scan(xp.cumsum, x, axis, exclusive, reverse, 0)


@primitive("Cumprod", samples=_SCAN_SAMPLES)
def _cumprod(x, axis=0, exclusive=False, reverse=False):
    return _scan(xp.cumprod, x, axis, exclusive, reverse, 1)


def _run_scan(op_fn, x, axis, exclusive, reverse):
    (x,) = convert_inputs((x,))
    axis = normalize_one_axis(axis, x.ndim, op_fn.op_type)
    return op_fn(x, axis=axis, exclusive=bool(exclusive), reverse=bool(reverse))


def cumsum(x, axis=0, exclusive=False, reverse=False, name=None):
    """Cumulative sum along ``axis``; ``exclusive`` leaves each element out of its own sum,
    ``reverse`` sums from the end."""
    return _run_scan(_cumsum, x, axis, exclusive, reverse)


def cumprod(x, axis=0, exclusive=False, reverse=False, name=None):
    """Cumulative product along ``axis``; ``exclusive`` and ``reverse`` as in ``cumsum``.

    The gradient is exact wherever the inputs are nonzero, and its first derivative is
    exact at zeros too. Second and higher derivatives at inputs that are exactly zero are
    not: they treat the positions of the zeros as fixed.
    """
    return _run_scan(_cumprod, x, axis, exclusive, reverse)
