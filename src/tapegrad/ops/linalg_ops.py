"""Linear algebra: matrix products, einsum, inverses, decompositions, solves, norms, diagonals.

Matrices are the last two axes of a tensor; leading axes are batch axes. ``matmul``,
``solve`` and ``triangular_solve`` broadcast batch axes (as ``np.matmul`` does).

Conventions that the gradients (``linalg_grad.py``) rely on:

* ``cholesky`` and ``eigh`` factor the symmetric part ``(A + A^T) / 2`` of their
  input. For a symmetric input this is the usual factorisation; for any input the
  gradient is the symmetric matrix TensorFlow returns, and it agrees with finite
  differences that perturb each element on its own.
* ``triangular_solve`` reads only the triangle that ``lower`` names; its gradient
  with respect to the matrix is zero on the other triangle.
* ``eigh`` returns eigenvectors whose largest-magnitude component is positive, so
  they are a smooth function of the input where the eigenvalues are distinct.
* ``svd`` does the same for the first min(M, N) left singular vectors (the right ones
  follow). ``qr`` keeps LAPACK's signs (NumPy's values), which are locally constant.
  With ``full_matrices``, the extra columns of U (SVD) or Q (QR) are an arbitrary
  basis: a gradient that reaches them raises ``ValueError``.

Everything in ``__all__`` is also ``tg.<name>``; the rest is in ``tg.linalg``.
"""

from __future__ import annotations

import functools
import math
import string

from ..backend import xp
from ..engine.dispatch import convert_inputs
from ..engine.registry import Sample, primitive
from . import math_ops as m
from .array_ops import concat, getitem, reshape
from .reduction_ops import reduce_sum
from .samples import randn
from .shape_util import normalize_axis, normalize_one_axis

__all__ = ["matmul", "tensordot", "einsum", "norm", "trace"]

_INF = float("inf")


# -- samples ----------------------------------------------------------------------------------
def _eye_plus(*shape):
    """Random square matrices (batch allowed) with ``n`` added to the diagonal: well conditioned."""
    n = shape[-1]
    return randn(*shape) + n * xp.eye(n)


def _spd(*shape):
    """Random symmetric positive definite matrices ``A A^T + n I``."""
    a = randn(*shape)
    return a @ xp.swapaxes(a, -1, -2) + shape[-1] * xp.eye(shape[-1])


def _symmetric(*shape):
    a = randn(*shape)
    return a + xp.swapaxes(a, -1, -2)


# -- shape checks -----------------------------------------------------------------------------
def _check_square(name: str, x, what: str = "input"):
    if x.ndim < 2 or x.shape[-1] != x.shape[-2]:
        raise ValueError(
            f"{name}: {what} must be a square matrix or a batch of them (shape [..., M, M]), got shape {x.shape}"
        )


def _check_batch(name: str, a, b):
    if a.shape[:-2] != b.shape[:-2] and a.ndim > 2 and b.ndim > 2:
        try:
            xp.broadcast_shapes(a.shape[:-2], b.shape[:-2])
        except ValueError:
            raise ValueError(
                f"{name}: batch dimensions {a.shape[:-2]} and {b.shape[:-2]} do not broadcast "
                f"(shapes {a.shape} and {b.shape})"
            ) from None


# -- products ---------------------------------------------------------------------------------
_MATMUL_SAMPLES = [
    Sample(randn(3, 4), randn(4, 2)),
    Sample(randn(2, 3, 4), randn(2, 4, 5)),
    Sample(randn(2, 1, 3, 4), randn(3, 4, 2)),
    Sample(randn(3, 4), randn(2, 4, 2)),
    Sample(randn(4, 3), randn(4, 2), transpose_a=True),
    Sample(randn(2, 3, 4), randn(5, 4), transpose_b=True),
    Sample(randn(2, 4, 3), randn(1, 2, 4), transpose_a=True, transpose_b=True),
]


@primitive("BatchMatMulV2", samples=_MATMUL_SAMPLES)
def _matmul(a, b, transpose_a=False, transpose_b=False):
    if transpose_a:
        a = a.swapaxes(-1, -2)
    if transpose_b:
        b = b.swapaxes(-1, -2)
    return xp.matmul(a, b)


