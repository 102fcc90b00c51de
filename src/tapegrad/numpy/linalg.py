"""``tapegrad.numpy.linalg``: NumPy's ``numpy.linalg`` names and signatures, differentiable.

Arguments convert as NumPy converts them (Python floats are float64, integers become
float64 matrices); results are ``tg.Tensor``. Matrices are the last two axes; leading
axes are batch axes. Complex matrices are not supported (the gradients are real-only);
``norm`` accepts complex vectors and the 'fro', 1 and inf matrix norms.

Where these differ from NumPy:

* ``cholesky``, ``eigh`` and ``eigvalsh`` factor the symmetric part ``(A + A^T) / 2``
  of their input; NumPy reads one triangle (``UPLO``). For a symmetric input the values
  are the same, and the gradient is the symmetric matrix.
* ``eigh`` and ``svd`` fix the signs of their vectors: each eigenvector, and each of the
  first K = min(M, N) columns of U, has its largest-magnitude component positive (V
  follows U). NumPy's signs are LAPACK's; the products (``U @ diag(S) @ Vh``) agree.
* Gradients: through ``eigh`` and ``svd`` vectors they need distinct eigen/singular
  values (and nonzero singular values); ``qr`` needs the leading square block to have
  full rank; ``pinv`` is differentiated at constant rank. With ``full_matrices=True``
  (``svd``) or ``mode='complete'`` (``qr``) on a non-square input, the extra columns
  are an arbitrary basis: a gradient that reaches them raises ``ValueError``.
* ``matrix_power(a, 0)`` is the identity, a constant (no gradient reaches ``a``).
"""

from __future__ import annotations

import operator
from collections import namedtuple

from ..backend import xp as _np
from ..engine.tensor import Tensor, convert_to_tensor
from ..ops import linalg_ops as _la
from ..ops import math_ops as _m
from ..ops.array_ops import expand_dims, getitem, reshape, squeeze, transpose
from ..ops.fft_ops import complex_abs as _complex_abs
from ..ops.reduction_ops import reduce_max, reduce_min, reduce_sum
from ._core import NoValue, axes, no_out, one_axis, tensor

__all__ = [
    "LinAlgError", "cholesky", "det", "eigh", "eigvalsh", "inv", "matrix_norm", "matrix_power", "matrix_rank",
    "multi_dot", "norm", "pinv", "qr", "slogdet", "solve", "svd", "svdvals", "vector_norm",
]  # fmt: skip

LinAlgError = _np.linalg.LinAlgError

EighResult = namedtuple("EighResult", ["eigenvalues", "eigenvectors"])
SlogdetResult = namedtuple("SlogdetResult", ["sign", "logabsdet"])
SVDResult = namedtuple("SVDResult", ["U", "S", "Vh"])
QRResult = namedtuple("QRResult", ["Q", "R"])

_INF = float("inf")


def _matrix(name: str, a, square: bool = False) -> Tensor:
    """``a`` as a real floating tensor of rank >= 2 (square matrices with ``square``), or LinAlgError."""
    a = _la.as_inexact(tensor(a))
    if a.dtype.kind == "c":
        raise TypeError(f"{name}: complex matrices are not supported (gradients are real-only), got {a.dtype}")
    if a.ndim < 2:
        raise LinAlgError(f"{name}: {a.ndim}-dimensional array given. Array must be at least two-dimensional")
    if square and a.shape[-1] != a.shape[-2]:
        raise LinAlgError(f"{name}: last 2 dimensions of the array must be square, got shape {a.shape}")
    return a


def inv(a):
    """The inverses of the square matrices in ``a``."""
    return _la.inv(_matrix("inv", a, square=True))


def det(a):
    """The determinants of the square matrices in ``a``."""
    return _la.det(_matrix("det", a, square=True))


def slogdet(a):
    """``(sign, logabsdet)`` of the square matrices in ``a``; the sign has no gradient."""
    return SlogdetResult(*_la.slogdet(_matrix("slogdet", a, square=True)))


def solve(a, b):
    """x with ``a @ x = b``: ``b`` is a vector [M] or matrices [..., M, K]; batch axes broadcast."""
    a = _matrix("solve", a, square=True)
    b = _la.as_inexact(tensor(b))
    dtype = _np.result_type(a.dtype, b.dtype)
    a, b = (t if t.dtype == dtype else _m.cast(t, dtype) for t in (a, b))
    if b.ndim == 1:
        return squeeze(_la.solve(a, expand_dims(b, -1)), -1)
    return _la.solve(a, b)


def cholesky(a, /, *, upper=False):
    """Lower-triangular L with ``L @ L^T = a`` (``U^T @ U`` with ``upper``) for symmetric positive definite ``a``.

    The symmetric part of ``a`` is factored (NumPy reads the lower triangle).
    """
    factor = _la.cholesky(_matrix("cholesky", a, square=True))
    return _la.matrix_transpose(factor) if upper else factor


