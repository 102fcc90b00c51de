"""Element-wise functions (NumPy's ufuncs and a few relatives) as tapegrad ops.

Each is a thin adapter over tapegrad's ops; NumPy's keyword ``dtype=`` converts the
inputs first, ``out=`` is refused (tensors are immutable).
"""

from __future__ import annotations

import builtins
import math

import numpy as _np

from ..engine.tensor import Tensor, make_tensor
from ..ops import array_ops as _a
from ..ops import math_ops as _m
from ._core import NoValue, check_ufunc_kwargs, no_out, operands, public, raw, result_dtype, tensor

_LN2 = math.log(2.0)
_LN10 = math.log(10.0)


def _unary(name: str, body, doc: str):
    def f(x, /, out=None, *, where=True, dtype=None):
        check_ufunc_kwargs(name, out, where)
        (x,) = operands(x, dtype=dtype)
        return body(x)

    f.__doc__ = doc
    return public(f, name)


def _binary(name: str, body, doc: str):
    def f(x1, x2, /, out=None, *, where=True, dtype=None):
        check_ufunc_kwargs(name, out, where)
        return body(*operands(x1, x2, dtype=dtype))

    f.__doc__ = doc
    return public(f, name)


def _floating(x: Tensor, ufunc) -> Tensor:
    """``x`` cast to the dtype NumPy's floating-only ``ufunc`` computes in (ints -> float64)."""
    dtype = result_dtype(ufunc, x.dtype)
    return x if x.dtype == dtype else _m.cast(x, dtype)


# -- arithmetic -----------------------------------------------------------------------------------

add = _binary("add", _m.add, "x1 + x2, element-wise with broadcasting.")
subtract = _binary("subtract", _m.subtract, "x1 - x2, element-wise with broadcasting.")
multiply = _binary("multiply", _m.multiply, "x1 * x2, element-wise with broadcasting.")
divide = _binary("divide", _m.divide, "x1 / x2 (true division), element-wise with broadcasting.")
true_divide = _binary("true_divide", _m.divide, "x1 / x2 (true division), element-wise with broadcasting.")
floor_divide = _binary(
    "floor_divide", _m.floordiv, "floor(x1 / x2), element-wise; its gradient is zero (a step function)."
)
mod = _binary("mod", _m.floormod, "x1 - floor(x1 / x2) * x2: the remainder with the sign of x2 (Python's %).")
remainder = _binary(
    "remainder", _m.floormod, "x1 - floor(x1 / x2) * x2: the remainder with the sign of x2 (Python's %)."
)
fmod = _binary("fmod", _m.truncatemod, "The remainder of x1 / x2 rounded toward zero (C's fmod): the sign of x1.")
power = _binary("power", _m.pow, "x1 ** x2, element-wise with broadcasting.")
pow = _binary("pow", _m.pow, "x1 ** x2, element-wise with broadcasting (NumPy 2's alias of power).")


def _float_power(x1, x2):
    def wide(t):
        t = tensor(t)
        dtype = _np.complex128 if t.dtype.kind == "c" else _np.float64
        return t if t.dtype == dtype else _m.cast(t, dtype)

    return _m.pow(wide(x1), wide(x2))


float_power = _binary("float_power", _float_power, "x1 ** x2 computed in float64 (complex128 for complex inputs).")


def divmod(x1, x2, /, out=(None, None), *, where=True, dtype=None):
    """``(floor_divide(x1, x2), mod(x1, x2))``."""
    for o in out if isinstance(out, tuple) else (out,):
        no_out(o, "divmod")
    check_ufunc_kwargs("divmod", None, where)
    a, b = operands(x1, x2, dtype=dtype)
    return _m.floordiv(a, b), _m.floormod(a, b)


public(divmod)