def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False, name=None):
    """The matrix product of ``a`` and ``b`` over their last two axes, batch axes broadcast.

    ``transpose_*`` (or, for real tensors, the same ``adjoint_*``) transposes an operand's
    last two axes first. A 1-D operand is a row (``a``) or column (``b``) vector whose
    axis is dropped from the result, as in ``np.matmul``.
    """
    a, b = convert_inputs((a, b))
    if (transpose_a and adjoint_a) or (transpose_b and adjoint_b):
        raise ValueError("matmul: give only one of transpose_x and adjoint_x for an operand")
    ta, tb = bool(transpose_a or adjoint_a), bool(transpose_b or adjoint_b)
    shape_a, shape_b = a.shape, b.shape
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError(f"matmul: operands must have rank >= 1, got shapes {shape_a} and {shape_b}; use multiply")
    vector_a, vector_b = a.ndim == 1, b.ndim == 1
    if (vector_a and ta) or (vector_b and tb):
        raise ValueError("matmul: cannot transpose a 1-D operand")
    if vector_a:
        a = reshape(a, (1, shape_a[0]))
    if vector_b:
        b = reshape(b, (shape_b[0], 1))
    inner_a = a.shape[-2] if ta else a.shape[-1]
    inner_b = b.shape[-1] if tb else b.shape[-2]
    if inner_a != inner_b:
        raise ValueError(
            f"matmul: inner dimensions differ ({inner_a} vs {inner_b}): a has shape {shape_a}, b has shape "
            f"{shape_b} (transpose_a={ta}, transpose_b={tb})"
        )
    _check_batch("matmul", a, b)
    out = _matmul(a, b, ta, tb) if ta or tb else _matmul(a, b)
    if vector_a or vector_b:
        shape = out.shape[:-2]
        if not vector_a:
            shape += out.shape[-2:-1]
        if not vector_b:
            shape += out.shape[-1:]
        out = reshape(out, shape)
    return out


def matvec(a, b, transpose_a=False, adjoint_a=False, name=None):
    """The product of matrices ``a`` [..., M, N] and vectors ``b`` [..., N]: shape [..., M]."""
    a, b = convert_inputs((a, b))
    if b.ndim < 1 or a.ndim < 2:
        raise ValueError(f"matvec: expected a matrix and a vector, got shapes {a.shape} and {b.shape}")
    out = matmul(a, reshape(b, b.shape + (1,)), transpose_a=transpose_a, adjoint_a=adjoint_a)
    return reshape(out, out.shape[:-1])


# -- einsum -----------------------------------------------------------------------------------
_OPTIMIZE_ABOVE = 32768  # terms; above it, NumPy's contraction path (BLAS) beats its plain loop


def _einsum_cost(equation: str, inputs) -> int:
    """The number of terms a plain einsum loops over (at most the product of the input sizes)."""
    if math.prod(x.size for x in inputs) <= _OPTIMIZE_ABOVE:
        return 0
    sizes = {}
    for sub, x in zip(equation.split("->")[0].split(","), inputs):
        sizes.update(zip(sub, x.shape))
    return math.prod(sizes.values())


def _einsum_samples():
    return [
        Sample(randn(3, 4), randn(4, 2), equation="ij,jk->ik"),
        Sample(randn(2, 3, 4), randn(2, 4, 3), equation="bij,bjk->bik"),
        Sample(randn(3, 3), equation="ii->"),
        Sample(randn(3, 3, 2), equation="iij->ji"),
        Sample(randn(3), randn(4), equation="i,j->ij"),
        Sample(randn(3, 4), randn(4, 5), equation="ij,jk->i"),
        Sample(randn(2, 3), randn(3), randn(4), equation="ij,j,k->ki"),
        Sample(randn(), randn(2, 3), equation=",ij->ji"),
    ]


@primitive("Einsum", samples=_einsum_samples())
def _einsum(*inputs, equation=""):
    optimize = "greedy" if len(inputs) > 1 and _einsum_cost(equation, inputs) > _OPTIMIZE_ABOVE else False
    return xp.einsum(equation, *inputs, optimize=optimize)


_LABELS = string.ascii_letters


