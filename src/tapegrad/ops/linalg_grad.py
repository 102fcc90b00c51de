"""Gradients of the linalg ops, written in tapegrad ops."""

from __future__ import annotations

from ..backend import xp
from ..creation import eye
from ..engine.registry import RegisterGradient
from . import math_ops as m
from .array_ops import broadcast_to, getitem, reshape, where
from .grad_util import unbroadcast, wanted_grads
from .linalg_ops import (
    _INF,
    _LABELS,
    _adjugate,
    _band_part,
    _det,
    _diag,
    _diag_part,
    _eigh,
    _einsum,
    _inv,
    _matmul,
    _matrix_transpose,
    _solve,
    _svd,
    _triangular_solve,
)
from .reduction_ops import reduce_sum
from .shape_util import kept_shape


def _expand2(x):
    """``x`` [...] as [..., 1, 1], to scale a batch of matrices."""
    return reshape(x, x.shape + (1, 1))


def _symmetric_part(x):
    return 0.5 * (x + _matrix_transpose(x))


@RegisterGradient("BatchMatMulV2")
def _matmul_grad(op, grad):
    a, b = op.inputs
    ta, tb = op.get_attr("transpose_a"), op.get_attr("transpose_b")
    if not ta and not tb:
        return wanted_grads(op, lambda: _matmul(grad, b, False, True), lambda: _matmul(a, grad, True, False))
    if not ta:
        return wanted_grads(op, lambda: _matmul(grad, b), lambda: _matmul(grad, a, True, False))
    if not tb:
        return wanted_grads(op, lambda: _matmul(b, grad, False, True), lambda: _matmul(a, grad))
    return wanted_grads(op, lambda: _matmul(b, grad, True, True), lambda: _matmul(grad, a, True, True))


@RegisterGradient("Einsum")
def _einsum_grad(op, grad):
    """Each operand's gradient is an einsum of the output gradient with the other operands.

    A label repeated in an operand (a diagonal) is restored by an identity matrix; a
    label found only in that operand (summed away) is restored by broadcasting.
    """
    lhs, out = op.get_attr("equation").split("->")
    subs = lhs.split(",")
    inputs = op.inputs
    unused = [c for c in _LABELS if c not in op.get_attr("equation")]
    grads = []
    for k, (target, x) in enumerate(zip(subs, inputs)):
        free = iter(unused)
        sources = [out] + [s for j, s in enumerate(subs) if j != k]
        tensors = [grad] + [t for j, t in enumerate(inputs) if j != k]
        labels = []
        for label, n in zip(target, x.shape):
            if label in labels:
                fresh = next(free)
                sources.append(label + fresh)
                tensors.append(eye(n, dtype=grad.dtype))
                label = fresh
            labels.append(label)
        available = set("".join(sources))
        computed = "".join(c for c in labels if c in available)
        equation = ",".join(sources) + "->" + computed
        g = grad if equation == f"{out}->{out}" else _einsum(*tensors, equation=equation)
        dims = [n for c, n in zip(labels, x.shape) if c in available]
        wide = tuple(i for i, n in enumerate(dims) if n == 1 and g.shape[i] != 1)
        if wide:  # NumPy's einsum broadcasts a label of size 1 in this operand against its size elsewhere
            g = reduce_sum(g, axis=wide, keepdims=True)
        if g.shape != x.shape:  # labels summed away, or of size 1 in the other operands: broadcast back
            sizes = iter(g.shape)
            g = reshape(g, tuple(next(sizes) if c in available else 1 for c in labels))
            g = broadcast_to(g, x.shape)
        grads.append(g)
    return grads


@RegisterGradient("MatrixTranspose")
def _matrix_transpose_grad(op, grad):
    return _matrix_transpose(grad)


@RegisterGradient("MatrixDiag")
def _diag_grad(op, grad):
    return _diag_part(grad)


@RegisterGradient("MatrixDiagPart")
def _diag_part_grad(op, grad):
    rows, cols = op.inputs[0].shape[-2:]
    return _diag(grad) if rows == cols else _diag(grad, num_rows=rows, num_cols=cols)


@RegisterGradient("MatrixBandPart")
def _band_part_grad(op, grad):
    return _band_part(grad, num_lower=op.get_attr("num_lower"), num_upper=op.get_attr("num_upper"))


@RegisterGradient("MatrixInverse")
def _inv_grad(op, grad):
    x = op.outputs[0]
    adj = op.get_attr("adjoint")
    return -_matmul(x, _matmul(grad, x, adj, not adj), not adj, False)


@RegisterGradient("MatrixDeterminant")
def _det_grad(op, grad):
    # d det(A) / dA is adj(A)ᵀ, which exists (and is what PyTorch gives) for singular A too
    return _expand2(grad) * _matrix_transpose(_adjugate(op.inputs[0]))


