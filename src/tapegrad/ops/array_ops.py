"""Shape and layout ops: reshape, broadcast, select, join and split, gather, pad, indexing."""

from __future__ import annotations

import itertools
import operator

from ..backend import xp
from ..dtypes import as_dtype, int64
from ..engine.dispatch import convert_inputs
from ..engine.registry import NotDifferentiable, Sample, primitive
from ..engine.tensor import Tensor, convert_to_tensor, infer_array
from .samples import randn
from .shape_util import normalize_axis, normalize_one_axis

__all__ = [
    "reshape", "broadcast_to", "where", "zeros_like", "ones_like", "stack", "unstack", "concat",
    "split", "transpose", "expand_dims", "squeeze", "tile", "pad", "gather", "gather_nd", "reverse",
    "one_hot", "shape", "size", "rank", "boolean_mask", "repeat", "stop_gradient", "identity",
]  # fmt: skip


def as_shape(shape, who: str = "shape") -> tuple:
    """A shape given as an int, a sequence or a tensor, as a tuple of ints.

    Anything else (None, a string, floats) raises ``TypeError`` naming ``who``.
    """
    if hasattr(shape, "numpy"):
        shape = shape.numpy().tolist()
    if hasattr(shape, "__index__"):
        return (operator.index(shape),)
    if isinstance(shape, str | bytes) or not hasattr(shape, "__iter__"):
        raise TypeError(f"{who}: expected an int or a sequence of ints, got {shape!r}")
    dims = tuple(shape)
    for d in dims:
        if not hasattr(d, "__index__"):
            raise TypeError(f"{who}: expected a sequence of ints, got {list(dims)!r}")
    return tuple(operator.index(d) for d in dims)


def as_dims(shape, who: str) -> tuple:
    """``as_shape`` for a new tensor's shape: every dimension must be >= 0."""
    dims = as_shape(shape, who)
    if any(d < 0 for d in dims):
        raise ValueError(f"{who}: dimensions must be non-negative, got {list(dims)}")
    return dims


def _is_scalar_int(value) -> bool:
    """True for a Python or NumPy integer, or a 0-d integer tensor."""
    if isinstance(value, bool):
        return False
    return hasattr(value, "__index__") and getattr(value, "ndim", 0) == 0


def _one_int(value, what: str, op: str) -> int:
    """``value`` (an int, a 0-d tensor or a one-element sequence) as an int."""
    if _is_scalar_int(value):
        return operator.index(value)
    values = as_shape(value, f"{op}: {what}")
    if len(values) != 1:
        raise ValueError(f"{op}: {what} must be a single integer, got {value!r}")
    return values[0]


def _tensor(value) -> Tensor:
    (t,) = convert_inputs((value,))
    return t


def _tensors(values, op: str) -> tuple:
    if isinstance(values, Tensor) or not isinstance(values, list | tuple):
        raise TypeError(f"{op}: expected a list of tensors, got {type(values).__name__}")
    values = convert_inputs(tuple(values))
    if not values:
        raise ValueError(f"{op}: expected a non-empty list of tensors")
    return values


def _shapes(tensors) -> str:
    return ", ".join(str(list(t.shape)) for t in tensors)


def _inverse_permutation(perm) -> tuple:
    inverse = [0] * len(perm)
    for i, p in enumerate(perm):
        inverse[p] = i
    return tuple(inverse)


# -- reshape, broadcast, select ----------------------------------------------------------------


@primitive("Reshape", samples=[Sample(randn(3, 4), shape=(2, 6)), Sample(randn(6), shape=(3, -1)),
                               Sample(randn(1), shape=())])  # fmt: skip
def _reshape(x, shape=()):
    return xp.reshape(x, shape)


def reshape(tensor, shape, name=None):
    """``tensor`` with a new shape of the same size; one dimension may be -1."""
    return _reshape(tensor, shape=as_shape(shape, "reshape"))


@primitive("BroadcastTo", samples=[Sample(randn(3, 1), shape=(2, 3, 4)), Sample(randn(), shape=(2,)),
                                   Sample(randn(4), shape=(3, 4))])  # fmt: skip
def _broadcast_to(x, shape=()):
    return xp.broadcast_to(x, shape)


def broadcast_to(input, shape, name=None):
    """``input`` broadcast to ``shape`` by NumPy's rules."""
    return _broadcast_to(input, shape=as_dims(shape, "broadcast_to"))


def _select_samples():
    cond = randn(3, 4) > 0
    return [
        Sample(cond, randn(3, 4), randn(3, 4)),
        Sample(cond, randn(4), randn(3, 1)),
        Sample(cond[0], randn(), randn(4)),
    ]