@functools.lru_cache(maxsize=512)
def _canonical_einsum(equation: str, shapes: tuple):
    """``equation`` with ellipses expanded, an explicit output and no size-1 broadcasting.

    Returns the canonical equation and, per operand, the shape to reshape it to first
    (None when it is used as it is).
    """
    eq = equation.replace(" ", "")
    if eq.count("->") > 1:
        raise ValueError(f"einsum: equation {equation!r} has more than one '->'")
    lhs, arrow, out = eq.partition("->")
    subs = lhs.split(",")
    if len(subs) != len(shapes):
        raise ValueError(f"einsum: equation {equation!r} names {len(subs)} operand(s), got {len(shapes)}")
    for s in [*subs, out]:
        rest = s.replace("...", "", 1)
        bad = [c for c in rest if c not in _LABELS]
        if bad:
            raise ValueError(f"einsum: invalid subscript {bad[0]!r} in equation {equation!r}")
    free = [c for c in _LABELS if c not in eq]
    ellipsis_rank = 0
    ranks = []
    for i, (s, shape) in enumerate(zip(subs, shapes)):
        named = len(s) - 3 * ("..." in s)
        rank = len(shape) - named
        if rank < 0 or (rank and "..." not in s):
            raise ValueError(
                f"einsum: operand {i} has shape {shape}, which does not match its subscripts {s!r} in {equation!r}"
            )
        ranks.append(rank)
        ellipsis_rank = max(ellipsis_rank, rank)
    ell = "".join(free[:ellipsis_rank])
    subs = [s.replace("...", ell[ellipsis_rank - r :]) for s, r in zip(subs, ranks)]
    if not arrow:
        counts = {}
        for c in "".join(subs):
            counts[c] = counts.get(c, 0) + 1
        out = ell + "".join(sorted(c for c, k in counts.items() if k == 1 and c not in ell))
    elif "..." in out:
        out = out.replace("...", ell)
    elif ellipsis_rank:
        raise ValueError(f"einsum: the output of {equation!r} needs '...' for the operands' broadcast axes")
    if len(set(out)) != len(out):
        raise ValueError(f"einsum: output subscripts of {equation!r} repeat a label")
    sizes = {}
    for s, shape in zip(subs, shapes):
        for c, n in zip(s, shape):
            if c in sizes and n != sizes[c] and 1 not in (n, sizes[c]):
                raise ValueError(
                    f"einsum: label {c!r} has sizes {sizes[c]} and {n} in {equation!r} (shapes {list(shapes)})"
                )
            sizes[c] = max(n, sizes.get(c, n))
    missing = [c for c in out if c not in sizes]
    if missing:
        raise ValueError(f"einsum: output label {missing[0]!r} of {equation!r} is in no operand")
    reshapes = []
    new_subs = []
    for s, shape in zip(subs, shapes):
        keep = [k for k, (c, n) in enumerate(zip(s, shape)) if not (n == 1 and sizes[c] != 1)]
        if len(keep) == len(s):
            reshapes.append(None)
            new_subs.append(s)
        else:
            reshapes.append(tuple(shape[k] for k in keep))
            new_subs.append("".join(s[k] for k in keep))
    for s, shape in zip(new_subs, reshapes):
        if shape is not None:
            dims = {}
            for c, n in zip(s, shape):
                if dims.setdefault(c, n) != n:
                    raise ValueError(f"einsum: repeated label {c!r} of {equation!r} has sizes {dims[c]} and {n}")
    return ",".join(new_subs) + "->" + out, tuple(reshapes)


def einsum(equation, *inputs, **kwargs):
    """Einstein summation, as ``tf.einsum`` / ``np.einsum``.

    Supports ellipses (broadcast), implicit output (labels that appear once, sorted),
    repeated labels (diagonals) and labels summed away; size-1 axes broadcast as in NumPy.
    """
    if not isinstance(equation, str):
        raise TypeError(f"einsum: equation must be a string, got {type(equation).__name__}")
    if not inputs:
        raise ValueError("einsum: expected at least one input")
    inputs = convert_inputs(inputs)
    canonical, reshapes = _canonical_einsum(equation, tuple(t.shape for t in inputs))
    inputs = [t if shape is None else reshape(t, shape) for t, shape in zip(inputs, reshapes)]
    return _einsum(*inputs, equation=canonical)


def _freeze_axes(axes):
    """``axes`` as a hashable value (ints and tuples of ints)."""
    if hasattr(axes, "numpy"):
        axes = axes.numpy().tolist()
    if isinstance(axes, int) or hasattr(axes, "__index__"):
        return int(axes)
    return tuple(_freeze_axes(x) for x in axes)


@functools.lru_cache(maxsize=256)
def _tensordot_equation(shape_a: tuple, shape_b: tuple, axes) -> str:
    rank_a, rank_b = len(shape_a), len(shape_b)
    if isinstance(axes, int):
        if not 0 <= axes <= min(rank_a, rank_b):
            raise ValueError(f"tensordot: axes={axes} is out of range for shapes {shape_a} and {shape_b}")
        axes_a, axes_b = list(range(rank_a - axes, rank_a)), list(range(axes))
    else:
        if len(axes) != 2:
            raise ValueError(f"tensordot: axes must be an int or a pair of axis lists, got {axes!r}")
        axes_a, axes_b = ([x] if isinstance(x, int) else list(x) for x in axes)
        if len(axes_a) != len(axes_b):
            raise ValueError(f"tensordot: {len(axes_a)} axes of a against {len(axes_b)} axes of b")
        axes_a = [normalize_one_axis(x, rank_a, "tensordot") for x in axes_a]
        axes_b = [normalize_one_axis(x, rank_b, "tensordot") for x in axes_b]
        if len(set(axes_a)) != len(axes_a) or len(set(axes_b)) != len(axes_b):
            raise ValueError(f"tensordot: repeated axis in {axes!r}")
    for i, j in zip(axes_a, axes_b):
        if shape_a[i] != shape_b[j]:
            raise ValueError(
                f"tensordot: axis {i} of a (size {shape_a[i]}) and axis {j} of b (size {shape_b[j]}) differ "
                f"(shapes {shape_a} and {shape_b})"
            )
    sub_a = list(_LABELS[:rank_a])
    sub_b = list(_LABELS[rank_a : rank_a + rank_b])
    for i, j in zip(axes_a, axes_b):
        sub_b[j] = sub_a[i]
    out = [c for k, c in enumerate(sub_a) if k not in axes_a] + [c for k, c in enumerate(sub_b) if k not in axes_b]
    return "".join(sub_a) + "," + "".join(sub_b) + "->" + "".join(out)


