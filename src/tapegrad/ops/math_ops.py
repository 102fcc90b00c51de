"""Element-wise math: arithmetic, powers, exponentials, trigonometry, special functions.

Each op is a NumPy kernel turned into an op by ``primitive``; its gradient is in
``math_grad.py``.
"""

from __future__ import annotations

from ..backend import special_function, xp
from ..checks import real_only
from ..dtypes import as_dtype
from ..engine.registry import NotDifferentiable, Sample, primitive
from .samples import away_from_integers, binary, positive, randn, unary, unit

__all__ = [
    "add", "subtract", "multiply", "divide", "truediv", "negative", "pow", "square", "sqrt",
    "rsqrt", "reciprocal", "exp", "expm1", "log", "log1p", "abs", "sign", "sin", "cos", "tan",
    "asin", "acos", "atan", "atan2", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh",
    "sigmoid", "erf", "erfc", "maximum", "minimum", "squared_difference", "floor", "ceil",
    "round", "floordiv", "floormod", "mod", "cast", "equal", "not_equal", "less", "less_equal",
    "greater", "greater_equal", "logical_and", "logical_or", "logical_not", "logical_xor",
    "is_finite", "is_nan", "is_inf", "clip_by_value", "add_n",
]  # fmt: skip


def _far_from(x, y):
    """``y`` moved away from ``x`` so that ties (kinks of max/min) are not sampled."""
    return y + xp.where(xp.abs(x - y) < 0.1, 0.3, 0.0)


@primitive("AddV2", samples=binary())
def add(x, y):
    """x + y, element-wise with broadcasting."""
    return xp.add(x, y)


@primitive("Sub", samples=binary())
def subtract(x, y):
    """x - y, element-wise with broadcasting."""
    return xp.subtract(x, y)


@primitive("Mul", samples=binary())
def multiply(x, y):
    """x * y, element-wise with broadcasting."""
    return xp.multiply(x, y)


@primitive("RealDiv", samples=binary(randn, positive))
def divide(x, y):
    """x / y, element-wise with broadcasting (true division)."""
    return xp.true_divide(x, y)


truediv = divide


@primitive("Neg", samples=unary())
def negative(x):
    """-x."""
    return xp.negative(x)


@primitive("Pow", samples=binary(positive, randn))
def _pow(x, y):
    return xp.power(x, y)


def pow(x, y, name=None):
    """x ** y, element-wise with broadcasting; ``x ** 2`` is ``square(x)`` (cheaper, also its gradient)."""
    if type(y) in (int, float) and y == 2:
        return square(x)
    return _pow(x, y)


@primitive("Square", samples=unary())
def square(x):
    """x * x."""
    return xp.square(x)


@primitive("Sqrt", samples=unary(positive))
def sqrt(x):
    """Square root."""
    return xp.sqrt(x)


@primitive("Rsqrt", samples=unary(positive))
def rsqrt(x):
    """1 / sqrt(x)."""
    return 1 / xp.sqrt(x)


@primitive("Reciprocal", samples=unary(positive))
def reciprocal(x):
    """1 / x."""
    return xp.reciprocal(x)


@primitive("Exp", samples=unary())
def exp(x):
    """e ** x."""
    return xp.exp(x)


@primitive("Expm1", samples=unary())
def expm1(x):
    """e ** x - 1, accurate near 0."""
    return xp.expm1(x)


@primitive("Log", samples=unary(positive))
def log(x):
    """Natural logarithm."""
    return xp.log(x)


@primitive("Log1p", samples=unary(positive))
def log1p(x):
    """log(1 + x), accurate near 0."""
    return xp.log1p(x)


@primitive("Abs", samples=unary())
def abs(x):
    """|x|; its gradient at 0 is 0."""
    return xp.abs(x)


@primitive("Sign", samples=unary())
def sign(x):
    """-1, 0 or 1 (zero gradient)."""
    return xp.sign(x)


@primitive("Sin", samples=unary())
def sin(x):
    """Sine."""
    return xp.sin(x)


@primitive("Cos", samples=unary())
def cos(x):
    """Cosine."""
    return xp.cos(x)


@primitive("Tan", samples=unary(unit))
def tan(x):
    """Tangent."""
    return xp.tan(x)


@primitive("Asin", samples=unary(unit))
def asin(x):
    """Inverse sine."""
    return xp.arcsin(x)


@primitive("Acos", samples=unary(unit))
def acos(x):
    """Inverse cosine."""
    return xp.arccos(x)


@primitive("Atan", samples=unary())
def atan(x):
    """Inverse tangent."""
    return xp.arctan(x)


@primitive("Atan2", samples=binary(randn, positive) + binary(positive, randn)[:1])
def atan2(y, x):
    """Angle of the point (x, y), element-wise."""
    return xp.arctan2(y, x)