def _check_uplo(uplo):
    if uplo not in ("L", "U"):
        raise ValueError(f"UPLO argument must be 'L' or 'U', got {uplo!r}")


def eigh(a, UPLO="L"):  # noqa: N803 (NumPy's name)
    """Eigenvalues (ascending) and eigenvectors (columns) of the symmetric part of ``a``."""
    _check_uplo(UPLO)
    return EighResult(*_la.eigh(_matrix("eigh", a, square=True)))


def eigvalsh(a, UPLO="L"):  # noqa: N803
    """Eigenvalues (ascending) of the symmetric part of ``a``."""
    _check_uplo(UPLO)
    return _la.eigvalsh(_matrix("eigvalsh", a, square=True))


def svd(a, full_matrices=True, compute_uv=True, hermitian=False):
    """``(U, S, Vh)`` with ``a = U @ diag(S) @ Vh``, or ``S`` alone when ``compute_uv`` is False.

    ``hermitian`` is accepted and ignored (the general factorisation is used; the
    values are the same).
    """
    a = _matrix("svd", a)
    if not compute_uv:
        return _la._svd(a, compute_uv=False)
    full = bool(full_matrices) and a.shape[-1] != a.shape[-2]
    return SVDResult(*(_la._svd(a, full_matrices=True) if full else _la._svd(a)))


def svdvals(x, /):
    """The singular values of the matrices in ``x``, descending."""
    return _la._svd(_matrix("svdvals", x), compute_uv=False)


def qr(a, mode="reduced"):
    """``(Q, R)`` with ``a = Q @ R`` (mode 'reduced' or 'complete'), or R alone (mode 'r').

    LAPACK's signs, as NumPy's. A wide input [M, N], M < N, is factored as ``[X | Y]``
    with ``X`` square, which gives NumPy's values and a gradient.
    """
    if mode not in ("reduced", "complete", "r"):
        raise ValueError(f"qr: unsupported mode {mode!r}; use 'reduced', 'complete' or 'r'")
    q, r = _la.qr(_matrix("qr", a), full_matrices=mode == "complete")
    return r if mode == "r" else QRResult(q, r)


def pinv(a, rcond=None, hermitian=False, *, rtol=NoValue):
    """The Moore-Penrose pseudo-inverse; singular values below ``rcond`` (or ``rtol``) times the largest are 0."""
    a = _matrix("pinv", a)
    if rcond is None:
        if rtol is NoValue:
            rcond = 1e-15
        elif rtol is None:
            rcond = max(a.shape[-2:]) * float(_np.finfo(a.dtype).eps)
        else:
            rcond = rtol
    elif rtol is not NoValue:
        raise ValueError("`rtol` and `rcond` can't be both set.")
    if _np.ndim(rcond) != 0:
        raise NotImplementedError("pinv: only a scalar rcond/rtol is supported")
    return _la._pinv(a, rcond=float(rcond), hermitian=bool(hermitian))


def matrix_power(a, n):
    """``a`` raised to the integer power ``n`` (``n < 0``: of its inverse; ``n == 0``: the identity)."""
    a = tensor(a)
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise LinAlgError(f"matrix_power: last 2 dimensions of the array must be square, got shape {a.shape}")
    try:
        n = operator.index(n)
    except TypeError as e:
        raise TypeError("exponent must be an integer") from e
    if n == 0:
        identity = _np.broadcast_to(_np.eye(a.shape[-1], dtype=a.dtype), a.shape)
        return convert_to_tensor(identity.copy())
    if n < 0:
        a, n = inv(a), -n
    result = power = None
    while n:
        power = a if power is None else _la.matmul(power, power)
        n, bit = divmod(n, 2)
        if bit:
            result = power if result is None else _la.matmul(result, power)
    return result


def multi_dot(arrays, *, out=None):
    """The product of two or more matrices; the first may be a row vector and the last a column vector."""
    no_out(out, "multi_dot")
    arrays = [tensor(a) for a in arrays]
    if len(arrays) < 2:
        raise ValueError("multi_dot: expecting at least two arrays")
    for i, t in enumerate(arrays):
        allowed = (1, 2) if i in (0, len(arrays) - 1) else (2,)
        if t.ndim not in allowed:
            raise ValueError(f"multi_dot: array {i} has {t.ndim} dimensions; expected {' or '.join(map(str, allowed))}")
    result = arrays[0]
    for t in arrays[1:]:
        result = _la.matmul(result, t)
    return result


def matrix_rank(A, tol=None, hermitian=False, *, rtol=None):  # noqa: N803 (NumPy's name)
    """The number of singular values above the tolerance (an integer: no gradient)."""
    return convert_to_tensor(_np.asarray(_np.linalg.matrix_rank(tensor(A).numpy(), tol, hermitian, rtol=rtol)))