@primitive("SelectV2", samples=_select_samples())
def _select(condition, x, y):
    return xp.where(condition, x, y)


def where(condition, x=None, y=None, name=None):
    """Elements of ``x`` where ``condition`` holds, else of ``y`` (broadcasting).

    With only ``condition``, the indices of its true elements, shape ``(n, rank)``.
    """
    if x is None and y is None:
        return _where_indices(condition)
    if x is None or y is None:
        raise ValueError("where: give both x and y, or neither")
    return _select(condition, x, y)


@primitive("Where", samples=[Sample(randn(3, 4) > 0)])
def _where_indices(condition):
    return xp.argwhere(condition)


NotDifferentiable("Where")


@primitive("ZerosLike", samples=[Sample(randn(2, 3))])
def _zeros_like(x, dtype=None):
    return xp.zeros_like(x, dtype=dtype)


@primitive("OnesLike", samples=[Sample(randn(2, 3))])
def _ones_like(x, dtype=None):
    return xp.ones_like(x, dtype=dtype)


NotDifferentiable("ZerosLike")
NotDifferentiable("OnesLike")


def zeros_like(input, dtype=None, name=None):
    """Zeros with the shape (and, unless given, the dtype) of ``input``."""
    return _zeros_like(input, dtype=None if dtype is None else as_dtype(dtype))


def ones_like(input, dtype=None, name=None):
    """Ones with the shape (and, unless given, the dtype) of ``input``."""
    return _ones_like(input, dtype=None if dtype is None else as_dtype(dtype))


# -- transpose, expand_dims, squeeze, reverse --------------------------------------------------


@primitive("Transpose", samples=[Sample(randn(2, 3, 4), perm=(2, 0, 1)), Sample(randn(3, 4), perm=(1, 0)),
                                 Sample(randn(1, 3, 1), perm=(1, 2, 0)), Sample(randn(), perm=())])  # fmt: skip
def _transpose(x, perm=()):
    return xp.transpose(x, perm)


def transpose(a, perm=None, conjugate=False, name=None):
    """``a`` with its axes permuted: axis ``i`` of the result is axis ``perm[i]`` of ``a``.

    ``perm`` defaults to the reversed axes (the matrix transpose for rank 2).
    """
    a = _tensor(a)
    n = a.ndim
    if perm is None:
        perm = tuple(range(n - 1, -1, -1))
    else:
        given = as_shape(perm, "transpose: perm")
        perm = tuple(p % n if n and -n <= p < n else p for p in given)
        if sorted(perm) != list(range(n)):
            raise ValueError(f"transpose: perm {list(given)} is not a permutation of the axes of shape {list(a.shape)}")
    if conjugate and a.dtype.kind == "c":
        raise NotImplementedError("transpose: conjugate=True is not supported for complex tensors")
    return _transpose(a, perm=perm)


@primitive("ExpandDims", samples=[Sample(randn(3, 4), axis=0), Sample(randn(3, 4), axis=2),
                                  Sample(randn(3, 1), axis=1), Sample(randn(), axis=0)])  # fmt: skip
def _expand_dims(x, axis=0):
    return xp.expand_dims(x, axis)


def expand_dims(input, axis, name=None):
    """``input`` with a new axis of size 1 inserted at ``axis`` (in ``[-rank - 1, rank]``)."""
    x = _tensor(input)
    a = _one_int(axis, "axis", "expand_dims")
    if not -x.ndim - 1 <= a <= x.ndim:
        raise ValueError(
            f"expand_dims: axis {a} is out of range [{-x.ndim - 1}, {x.ndim}] for a tensor of shape {list(x.shape)}"
        )
    return _expand_dims(x, axis=a % (x.ndim + 1))


@primitive("Squeeze", samples=[Sample(randn(1, 3, 1), axis=(0, 2)), Sample(randn(1, 3, 1), axis=(2,)),
                               Sample(randn(1), axis=(0,)), Sample(randn(2, 3), axis=())])  # fmt: skip
def _squeeze(x, axis=()):
    return xp.squeeze(x, axis)


def squeeze(input, axis=None, name=None):
    """``input`` without the size-1 axes listed in ``axis`` (all of them when None)."""
    x = _tensor(input)
    if axis is None:
        axes = tuple(i for i, n in enumerate(x.shape) if n == 1)
    else:
        axes = normalize_axis(axis, x.ndim, "squeeze")
        if axes and not x.ndim:
            raise ValueError(f"squeeze: axis {axis} is out of range for a tensor of rank 0")
        for a in axes:
            if x.shape[a] != 1:
                raise ValueError(f"squeeze: cannot squeeze axis {a} of size {x.shape[a]} (input shape {list(x.shape)})")
    return _squeeze(x, axis=axes)