@primitive("Sinh", samples=unary())
def sinh(x):
    """Hyperbolic sine."""
    return xp.sinh(x)


@primitive("Cosh", samples=unary())
def cosh(x):
    """Hyperbolic cosine."""
    return xp.cosh(x)


@primitive("Tanh", samples=unary())
def tanh(x):
    """Hyperbolic tangent."""
    return xp.tanh(x)


@primitive("Asinh", samples=unary())
def asinh(x):
    """Inverse hyperbolic sine."""
    return xp.arcsinh(x)


@primitive("Acosh", samples=unary(lambda *s: positive(*s, low=1.5, high=3.0)))
def acosh(x):
    """Inverse hyperbolic cosine."""
    return xp.arccosh(x)


@primitive("Atanh", samples=unary(unit))
def atanh(x):
    """Inverse hyperbolic tangent."""
    return xp.arctanh(x)


@primitive("Sigmoid", samples=unary() + [Sample(xp.array([-1000.0, -30.0, 0.0, 30.0, 1000.0]))])
def sigmoid(x):
    """1 / (1 + e ** -x), computed without overflow."""
    real_only(x)
    e = xp.exp(-xp.abs(x))
    return xp.where(x >= 0, 1 / (1 + e), e / (1 + e))


_erf = special_function("erf")
_erfc = special_function("erfc")


@primitive("Erf", samples=unary())
def erf(x):
    """The error function."""
    return _erf(x)


@primitive("Erfc", samples=unary())
def erfc(x):
    """1 - erf(x), accurate for large x."""
    return _erfc(x)


def _max_min_samples():
    x = randn(3, 4)
    ties = randn(3, 4)
    ties[0] = x[0]
    return [
        Sample(x, _far_from(x, randn(3, 4))),
        Sample(x, _far_from(x, randn(4))),
        Sample(randn(), randn(2, 3) + 1.0),
    ]


@primitive("Maximum", samples=_max_min_samples())
def maximum(x, y):
    """The larger of x and y; at ties each gets half the gradient."""
    real_only(x, y)
    return xp.maximum(x, y)


@primitive("Minimum", samples=_max_min_samples())
def minimum(x, y):
    """The smaller of x and y; at ties each gets half the gradient."""
    real_only(x, y)
    return xp.minimum(x, y)


@primitive("SquaredDifference", samples=binary())
def squared_difference(x, y):
    """(x - y) ** 2."""
    return xp.square(xp.subtract(x, y))


@primitive("Floor", samples=unary(away_from_integers))
def floor(x):
    """Largest integer <= x (zero gradient)."""
    return xp.floor(x)


@primitive("Ceil", samples=unary(away_from_integers))
def ceil(x):
    """Smallest integer >= x (zero gradient)."""
    return xp.ceil(x)


@primitive("Round", samples=unary(away_from_integers))
def round(x):
    """Nearest integer, halves to even (zero gradient)."""
    return xp.round(x)


@primitive("FloorDiv", samples=binary(away_from_integers, lambda *s: positive(*s, low=1.1, high=1.3)))
def floordiv(x, y):
    """floor(x / y) (zero gradient)."""
    return xp.floor_divide(x, y)


@primitive("FloorMod", samples=binary(away_from_integers, lambda *s: positive(*s, low=1.1, high=1.3)))
def floormod(x, y):
    """x - floor(x / y) * y, with the sign of y (Python's %)."""
    return xp.mod(x, y)


mod = floormod


@primitive("Cast", samples=[Sample(randn(2, 3), dtype="float64")])
def _cast(x, dtype=None):
    if x.dtype.kind == "c" and dtype.kind != "c":
        x = x.real  # TensorFlow's rule: casting complex to real keeps the real part
    return x.astype(dtype, copy=False)


def cast(x, dtype, name=None):
    """``x`` converted to ``dtype`` (differentiable between floating types; complex to real keeps
    the real part)."""
    return _cast(x, dtype=as_dtype(dtype))


_CLIP_SAMPLES = [
    Sample(randn(3, 4), xp.array(-0.5), xp.array(0.6)),
    Sample(randn(3, 4), xp.array([-0.5, -0.3, -0.7, -0.4]), xp.array([[0.5], [0.3], [0.6]])),
]


@primitive("ClipByValue", samples=_CLIP_SAMPLES)
def clip_by_value(t, clip_value_min, clip_value_max):
    """``t`` with values below the minimum raised to it and above the maximum lowered to it."""
    real_only(t, clip_value_min, clip_value_max)
    return xp.minimum(xp.maximum(t, clip_value_min), clip_value_max)


