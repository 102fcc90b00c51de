"""Products and matrix layout with NumPy's signatures: dot, matmul, einsum, kron, diagonals, triangles."""

from __future__ import annotations

import builtins
import string

import numpy as _np

from ..ops import array_ops as _a
from ..ops import linalg_ops as _la
from ..ops import reduction_ops as _r
from ._core import no_out, one_axis, operands, public, ravel, tensor
from ._reductions import sum as _sum
from ._shapes import moveaxis

_range = builtins.range


def dot(a, b, out=None):
    """NumPy's dot: products of scalars, inner products of vectors, matrix products, and for
    N-D arrays the sum over the last axis of ``a`` and the second-to-last of ``b``."""
    no_out(out, "dot")
    a, b = tensor(a), tensor(b)  # NumPy converts both: a Python scalar here is float64, not weak
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    if a.ndim <= 2 and b.ndim <= 2:
        return _la.matmul(a, b)
    return _la.tensordot(a, b, ([a.ndim - 1], [builtins.max(b.ndim - 2, 0)]))


def vdot(a, b, /):
    """The dot product of ``a`` and ``b`` flattened (real inputs)."""
    a, b = tensor(a), tensor(b)
    if a.dtype.kind == "c" or b.dtype.kind == "c":
        raise NotImplementedError("vdot: complex inputs are not supported")
    return _la.matmul(ravel(a), ravel(b))


def inner(a, b, /):
    """The sum of products over the last axes of ``a`` and ``b`` (a product when either is a scalar)."""
    a, b = tensor(a), tensor(b)
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    if a.shape[-1] != b.shape[-1]:
        raise ValueError(f"shapes {a.shape} and {b.shape} not aligned: {a.shape[-1]} (dim -1) != {b.shape[-1]}")
    return _la.tensordot(a, b, ([a.ndim - 1], [b.ndim - 1]))


def outer(a, b, out=None):
    """The outer product of ``a`` and ``b`` flattened: ``result[i, j] = a[i] * b[j]``."""
    no_out(out, "outer")
    a, b = tensor(a), tensor(b)
    return _a.reshape(a, (-1, 1)) * _a.reshape(b, (1, -1))


def matmul(x1, x2, /, out=None, *, dtype=None):
    """The matrix product over the last two axes, batch axes broadcast; 1-D operands are vectors."""
    no_out(out, "matmul")
    a, b = operands(x1, x2, dtype=dtype)
    a, b = tensor(a), tensor(b)
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError("matmul: Input operand does not have enough dimensions (scalars are not allowed)")
    return _la.matmul(a, b)


def vecdot(x1, x2, /, out=None, *, axis=-1, dtype=None):
    """The dot product of vectors along ``axis``, other axes broadcast (real inputs)."""
    no_out(out, "vecdot")
    a, b = (tensor(x) for x in operands(x1, x2, dtype=dtype))
    if a.dtype.kind == "c" or b.dtype.kind == "c":
        raise NotImplementedError("vecdot: complex inputs are not supported")
    product = a * b
    return _r.reduce_sum(product, one_axis(axis, product.ndim))


def tensordot(a, b, axes=2):
    """Sum of products over ``axes``: an int N (last N of ``a`` with first N of ``b``) or a pair of lists."""
    return _la.tensordot(tensor(a), tensor(b), axes)


_LETTERS = string.ascii_letters


def _sublist_equation(args) -> tuple:
    """``einsum(op0, sublist0, op1, sublist1, ..., [sublist_out])`` as an equation and operands."""

    def letters(sub):
        return "".join("..." if s is Ellipsis else _LETTERS[int(s)] for s in sub)

    operands_, subs = list(args[0::2]), list(args[1::2])
    output = None
    if len(operands_) > len(subs):  # an odd count: the last entry is the output sublist
        output = operands_.pop()
    equation = ",".join(letters(s) for s in subs)
    if output is not None:
        equation += "->" + letters(output)
    return equation, operands_


def einsum(*operands, out=None, optimize=False, dtype=None, **kwargs):
    """Einstein summation (``'ij,jk->ik'`` or the sublist form); ``optimize`` is decided by tapegrad."""
    no_out(out, "einsum")
    unsupported = set(kwargs) - {"casting", "order"}
    if unsupported:
        raise TypeError(f"einsum: unsupported argument(s) {', '.join(sorted(unsupported))}")
    if not operands:
        raise ValueError("No input operands")
    if isinstance(operands[0], str):
        equation, xs = operands[0], list(operands[1:])
    else:
        equation, xs = _sublist_equation(operands)
    xs = [tensor(x, dtype) for x in xs]
    if dtype is None and len({x.dtype for x in xs}) > 1:
        common = _np.result_type(*(x.dtype for x in xs))
        xs = [tensor(x, common) for x in xs]
    return _la.einsum(equation, *xs)