def tensordot(a, b, axes, name=None):
    """Sum of products of ``a`` and ``b`` over the given axes, as ``tf.tensordot``.

    ``axes`` is an int N (the last N axes of ``a`` with the first N of ``b``) or a pair
    ``[axes_a, axes_b]`` of ints or lists. The result has ``a``'s free axes, then ``b``'s.
    """
    a, b = convert_inputs((a, b))
    return _einsum(a, b, equation=_tensordot_equation(a.shape, b.shape, _freeze_axes(axes)))


# -- layout: transpose, diagonals, bands ------------------------------------------------------
@primitive("MatrixTranspose", samples=[Sample(randn(3, 4)), Sample(randn(2, 3, 4))])
def _matrix_transpose(x):
    return xp.swapaxes(x, -1, -2)


def matrix_transpose(a, name=None, conjugate=False):
    """``a`` with its last two axes swapped."""
    (a,) = convert_inputs((a,))
    if a.ndim < 2:
        raise ValueError(f"matrix_transpose: input must have rank >= 2, got shape {a.shape}")
    return _matrix_transpose(a)


def adjoint(matrix, name=None):
    """The conjugate transpose of the last two axes (the transpose, for real tensors)."""
    return matrix_transpose(matrix)


@primitive("MatrixDiag", samples=[Sample(randn(3)), Sample(randn(2, 3)), Sample(randn(2), num_rows=3, num_cols=2)])
def _diag(diagonal, num_rows=-1, num_cols=-1):
    n = diagonal.shape[-1]
    rows = n if num_rows < 0 else num_rows
    cols = n if num_cols < 0 else num_cols
    if min(rows, cols) != n:  # the gradient reads the whole main diagonal back
        raise ValueError(f"MatrixDiag: a diagonal of length {n} does not fit a {rows}x{cols} matrix")
    out = xp.zeros(diagonal.shape[:-1] + (rows, cols), dtype=diagonal.dtype)
    i = xp.arange(n)
    out[..., i, i] = diagonal
    return out


def diag(diagonal, name=None, k=0, num_rows=-1, num_cols=-1, padding_value=0, align="RIGHT_LEFT"):
    """Matrices with ``diagonal`` [..., N] on their main diagonal: shape [..., N, N].

    ``num_rows``/``num_cols`` give a rectangular result whose shorter side is N. Only
    ``k=0`` and ``padding_value=0`` are supported.
    """
    (diagonal,) = convert_inputs((diagonal,))
    if k != 0 or padding_value != 0:
        raise NotImplementedError("diag: only k=0 and padding_value=0 are supported")
    if diagonal.ndim < 1:
        raise ValueError(f"diag: diagonal must have rank >= 1, got shape {diagonal.shape}")
    n = diagonal.shape[-1]
    rows = n if num_rows is None or num_rows < 0 else int(num_rows)
    cols = n if num_cols is None or num_cols < 0 else int(num_cols)
    if min(rows, cols) != n:
        raise ValueError(f"diag: a diagonal of length {n} does not fit a {rows}x{cols} matrix")
    if rows == n and cols == n:
        return _diag(diagonal)
    return _diag(diagonal, num_rows=rows, num_cols=cols)


@primitive("MatrixDiagPart", samples=[Sample(randn(3, 3)), Sample(randn(2, 3, 4)), Sample(randn(4, 2))])
def _diag_part(x):
    return xp.diagonal(x, axis1=-2, axis2=-1).copy()


def diag_part(input, name=None, k=0, padding_value=0, align="RIGHT_LEFT"):
    """The main diagonals of the matrices in ``input`` [..., M, N]: shape [..., min(M, N)]."""
    (input,) = convert_inputs((input,))
    if k != 0:
        raise NotImplementedError("diag_part: only k=0 is supported")
    if input.ndim < 2:
        raise ValueError(f"diag_part: input must have rank >= 2, got shape {input.shape}")
    return _diag_part(input)


@primitive("MatrixBandPart", samples=[
    Sample(randn(4, 4), num_lower=-1, num_upper=0),
    Sample(randn(2, 3, 4), num_lower=1, num_upper=2),
    Sample(randn(4, 3), num_lower=0, num_upper=-1),
])  # fmt: skip
def _band_part(x, num_lower=-1, num_upper=-1):
    if num_lower >= 0:
        x = xp.triu(x, -num_lower)
    if num_upper >= 0:
        x = xp.tril(x, num_upper)
    return x


