"""Shape, joining, splitting, indexing and sorting functions with NumPy's signatures.

Index arithmetic (permutations, split points, gather indices) is done in NumPy on
shapes and index arrays; the values move through tapegrad's differentiable ops
(reshape, transpose, concat, split, gather, getitem, pad).
"""

from __future__ import annotations

import builtins
import itertools
import operator

import numpy as _np

from ..engine.tensor import Tensor, make_tensor
from ..ops import array_ops as _a
from ..ops import math_ops as _m
from ._core import NoValue, axes, is_int, no_out, one_axis, public, raw, tensor
from ._core import ravel as _flat
from ._reductions import sum as _sum

_range = builtins.range


def _full(x: Tensor, axis: int, part) -> tuple:
    """An indexing key selecting ``part`` (a slice or index array) along ``axis`` of ``x``."""
    return (slice(None),) * axis + (part,)


# -- reshaping -----------------------------------------------------------------------------------


def reshape(a, /, shape, order="C", *, copy=None):
    """``a`` with a new shape of the same size (one dimension may be -1); ``order`` 'C' or 'F'."""
    x = tensor(a)
    if order == "F":
        shape = _a.as_shape(shape)
        reversed_axes = tuple(_range(x.ndim - 1, -1, -1))
        flipped = _a.reshape(_a.transpose(x, reversed_axes), shape[::-1])
        return _a.transpose(flipped, tuple(_range(len(shape) - 1, -1, -1)))
    if order not in ("C", "A"):
        raise ValueError(f"reshape: order must be 'C', 'F' or 'A', got {order!r}")
    return _a.reshape(x, shape)


def ravel(a, order="C"):
    """``a`` flattened to one dimension (row-major, or column-major with ``order='F'``)."""
    return reshape(a, (-1,), order="F" if order == "F" else "C")


def transpose(a, axes=None):
    """``a`` with its axes permuted (reversed when ``axes`` is None)."""
    x = tensor(a)
    if axes is None:
        return _a.transpose(x)
    perm = _axes_of(axes, x.ndim)
    if len(perm) != x.ndim:
        raise ValueError("axes don't match array")
    return _a.transpose(x, perm)


def _axes_of(axis, ndim):
    return axes(axis, ndim)


def permute_dims(a, axes=None):
    """``a`` with its axes permuted (NumPy 2's array-API name for ``transpose``)."""
    return transpose(a, axes)


def matrix_transpose(x, /):
    """``x`` with its last two axes swapped."""
    x = tensor(x)
    if x.ndim < 2:
        raise ValueError("matrix_transpose: input must be at least 2-dimensional")
    return swapaxes(x, -1, -2)