negative = _unary("negative", _m.negative, "-x.")
positive = _unary("positive", _a.identity, "+x (a copy; the gradient flows through).")
reciprocal = _unary("reciprocal", _m.reciprocal, "1 / x.")
square = _unary("square", _m.square, "x * x.")
sqrt = _unary("sqrt", _m.sqrt, "The non-negative square root.")
cbrt = _unary("cbrt", _m._cbrt, "The real cube root (negative for negative x).")
absolute = _unary("absolute", _m.abs, "|x|; its gradient at 0 is 0.")
abs = _unary("abs", _m.abs, "|x|; its gradient at 0 is 0.")
fabs = _unary("fabs", lambda x: _m.abs(_floating(x, _np.fabs)), "|x| as a float; its gradient at 0 is 0.")
sign = _unary("sign", _m.sign, "-1, 0 or 1 by the sign of x; its gradient is zero.")

# -- exponentials and logarithms ------------------------------------------------------------------

exp = _unary("exp", _m.exp, "e ** x.")
exp2 = _unary("exp2", lambda x: _m.pow(2.0, x), "2 ** x.")
expm1 = _unary("expm1", _m.expm1, "e ** x - 1, accurate near 0.")
log = _unary("log", _m.log, "The natural logarithm.")
log2 = _unary("log2", lambda x: _m.log(x) / _LN2, "The base-2 logarithm.")
log10 = _unary("log10", lambda x: _m.log(x) / _LN10, "The base-10 logarithm.")
log1p = _unary("log1p", _m.log1p, "log(1 + x), accurate near 0.")
logaddexp = _binary("logaddexp", _m._logaddexp, "log(exp(x1) + exp(x2)), computed without overflow.")


def _logaddexp2(x1, x2):
    return _m._logaddexp(x1 * _LN2, x2 * _LN2) / _LN2


logaddexp2 = _binary("logaddexp2", _logaddexp2, "log2(2 ** x1 + 2 ** x2), computed without overflow.")

# -- trigonometric and hyperbolic -----------------------------------------------------------------

sin = _unary("sin", _m.sin, "Sine.")
cos = _unary("cos", _m.cos, "Cosine.")
tan = _unary("tan", _m.tan, "Tangent.")
arcsin = _unary("arcsin", _m.asin, "Inverse sine.")
arccos = _unary("arccos", _m.acos, "Inverse cosine.")
arctan = _unary("arctan", _m.atan, "Inverse tangent.")
sinh = _unary("sinh", _m.sinh, "Hyperbolic sine.")
cosh = _unary("cosh", _m.cosh, "Hyperbolic cosine.")
tanh = _unary("tanh", _m.tanh, "Hyperbolic tangent.")
arcsinh = _unary("arcsinh", _m.asinh, "Inverse hyperbolic sine.")
arccosh = _unary("arccosh", _m.acosh, "Inverse hyperbolic cosine.")
arctanh = _unary("arctanh", _m.atanh, "Inverse hyperbolic tangent.")
asin = _unary("asin", _m.asin, "Inverse sine (NumPy 2's alias of arcsin).")
acos = _unary("acos", _m.acos, "Inverse cosine (NumPy 2's alias of arccos).")
atan = _unary("atan", _m.atan, "Inverse tangent (NumPy 2's alias of arctan).")
asinh = _unary("asinh", _m.asinh, "Inverse hyperbolic sine (NumPy 2's alias of arcsinh).")
acosh = _unary("acosh", _m.acosh, "Inverse hyperbolic cosine (NumPy 2's alias of arccosh).")
atanh = _unary("atanh", _m.atanh, "Inverse hyperbolic tangent (NumPy 2's alias of arctanh).")
arctan2 = _binary("arctan2", _m.atan2, "The angle of the point (x2, x1), in (-pi, pi].")
atan2 = _binary("atan2", _m.atan2, "The angle of the point (x2, x1) (NumPy 2's alias of arctan2).")
hypot = _binary("hypot", _m._hypot, "sqrt(x1 ** 2 + x2 ** 2) without overflow; its gradient at the origin is 0.")
deg2rad = _unary("deg2rad", lambda x: x * (math.pi / 180.0), "Degrees to radians.")
radians = _unary("radians", lambda x: x * (math.pi / 180.0), "Degrees to radians.")
rad2deg = _unary("rad2deg", lambda x: x * (180.0 / math.pi), "Radians to degrees.")
degrees = _unary("degrees", lambda x: x * (180.0 / math.pi), "Radians to degrees.")


