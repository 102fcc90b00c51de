"""``tapegrad.scipy.stats``: probability distributions, differentiable in their arguments.

``norm`` is the normal distribution: ``norm.pdf(x, loc=0, scale=1)`` and ``logpdf``,
``cdf``, ``logcdf``, ``sf``, ``logsf``, ``ppf``, differentiable with respect to x (or
q), loc and scale; ``norm(loc, scale)`` freezes the parameters. ``logcdf`` and
``logsf`` use ``log_ndtr``, accurate (with finite gradients) far into the tails. A
scale that is not positive gives nan, as in SciPy.
"""

from __future__ import annotations

import math

from ..ops import math_ops as _m
from ..ops import special_ops as _s
from ..ops.array_ops import where
from .special import floats

__all__ = ["norm", "norm_gen"]

_LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)
_SQRT_HALF = math.sqrt(0.5)


def _checked(fn, scale, scale_t, *args):
    """``fn(*args, scale)``, nan where the scale is not positive (SciPy's rule).

    A positive Python scale needs no check; otherwise the scale is replaced by 1 where
    it is not positive before ``fn`` sees it, so that no warning or NaN gradient arises.
    """
    if isinstance(scale, int | float) and scale > 0:
        return fn(*args, scale_t)
    valid = scale_t > 0
    return where(valid, fn(*args, where(valid, scale_t, 1)), math.nan)


class norm_gen:
    """The normal distribution with mean ``loc`` and standard deviation ``scale``."""

    def __call__(self, loc=0.0, scale=1.0):
        """The distribution with ``loc`` and ``scale`` fixed."""
        return norm_frozen(self, loc, scale)

    @staticmethod
    def _standardized(fn, x, loc, scale):
        """``fn(z, scale)`` for z = (x - loc) / scale, nan where scale <= 0."""
        x, loc_t, scale_t = floats(x, loc, scale)
        return _checked(lambda x, loc, s: fn((x - loc) / s, s), scale, scale_t, x, loc_t)

    def logpdf(self, x, loc=0.0, scale=1.0):
        """log of the density: -z^2 / 2 - log(scale) - log(sqrt(2 pi)), z = (x - loc) / scale."""
        return self._standardized(lambda z, s: -0.5 * z * z - _m.log(s) - _LOG_SQRT_2PI, x, loc, scale)

    def pdf(self, x, loc=0.0, scale=1.0):
        """The density."""
        return _m.exp(self.logpdf(x, loc, scale))

    def cdf(self, x, loc=0.0, scale=1.0):
        """P(X <= x) = erfc(-z / sqrt(2)) / 2."""
        return self._standardized(lambda z, s: 0.5 * _m.erfc(-_SQRT_HALF * z), x, loc, scale)

    def logcdf(self, x, loc=0.0, scale=1.0):
        """log P(X <= x), through log_ndtr."""
        return self._standardized(lambda z, s: _s.log_ndtr(z), x, loc, scale)

    def sf(self, x, loc=0.0, scale=1.0):
        """P(X > x) = erfc(z / sqrt(2)) / 2."""
        return self._standardized(lambda z, s: 0.5 * _m.erfc(_SQRT_HALF * z), x, loc, scale)

    def logsf(self, x, loc=0.0, scale=1.0):
        """log P(X > x), through log_ndtr."""
        return self._standardized(lambda z, s: _s.log_ndtr(-z), x, loc, scale)

    def ppf(self, q, loc=0.0, scale=1.0):
        """The quantile function: loc + scale * ndtri(q)."""
        q, loc_t, scale_t = floats(q, loc, scale)
        return _checked(lambda q, loc, s: loc + s * _s.ndtri(q), scale, scale_t, q, loc_t)


def _frozen(name: str):
    def method(self, x):
        return getattr(self.dist, name)(x, self.loc, self.scale)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"``norm.{name}`` with this distribution's ``loc`` and ``scale``."
    return method


class norm_frozen:
    """A normal distribution with fixed ``loc`` and ``scale``: ``norm(loc, scale).pdf(x)``."""

    def __init__(self, dist, loc, scale):
        self.dist, self.loc, self.scale = dist, loc, scale

    pdf, logpdf, cdf, logcdf = _frozen("pdf"), _frozen("logpdf"), _frozen("cdf"), _frozen("logcdf")
    sf, logsf, ppf = _frozen("sf"), _frozen("logsf"), _frozen("ppf")


norm = norm_gen()
