"""``tapegrad.scipy.special``: SciPy's special functions, differentiable.

Python floats are float64 and integer arrays become float64, as in SciPy; float32
stays float32. ``xlogy(0, y)`` and ``xlog1py(0, y)`` are 0 for every y, with finite
gradients there.
"""

from __future__ import annotations

import math

from ..backend import xp
from ..engine.dispatch import convert_inputs
from ..numpy._core import operands
from ..ops import math_ops as _m
from ..ops import special_ops as _s
from ..ops.array_ops import reshape, stop_gradient, where
from ..ops.linalg_ops import as_inexact
from ..ops.nn_ops import _log_softmax, _softmax
from ..ops.reduction_ops import reduce_logsumexp, reduce_max, reduce_sum
from ..ops.shape_util import normalize_axis

__all__ = [
    "betaln", "digamma", "erf", "erfc", "expit", "gammaln", "log_ndtr", "log_softmax", "logit", "logsumexp",
    "ndtr", "ndtri", "polygamma", "psi", "softmax", "xlog1py", "xlogy",
]  # fmt: skip

_SQRT_HALF = math.sqrt(0.5)


def floats(*values) -> tuple:
    """The arguments as floating tensors: NumPy's conversion, integers as float64, Python scalars weak."""
    return tuple(as_inexact(t) for t in convert_inputs(tuple(operands(*values))))


def erf(x):
    """The error function."""
    return _m.erf(*floats(x))


def erfc(x):
    """1 - erf(x), accurate for large x."""
    return _m.erfc(*floats(x))


def gammaln(x):
    """log |Gamma(x)|."""
    return _s.lgamma(*floats(x))


def digamma(x):
    """psi(x), the derivative of gammaln."""
    return _s.digamma(*floats(x))


psi = digamma


def polygamma(n, x):
    """The n-th derivative of digamma; ``n`` holds non-negative integers (no gradient), broadcast with x."""
    n, x = convert_inputs(tuple(operands(n, x)))
    return _s.polygamma(n, as_inexact(x))


def betaln(a, b):
    """log |B(a, b)| = gammaln(a) + gammaln(b) - gammaln(a + b)."""
    a, b = floats(a, b)
    return _s.lgamma(a) + _s.lgamma(b) - _s.lgamma(a + b)


def expit(x):
    """The logistic sigmoid 1 / (1 + exp(-x))."""
    return _m.sigmoid(*floats(x))


def logit(x):
    """log(x / (1 - x)), the inverse of expit."""
    (x,) = floats(x)
    with xp.errstate(divide="ignore"):  # logit(0) = -inf and logit(1) = inf, as in SciPy
        return _m.log(x) - _m.log1p(-x)


def xlogy(x, y):
    """x * log(y), 0 where x == 0 (for every y)."""
    return _s.xlogy(*floats(x, y))


def xlog1py(x, y):
    """x * log1p(y), 0 where x == 0 (for every y)."""
    return _s.xlog1py(*floats(x, y))


def ndtr(x):
    """The standard normal CDF, 0.5 * erfc(-x / sqrt(2))."""
    (x,) = floats(x)
    return 0.5 * _m.erfc(-_SQRT_HALF * x)


def log_ndtr(x):
    """log of the standard normal CDF, accurate (and with a finite gradient) far into both tails."""
    return _s.log_ndtr(*floats(x))


def ndtri(y):
    """The inverse of ndtr."""
    return _s.ndtri(*floats(y))


def _drop(x, shape, axes, keepdims: bool):
    """A reduction computed with kept axes, reshaped as ``keepdims`` asks."""
    if keepdims:
        return x
    return reshape(x, tuple(n for i, n in enumerate(shape) if axes is not None and i not in axes))


def logsumexp(a, axis=None, b=None, keepdims=False, return_sign=False):
    """log(sum(b * exp(a))) over ``axis``, without overflow; ``b`` (weights) broadcasts with ``a``.

    With ``return_sign``, returns ``(log|s|, sign(s))`` for the sum s; without it, a
    negative sum gives nan and a zero sum -inf, as in SciPy. ``a`` and ``b`` both have
    gradients.
    """
    if b is None:
        (a,) = floats(a)
        out = reduce_logsumexp(a, axis, keepdims)
        if not return_sign:
            return out
        return out, _m.cast(_m.greater(out, -math.inf), out.dtype)
    a, b = floats(a, b)
    wanted = _m.not_equal(b, 0)
    masked = where(wanted, a, -math.inf)
    axes = normalize_axis(axis, masked.ndim, "logsumexp")
    top = stop_gradient(reduce_max(masked, axes, keepdims=True))
    top = where(_m.is_finite(top), top, 0)
    total = reduce_sum(b * _m.exp(masked - top), axes, keepdims=True)
    sign = _m.sign(total)
    with xp.errstate(divide="ignore"):  # a zero sum is -inf, as in SciPy
        out = _m.log(_m.abs(total)) + top
    if not return_sign:
        out = where(total < 0, math.nan, out)
    shape = masked.shape
    out = _drop(out, shape, axes, keepdims)
    return (out, _drop(sign, shape, axes, keepdims)) if return_sign else out


def softmax(x, axis=None):
    """exp(x) / sum(exp(x)) over ``axis`` (None: all elements; a tuple: those axes)."""
    (x,) = floats(x)
    axes = normalize_axis(axis, x.ndim, "softmax")
    if axes is not None and len(axes) == 1:
        return _softmax(x, axis=axes[0])
    return _m.exp(x - reduce_logsumexp(x, axes, keepdims=True))


def log_softmax(x, axis=None):
    """x - logsumexp(x) over ``axis`` (None: all elements; a tuple: those axes)."""
    (x,) = floats(x)
    axes = normalize_axis(axis, x.ndim, "log_softmax")
    if axes is not None and len(axes) == 1:
        return _log_softmax(x, axis=axes[0])
    return x - reduce_logsumexp(x, axes, keepdims=True)