def moveaxis(a, source, destination):
    """``a`` with the axes ``source`` moved to positions ``destination``; the others keep their order."""
    x = tensor(a)
    src = _axes_of(source, x.ndim)
    dst = _axes_of(destination, x.ndim)
    if len(src) != len(dst):
        raise ValueError("`source` and `destination` arguments must have the same number of elements")
    order = [n for n in _range(x.ndim) if n not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return _a.transpose(x, tuple(order))


def swapaxes(a, axis1, axis2):
    """``a`` with axes ``axis1`` and ``axis2`` interchanged."""
    x = tensor(a)
    i, j = one_axis(axis1, x.ndim), one_axis(axis2, x.ndim)
    perm = list(_range(x.ndim))
    perm[i], perm[j] = perm[j], perm[i]
    return _a.transpose(x, tuple(perm))


def expand_dims(a, axis):
    """``a`` with new axes of size 1 at the positions ``axis`` (an int or a tuple) of the result."""
    x = tensor(a)
    n = len(axis) if isinstance(axis, tuple | list) else 1
    new = _axes_of(axis, x.ndim + n)
    dims = iter(x.shape)
    shape = tuple(1 if i in new else next(dims) for i in _range(x.ndim + n))
    return _a.reshape(x, shape)


def squeeze(a, axis=None):
    """``a`` without its size-1 axes (only those in ``axis`` when given)."""
    x = tensor(a)
    if axis is None:
        return _a.squeeze(x)
    ax = _axes_of(axis, x.ndim)
    if builtins.any(x.shape[i] != 1 for i in ax):
        raise ValueError("cannot select an axis to squeeze out which has size not equal to one")
    return _a.reshape(x, tuple(n for i, n in enumerate(x.shape) if i not in ax))


def broadcast_to(array, shape, subok=False):
    """``array`` broadcast to ``shape`` by NumPy's rules (its gradient sums back)."""
    x = tensor(array)
    shape = _a.as_shape(shape)
    _np.broadcast_shapes(x.shape, shape)
    return x if x.shape == shape else _a.broadcast_to(x, shape)


def broadcast_arrays(*args, subok=False):
    """The inputs broadcast against one another, as a tuple of tensors."""
    xs = [tensor(x) for x in args]
    shape = _np.broadcast_shapes(*(x.shape for x in xs))
    return tuple(x if x.shape == shape else _a.broadcast_to(x, shape) for x in xs)


def _atleast(shape_for, arys):
    out = []
    for a in arys:
        x = tensor(a)
        shape = shape_for(x.shape)
        out.append(x if shape == x.shape else _a.reshape(x, shape))
    return out[0] if len(out) == 1 else tuple(out)


def atleast_1d(*arys):
    """The inputs with at least one dimension (scalars become shape (1,))."""
    return _atleast(lambda s: s if len(s) >= 1 else (1,), arys)


def atleast_2d(*arys):
    """The inputs with at least two dimensions (a vector (N,) becomes (1, N))."""
    return _atleast(lambda s: s if len(s) >= 2 else ((1, 1) if not s else (1, s[0])), arys)


def atleast_3d(*arys):
    """The inputs with at least three dimensions ((N,) -> (1, N, 1), (M, N) -> (M, N, 1))."""
    shapes = {0: lambda s: (1, 1, 1), 1: lambda s: (1, s[0], 1), 2: lambda s: (*s, 1)}
    return _atleast(lambda s: shapes[len(s)](s) if len(s) < 3 else s, arys)


# -- joining -------------------------------------------------------------------------------------


def _common(arrays, dtype, name: str) -> list:
    if isinstance(arrays, Tensor) or not isinstance(arrays, list | tuple):
        arrays = list(arrays)
    xs = [tensor(x) for x in arrays]
    if not xs:
        raise ValueError(f"{name}: need at least one array")
    target = _np.dtype(dtype) if dtype is not None else _np.result_type(*(x.dtype for x in xs))
    return [x if x.dtype == target else _m.cast(x, target) for x in xs]


def concatenate(arrays, /, axis=0, out=None, *, dtype=None, casting="same_kind"):
    """The arrays joined along an existing ``axis`` (flattened first when ``axis`` is None)."""
    no_out(out, "concatenate")
    xs = _common(arrays, dtype, "concatenate")
    if axis is None:
        xs, axis = [_flat(x) for x in xs], 0
    if builtins.any(x.ndim == 0 for x in xs):
        raise ValueError("zero-dimensional arrays cannot be concatenated")
    return _a.concat(xs, one_axis(axis, xs[0].ndim))


def concat(arrays, /, axis=0, out=None, *, dtype=None, casting="same_kind"):
    """The arrays joined along an existing ``axis`` (NumPy 2's alias of ``concatenate``)."""
    return concatenate(arrays, axis, out, dtype=dtype, casting=casting)


def stack(arrays, axis=0, out=None, *, dtype=None, casting="same_kind"):
    """Arrays of one shape joined along a new ``axis``."""
    no_out(out, "stack")
    xs = _common(arrays, dtype, "stack")
    if len({x.shape for x in xs}) > 1:
        raise ValueError("all input arrays must have the same shape")
    return _a.stack(xs, one_axis(axis, xs[0].ndim + 1))


def hstack(tup, *, dtype=None, casting="same_kind"):
    """Arrays joined column-wise: along axis 1, or axis 0 for 1-D inputs."""
    xs = _common([atleast_1d(x) for x in tup], dtype, "hstack")
    return _a.concat(xs, 0 if xs[0].ndim == 1 else 1)


def vstack(tup, *, dtype=None, casting="same_kind"):
    """Arrays joined row-wise (along axis 0, 1-D inputs as rows)."""
    return _a.concat(_common([atleast_2d(x) for x in tup], dtype, "vstack"), 0)


def dstack(tup):
    """Arrays joined along the third axis (inputs made at least 3-D first)."""
    return _a.concat(_common([atleast_3d(x) for x in tup], None, "dstack"), 2)


def column_stack(tup):
    """1-D arrays as the columns of a 2-D array (2-D arrays are joined as they are)."""
    columns = []
    for a in tup:
        x = tensor(a)
        columns.append(_a.reshape(x, (-1, 1)) if x.ndim < 2 else x)
    return _a.concat(_common(columns, None, "column_stack"), 1)


def append(arr, values, axis=None):
    """``values`` appended to ``arr`` along ``axis`` (both flattened when None)."""
    return concatenate([arr, values], axis=axis)


def unstack(x, /, *, axis=0):
    """The slices of ``x`` along ``axis``, as a tuple of tensors."""
    x = tensor(x)
    return tuple(_a.unstack(x, axis=one_axis(axis, x.ndim)))


# -- splitting -----------------------------------------------------------------------------------


def _split_at(x: Tensor, points, axis: int) -> list:
    """``x`` cut along ``axis`` at ``points``, with Python's slicing rules (as NumPy's split)."""
    n = x.shape[axis]
    bounds = [0, *points, n]
    pieces = []  # (start, length) of each piece
    for lo, hi in itertools.pairwise(bounds):
        start, stop, _ = slice(lo, hi).indices(n)
        pieces.append((start, builtins.max(stop - start, 0)))
    position = 0  # the pieces are consecutive when each non-empty one starts where the last ended
    for start, length in pieces:
        if length:
            if start != position:
                break
            position += length
    else:
        if position == n:
            return list(_a.split(x, [length for _, length in pieces], axis=axis))
    return [x[_full(x, axis, slice(s, s + k))] for s, k in pieces]


def array_split(ary, indices_or_sections, axis=0):
    """``ary`` split into ``indices_or_sections`` nearly equal pieces, or at the given indices."""
    x = tensor(ary)
    axis = one_axis(axis, x.ndim)
    n = x.shape[axis]
    if is_int(indices_or_sections):
        sections = operator.index(indices_or_sections)
        if sections <= 0:
            raise ValueError("number sections must be larger than 0.")
        each, extra = builtins.divmod(n, sections)
        sizes = [each + 1] * extra + [each] * (sections - extra)
        points = list(_np.cumsum(sizes[:-1]).tolist())
    else:
        points = [operator.index(p) for p in raw(indices_or_sections)]
    return _split_at(x, points, axis)


def split(ary, indices_or_sections, axis=0):
    """``ary`` split into equal pieces (the count must divide the axis), or at the given indices."""
    if is_int(indices_or_sections):
        x = tensor(ary)
        n = x.shape[one_axis(axis, x.ndim)]
        if operator.index(indices_or_sections) <= 0 or n % operator.index(indices_or_sections):
            raise ValueError("array split does not result in an equal division")
        return array_split(x, indices_or_sections, axis)
    return array_split(ary, indices_or_sections, axis)


def hsplit(ary, indices_or_sections):
    """Split along axis 1 (axis 0 for 1-D arrays)."""
    x = tensor(ary)
    if x.ndim == 0:
        raise ValueError("hsplit only works on arrays of 1 or more dimensions")
    return split(x, indices_or_sections, 1 if x.ndim > 1 else 0)


def vsplit(ary, indices_or_sections):
    """Split along axis 0 (arrays of at least 2 dimensions)."""
    x = tensor(ary)
    if x.ndim < 2:
        raise ValueError("vsplit only works on arrays of 2 or more dimensions")
    return split(x, indices_or_sections, 0)


def dsplit(ary, indices_or_sections):
    """Split along axis 2 (arrays of at least 3 dimensions)."""
    x = tensor(ary)
    if x.ndim < 3:
        raise ValueError("dsplit only works on arrays of 3 or more dimensions")
    return split(x, indices_or_sections, 2)


# -- repetition, reversal, rolling, padding ------------------------------------------------------


def tile(A, reps):  # noqa: N803 (NumPy's name)
    """``A`` repeated ``reps[i]`` times along axis ``i`` (the shorter of the two is padded with 1s)."""
    x = tensor(A)
    reps = (operator.index(reps),) if is_int(reps) else tuple(operator.index(r) for r in reps)
    d = builtins.max(len(reps), x.ndim)
    if x.ndim < d:
        x = _a.reshape(x, (1,) * (d - x.ndim) + x.shape)
    return _a.tile(x, (1,) * (d - len(reps)) + reps)


def repeat(a, repeats, axis=None):
    """Each element (or slice along ``axis``) repeated ``repeats`` times (flattened when None)."""
    x = tensor(a)
    if axis is None:
        return _a.repeat(_flat(x), raw(repeats), 0)
    return _a.repeat(x, raw(repeats), one_axis(axis, x.ndim))


def flip(m, axis=None):
    """``m`` with the order of elements along ``axis`` (all axes when None) reversed."""
    x = tensor(m)
    ax = tuple(_range(x.ndim)) if axis is None else _axes_of(axis, x.ndim)
    return _a.reverse(x, ax) if ax else _a.identity(x)


def fliplr(m):
    """``m`` with its columns (axis 1) reversed."""
    x = tensor(m)
    if x.ndim < 2:
        raise ValueError("Input must be >= 2-d.")
    return flip(x, 1)


def flipud(m):
    """``m`` with its rows (axis 0) reversed."""
    x = tensor(m)
    if x.ndim < 1:
        raise ValueError("Input must be >= 1-d.")
    return flip(x, 0)


def rot90(m, k=1, axes=(0, 1)):
    """``m`` rotated by 90 degrees ``k`` times in the plane of ``axes``."""
    x = tensor(m)
    if len(axes) != 2:
        raise ValueError("len(axes) must be 2.")
    a0, a1 = one_axis(axes[0], x.ndim), one_axis(axes[1], x.ndim)
    if a0 == a1:
        raise ValueError("Axes must be different.")
    k %= 4
    if k == 0:
        return _a.identity(x)
    if k == 2:
        return flip(flip(x, a0), a1)
    perm = list(_range(x.ndim))
    perm[a0], perm[a1] = perm[a1], perm[a0]
    if k == 1:
        return _a.transpose(flip(x, a1), tuple(perm))
    return flip(_a.transpose(x, tuple(perm)), a1)


def roll(a, shift, axis=None):
    """``a`` with elements shifted by ``shift`` along ``axis`` (of the flattened array when None),
    wrapping around."""
    x = tensor(a)
    if axis is None:
        return _a.reshape(roll(_flat(x), shift, 0), x.shape)
    pairs = _np.broadcast(raw(shift), raw(axis))
    if pairs.ndim > 1:
        raise ValueError("'shift' and 'axis' should be scalars or 1D sequences")
    shifts = {}
    for s, ax in pairs:
        ax = one_axis(int(ax), x.ndim)
        shifts[ax] = shifts.get(ax, 0) + int(s)
    out = x
    for ax, s in shifts.items():
        n = x.shape[ax]
        if n and s % n:
            out = _a.gather(out, (_np.arange(n) - s) % n, axis=ax)
    return out if out is not x else _a.identity(x)


_INDEX_MODES = ("edge", "wrap", "reflect", "symmetric")


def pad(array, pad_width, mode="constant", **kwargs):
    """``array`` padded by ``pad_width`` (NumPy's forms).

    Modes ``constant`` (``constant_values``: a scalar or per-axis pairs), ``edge``,
    ``wrap``, ``reflect`` and ``symmetric`` (``reflect_type='even'``), and ``empty``
    (filled with zeros); the gradient folds the padding back onto the entries it copies.
    """
    x = tensor(array)
    widths = _np.asarray(raw(pad_width))
    if widths.dtype.kind not in "iu":
        raise TypeError("`pad_width` must be of integral type.")
    widths = _np.broadcast_to(widths, (x.ndim, 2))
    if (widths < 0).any():
        raise ValueError("index can't contain negative values")
    pairs = tuple((int(lo), int(hi)) for lo, hi in widths)
    if mode in ("constant", "empty"):
        values = _np.asarray(raw(kwargs.pop("constant_values", 0)) if mode == "constant" else 0)
        if kwargs:
            raise ValueError(f"unsupported keyword arguments for mode '{mode}': {set(kwargs)}")
        if values.ndim == 0:
            return _a.pad(x, pairs, constant_values=values.item())
        border = _np.pad(_np.zeros(x.shape, x.dtype), pairs, mode="constant", constant_values=values)
        return _a.pad(x, pairs) + make_tensor(border)
    if mode not in _INDEX_MODES:
        raise NotImplementedError(
            f"pad: mode {mode!r} is not supported; use constant, edge, wrap, reflect, symmetric or empty"
        )
    if kwargs.get("reflect_type", "even") != "even":
        raise NotImplementedError("pad: only reflect_type='even' is supported")
    out = x
    for ax, (lo, hi) in enumerate(pairs):
        if lo or hi:
            index = _np.pad(_np.arange(x.shape[ax]), (lo, hi), mode=mode, **kwargs)
            out = _a.gather(out, index, axis=ax)
    return out


# -- indexing and sorting ------------------------------------------------------------------------


def take(a, indices, axis=None, out=None, mode="raise"):
    """Elements of ``a`` (flattened when ``axis`` is None) at ``indices`` along ``axis``.

    ``mode`` 'raise' (negative indices count from the end), 'wrap' or 'clip'. The
    gradient adds up over repeated indices.
    """
    no_out(out, "take")
    x = tensor(a)
    index = _np.asarray(raw(indices))
    if index.dtype.kind not in "iu":
        raise TypeError(f"take: indices must be integers, got dtype {index.dtype}")
    if axis is None:
        x, axis = _flat(x), 0
    axis = one_axis(axis, x.ndim)
    n = x.shape[axis]
    if mode == "raise":
        if index.size and (index.min() < -n or index.max() >= n):
            bad = index[(index < -n) | (index >= n)].reshape(-1)[0]
            raise IndexError(f"index {bad} is out of bounds for axis {axis} with size {n}")
        index = index % n if n else index
    elif mode == "wrap":
        index = index % n
    elif mode == "clip":
        index = _np.clip(index, 0, n - 1)
    else:
        raise ValueError(f"take: mode must be 'raise', 'wrap' or 'clip', got {mode!r}")
    return _a.gather(x, index.astype(_np.int64), axis=axis)


def take_along_axis(arr, indices, axis=-1):
    """Values of ``arr`` at ``indices`` along ``axis``, matching 1-D slices (as argsort gives them)."""
    x = tensor(arr)
    index = _np.asarray(raw(indices))
    if index.dtype.kind not in "iu":
        raise IndexError("`indices` must be an integer array")
    if axis is None:
        if index.ndim != 1:
            raise ValueError(f"when axis=None, `indices` must have a single dimension, got {index.shape}")
        x, axis = _flat(x), 0
    axis = one_axis(axis, x.ndim)
    if index.ndim != x.ndim:
        raise ValueError("`indices` and `arr` must have the same number of dimensions")
    key = []
    for d, n in enumerate(x.shape):
        if d == axis:
            key.append(index)
        else:
            key.append(_np.arange(n).reshape((1,) * d + (n,) + (1,) * (x.ndim - d - 1)))
    return x[tuple(key)]


def sort(a, axis=-1, kind=None, order=None, *, stable=None):
    """``a`` sorted along ``axis`` (flattened when None); NaN sorts last.

    Differentiable: the gradient goes back through the sorting permutation (ties keep
    their order, as a stable sort gives).
    """
    if order is not None:
        raise NotImplementedError("sort: order= (structured arrays) is not supported")
    x = tensor(a)
    if axis is None:
        x, axis = _flat(x), 0
    axis = one_axis(axis, x.ndim)
    return take_along_axis(x, _np.argsort(x._value, axis=axis, kind="stable"), axis)


def _reduced_last(x: Tensor, axis):
    """``x`` with the axes ``axis`` merged into one last axis, and the axes it keeps."""
    if axis is None:
        return _flat(x), ()
    ax = _axes_of(axis, x.ndim)
    kept = tuple(i for i in _range(x.ndim) if i not in ax)
    moved = _a.transpose(x, kept + ax) if kept + ax != tuple(_range(x.ndim)) else x
    return _a.reshape(moved, tuple(x.shape[i] for i in kept) + (-1,)), kept


def _keep(result: Tensor, x: Tensor, axis, keepdims, lead=()):
    """``result`` (reduced over ``axis`` of ``x``) reshaped to keep the reduced axes as size 1."""
    if not keepdims:
        return result
    ax = tuple(_range(x.ndim)) if axis is None else _axes_of(axis, x.ndim)
    shape = tuple(1 if i in ax else n for i, n in enumerate(x.shape))
    return _a.reshape(result, tuple(lead) + shape)


def median(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """The median over ``axis``: the middle of the sorted values (the mean of the two middle ones).

    NaN anywhere in a slice gives NaN. The gradient goes to the middle element(s).
    """
    no_out(out, "median")
    x = tensor(a)
    if x.dtype.kind in "iub":
        x = _m.cast(x, _np.float64)
    flat, _ = _reduced_last(x, axis)
    n = flat.shape[-1]
    if n == 0:
        return make_tensor(_np.median(x._value, axis=axis, keepdims=keepdims))
    ordered = sort(flat, -1)
    middle = ordered[..., (n - 1) // 2 : n // 2 + 1]  # one element for odd n, two for even n
    if n % 2 == 0:
        middle = (middle[..., :1] + middle[..., 1:]) / 2
    result = _a.reshape(middle, flat.shape[:-1])
    has_nan = _np.isnan(flat._value).any(axis=-1) if flat.dtype.kind in "fc" else None
    if has_nan is not None and has_nan.any():
        result = _a.where(has_nan, _np.nan, result)
    return _keep(result, x, axis, keepdims)


def quantile(a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False, *, weights=None):
    """The ``q``-th quantiles over ``axis`` by linear interpolation between sorted values.

    Differentiable in ``a`` (through the sort); ``q`` is a constant. Only
    ``method='linear'`` and unweighted quantiles are supported.
    """
    weak = type(q) in (int, float)  # a Python number does not promote the result, as in NumPy
    return _quantile("quantile", a, _np.asarray(raw(q)), weak, axis, out, method, keepdims, weights)


def percentile(a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False, *, weights=None):
    """The ``q``-th percentiles (``q`` in [0, 100]) over ``axis``; see ``quantile``."""
    weak = type(q) in (int, float)
    qs = _np.asarray(_np.true_divide(raw(q), 100))
    return _quantile("percentile", a, qs, weak, axis, out, method, keepdims, weights)


def _quantile(name, a, qs, weak, axis, out, method, keepdims, weights):
    no_out(out, name)
    if method != "linear" or weights is not None:
        raise NotImplementedError(f"{name}: only method='linear' without weights is supported")
    if qs.dtype.kind not in "iuf" or (qs.size and (qs.min() < 0 or qs.max() > 1)):
        if name == "percentile":
            raise ValueError("Percentiles must be in the range [0, 100]")
        raise ValueError("Quantiles must be in the range [0, 1]")
    x = tensor(a)
    if x.dtype.kind in "iub":
        x = _m.cast(x, _np.float64)
    flat, _ = _reduced_last(x, axis)
    n = flat.shape[-1]
    last = flat.ndim - 1
    ordered = sort(flat, -1)
    position = (n - 1) * qs
    below = _np.floor(position).astype(_np.int64)
    perm = tuple(_range(last, last + qs.ndim)) + tuple(_range(last))  # the axes of q first, as in NumPy
    result = _a.transpose(_a.gather(ordered, below, axis=last), perm)
    if position.dtype.kind == "f":  # interpolate as NumPy's _lerp does
        upper = _a.transpose(_a.gather(ordered, _np.minimum(below + 1, n - 1), axis=last), perm)
        gamma = position - below
        t = float(gamma) if weak else gamma.reshape(qs.shape + (1,) * last)
        step = upper - result
        result = _a.where(_np.greater_equal(t, 0.5), upper - step * (1 - t), result + step * t)
    has_nan = _np.isnan(flat._value).any(axis=-1) if flat.dtype.kind in "fc" else None
    if has_nan is not None and has_nan.any():
        result = _a.where(has_nan, _np.nan, result)
    return _keep(result, x, axis, keepdims, lead=qs.shape)


# -- differences and integration -----------------------------------------------------------------


def diff(a, n=1, axis=-1, prepend=NoValue, append=NoValue):
    """The ``n``-th discrete difference along ``axis``, ``a[i + 1] - a[i]`` repeated ``n`` times."""
    x = tensor(a)
    if n < 0:
        raise ValueError(f"order must be non-negative but got {n!r}")
    if x.ndim == 0:
        raise ValueError("diff requires input that is at least one dimensional")
    axis = one_axis(axis, x.ndim)
    if n == 0:
        return x
    parts = [p for p in (prepend, x, append) if p is not NoValue]
    if len(parts) > 1:
        shaped = []
        for p in parts:
            p = tensor(p)
            if p.ndim == 0:
                shape = list(x.shape)
                shape[axis] = 1
                p = _a.broadcast_to(p, tuple(shape))
            shaped.append(p)
        x = concatenate(shaped, axis)
    if x.dtype.kind == "b":
        return make_tensor(_np.diff(x._value, n, axis))
    for _ in _range(n):
        x = x[_full(x, axis, slice(1, None))] - x[_full(x, axis, slice(None, -1))]
    return x


def trapezoid(y, x=None, dx=1.0, axis=-1):
    """The integral of ``y`` along ``axis`` by the trapezoidal rule (sample points ``x`` or spacing ``dx``)."""
    y = tensor(y)
    axis = one_axis(axis, y.ndim)
    if x is None:
        d = dx
    else:
        xs = tensor(x)
        if xs.ndim == 1:
            d = diff(xs)
            shape = [1] * y.ndim
            shape[axis] = d.shape[0]
            d = _a.reshape(d, tuple(shape))
        else:
            d = diff(xs, axis=axis)
    upper = y[_full(y, axis, slice(1, None))]
    lower = y[_full(y, axis, slice(None, -1))]
    return _sum(d * (upper + lower) / 2.0, axis)


def meshgrid(*xi, copy=True, sparse=False, indexing="xy"):
    """Coordinate tensors from coordinate vectors (``indexing`` 'xy' or 'ij'), as a tuple."""
    if indexing not in ("xy", "ij"):
        raise ValueError("Valid values for `indexing` are 'xy' and 'ij'.")
    ndim = len(xi)
    ones = (1,) * ndim
    out = [_a.reshape(tensor(x), ones[:i] + (-1,) + ones[i + 1 :]) for i, x in enumerate(xi)]
    if indexing == "xy" and ndim > 1:
        out[0] = _a.reshape(out[0], (1, -1) + ones[2:])
        out[1] = _a.reshape(out[1], (-1, 1) + ones[2:])
    if not sparse:
        out = list(broadcast_arrays(*out))
    return tuple(out)


for _f in (reshape, ravel, transpose, permute_dims, matrix_transpose, moveaxis, swapaxes, expand_dims, squeeze,
           broadcast_to, broadcast_arrays, atleast_1d, atleast_2d, atleast_3d, concatenate, concat, stack, hstack,
           vstack, dstack, column_stack, append, unstack, array_split, split, hsplit, vsplit, dsplit, tile, repeat,
           flip, fliplr, flipud, rot90, roll, pad, take, take_along_axis, sort, median, quantile, percentile, diff,
           trapezoid, meshgrid):  # fmt: skip
    public(_f)
del _f