def sinc(x):
    """sin(pi x) / (pi x), and 1 at 0; near 0 its Taylor series, so every derivative is right there."""
    x = tensor(x)
    small = _m.less(_m.abs(x), 1e-3)
    y = math.pi * _a.where(small, 1.0, x)
    z2 = _m.square(math.pi * x)
    return _a.where(small, 1.0 - z2 / 6.0 + z2 * z2 / 120.0, _m.sin(y) / y)


public(sinc)

# -- extrema, clipping, selection ----------------------------------------------------------------

maximum = _binary("maximum", _m.maximum, "The larger of x1 and x2 (NaN if either is); ties share the gradient.")
minimum = _binary("minimum", _m.minimum, "The smaller of x1 and x2 (NaN if either is); ties share the gradient.")


def _nan_ignoring(extremum):
    def body(x1, x2):
        return _a.where(_np.isnan(raw(x2)), x1, _a.where(_np.isnan(raw(x1)), x2, extremum(x1, x2)))

    return body


fmax = _binary("fmax", _nan_ignoring(_m.maximum), "The larger of x1 and x2, ignoring a NaN in either.")
fmin = _binary("fmin", _nan_ignoring(_m.minimum), "The smaller of x1 and x2, ignoring a NaN in either.")


def _copysign(x1, x2):
    magnitude = tensor(x1, result_dtype(_np.copysign, x1, x2))
    flip = _np.signbit(raw(x1)) != _np.signbit(raw(x2))
    return _a.where(flip, -magnitude, magnitude)


copysign = _binary("copysign", _copysign, "|x1| with the sign of x2 (no gradient for x2).")


def clip(a, a_min=NoValue, a_max=NoValue, out=None, *, min=NoValue, max=NoValue, **kwargs):
    """``a`` limited to [a_min, a_max] (either bound may be None); differentiable in all three.

    NumPy 2's ``min=``/``max=`` keywords may replace ``a_min``/``a_max``.
    """
    check_ufunc_kwargs("clip", out, kwargs.pop("where", True))
    dtype = kwargs.pop("dtype", None)
    if kwargs:
        raise TypeError(f"clip: unsupported argument(s) {', '.join(kwargs)}")
    if (a_min is not NoValue or a_max is not NoValue) and (min is not NoValue or max is not NoValue):
        raise ValueError("clip: pass a_min/a_max or min/max, not both")
    low = min if min is not NoValue else a_min
    high = max if max is not NoValue else a_max
    low = None if low is NoValue else low
    high = None if high is NoValue else high
    if low is None and high is None:
        return _a.identity(tensor(a, dtype))
    if low is None:
        return _m.minimum(*operands(a, high, dtype=dtype))
    if high is None:
        return _m.maximum(*operands(a, low, dtype=dtype))
    return _m.clip_by_value(*operands(a, low, high, dtype=dtype))


public(clip)


def where(condition, x=None, y=None, /):
    """Elements of ``x`` where ``condition`` holds, else of ``y`` (differentiable in x and y).

    With ``condition`` alone: ``nonzero(condition)``, a tuple of index tensors.
    """
    if x is None and y is None:
        return tuple(make_tensor(i) for i in _np.nonzero(_np.asarray(raw(condition))))
    if x is None or y is None:
        raise ValueError("either both or neither of x and y should be given")
    cond = make_tensor(_np.asarray(raw(condition), dtype=builtins.bool))
    x, y = operands(x, y)
    return _a.where(cond, x, y)


public(where)


def nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None):
    """``x`` with NaN, +inf and -inf replaced by finite numbers (their gradient is 0)."""
    x = tensor(x)
    if x.dtype.kind not in "fc":
        return _a.identity(x) if copy else x
    if x.dtype.kind == "c":
        raise NotImplementedError("nan_to_num: complex inputs are not supported")
    info = _np.finfo(x.dtype)
    value = x._value
    out = _a.where(_np.isnan(value), nan, x)
    out = _a.where(_np.isposinf(value), info.max if posinf is None else posinf, out)
    return _a.where(_np.isneginf(value), info.min if neginf is None else neginf, out)


public(nan_to_num)
