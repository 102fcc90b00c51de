"""Gradients of the shape and layout ops, written in tapegrad ops."""

from __future__ import annotations

from ..engine.registry import RegisterGradient
from .array_ops import (
    _concat,
    _getitem,
    _inverse_permutation,
    _pad,
    _reverse,
    _set_item,
    _split,
    _stack,
    _transpose,
    _unstack,
    gather_key,
    gather_nd_key,
    reshape,
    scatter_add,
    where,
    zeros_like,
)
from .grad_util import reshape_to, scatter_to, unbroadcast
from .reduction_ops import reduce_sum


@RegisterGradient("Reshape")
def _reshape_grad(op, grad):
    return reshape_to(grad, op.inputs[0])


@RegisterGradient("ExpandDims")
def _expand_dims_grad(op, grad):
    return reshape_to(grad, op.inputs[0])


@RegisterGradient("Squeeze")
def _squeeze_grad(op, grad):
    return reshape_to(grad, op.inputs[0])


@RegisterGradient("Identity")
def _identity_grad(op, grad):
    return grad


@RegisterGradient("BroadcastTo")
def _broadcast_to_grad(op, grad):
    return unbroadcast(grad, op.inputs[0])


@RegisterGradient("SelectV2")
def _select_grad(op, grad):
    condition, x, y = op.inputs
    zero = zeros_like(grad)
    return None, unbroadcast(where(condition, grad, zero), x), unbroadcast(where(condition, zero, grad), y)


@RegisterGradient("Transpose")
def _transpose_grad(op, grad):
    return _transpose(grad, perm=_inverse_permutation(op.get_attr("perm")))


@RegisterGradient("ReverseV2")
def _reverse_grad(op, grad):
    return _reverse(grad, axis=op.get_attr("axis"))


@RegisterGradient("Pack")
def _stack_grad(op, grad):
    axis = op.get_attr("axis") % grad.ndim
    return list(_unstack(grad, num=len(op.inputs), axis=axis))


@RegisterGradient("Unpack")
def _unstack_grad(op, *grads):
    return _stack(*grads, axis=op.get_attr("axis"))


@RegisterGradient("ConcatV2")
def _concat_grad(op, grad):
    axis = op.get_attr("axis")
    sizes = tuple(t.shape[axis] for t in op.inputs)
    return list(_split(grad, sizes=sizes, axis=axis))


@RegisterGradient("SplitV")
def _split_grad(op, *grads):
    return _concat(*grads, axis=op.get_attr("axis"))


@RegisterGradient("Tile")
def _tile_grad(op, grad):
    shape = op.inputs[0].shape
    multiples = op.get_attr("multiples")
    split_shape = tuple(n for pair in zip(multiples, shape) for n in pair)
    axes = tuple(2 * i for i, m in enumerate(multiples) if m != 1)
    if not axes:
        return reshape(grad, shape)
    return reshape(reduce_sum(reshape(grad, split_shape), axis=axes), shape)


@RegisterGradient("PadV2")
def _pad_grad(op, grad):
    paddings = op.get_attr("paddings")
    return grad[tuple(slice(lo, lo + n) for (lo, _), n in zip(paddings, op.inputs[0].shape))]


@RegisterGradient("MirrorPad")
def _mirror_pad_grad(op, grad):
    """Fold the mirrored borders back onto the entries they copy, one axis at a time."""
    offset = 1 if op.get_attr("mode") == "REFLECT" else 0  # REFLECT leaves out the edge entry
    shape = op.inputs[0].shape
    for axis, ((lo, hi), n) in enumerate(zip(op.get_attr("paddings"), shape)):
        if not lo and not hi:
            continue
        lead = (slice(None),) * axis
        before, after = ((0, 0),) * axis, ((0, 0),) * (grad.ndim - axis - 1)
        folded = grad[(*lead, slice(lo, lo + n))]
        if lo:  # border entry j mirrors input entry lo - 1 - j + offset
            left = grad[(*lead, slice(lo - 1, None, -1))]
            widths = (*before, (offset, n - offset - lo), *after)
            folded = folded + _pad(left, paddings=widths, constant_values=0)
        if hi:  # border entry k mirrors input entry n - 1 - offset - k
            right = grad[(*lead, slice(lo + n + hi - 1, lo + n - 1, -1))]
            widths = (*before, (n - offset - hi, offset), *after)
            folded = folded + _pad(right, paddings=widths, constant_values=0)
        grad = folded
    return grad


@RegisterGradient("GatherV2")
def _gather_grad(op, grad):
    params, indices = op.inputs
    key, perm = gather_key(params.ndim, indices, op.get_attr("axis"), op.get_attr("batch_dims"))
    if perm is not None:
        grad = _transpose(grad, perm=_inverse_permutation(perm))
    return scatter_add(grad, params.shape, key), None


@RegisterGradient("GatherNd")
def _gather_nd_grad(op, grad):
    params, indices = op.inputs
    return scatter_add(grad, params.shape, gather_nd_key(indices, op.get_attr("batch_dims"))), None


@RegisterGradient("StridedSlice")
def _getitem_grad(op, grad):
    return scatter_to(grad, op.inputs[0], op.get_attr("key"))


@RegisterGradient("TensorScatterUpdate")
def _set_item_grad(op, grad):
    key = op.get_attr("key")
    need_tensor, need_value = op.needs_input_grad or (True, True)
    return (
        _set_item(grad, 0, key=key) if need_tensor else None,
        unbroadcast(_getitem(grad, key=key), op.inputs[1]) if need_value else None,
    )


@RegisterGradient("StridedSliceGrad")
def _scatter_grad(op, grad):
    # the key is already normalised; the values may have broadcast into the selected entries
    return unbroadcast(_getitem(grad, key=op.get_attr("key")), op.inputs[0])