def band_part(input, num_lower, num_upper, name=None):
    """``input`` with entries outside a band of the matrices zeroed (negative = keep all)."""
    (input,) = convert_inputs((input,))
    if input.ndim < 2:
        raise ValueError(f"band_part: input must have rank >= 2, got shape {input.shape}")
    return _band_part(input, num_lower=int(num_lower), num_upper=int(num_upper))


def trace(x, name=None):
    """The sum of the main diagonal of the matrices in ``x`` [..., M, N]: shape [...]."""
    return reduce_sum(diag_part(x), axis=-1)


# -- inverses and determinants ----------------------------------------------------------------
@primitive("MatrixInverse", samples=[Sample(_eye_plus(3, 3)), Sample(_eye_plus(2, 3, 3)),
                                     Sample(_eye_plus(3, 3), adjoint=True)])  # fmt: skip
def _inv(x, adjoint=False):
    if adjoint:
        x = xp.swapaxes(x, -1, -2)
    return xp.linalg.inv(x)


def inv(input, adjoint=False, name=None):
    """The inverses of the square matrices in ``input`` (of their transposes with ``adjoint``)."""
    (input,) = convert_inputs((input,))
    _check_square("inv", input)
    return _inv(input, adjoint=True) if adjoint else _inv(input)


@primitive("MatrixDeterminant", samples=[Sample(_eye_plus(3, 3)), Sample(_eye_plus(2, 3, 3)), Sample(randn(1, 1))])
def _det(x):
    return xp.linalg.det(x)


@primitive("MatrixAdjugate", samples=[Sample(_eye_plus(3, 3)), Sample(_eye_plus(2, 2, 2)), Sample(randn(1, 1))])
def _adjugate(x):
    """adj(A) = det(A) A⁻¹, computed by SVD so that it exists for singular matrices too."""
    u, s, vh = xp.linalg.svd(x)
    ones = xp.ones_like(s[..., :1])
    before = xp.cumprod(xp.concatenate([ones, s[..., :-1]], axis=-1), axis=-1)
    after = xp.flip(xp.cumprod(xp.concatenate([ones, xp.flip(s[..., 1:], axis=-1)], axis=-1), axis=-1), axis=-1)
    sign = xp.linalg.det(u) * xp.linalg.det(vh)
    v_scaled = xp.swapaxes(vh, -1, -2) * (before * after)[..., None, :]  # V diag(prod of the others)
    return (sign[..., None, None] * xp.matmul(v_scaled, xp.swapaxes(u, -1, -2))).astype(x.dtype, copy=False)


def det(input, name=None):
    """The determinants of the square matrices in ``input``: shape [...]."""
    (input,) = convert_inputs((input,))
    _check_square("det", input)
    return _det(input)


@primitive("LogMatrixDeterminant", samples=[Sample(_eye_plus(3, 3)), Sample(_eye_plus(2, 3, 3) - 6 * xp.eye(3))])
def _slogdet(x):
    sign, logabsdet = xp.linalg.slogdet(x)
    return sign, logabsdet


def slogdet(input, name=None):
    """``(sign, log|det|)`` of the square matrices in ``input``; the sign has no gradient."""
    (input,) = convert_inputs((input,))
    _check_square("slogdet", input)
    return _slogdet(input)


def logdet(matrix, name=None):
    """log(det(matrix)) of symmetric positive definite matrices, through their Cholesky factor."""
    return 2.0 * reduce_sum(m.log(diag_part(cholesky(matrix))), axis=-1)


# -- solves and factorisations ----------------------------------------------------------------
@primitive("MatrixSolve", samples=[
    Sample(_eye_plus(3, 3), randn(3, 2)),
    Sample(_eye_plus(2, 3, 3), randn(2, 3, 1), adjoint=True),
    Sample(_eye_plus(3, 3), randn(2, 3, 2)),
    Sample(_eye_plus(2, 1, 3, 3), randn(4, 3, 2)),
])  # fmt: skip
def _solve(matrix, rhs, adjoint=False):
    if adjoint:
        matrix = xp.swapaxes(matrix, -1, -2)
    return xp.linalg.solve(matrix, rhs)


def _check_rhs(name: str, matrix, rhs):
    _check_square(name, matrix, "matrix")
    if rhs.ndim < 2 or rhs.shape[-2] != matrix.shape[-1]:
        raise ValueError(
            f"{name}: rhs must have shape [..., {matrix.shape[-1]}, K] to match matrix of shape {matrix.shape}, "
            f"got shape {rhs.shape}"
        )
    _check_batch(name, matrix, rhs)


def solve(matrix, rhs, adjoint=False, name=None):
    """X with ``matrix @ X = rhs`` (``matrix^T @ X = rhs`` with ``adjoint``); rhs is [..., M, K]."""
    matrix, rhs = convert_inputs((matrix, rhs))
    _check_rhs("solve", matrix, rhs)
    return _solve(matrix, rhs, adjoint=True) if adjoint else _solve(matrix, rhs)


