"""``tapegrad.scipy.linalg``: SciPy's triangular and Cholesky solves, differentiable.

``solve_triangular`` reads only the triangle it is told to (and, with
``unit_diagonal``, not the diagonal): the gradient is zero elsewhere. ``cholesky`` and
``cho_factor`` factor the symmetric part of their input, as ``tg.linalg.cholesky``
does, and return a clean triangle (SciPy leaves the other one unspecified in
``cho_factor``). ``b`` may be a vector [M] or matrices [..., M, K].
"""

from __future__ import annotations

from ..backend import xp
from ..creation import eye
from ..ops import linalg_ops as _la
from ..ops import math_ops as _m
from ..ops.array_ops import expand_dims, squeeze
from .special import floats

__all__ = ["cho_factor", "cho_solve", "cholesky", "solve_triangular"]

_TRANS = {0: False, "N": False, 1: True, "T": True, 2: True, "C": True}


def _operands(name: str, a, b):
    a, b = floats(a, b)
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise ValueError(f"{name}: expected square matrix, got shape {a.shape}")
    if a.dtype != b.dtype:
        dtype = xp.result_type(a.dtype, b.dtype)
        a, b = (t if t.dtype == dtype else _m.cast(t, dtype) for t in (a, b))
    vector = b.ndim == 1
    if (b.shape[0] if vector else b.shape[-2] if b.ndim >= 2 else -1) != a.shape[-1]:
        raise ValueError(f"{name}: shapes of a {a.shape} and b {b.shape} are incompatible")
    return a, expand_dims(b, -1) if vector else b, vector


def _result(x, vector: bool):
    return squeeze(x, -1) if vector else x


def solve_triangular(a, b, trans=0, lower=False, unit_diagonal=False, overwrite_b=False, check_finite=True):
    """x with ``T x = b`` for the upper (or ``lower``) triangle T of ``a``; ``trans`` 1/'T' (or 2/'C'): ``T^T x = b``.

    With ``unit_diagonal`` the diagonal of ``a`` is taken to be ones.
    """
    if trans not in _TRANS:
        raise ValueError(f"solve_triangular: invalid trans {trans!r}; use 0, 1, 2, 'N', 'T' or 'C'")
    a, b, vector = _operands("solve_triangular", a, b)
    if unit_diagonal:
        a = a - _la.diag(_la.diag_part(a)) + eye(a.shape[-1], dtype=a.dtype)
    x = _la.triangular_solve(a, b, lower=bool(lower), adjoint=_TRANS[trans])
    return _result(x, vector)


def cho_solve(c_and_lower, b, overwrite_b=False, check_finite=True):
    """x with ``A x = b``, given ``(c, lower)``: the Cholesky factor of A and whether it is lower triangular."""
    c, lower = c_and_lower
    c, b, vector = _operands("cho_solve", c, b)
    lower = bool(lower)
    y = _la.triangular_solve(c, b, lower=lower, adjoint=not lower)
    return _result(_la.triangular_solve(c, y, lower=lower, adjoint=lower), vector)


def cholesky(a, lower=False, overwrite_a=False, check_finite=True):
    """The Cholesky factor of the symmetric part of ``a``: upper U with ``a = U^T U`` (default), or lower L."""
    (a,) = floats(a)
    factor = _la.cholesky(a)
    return factor if lower else _la.matrix_transpose(factor)


def cho_factor(a, lower=False, overwrite_a=False, check_finite=True):
    """``(c, lower)`` for ``cho_solve``: the factor from ``cholesky`` and the flag."""
    return cholesky(a, lower=lower), bool(lower)