@RegisterGradient("MatrixAdjugate")
def _adjugate_grad(op, grad):
    # adj(A) = det(A) A⁻¹: d<G, adj> = det (<G, A⁻¹> A⁻ᵀ - A⁻ᵀ G A⁻ᵀ) : dA   (A invertible)
    a = op.inputs[0]
    inv_t = _matrix_transpose(_inv(a))
    det_a = _expand2(_det(a))
    inner = reduce_sum(grad * _matrix_transpose(inv_t), axis=(-2, -1), keepdims=True)
    return det_a * (inner * inv_t - _matmul(_matmul(inv_t, grad), inv_t))


@RegisterGradient("LogMatrixDeterminant")
def _slogdet_grad(op, grad_sign, grad_logabsdet):
    return _expand2(grad_logabsdet) * _inv(op.inputs[0], adjoint=True)


@RegisterGradient("MatrixSolve")
def _solve_grad(op, grad):
    a, b = op.inputs
    c = op.outputs[0]
    adj = op.get_attr("adjoint")
    gb = _solve(a, grad, adjoint=not adj)
    ga = -_matmul(c, gb, False, True) if adj else -_matmul(gb, c, False, True)
    return unbroadcast(ga, a), unbroadcast(gb, b)


@RegisterGradient("MatrixTriangularSolve")
def _triangular_solve_grad(op, grad):
    a, b = op.inputs
    c = op.outputs[0]
    lower, adj = op.get_attr("lower"), op.get_attr("adjoint")
    gb = _triangular_solve(a, grad, lower=lower, adjoint=not adj)
    ga = -_matmul(c, gb, False, True) if adj else -_matmul(gb, c, False, True)
    ga = _band_part(ga, num_lower=-1, num_upper=0) if lower else _band_part(ga, num_lower=0, num_upper=-1)
    return unbroadcast(ga, a), unbroadcast(gb, b)


@RegisterGradient("Cholesky")
def _cholesky_grad(op, grad):
    """Murray (2016): A_bar = sym(L^-T Phi(L^T L_bar) L^-1), Phi = lower triangle with half the diagonal."""
    chol = op.outputs[0]
    middle = _matmul(chol, grad, True, False)
    middle = _band_part(middle, num_lower=-1, num_upper=0) - 0.5 * _diag(_diag_part(middle))
    left = _triangular_solve(chol, middle, lower=True, adjoint=True)
    ga_t = _triangular_solve(chol, _matrix_transpose(left), lower=True, adjoint=True)
    return _symmetric_part(ga_t)


def _eigenvalue_grad(v, grad_e):
    """V diag(grad_e) V^T."""
    return _matmul(v * reshape(grad_e, grad_e.shape[:-1] + (1, grad_e.shape[-1])), v, False, True)


@RegisterGradient("SelfAdjointEigV2")
def _eigh_grad(op, grad_e, grad_v=None):
    if grad_v is None:  # eigenvalues only: V from a recorded eigh, so that it has a gradient too
        _, v = _eigh(op.inputs[0])
        return _eigenvalue_grad(v, grad_e)
    e, v = op.outputs
    n = e.shape[-1]
    diff = reshape(e, e.shape[:-1] + (1, n)) - reshape(e, e.shape[:-1] + (n, 1))
    distinct = m.not_equal(diff, 0)
    f = where(distinct, 1 / where(distinct, diff, 1), 0)  # 1 / (e_j - e_i); 0 on the diagonal and at ties
    inner = f * _matmul(v, grad_v, True, False)
    ga = _eigenvalue_grad(v, grad_e) + _matmul(v, _matmul(inner, v, False, True))
    return _symmetric_part(ga)


@RegisterGradient("VectorNorm")
def _vector_norm_grad(op, grad):
    x = op.inputs[0]
    norm = op.outputs[0]
    order, axis = op.get_attr("ord"), op.get_attr("axis")
    if not op.get_attr("keepdims"):
        shape = kept_shape(x.shape, axis)
        grad, norm = reshape(grad, shape), reshape(norm, shape)
    if order == 1:
        return grad * m.sign(x)
    if order == _INF:
        winners = m.cast(m.equal(m.abs(x), norm), x.dtype)
        return grad * m.sign(x) * winners / reduce_sum(winners, axis=axis, keepdims=True)
    positive = norm > 0
    safe = where(positive, norm, 1)
    if order == 2:
        return where(positive, grad / safe, 0) * x
    a = m.abs(x)
    nonzero = a > 0
    ratio = where(nonzero, a / safe, 1)
    return where(nonzero, grad * m.sign(x) * ratio ** (order - 1), 0)


def _reached(grad, key) -> bool:
    """Whether a gradient reached the part ``key`` of an output (a value check, not gradient math)."""
    return bool(xp.any(grad._value[key] != 0))


def _columns(x, stop: int):
    return getitem(x, (Ellipsis, slice(None), slice(0, stop)))


def _rows(x, stop: int):
    return getitem(x, (Ellipsis, slice(0, stop), slice(None)))