@primitive("MatrixTriangularSolve", samples=[
    Sample(_eye_plus(3, 3), randn(3, 2)),
    Sample(_eye_plus(3, 3), randn(3, 2), lower=False),
    Sample(_eye_plus(2, 3, 3), randn(3, 1), adjoint=True),
    Sample(_eye_plus(3, 3), randn(2, 3, 2), lower=False, adjoint=True),
])  # fmt: skip
def _triangular_solve(matrix, rhs, lower=True, adjoint=False):
    matrix = xp.tril(matrix) if lower else xp.triu(matrix)
    if adjoint:
        matrix = xp.swapaxes(matrix, -1, -2)
    return xp.linalg.solve(matrix, rhs)


def triangular_solve(matrix, rhs, lower=True, adjoint=False, name=None):
    """X with ``T @ X = rhs`` for the lower (or upper) triangle T of ``matrix`` (``T^T`` with ``adjoint``).

    Only that triangle of ``matrix`` is read; the gradient is zero on the other.
    """
    matrix, rhs = convert_inputs((matrix, rhs))
    _check_rhs("triangular_solve", matrix, rhs)
    return _triangular_solve(matrix, rhs, lower=bool(lower), adjoint=bool(adjoint))


@primitive("Cholesky", samples=[Sample(_spd(3, 3)), Sample(_spd(2, 3, 3)), Sample(_spd(3, 3) + 0.3 * randn(3, 3))])
def _cholesky(x):
    _check_square("Cholesky", x)  # the symmetric part below would broadcast [M, 1] with [1, M]
    return xp.linalg.cholesky(0.5 * (x + xp.swapaxes(x, -1, -2)))


def cholesky(input, name=None):
    """Lower-triangular L with ``L @ L^T`` the symmetric part of ``input`` (positive definite)."""
    (input,) = convert_inputs((input,))
    _check_square("cholesky", input)
    return _cholesky(input)


def cholesky_solve(chol, rhs, name=None):
    """X with ``A @ X = rhs``, given the Cholesky factor ``chol`` of A."""
    y = triangular_solve(chol, rhs, lower=True)
    return triangular_solve(chol, y, lower=True, adjoint=True)


@primitive("SelfAdjointEigV2", samples=[
    Sample(_symmetric(3, 3)),
    Sample(_symmetric(2, 3, 3)),
    Sample(randn(3, 3)),
    Sample(_symmetric(3, 3), compute_v=False),
])  # fmt: skip
def _eigh(x, compute_v=True):
    _check_square("SelfAdjointEigV2", x)  # the symmetric part would broadcast [M, 1] with [1, M]
    x = 0.5 * (x + xp.swapaxes(x, -1, -2))
    if not compute_v:
        return xp.linalg.eigvalsh(x)
    e, v = xp.linalg.eigh(x)
    if not v.size:  # no eigenvector to normalise (argmax of an empty axis raises)
        return e, v
    top = xp.argmax(xp.abs(v), axis=-2, keepdims=True)
    return e, v * xp.sign(xp.take_along_axis(v, top, axis=-2))


def eigh(tensor, name=None):
    """Eigenvalues (ascending) and eigenvectors (columns) of the symmetric part of ``tensor``.

    Each eigenvector's largest-magnitude component is positive. The gradient assumes
    distinct eigenvalues.
    """
    (tensor,) = convert_inputs((tensor,))
    _check_square("eigh", tensor)
    return _eigh(tensor)


def eigvalsh(tensor, name=None):
    """Eigenvalues (ascending) of the symmetric part of ``tensor``."""
    (tensor,) = convert_inputs((tensor,))
    _check_square("eigvalsh", tensor)
    return _eigh(tensor, compute_v=False)


# -- norms ------------------------------------------------------------------------------------
@primitive("VectorNorm", samples=[
    Sample(randn(3, 4)),
    Sample(randn(3, 4), axis=(1,)),
    Sample(randn(2, 3, 4), axis=(0, 2), keepdims=True),
    Sample(randn(3, 4), ord=1.0, axis=(0,)),
    Sample(randn(3, 4), ord=_INF, axis=(1,), keepdims=True),
    Sample(randn(5), ord=3.0),
    Sample(randn(2, 3), ord=1.5, axis=(1,)),
])  # fmt: skip
def _vector_norm(x, ord=2.0, axis=None, keepdims=False):
    if ord == 2:
        return xp.sqrt(xp.sum(x * x, axis=axis, keepdims=keepdims))
    a = xp.abs(x)
    if ord == 1:
        return xp.sum(a, axis=axis, keepdims=keepdims)
    if ord == _INF:
        return xp.max(a, axis=axis, keepdims=keepdims)
    return xp.sum(a**ord, axis=axis, keepdims=keepdims) ** (1 / ord)


