"""Special functions whose kernels come from ``scipy.special``.

SciPy is optional: these ops are registered without it, and calling one without SciPy
raises ImportError. ``tapegrad.scipy.special`` is the public face (SciPy's names and
signatures); gradients are in ``special_grad.py``.
"""

from __future__ import annotations

from ..backend import xp
from ..engine.dispatch import convert_inputs
from ..engine.registry import Sample, primitive
from .math_ops import cast
from .samples import positive, randn, unary

__all__ = ["lgamma", "digamma", "polygamma", "xlogy", "xlog1py", "log_ndtr", "ndtri"]

_scipy_special = None


def scipy_special():
    """The ``scipy.special`` module, or ImportError naming what needs it."""
    global _scipy_special
    if _scipy_special is None:
        try:
            from scipy import special
        except ImportError:
            raise ImportError(
                "tapegrad's special functions (gammaln, digamma, polygamma, xlogy, log_ndtr, ...) need SciPy: "
                "pip install 'tapegrad[scipy]'"
            ) from None
        _scipy_special = special
    return _scipy_special


def _float_like(out, *inputs):
    """``out`` in the floating dtype of its inputs (float64 for integers)."""
    dtype = xp.result_type(*inputs)
    return out.astype(dtype if dtype.kind == "f" else xp.float64, copy=False)


_OFF_POLES = xp.array([-2.5, -1.3, -0.5, 0.3, 1.0, 4.0, 12.5])  # away from 0, -1, -2, ...


@primitive("Lgamma", samples=[*unary(positive), Sample(_OFF_POLES)])
def lgamma(x):
    """log |Gamma(x)| (SciPy's gammaln)."""
    return _float_like(scipy_special().gammaln(x), x)


@primitive("Digamma", samples=[*unary(positive), Sample(_OFF_POLES)])
def digamma(x):
    """The logarithmic derivative of Gamma, psi(x)."""
    return _float_like(scipy_special().psi(x), x)


@primitive("Polygamma", samples=[
    Sample(xp.array(1), positive(3, 4)),
    Sample(xp.array([0, 1, 2, 3]), positive(2, 4)),
    Sample(xp.array([[0], [2]]), _OFF_POLES),
])  # fmt: skip
def _polygamma(n, x):
    return _float_like(scipy_special().polygamma(n, x), x)  # n is an integer: x gives the dtype


def polygamma(n, x, name=None):
    """The n-th derivative of digamma at x; ``n`` holds non-negative integers (no gradient)."""
    n, x = convert_inputs((n, x))
    if n.dtype.kind not in "iu":
        values = n.numpy()
        if n.dtype.kind != "f" or not xp.all(values == xp.round(values)):
            raise TypeError(f"polygamma: n must hold integers, got {values!r} of dtype {n.dtype}")
        n = cast(n, "int64")
    return _polygamma(n, x)


def _xlog_samples(make_y):
    x = randn(3, 4)
    x[0, :2] = 0.0  # x = 0: value 0, finite gradients
    return [Sample(x, make_y(3, 4)), Sample(randn(3, 1), make_y(4)), Sample(xp.array([0.0, 1.5]), xp.array(0.7))]


@primitive("Xlogy", samples=_xlog_samples(positive))
def xlogy(x, y):
    """x * log(y), and 0 where x == 0 (even where y == 0)."""
    return _float_like(scipy_special().xlogy(x, y), x, y)


@primitive("Xlog1py", samples=_xlog_samples(lambda *s: positive(*s, low=-0.5, high=1.5)))
def xlog1py(x, y):
    """x * log1p(y), and 0 where x == 0 (even where y == -1)."""
    return _float_like(scipy_special().xlog1py(x, y), x, y)


@primitive("LogNdtr", samples=[*unary(), Sample(xp.array([-40.0, -12.0, -3.0, 0.0, 3.0, 12.0]))])
def log_ndtr(x):
    """log of the standard normal CDF, accurate far in both tails."""
    return _float_like(scipy_special().log_ndtr(x), x)


@primitive("Ndtri", samples=[Sample(positive(3, 4, low=0.05, high=0.95)), Sample(xp.array([0.002, 0.5, 0.995]))])
def ndtri(p):
    """The inverse of the standard normal CDF."""
    return _float_like(scipy_special().ndtri(p), p)


from . import special_grad  # noqa: E402,F401  (registers the gradients)