def _arbitrary_basis(op_name: str, factor: str, rows: int, cols: int):
    return ValueError(
        f"{op_name}: with full_matrices=True and a {rows}x{cols} input, the columns of {factor} beyond the first "
        f"{min(rows, cols)} are an arbitrary orthonormal basis and have no gradient; a gradient reached them. "
        "Use full_matrices=False (NumPy: full_matrices=False; mode='reduced')."
    )


@RegisterGradient("Svd")
def _svd_grad(op, *grads):
    """Reduced SVD ``A = U S V^T``, K = min(M, N), distinct nonzero singular values.

    With ``P = (F o (J - J^T)) S + diag(gs) + S (F o (L - L^T))``, ``J = U^T gU``,
    ``L = V^T gV`` and ``F_ij = 1 / (s_j^2 - s_i^2)`` (0 on the diagonal):
    ``gA = U P V^T + (I - U U^T) gU S^-1 V^T + U S^-1 gV^T (I - V V^T)``.
    """
    x = op.inputs[0]
    if not op.get_attr("compute_uv"):  # singular values only: U diag(g) V^T, with U and V recorded
        u, _, vh = _svd(x)
        (gs,) = grads
        return _matmul(u * reshape(gs, gs.shape[:-1] + (1, gs.shape[-1])), vh)
    gu, gs, gvh = grads
    u, s, vh = op.outputs
    rows, cols = x.shape[-2:]
    k = s.shape[-1]
    if op.get_attr("full_matrices"):
        if rows > k:
            if _reached(gu, (Ellipsis, slice(None), slice(k, None))):
                raise _arbitrary_basis("svd", "U", rows, cols)
            u, gu = _columns(u, k), _columns(gu, k)
        if cols > k:
            if _reached(gvh, (Ellipsis, slice(k, None), slice(None))):
                raise _arbitrary_basis("svd", "V", rows, cols)
            vh, gvh = _rows(vh, k), _rows(gvh, k)
    s_row = reshape(s, s.shape[:-1] + (1, k))
    s_col = reshape(s, s.shape[:-1] + (k, 1))
    squares = s * s
    diff = reshape(squares, s.shape[:-1] + (1, k)) - reshape(squares, s.shape[:-1] + (k, 1))
    distinct = m.not_equal(diff, 0)
    f = where(distinct, 1 / where(distinct, diff, 1), 0)
    j = _matmul(u, gu, True, False)
    l_ = _matmul(vh, gvh, False, True)
    inner = (f * (j - _matrix_transpose(j))) * s_row + _diag(gs) + s_col * (f * (l_ - _matrix_transpose(l_)))
    ga = _matmul(u, _matmul(inner, vh))
    if rows > k:
        ga = ga + _matmul((gu - _matmul(u, j)) / s_row, vh)
    if cols > k:
        ga = ga + _matmul(u, (gvh - _matmul(l_, vh, True, False)) / s_col)
    return ga


@RegisterGradient("Qr")
def _qr_grad(op, gq, gr):
    """``A = Q R``, M >= N, full column rank: ``gA = (gQ + Q copyltu(M)) R^-T``, ``M = R gR^T - gQ^T Q``.

    ``copyltu(M)`` is the symmetric matrix with M's lower triangle.
    """
    q, r = op.outputs
    rows, cols = op.inputs[0].shape[-2:]
    if rows < cols:
        raise NotImplementedError(
            f"qr: no gradient for the Qr op of a wide {rows}x{cols} matrix; tg.linalg.qr and "
            "tapegrad.numpy.linalg.qr factor wide matrices differentiably"
        )
    if rows > cols and op.get_attr("full_matrices"):
        if _reached(gq, (Ellipsis, slice(None), slice(cols, None))):
            raise _arbitrary_basis("qr", "Q", rows, cols)
        q, gq = _columns(q, cols), _columns(gq, cols)
        r, gr = _rows(r, cols), _rows(gr, cols)
    gr = _band_part(gr, num_lower=0, num_upper=-1)  # R's lower triangle is structurally zero
    mm = _matmul(r, gr, False, True) - _matmul(gq, q, True, False)
    low = _band_part(mm, num_lower=-1, num_upper=0)
    sym = low + _matrix_transpose(low) - _diag(_diag_part(mm))
    b = gq + _matmul(q, sym)
    return _matrix_transpose(_triangular_solve(r, _matrix_transpose(b), lower=False))


@RegisterGradient("MatrixPinv")
def _pinv_grad(op, grad):
    """Golub and Pereyra (1973), for constant rank, as a vector-Jacobian product with ``P = A^+``:

    ``gA = -P^T G P^T + (I - A P) G^T P P^T + P^T P G^T (I - P A)``.
    """
    a = op.inputs[0]
    p = op.outputs[0]
    first = -_matmul(_matmul(p, grad, True, False), p, False, True)
    second = _matmul(_matmul(grad, p, True, False), p, False, True)
    second = second - _matmul(a, _matmul(p, second))
    third = _matmul(_matmul(p, p, True, False), grad, False, True)
    third = third - _matmul(_matmul(third, p), a)
    return first + second + third