def _drop_axes(x, axes, keepdims: bool):
    if keepdims:
        return x
    return reshape(x, tuple(n for i, n in enumerate(x.shape) if i not in axes))


def _spectral_norm(x, rows: int, cols: int, keepdims: bool):
    """The largest singular value over axes (rows, cols), from the eigenvalues of the smaller Gram matrix."""
    labels = _LABELS[: x.ndim]
    outer = rows if x.shape[rows] <= x.shape[cols] else cols
    other = _LABELS[x.ndim]
    sub2 = labels.replace(labels[outer], other)
    batch = "".join(c for i, c in enumerate(labels) if i not in (rows, cols))
    gram = _einsum(x, x, equation=f"{labels},{sub2}->{batch}{labels[outer]}{other}")
    value = m.sqrt_zero_gradient_at_zero(_eigh(gram, compute_v=False)[..., -1])
    if keepdims:
        value = reshape(value, tuple(1 if i in (rows, cols) else n for i, n in enumerate(x.shape)))
    return value


def norm(tensor, ord="euclidean", axis=None, keepdims=None, name=None):
    """Vector and matrix norms, as ``tf.norm``.

    With ``axis`` None or an int, a vector norm (over all elements when None):
    ``'euclidean'``/2, 1, ``inf`` or any p > 0. With a pair of axes, a matrix norm:
    ``'fro'``/``'euclidean'``, 1 (max column sum), ``inf`` (max row sum) or 2 (largest
    singular value). The gradient of the euclidean norm is 0 at 0, as are the
    gradients of |x| inside the 1, inf and p norms.
    """
    (tensor,) = convert_inputs((tensor,))
    keepdims = bool(keepdims)
    if isinstance(ord, str):
        if ord not in ("euclidean", "fro"):
            raise ValueError(f"norm: unsupported ord {ord!r}")
    else:
        ord = float(ord)
        if not ord > 0:
            raise ValueError(f"norm: ord must be positive, got {ord}")
    if hasattr(axis, "numpy"):
        axis = axis.numpy().tolist()
    if isinstance(axis, list | tuple) and len(axis) == 2:
        rows, cols = (normalize_one_axis(a, tensor.ndim, "norm") for a in axis)
        if rows == cols:
            raise ValueError(f"norm: the two matrix axes must differ, got {axis}")
        axes = tuple(sorted((rows, cols)))
        if ord in ("euclidean", "fro"):
            return _vector_norm(tensor, 2.0, axes, keepdims)
        if ord in (1.0, _INF):
            if ord == _INF:
                rows, cols = cols, rows
            sums = reduce_sum(m.abs(tensor), axis=rows, keepdims=True)
            return _drop_axes(_vector_norm(sums, _INF, (cols,), True), axes, keepdims)
        if ord == 2.0:
            return _spectral_norm(tensor, rows, cols, keepdims)
        raise ValueError(f"norm: unsupported matrix norm ord={ord}; use 'fro', 'euclidean', 1, 2 or inf")
    if ord == "fro" and axis is not None:
        raise ValueError("norm: ord='fro' needs a pair of axes (or axis=None)")
    axes = normalize_axis(axis, tensor.ndim, "norm")
    if axes is not None and len(axes) != 1:
        raise ValueError(f"norm: axis must be None, an int or a pair of ints, got {axis}")
    if isinstance(ord, str):
        ord = 2.0
    if axes is None and not keepdims and ord == 2.0:
        return _vector_norm(tensor)
    return _vector_norm(tensor, ord, axes, keepdims)


# -- SVD, QR, pseudo-inverse ------------------------------------------------------------------
def _orthonormal(rows: int, cols: int, *batch):
    """Random matrices [*batch, rows, cols] with orthonormal columns (cols <= rows)."""
    return xp.linalg.qr(randn(*batch, rows, cols))[0]


def _with_singular_values(rows: int, cols: int, *batch):
    """Random matrices whose singular values are 1.2, 2.0, 2.8, ...: distinct and away from 0."""
    k = min(rows, cols)
    s = 1.2 + 0.8 * xp.arange(k)
    return (_orthonormal(rows, k, *batch) * s) @ xp.swapaxes(_orthonormal(cols, k, *batch), -1, -2)


@primitive("Svd", samples=[
    Sample(_with_singular_values(4, 3)),
    Sample(_with_singular_values(3, 5)),
    Sample(_with_singular_values(3, 3)),
    Sample(_with_singular_values(4, 2, 2)),
    Sample(_with_singular_values(3, 3), full_matrices=True),
    Sample(_with_singular_values(4, 3), compute_uv=False),
    Sample(_with_singular_values(2, 4, 3), compute_uv=False),
])  # fmt: skip
def _svd(x, full_matrices=False, compute_uv=True):
    if not compute_uv:
        return xp.linalg.svd(x, compute_uv=False)
    u, s, vh = xp.linalg.svd(x, full_matrices=full_matrices)
    k = s.shape[-1]
    if k == 0 or u.shape[-2] == 0:
        return u, s, vh
    lead = u[..., :k]
    top = xp.argmax(xp.abs(lead), axis=-2, keepdims=True)
    sign = xp.where(xp.take_along_axis(lead, top, axis=-2) < 0, -1, 1).astype(u.dtype)  # [..., 1, k]
    u = u.copy()
    vh = vh.copy()
    u[..., :k] *= sign
    vh[..., :k, :] *= xp.swapaxes(sign, -1, -2)
    return u, s, vh