# -- norms ------------------------------------------------------------------------------------
def _magnitude(x):
    return _complex_abs(x) if x.dtype.kind == "c" else _m.abs(x)


def _vector(x, ord, axes, keepdims: bool):
    """The ``ord`` vector norm over ``axes`` (None: all), as the flattened vector."""
    if isinstance(ord, str):
        raise ValueError(f"Invalid norm order {ord!r} for vectors")
    ord = 2.0 if ord is None else float(ord)
    if x.dtype.kind == "c":
        x = _complex_abs(x)
    if ord == -_INF:
        return reduce_min(_m.abs(x), axes, keepdims)
    if ord == 0:
        return reduce_sum(_m.cast(_m.not_equal(x, 0), x.dtype), axes, keepdims)
    if ord > 0:
        return _la._vector_norm(x, ord, axes, keepdims)
    return reduce_sum(_m.abs(x) ** ord, axes, keepdims) ** (1.0 / ord)


def _keep(out, shape, axes):
    return reshape(out, tuple(1 if i in axes else n for i, n in enumerate(shape)))


def _matrix_norm(x, ord, row: int, col: int, keepdims: bool):
    """The ``ord`` matrix norm over axes ``row`` and ``col``."""
    if ord is None or ord == "fro":
        return _vector(x, 2.0, tuple(sorted((row, col))), keepdims)
    if ord in ("nuc", 2, -2):
        if x.dtype.kind == "c":
            raise TypeError(f"norm: ord={ord!r} is not supported for complex matrices")
        perm = [i for i in range(x.ndim) if i not in (row, col)] + [row, col]
        s = _la._svd(x if perm == list(range(x.ndim)) else transpose(x, perm), compute_uv=False)
        out = reduce_sum(s, -1) if ord == "nuc" else getitem(s, (Ellipsis, 0 if ord == 2 else -1))
    elif ord in (1, -1, _INF, -_INF):
        summed, kept = (row, col) if ord in (1, -1) else (col, row)
        sums = reduce_sum(_magnitude(x), summed, keepdims=True)
        out = (reduce_max if ord > 0 else reduce_min)(sums, kept, keepdims=True)
        out = reshape(out, tuple(n for i, n in enumerate(x.shape) if i not in (row, col)))
    else:
        raise ValueError(f"Invalid norm order {ord!r} for matrices")
    return _keep(out, x.shape, (row, col)) if keepdims else out


def norm(x, ord=None, axis=None, keepdims=False):
    """Vector and matrix norms with NumPy's ``ord``/``axis``/``keepdims`` rules.

    Vectors (``axis`` an int, or None for 1-D ``x``): None/2, inf, -inf, 0 (a count,
    no gradient) and any other p, ``sum(|x|^p)^(1/p)``. Matrices (a pair of axes, or
    None for 2-D ``x``): None/'fro', 'nuc', 1, -1, 2, -2, inf, -inf. With ``axis`` and
    ``ord`` both None, the 2-norm of all elements of ``x`` of any rank. The gradients of
    |x| inside are 0 at 0, as are those of the 2-norm at 0.
    """
    x = _la.as_inexact(tensor(x))
    keepdims = bool(keepdims)
    if axis is None:
        if ord is None:
            return _vector(x, 2.0, None, keepdims)
        if x.ndim not in (1, 2):
            raise ValueError("Improper number of dimensions to norm.")
        dims = tuple(range(x.ndim))
    elif isinstance(axis, tuple | list):
        dims = tuple(one_axis(a, x.ndim) for a in axis)
        if len(set(dims)) != len(dims):
            raise ValueError("Duplicate axes given.")
    else:
        dims = (one_axis(axis, x.ndim),)
    if len(dims) == 1:
        return _vector(x, ord, dims, keepdims)
    if len(dims) == 2:
        return _matrix_norm(x, ord, dims[0], dims[1], keepdims)
    raise ValueError("Improper number of dimensions to norm.")


def vector_norm(x, /, *, axis=None, keepdims=False, ord=2):
    """The ``ord`` vector norm over ``axis`` (an int, a tuple of axes, or None for all elements)."""
    x = _la.as_inexact(tensor(x))
    return _vector(x, ord, axes(axis, x.ndim, sort=True), bool(keepdims))


def matrix_norm(x, /, *, keepdims=False, ord="fro"):
    """The ``ord`` matrix norm of the matrices in the last two axes of ``x``."""
    x = _la.as_inexact(tensor(x))
    if x.ndim < 2:
        raise ValueError(f"matrix_norm: input must have rank >= 2, got shape {x.shape}")
    return _matrix_norm(x, ord, x.ndim - 2, x.ndim - 1, bool(keepdims))