@primitive("ReverseV2", samples=[Sample(randn(3, 4), axis=(0,)), Sample(randn(2, 3, 4), axis=(0, 2)),
                                 Sample(randn(1, 3), axis=(1,)), Sample(randn(), axis=())])  # fmt: skip
def _reverse(x, axis=()):
    return xp.flip(x, axis)


def reverse(tensor, axis, name=None):
    """``tensor`` with the order of elements along each axis in ``axis`` reversed."""
    x = _tensor(tensor)
    axes = normalize_axis(axis, x.ndim, "reverse") or ()
    if not x.ndim and axes:
        raise ValueError(f"reverse: axis {axis} is out of range for a tensor of rank 0")
    return _reverse(x, axis=axes)


# -- stack, unstack, concat, split -------------------------------------------------------------


@primitive("Pack", samples=[Sample(randn(3), randn(3), axis=0), Sample(randn(2, 3), randn(2, 3), randn(2, 3), axis=-1),
                            Sample(randn(), randn(), axis=0), Sample(randn(1, 2), axis=1)])  # fmt: skip
def _stack(*values, axis=0):
    return xp.stack(values, axis=axis)


def stack(values, axis=0, name=None):
    """Tensors of one shape joined along a new axis (``axis`` in ``[-rank - 1, rank]``)."""
    values = _tensors(values if isinstance(values, list | tuple) else list(values), "stack")
    shapes = {t.shape for t in values}
    if len(shapes) > 1:
        raise ValueError(f"stack: all tensors need one shape, got shapes {_shapes(values)}")
    n = values[0].ndim
    axis = _one_int(axis, "axis", "stack")
    if not -n - 1 <= axis <= n:
        raise ValueError(
            f"stack: axis {axis} is out of range [{-n - 1}, {n}] for tensors of shape {list(values[0].shape)}"
        )
    return _stack(*values, axis=axis % (n + 1))


@primitive("Unpack", samples=[Sample(randn(3, 4), num=3, axis=0), Sample(randn(2, 4), num=4, axis=1),
                              Sample(randn(2, 3, 1), num=1, axis=2), Sample(randn(3), num=3, axis=0)])  # fmt: skip
def _unstack(x, num=0, axis=0):
    moved = xp.moveaxis(x, axis, 0) if axis else x
    return tuple(moved[i, ...] for i in range(moved.shape[0]))


def unstack(value, num=None, axis=0, name=None):
    """The slices of ``value`` along ``axis``, as a list of tensors of rank one less."""
    x = _tensor(value)
    if x.ndim == 0:
        raise ValueError("unstack: cannot unstack a 0-d tensor")
    axis = normalize_one_axis(_one_int(axis, "axis", "unstack"), x.ndim, "unstack")
    n = x.shape[axis]
    if num is not None and int(num) != n:
        raise ValueError(f"unstack: num={num} does not match dimension {axis} of shape {list(x.shape)}")
    return list(_unstack(x, num=n, axis=axis))


@primitive("ConcatV2", samples=[Sample(randn(2, 3), randn(4, 3), axis=0),
                                Sample(randn(2, 3), randn(2, 1), randn(2, 2), axis=1),
                                Sample(randn(2, 0), randn(2, 2), axis=1), Sample(randn(3), axis=0)])  # fmt: skip
def _concat(*values, axis=0):
    return xp.concatenate(values, axis=axis)


def concat(values, axis, name=None):
    """Tensors of one rank and dtype joined along an existing ``axis``; other dimensions must match."""
    values = _tensors(values if isinstance(values, list | tuple) else [values], "concat")
    n = values[0].ndim
    if any(t.ndim != n for t in values):
        raise ValueError(f"concat: all tensors need one rank, got shapes {_shapes(values)}")
    if n == 0:
        raise ValueError("concat: cannot concatenate 0-d tensors (use stack)")
    axis = normalize_one_axis(_one_int(axis, "axis", "concat"), n, "concat")
    outer = {t.shape[:axis] + t.shape[axis + 1 :] for t in values}
    if len(outer) > 1:
        raise ValueError(f"concat: shapes {_shapes(values)} differ in a dimension other than axis {axis}")
    dtypes = {t.dtype for t in values}
    if len(dtypes) > 1:
        raise TypeError(f"concat: all tensors need one dtype, got {', '.join(str(t.dtype) for t in values)}")
    return _concat(*values, axis=axis)


@primitive("SplitV", samples=[Sample(randn(6, 2), sizes=(1, 2, 3), axis=0),
                              Sample(randn(2, 4), sizes=(2, 2), axis=1), Sample(randn(3, 4), sizes=(4,), axis=1),
                              Sample(randn(2, 3), sizes=(0, 3), axis=1)])  # fmt: skip