def _check_real_matrix(name: str, x):
    if x.ndim < 2:
        raise ValueError(f"{name}: input must have rank >= 2, got shape {x.shape}")
    if x.dtype.kind == "c":
        raise TypeError(f"{name}: complex matrices are not supported (the gradient is real-only), got {x.dtype}")


def svd(tensor, full_matrices=False, compute_uv=True, name=None):
    """Singular values ``s`` [..., K] and vectors of the matrices in ``tensor`` [..., M, N], as ``tf.linalg.svd``.

    Returns ``(s, u, v)`` with ``tensor = u @ diag(s) @ v^T`` (``s`` alone when
    ``compute_uv`` is False); ``s`` is descending and each column of ``u``'s first K has
    its largest-magnitude component positive (``v``'s columns follow). Gradients through
    ``u`` and ``v`` assume distinct, nonzero singular values; that of ``s`` alone is
    ``u diag(g) v^T``, defined everywhere the singular values are distinct. With
    ``full_matrices`` and a non-square input, the extra columns of ``u`` or ``v`` are an
    arbitrary basis: a gradient that reaches them raises ``ValueError``.
    """
    (tensor,) = convert_inputs((tensor,))
    _check_real_matrix("svd", tensor)
    if not compute_uv:
        return _svd(tensor, compute_uv=False)
    u, s, vh = _svd(tensor, full_matrices=True) if full_matrices else _svd(tensor)
    return s, u, _matrix_transpose(vh)


@primitive("Qr", samples=[
    Sample(randn(3, 3)),
    Sample(randn(4, 3)),
    Sample(randn(2, 5, 3)),
    Sample(randn(3, 3), full_matrices=True),
])  # fmt: skip
def _qr(x, full_matrices=False):
    q, r = xp.linalg.qr(x, mode="complete" if full_matrices else "reduced")
    return q, r


def qr(input, full_matrices=False, name=None):
    """``(q, r)`` with ``input = q @ r``, q's columns orthonormal and r upper triangular, as ``tf.linalg.qr``.

    Signs follow LAPACK (NumPy's values). Gradients need full column rank of the
    leading square block; a wide input [M, N], M < N, is factored as ``[X | Y]`` with
    ``X`` square: ``q, r1 = qr(X)``, ``r = [r1 | q^T Y]``. With ``full_matrices`` and
    M > N the extra columns of q are an arbitrary basis: a gradient reaching them raises.
    """
    (input,) = convert_inputs((input,))
    _check_real_matrix("qr", input)
    rows, cols = input.shape[-2:]
    if rows >= cols:
        return _qr(input, full_matrices=True) if full_matrices and rows > cols else _qr(input)
    left = getitem(input, (Ellipsis, slice(None), slice(0, rows)))
    right = getitem(input, (Ellipsis, slice(None), slice(rows, None)))
    q, r = _qr(left)
    return q, concat([r, _matmul(q, right, True, False)], axis=-1)


@primitive("MatrixPinv", samples=[
    Sample(_with_singular_values(4, 3)),
    Sample(_with_singular_values(3, 4)),
    Sample(_eye_plus(3, 3)),
    Sample(_with_singular_values(2, 3, 2), rcond=1e-10),
])  # fmt: skip
def _pinv(x, rcond=1e-15, hermitian=False):
    return xp.linalg.pinv(x, rcond=rcond, hermitian=hermitian)


def pinv(a, rcond=None, validate_args=False, name=None):
    """The Moore-Penrose pseudo-inverse of the matrices in ``a`` [..., M, N], as ``tf.linalg.pinv``.

    Singular values below ``rcond`` times the largest are treated as zero (default
    ``10 * max(M, N) * eps``). The gradient is that of a matrix of constant rank.
    """
    (a,) = convert_inputs((a,))
    _check_real_matrix("pinv", a)
    if rcond is None:
        rcond = 10 * max(a.shape[-2:]) * float(xp.finfo(a.dtype if a.dtype.kind in "fc" else "float64").eps)
    return _pinv(a, rcond=float(rcond))


# -- the NumPy and SciPy faces' dtype rule ----------------------------------------------------
def as_inexact(x):
    """``x`` as a float64 tensor when it holds integers or booleans (NumPy's linalg rule)."""
    return x if x.dtype.kind in "fc" else m.cast(x, "float64")