def kron(a, b):
    """The Kronecker product: blocks ``a[i, j] * b`` (inputs of different rank are padded with 1s)."""
    a, b = tensor(a), tensor(b)
    n = builtins.max(a.ndim, b.ndim)
    if n == 0:
        return a * b
    shape_a = (1,) * (n - a.ndim) + a.shape
    shape_b = (1,) * (n - b.ndim) + b.shape
    spread_a = _a.reshape(a, tuple(v for s in shape_a for v in (s, 1)))
    spread_b = _a.reshape(b, tuple(v for s in shape_b for v in (1, s)))
    return _a.reshape(spread_a * spread_b, tuple(p * q for p, q in zip(shape_a, shape_b)))


# -- diagonals and triangles --------------------------------------------------------------------


def diagonal(a, offset=0, axis1=0, axis2=1):
    """The ``offset`` diagonal of the 2-D slices over ``axis1`` and ``axis2``, as the last axis."""
    x = tensor(a)
    if x.ndim < 2:
        raise ValueError("diag requires an array of at least two dimensions")
    i, j = one_axis(axis1, x.ndim), one_axis(axis2, x.ndim)
    if i == j:
        raise ValueError("axis1 and axis2 cannot be the same")
    x = moveaxis(x, (i, j), (-2, -1))
    if offset > 0:
        x = x[..., :, offset:]
    elif offset < 0:
        x = x[..., -offset:, :]
    return _la.diag_part(x)


def trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    """The sum along the ``offset`` diagonal over ``axis1`` and ``axis2``."""
    no_out(out, "trace")
    return _sum(diagonal(a, offset, axis1, axis2), -1, dtype)


def diag(v, k=0):
    """A 2-D array with the 1-D ``v`` on its ``k``-th diagonal, or the ``k``-th diagonal of a 2-D ``v``."""
    x = tensor(v)
    if x.ndim == 1:
        square = _la.diag(x)
        if k == 0:
            return square
        k = int(k)
        pairs = ((0, k), (k, 0)) if k > 0 else ((-k, 0), (0, -k))
        return _a.pad(square, pairs)
    if x.ndim == 2:
        return diagonal(x, k)
    raise ValueError("Input must be 1- or 2-d.")


def _triangle(m, k, lower: bool):
    x = tensor(m)
    if x.ndim == 0:
        raise ValueError("tril/triu: input must have at least one dimension")
    rows, cols = (x.shape[-2], x.shape[-1]) if x.ndim >= 2 else (x.shape[-1], x.shape[-1])
    below = _np.tri(rows, cols, int(k) if lower else int(k) - 1, dtype=bool)
    return _a.where(below, x, 0) if lower else _a.where(below, 0, x)


def tril(m, k=0):
    """``m`` with the elements above the ``k``-th diagonal set to zero (last two axes)."""
    return _triangle(m, k, True)


def triu(m, k=0):
    """``m`` with the elements below the ``k``-th diagonal set to zero (last two axes)."""
    return _triangle(m, k, False)


def cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """The cross product of 3-vectors along ``axisa``/``axisb``, placed on ``axisc`` (``axis`` sets all three)."""
    if axis is not None:
        axisa = axisb = axisc = axis
    a, b = tensor(a), tensor(b)
    a = moveaxis(a, one_axis(axisa, a.ndim), -1)
    b = moveaxis(b, one_axis(axisb, b.ndim), -1)
    if a.shape[-1] != 3 or b.shape[-1] != 3:
        raise NotImplementedError("cross: only 3-vectors are supported (2-vectors are deprecated in NumPy 2)")
    a0, a1, a2 = a[..., 0], a[..., 1], a[..., 2]
    b0, b1, b2 = b[..., 0], b[..., 1], b[..., 2]
    result = _a.stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], -1)
    return moveaxis(result, -1, one_axis(axisc, result.ndim))


for _f in (dot, vdot, inner, outer, matmul, vecdot, tensordot, einsum, kron, diagonal, trace, diag, tril, triu, cross):
    public(_f)
del _f