def _split(x, sizes=(), axis=0):
    return tuple(xp.split(x, list(itertools.accumulate(sizes[:-1])), axis=axis))


def split(value, num_or_size_splits, axis=0, num=None, name=None):
    """``value`` cut along ``axis`` into ``num_or_size_splits`` equal pieces, or pieces of the given sizes.

    One size may be -1: the rest of the dimension. Returns a list of tensors.
    """
    x = _tensor(value)
    if x.ndim == 0:
        raise ValueError("split: cannot split a 0-d tensor")
    axis = normalize_one_axis(_one_int(axis, "axis", "split"), x.ndim, "split")
    n = x.shape[axis]
    if _is_scalar_int(num_or_size_splits):
        k = operator.index(num_or_size_splits)
        if k <= 0 or n % k:
            raise ValueError(f"split: dimension {axis} of shape {list(x.shape)} cannot be split into {k} equal pieces")
        sizes = (n // k,) * k
    else:
        sizes = as_shape(num_or_size_splits, "split: size_splits")
        if not sizes:
            raise ValueError("split: size_splits must not be empty")
        if sizes.count(-1) > 1 or any(s < -1 for s in sizes):
            raise ValueError(f"split: bad size_splits {list(sizes)} (sizes must be >= 0, with at most one -1)")
        if -1 in sizes:
            rest = n - (sum(sizes) + 1)
            if rest < 0:
                raise ValueError(f"split: size_splits {list(sizes)} exceed dimension {axis} of shape {list(x.shape)}")
            sizes = tuple(rest if s == -1 else s for s in sizes)
        if sum(sizes) != n:
            raise ValueError(
                f"split: size_splits {list(sizes)} sum to {sum(sizes)}, not to dimension {axis} of shape "
                f"{list(x.shape)} ({n})"
            )
    if num is not None and int(num) != len(sizes):
        raise ValueError(f"split: num={num} does not match the {len(sizes)} pieces")
    return list(_split(x, sizes=sizes, axis=axis))


# -- tile, pad ---------------------------------------------------------------------------------


@primitive("Tile", samples=[Sample(randn(2, 3), multiples=(2, 1)), Sample(randn(1, 3), multiples=(3, 2)),
                            Sample(randn(2, 1, 2), multiples=(1, 3, 2)), Sample(randn(), multiples=())])  # fmt: skip
def _tile(x, multiples=()):
    return xp.tile(x, multiples)


def tile(input, multiples, name=None):
    """``input`` repeated ``multiples[i]`` times along axis ``i``; ``len(multiples)`` is its rank."""
    x = _tensor(input)
    multiples = as_shape(multiples, "tile: multiples")
    if len(multiples) != x.ndim:
        raise ValueError(f"tile: multiples {list(multiples)} need one entry per axis of shape {list(x.shape)}")
    if any(m < 0 for m in multiples):
        raise ValueError(f"tile: multiples {list(multiples)} must be non-negative")
    return _tile(x, multiples=multiples)


def _interior(paddings, shape) -> tuple:
    """The slices of a padded tensor that hold the original values."""
    return tuple(slice(lo, lo + n) for (lo, _), n in zip(paddings, shape))


@primitive("PadV2", samples=[Sample(randn(2, 3), paddings=((1, 0), (2, 1))), Sample(randn(), paddings=()),
                             Sample(randn(1, 2), paddings=((0, 0), (0, 3)), constant_values=1.5),
                             Sample(randn(3), paddings=((2, 2),), constant_values=-1)])  # fmt: skip
def _pad(x, paddings=(), constant_values=0):
    out = xp.full(tuple(lo + n + hi for (lo, hi), n in zip(paddings, x.shape)), constant_values, dtype=x.dtype)
    out[_interior(paddings, x.shape)] = x
    return out


@primitive("MirrorPad", samples=[Sample(randn(3, 4), paddings=((1, 2), (2, 0)), mode="REFLECT"),
                                 Sample(randn(3, 4), paddings=((3, 1), (0, 4)), mode="SYMMETRIC"),
                                 Sample(randn(2), paddings=((1, 1),), mode="REFLECT"),
                                 Sample(randn(1, 3), paddings=((1, 0), (1, 2)), mode="SYMMETRIC")])  # fmt: skip
def _mirror_pad(x, paddings=(), mode="REFLECT"):
    limit = 1 if mode == "REFLECT" else 0  # NumPy mirrors wider pads again and again; the gradient does not
    if any(max(lo, hi) > n - limit for (lo, hi), n in zip(paddings, x.shape)):
        raise ValueError(f"MirrorPad: {mode} paddings {paddings} are too wide for input shape {list(x.shape)}")
    return xp.pad(x, paddings, mode=mode.lower())


def pad(tensor, paddings, mode="CONSTANT", constant_values=0, name=None):
    """``tensor`` padded by ``paddings[i] = (before, after)`` entries along axis ``i``.

    ``mode`` is CONSTANT (fill with ``constant_values``), REFLECT (mirror without the
    edge; pads < dimension) or SYMMETRIC (mirror with the edge; pads <= dimension).
    """
    x = _tensor(tensor)
    mode = str(mode).upper()
    if mode not in ("CONSTANT", "REFLECT", "SYMMETRIC"):
        raise ValueError(f"pad: mode must be CONSTANT, REFLECT or SYMMETRIC, got {mode!r}")
    if hasattr(paddings, "numpy"):
        paddings = paddings.numpy().tolist()
    try:
        paddings = tuple((int(lo), int(hi)) for lo, hi in paddings)
    except (TypeError, ValueError):
        raise ValueError(f"pad: paddings must have shape [{x.ndim}, 2] for input shape {list(x.shape)}") from None
    if len(paddings) != x.ndim:
        raise ValueError(
            f"pad: paddings {[list(p) for p in paddings]} must have shape [{x.ndim}, 2] for input shape {list(x.shape)}"
        )
    if any(p < 0 for pair in paddings for p in pair):
        raise ValueError(f"pad: paddings {[list(p) for p in paddings]} must be non-negative")
    if mode == "CONSTANT":
        if isinstance(constant_values, Tensor) or hasattr(constant_values, "shape"):
            constant_values = xp.asarray(constant_values).item()
        return _pad(x, paddings=paddings, constant_values=constant_values)
    limit = 1 if mode == "REFLECT" else 0
    for (lo, hi), n in zip(paddings, x.shape):
        if max(lo, hi) > n - limit:
            bound = "dimension - 1" if limit else "dimension"
            raise ValueError(
                f"pad: {mode} paddings {[list(p) for p in paddings]} must be <= {bound} for input shape {list(x.shape)}"
            )
    return _mirror_pad(x, paddings=paddings, mode=mode)


# -- gather ------------------------------------------------------------------------------------


def _batch_index(shape, batch_dims: int) -> list:
    """Index arrays over the leading ``batch_dims`` axes, broadcasting against ``shape``."""
    ndim = len(shape)
    return [xp.arange(n).reshape((1,) * j + (n,) + (1,) * (ndim - j - 1)) for j, n in enumerate(shape[:batch_dims])]


def gather_key(params_ndim: int, indices, axis: int, batch_dims: int):
    """``(key, perm)`` with ``gather(params, indices, axis, batch_dims) == params[key].transpose(perm)``.

    ``perm`` is None when no transpose is needed. ``indices`` is an integer array.
    """
    n_index = indices.ndim
    key = (*_batch_index(indices.shape, batch_dims), *(slice(None),) * (axis - batch_dims), indices)
    if not batch_dims or axis == batch_dims or n_index == batch_dims:
        return key, None
    # Advanced indices split by slices: NumPy puts the broadcast index dimensions first.
    n_pre = axis - batch_dims
    out_ndim = n_index + params_ndim - batch_dims - 1
    perm = (
        *range(batch_dims),
        *range(n_index, n_index + n_pre),
        *range(batch_dims, n_index),
        *range(n_index + n_pre, out_ndim),
    )
    return key, perm


def _gather_samples():
    return [
        Sample(randn(5, 3), xp.array([0, 2, 2, 4])),
        Sample(randn(3, 4), xp.array([[1, 1], [3, 0]]), axis=1),
        Sample(randn(4), xp.array(2)),
        Sample(randn(2, 3, 4), xp.array([[0, 0, 3], [1, 3, 3]]), axis=2, batch_dims=1),
        Sample(randn(2, 3, 1), xp.array([[0, 2], [1, 1]]), axis=1, batch_dims=1),
        Sample(randn(2, 3), xp.array([1, 0]), axis=1, batch_dims=1),
    ]


@primitive("GatherV2", samples=_gather_samples())
def _gather(params, indices, axis=0, batch_dims=0):
    if not batch_dims:
        return xp.take(params, indices, axis=axis)
    key, perm = gather_key(params.ndim, indices, axis, batch_dims)
    out = params[key]
    return out if perm is None else out.transpose(perm)


def _indices(indices, op: str) -> Tensor:
    t = convert_to_tensor(indices)
    if t.dtype.kind not in "iu":
        raise TypeError(f"{op}: indices must be integers, got dtype {t.dtype}")
    return t


def _check_range(index, n: int, op: str, what: str) -> None:
    if index.size and (index.min() < 0 or index.max() >= n):
        bad = index[(index < 0) | (index >= n)].reshape(-1)[0]
        raise IndexError(f"{op}: index {bad} is out of range [0, {n}) for {what}")


def gather(params, indices, validate_indices=None, axis=None, batch_dims=0, name=None):
    """Slices of ``params`` along ``axis`` at ``indices``.

    The result has shape ``params.shape[:axis] + indices.shape[batch_dims:] +
    params.shape[axis + 1:]``; the first ``batch_dims`` axes of ``params`` and
    ``indices`` are batch axes, gathered pairwise. Indices must lie in ``[0, dim)``.
    The gradient adds up over repeated indices; ``indices`` get none.
    """
    p = _tensor(params)
    idx = _indices(indices, "gather")
    b = int(batch_dims)
    if b < 0:
        b += idx.ndim
    if not 0 <= b <= idx.ndim:
        raise ValueError(f"gather: batch_dims {batch_dims} is out of range for indices of shape {list(idx.shape)}")
    if p.ndim == 0:
        raise ValueError("gather: params must have rank at least 1, got a 0-d tensor")
    axis = b if axis is None else _one_int(axis, "axis", "gather")
    axis = normalize_one_axis(axis, p.ndim, "gather")
    if axis < b:
        raise ValueError(f"gather: axis {axis} must be >= batch_dims {b}")
    if p.shape[:b] != idx.shape[:b]:
        raise ValueError(
            f"gather: the first {b} (batch) dimensions of params {list(p.shape)} and indices "
            f"{list(idx.shape)} must match"
        )
    _check_range(idx._value, p.shape[axis], "gather", f"axis {axis} of params shape {list(p.shape)}")
    return _gather(p, idx, axis=axis, batch_dims=b)


def gather_nd_key(indices, batch_dims: int) -> tuple:
    """The key with ``gather_nd(params, indices, batch_dims) == params[key]``."""
    lead = indices.shape[:-1]
    return (*_batch_index(lead, batch_dims), *(indices[..., j] for j in range(indices.shape[-1])))


def _gather_nd_samples():
    return [
        Sample(randn(3, 4), xp.array([[0, 1], [2, 3], [0, 1]])),
        Sample(randn(3, 4, 2), xp.array([[1], [1], [0]])),
        Sample(randn(2, 3), xp.array([1, 2])),
        Sample(randn(2, 3, 4), xp.array([[[1]], [[2]]]), batch_dims=1),
    ]


@primitive("GatherNd", samples=_gather_nd_samples())
def _gather_nd(params, indices, batch_dims=0):
    return params[gather_nd_key(indices, batch_dims)]


def gather_nd(params, indices, batch_dims=0, name=None):
    """Slices of ``params`` at the multi-indices in the last axis of ``indices``.

    The result has shape ``indices.shape[:-1] + params.shape[batch_dims + indices.shape[-1]:]``.
    """
    p = _tensor(params)
    idx = _indices(indices, "gather_nd")
    b = int(batch_dims)
    if idx.ndim < 1 or not 0 <= b < idx.ndim:
        raise ValueError(
            f"gather_nd: indices of shape {list(idx.shape)} need rank >= 1 and batch_dims {batch_dims} < their rank"
        )
    k = idx.shape[-1]
    if k < 1 or b + k > p.ndim:
        raise ValueError(
            f"gather_nd: indices.shape[-1] = {k} must be in [1, {p.ndim - b}] for params of shape "
            f"{list(p.shape)} (batch_dims={b})"
        )
    if p.shape[:b] != idx.shape[:b]:
        raise ValueError(
            f"gather_nd: the first {b} (batch) dimensions of params {list(p.shape)} and indices "
            f"{list(idx.shape)} must match"
        )
    for j in range(k):
        what = f"axis {b + j} of params shape {list(p.shape)}"
        _check_range(idx._value[..., j], p.shape[b + j], "gather_nd", what)
    return _gather_nd(p, idx, batch_dims=b)


def boolean_mask(tensor, mask, axis=None, name=None):
    """The elements (or slices) of ``tensor`` where the boolean ``mask`` is true.

    ``mask`` covers axes ``axis .. axis + mask.ndim - 1`` of ``tensor``, which collapse
    into one axis of the selected entries.
    """
    x = _tensor(tensor)
    m = convert_to_tensor(mask)
    if m.dtype.kind != "b":
        raise TypeError(f"boolean_mask: mask must be boolean, got dtype {m.dtype}")
    if m.ndim == 0:
        raise ValueError("boolean_mask: mask cannot be a scalar")
    axis = 0 if axis is None else normalize_one_axis(_one_int(axis, "axis", "boolean_mask"), x.ndim, "boolean_mask")
    if x.shape[axis : axis + m.ndim] != m.shape:
        raise ValueError(
            f"boolean_mask: mask of shape {list(m.shape)} does not match axes {axis}.. of tensor shape {list(x.shape)}"
        )
    return getitem(x, (slice(None),) * axis + (m,))


def repeat(input, repeats, axis=None, name=None):
    """Each element (or slice along ``axis``) of ``input`` repeated ``repeats`` times.

    ``repeats`` is an int or one count per entry along ``axis``; with ``axis=None`` the
    input is flattened first.
    """
    x = _tensor(input)
    if axis is None:
        x = reshape(x, (-1,))
        axis = 0
    if x.ndim == 0:
        raise ValueError("repeat: cannot repeat along an axis of a 0-d tensor")
    axis = normalize_one_axis(_one_int(axis, "axis", "repeat"), x.ndim, "repeat")
    counts = xp.asarray(repeats._value if isinstance(repeats, Tensor) else repeats)
    n = x.shape[axis]
    if counts.dtype.kind not in "iu" or counts.ndim > 1 or (counts.ndim == 1 and counts.shape[0] not in (1, n)):
        raise ValueError(
            f"repeat: repeats must be an integer or {n} integers for axis {axis} of shape {list(x.shape)}, "
            f"got {counts.tolist()}"
        )
    if (counts < 0).any():
        raise ValueError(f"repeat: repeats must be non-negative, got {counts.tolist()}")
    return _gather(x, xp.repeat(xp.arange(n), counts), axis=axis)


# -- one_hot, shape, size, rank ----------------------------------------------------------------


@primitive("OneHot", samples=[Sample(xp.array([0, 2, 1, 5, -1]), depth=3),
                              Sample(xp.array([[0, 1], [2, 0]]), depth=3, on_value=2.0, off_value=-1.0, axis=0),
                              Sample(xp.array(1), depth=4, dtype="float64")])  # fmt: skip
def _one_hot(indices, depth=1, on_value=1, off_value=0, axis=-1, dtype="float32"):
    axis = axis % (indices.ndim + 1)
    hot = xp.expand_dims(indices, axis) == xp.arange(depth).reshape((depth,) + (1,) * (indices.ndim - axis))
    return xp.where(hot, xp.asarray(on_value, dtype), xp.asarray(off_value, dtype))


NotDifferentiable("OneHot")


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    """One-hot vectors: ``on_value`` where the position equals the index, else ``off_value``.

    The new axis of size ``depth`` goes at ``axis`` (last by default); indices outside
    ``[0, depth)`` give all-off vectors. ``dtype`` defaults to that of ``on_value`` or
    ``off_value`` when given, else float32. Not differentiable.
    """
    idx = _indices(indices, "one_hot")
    depth = _one_int(depth, "depth", "one_hot")
    if depth < 0:
        raise ValueError(f"one_hot: depth must be non-negative, got {depth}")
    axis = -1 if axis is None else _one_int(axis, "axis", "one_hot")
    if not -1 <= axis <= idx.ndim:
        raise ValueError(
            f"one_hot: axis {axis} is out of range [-1, {idx.ndim}] for indices of shape {list(idx.shape)}"
        )
    values = [infer_array(v, copy=False) for v in (on_value, off_value) if v is not None]
    if dtype is None:
        dtype = values[0].dtype if values else "float32"
    dtype = as_dtype(dtype)
    if any(v.ndim for v in values):
        raise ValueError("one_hot: on_value and off_value must be scalars")
    on = 1 if on_value is None else infer_array(on_value, copy=False).item()
    off = 0 if off_value is None else infer_array(off_value, copy=False).item()
    return _one_hot(idx, depth=depth, on_value=on, off_value=off, axis=axis, dtype=dtype)


@primitive("Shape", samples=[Sample(randn(2, 3)), Sample(randn())])
def _shape(x, out_type=int64):
    return xp.array(x.shape, dtype=out_type)


@primitive("Size", samples=[Sample(randn(2, 3)), Sample(randn())])
def _size(x, out_type=int64):
    return xp.array(x.size, dtype=out_type)


@primitive("Rank", samples=[Sample(randn(2, 3)), Sample(randn())])
def _rank(x, out_type=int64):
    return xp.array(x.ndim, dtype=out_type)


NotDifferentiable("Shape")
NotDifferentiable("Size")
NotDifferentiable("Rank")


def shape(input, out_type=int64, name=None):
    """The shape of ``input`` as a 1-D integer tensor (int64 by default)."""
    return _shape(_tensor(input), out_type=as_dtype(out_type))


def size(input, out_type=int64, name=None):
    """The number of elements of ``input`` as a 0-d integer tensor (int64 by default)."""
    return _size(_tensor(input), out_type=as_dtype(out_type))


def rank(input, name=None):
    """The number of axes of ``input`` as a 0-d int64 tensor."""
    return _rank(_tensor(input))


# -- indexing ----------------------------------------------------------------------------------


def _index_part(k, copy: bool):
    if isinstance(k, Tensor):
        k = k._value  # tensors are immutable: no copy needed
    elif isinstance(k, list):
        k = xp.asarray(k)
        if k.size == 0 and k.dtype.kind == "f":
            k = k.astype(xp.intp)  # x[[]] selects nothing, as in NumPy
    elif isinstance(k, xp.ndarray):
        if copy:
            k = k.copy()  # the gradient must not see later changes to the caller's array
    elif isinstance(k, slice):
        if any(isinstance(v, Tensor) for v in (k.start, k.stop, k.step)):
            k = slice(*(None if v is None else operator.index(v) for v in (k.start, k.stop, k.step)))
        return k
    else:
        return k
    if k.dtype.kind not in "iub":
        raise IndexError(f"getitem: arrays and tensors used as indices must be integer or boolean, got dtype {k.dtype}")
    return k


def _index_key(key, copy: bool = True) -> tuple:
    """An indexing key with tensors and lists turned into arrays (NumPy semantics)."""
    if not isinstance(key, tuple):
        key = (key,)
    return tuple(_index_part(k, copy) for k in key)


@primitive("StridedSlice", samples=[
    Sample(randn(4, 5), key=(slice(1, 3), slice(None, None, 2))),
    Sample(randn(4, 5), key=(1,)),
    Sample(randn(4, 5), key=(Ellipsis, None, -1)),
    Sample(randn(4, 5), key=(slice(None, None, -1), slice(4, 0, -2))),
    Sample(randn(4, 5), key=(None, 2, slice(None), None)),
    Sample(randn(4, 5), key=(xp.array([0, 2, 0]),)),
    Sample(randn(4, 5), key=(randn(4, 5) > 0,)),
    Sample(randn(3, 4, 5), key=(xp.array([0, 1]), slice(None), xp.array([4, 4]))),
    Sample(randn(3, 4), key=(slice(None, None, -1), xp.array([[1, 1], [3, 1]]))),
])  # fmt: skip
def _getitem(x, key=()):
    return x[key]


def getitem(tensor, key):
    """``tensor[key]`` with NumPy's basic and advanced indexing (differentiable).

    Repeated advanced indices add up their gradients.
    """
    return _getitem(tensor, key=_index_key(key))


@primitive("TensorScatterUpdate", samples=[
    Sample(randn(4, 5), randn(2, 5), key=(slice(1, 3),)),
    Sample(randn(4, 5), randn(), key=(1, 2)),
    Sample(randn(4, 5), randn(5), key=(xp.array([0, 3]),)),
])  # fmt: skip
def _set_item(tensor, value, key=()):
    out = tensor.copy()
    out[key] = value
    return out


def set_item(tensor, key, value):
    """A copy of ``tensor`` with ``value`` written at ``key`` (what ``t[key] = value`` records)."""
    return _set_item(tensor, value, key=_index_key(key))


def scatter_add(values, shape, key):
    """Zeros of ``shape`` with ``values`` added at ``key`` (for gradients; differentiable)."""
    return scatter_into_zeros(values, shape=tuple(shape), key=_index_key(key, copy=False))


@primitive("StridedSliceGrad", samples=[
    Sample(randn(2, 3), shape=(4, 3), key=(slice(1, 3),)),
    Sample(randn(3, 5), shape=(4, 5), key=(xp.array([0, 2, 0]),)),
    Sample(randn(2, 2), shape=(3, 4), key=(xp.array([[0, 0], [2, 0]]), xp.array([1, 1]))),
])  # fmt: skip
def scatter_into_zeros(values, shape=(), key=()):
    """Zeros of ``shape`` with ``values`` added at ``key`` (repeated indices accumulate)."""
    out = xp.zeros(shape, dtype=values.dtype)
    if any(isinstance(k, xp.ndarray) and k.dtype.kind != "b" for k in key):
        xp.add.at(out, key, values)
    else:
        out[key] = values  # basic indices and boolean masks never select an element twice
    return out


@primitive("StopGradient", samples=[Sample(randn(2, 3))])
def _stop_gradient(x):
    return x


NotDifferentiable("StopGradient")


def stop_gradient(input, name=None):
    """``input`` as a value that gradients do not flow through."""
    return _stop_gradient(input)


@primitive("Identity", samples=[Sample(randn(2, 3))])
def identity(input):
    """A new tensor with the same value (gradients flow through)."""
    return input
