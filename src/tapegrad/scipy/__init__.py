"""``tapegrad.scipy``: differentiable versions of SciPy functions, under SciPy's names.

``special`` (erf, gammaln, digamma, polygamma, logsumexp, xlogy, softmax, ...),
``stats`` (``norm``) and ``linalg`` (solve_triangular, cho_solve, ...). Arguments
convert as NumPy converts them (Python floats are float64); results are tensors.
SciPy computes the special functions' values, so it must be installed.
"""

from __future__ import annotations

try:
    import scipy as _scipy
except ImportError:
    raise ImportError(
        "tapegrad.scipy needs SciPy, which is not installed; install it with pip install 'tapegrad[scipy]' "
        "(or pip install scipy)"
    ) from None

from . import linalg, special, stats

__all__ = ["linalg", "special", "stats"]

del _scipy