def _predicate(op_type: str, name: str, ufunc, doc: str, ordering: bool = False):
    """A non-differentiable element-wise op returning booleans, from a NumPy ufunc.

    An ``ordering`` comparison rejects complex inputs, which have no order."""
    if ufunc.nin == 2:
        samples = [Sample(randn(3, 4), randn(4))]

        def kernel(x, y):
            if ordering:
                real_only(x, y)
            return ufunc(x, y)
    else:
        samples = [Sample(randn(3, 4))]

        def kernel(x):
            return ufunc(x)

    kernel.__name__ = kernel.__qualname__ = name
    kernel.__doc__ = doc
    fn = primitive(op_type, samples=samples)(kernel)
    NotDifferentiable(op_type)
    return fn


equal = _predicate("Equal", "equal", xp.equal, "x == y, element-wise.")
not_equal = _predicate("NotEqual", "not_equal", xp.not_equal, "x != y, element-wise.")
less = _predicate("Less", "less", xp.less, "x < y, element-wise.", ordering=True)
less_equal = _predicate("LessEqual", "less_equal", xp.less_equal, "x <= y, element-wise.", ordering=True)
greater = _predicate("Greater", "greater", xp.greater, "x > y, element-wise.", ordering=True)
greater_equal = _predicate("GreaterEqual", "greater_equal", xp.greater_equal, "x >= y, element-wise.", ordering=True)
logical_and = _predicate("LogicalAnd", "logical_and", xp.logical_and, "x and y, element-wise.")
logical_or = _predicate("LogicalOr", "logical_or", xp.logical_or, "x or y, element-wise.")
logical_xor = _predicate("LogicalXor", "logical_xor", xp.logical_xor, "x xor y, element-wise.")
logical_not = _predicate("LogicalNot", "logical_not", xp.logical_not, "not x, element-wise.")
is_finite = _predicate("IsFinite", "is_finite", xp.isfinite, "Whether x is finite, element-wise.")
is_nan = _predicate("IsNan", "is_nan", xp.isnan, "Whether x is NaN, element-wise.")
is_inf = _predicate("IsInf", "is_inf", xp.isinf, "Whether x is infinite, element-wise.")


@primitive("AddN", samples=[Sample(randn(3), randn(3), randn(3)), Sample(randn(2, 2))])
def _add_n(*inputs):
    if any(x.shape != inputs[0].shape for x in inputs[1:]):  # the gradient passes grad to each as is
        raise ValueError(f"AddN: all inputs need one shape, got {[x.shape for x in inputs]}")
    total = inputs[0].astype(xp.result_type(*inputs), copy=True)  # promote as x + y + ... would
    for x in inputs[1:]:
        total += x
    return total


def add_n(inputs, name=None):
    """The element-wise sum of a list of tensors of one shape and dtype."""
    inputs = list(inputs)
    if not inputs:
        raise ValueError("add_n: expected a non-empty list of tensors")
    shapes = {tuple(getattr(t, "shape", ())) for t in inputs}
    if len(shapes) > 1:
        raise ValueError(f"add_n: all inputs need one shape, got {sorted(shapes)}")
    return _add_n(*inputs)


# -- added for tapegrad.numpy: cube root, log-add-exp, hypot, truncated remainder -----------------


def _away_from_zero(*shape):
    """Values with |x| in [0.5, 2): away from the kinks and poles at 0."""
    return xp.where(randn(*shape) >= 0, 1.0, -1.0) * positive(*shape)


@primitive("Cbrt", samples=unary(_away_from_zero))
def _cbrt(x):
    """The real cube root (also of negative numbers); its gradient is infinite at 0."""
    return xp.cbrt(x)


def _logaddexp_samples():
    big = xp.array([[1000.0, -1000.0, 0.0], [-750.0, 700.0, 3.0]])
    return [*binary(), Sample(big, big[::-1] + 0.5)]


@primitive("LogAddExp", samples=_logaddexp_samples())
def _logaddexp(x, y):
    """log(exp(x) + exp(y)), computed without overflow."""
    return xp.logaddexp(x, y)


@primitive("Hypot", samples=binary(_away_from_zero, _away_from_zero))
def _hypot(x, y):
    """sqrt(x ** 2 + y ** 2) without overflow; its gradient is 0 at the origin (never NaN)."""
    return xp.hypot(x, y)


@primitive("TruncateMod", samples=binary(away_from_integers, lambda *s: positive(*s, low=1.1, high=1.3)))
def truncatemod(x, y):
    """The remainder of x / y rounded toward zero (C's fmod): it has the sign of x."""
    return xp.fmod(x, y)


__all__.append("truncatemod")


def sqrt_zero_gradient_at_zero(x):
    """sqrt(x) whose gradient at 0 is 0 instead of infinite (norms, standard deviations).

    NaN stays NaN.
    """
    from .array_ops import where

    positive = greater(x, 0)
    return where(positive, sqrt(where(positive, x, 1)), x * 0)
