"""Helpers shared by gradient functions, and the shapes they read.

Gradient functions size their results by their inputs' shapes. Eagerly these are
known numbers; in a ``tg.function`` traced for any batch size (an ``input_signature``
with ``None`` dimensions) they are known only when the graph runs. The helpers
below read shapes from the arrays (never through ``Tensor.shape``, which would fix
the trace to the example's sizes) and, in such a trace, build ops that take the
shape from a tensor at run time (``ReshapeLike``, ``BroadcastLike``, ``ScatterLike``, ``ReducedCount``).
"""

from __future__ import annotations

from ..backend import xp
from ..engine.registry import OPS, NotDifferentiable, RegisterGradient, Sample, primitive
from ..engine.state import state
from .array_ops import _expand_dims, _getitem, _index_key, broadcast_to, reshape, scatter_add
from .reduction_ops import reduce_sum
from .samples import randn
from .shape_util import kept_shape


def _polymorphic() -> bool:
    """Whether a trace for any size of the None dimensions is being built."""
    graph = state.graph
    return graph is not None and graph.shape_polymorphic


@primitive("ReshapeLike", samples=[Sample(randn(2, 6), randn(3, 4)), Sample(randn(3), randn(3, 4), keep=(1,)),
                                   Sample(randn(1), randn(2, 3), keep=(0, 1))])  # fmt: skip
def _reshape_like(x, like, keep=()):
    """``x`` reshaped to the shape of ``like``, with the axes in ``keep`` of size 1."""
    return xp.reshape(x, kept_shape(like.shape, keep) if keep else like.shape)


@primitive("BroadcastLike", samples=[Sample(randn(3, 1), randn(2, 3, 4)), Sample(randn(), randn(2))])
def _broadcast_like(x, like):
    """``x`` broadcast to the shape of ``like``."""
    return xp.broadcast_to(x, like.shape)


@primitive("ReducedCount", samples=[Sample(randn(3, 4), axes=(1,)), Sample(randn(2, 3, 4), axes=(0, 2))])
def _reduced_count(x, axes=()):
    """How many elements of ``x`` a reduction over ``axes`` takes for each result, as a 0-d array of its dtype."""
    count = 1
    for a in axes:
        count *= x.shape[a]
    return xp.asarray(count, dtype=x.dtype)


NotDifferentiable("ReducedCount")


@primitive("ScatterLike", samples=[Sample(randn(2, 3), randn(4, 3), key=(slice(1, 3),)),
                                   Sample(randn(3, 5), randn(4, 5), key=(xp.array([0, 2, 0]),))])  # fmt: skip
def _scatter_like(values, like, key=()):
    """Zeros of the shape of ``like`` with ``values`` added at ``key`` (StridedSliceGrad's run-time form)."""
    return OPS["StridedSliceGrad"].kernel(values, shape=like.shape, key=key)


@RegisterGradient("ScatterLike")
def _scatter_like_grad(op, grad):
    return unbroadcast(_getitem(grad, key=op.get_attr("key")), op.inputs[0]), None


@RegisterGradient("ReshapeLike")
def _reshape_like_grad(op, grad):
    return _reshape_like(grad, op.inputs[0]), None


@RegisterGradient("BroadcastLike")
def _broadcast_like_grad(op, grad):
    return unbroadcast(grad, op.inputs[0]), None


def reshape_to(t, like, keep=()):
    """``t`` reshaped to the shape of ``like``, with the axes in ``keep`` of size 1."""
    if _polymorphic():
        return _reshape_like(t, like, keep=tuple(keep))
    shape = like._value.shape
    return reshape(t, kept_shape(shape, keep) if keep else shape)


def broadcast_to_like(t, like):
    """``t`` broadcast to the shape of ``like``."""
    if _polymorphic():
        return _broadcast_like(t, like)
    return broadcast_to(t, like._value.shape)


def scatter_to(values, like, key):
    """Zeros of the shape of ``like`` with ``values`` added at ``key`` (a gradient of indexing)."""
    if _polymorphic():
        return _scatter_like(values, like, key=_index_key(key, copy=False))
    return scatter_add(values, like._value.shape, key)


def reduced_count(x, axes):
    """How many elements a reduction of ``x`` over ``axes`` takes: an int, or a tensor while traced for any size."""
    if _polymorphic():
        return _reduced_count(x, axes=tuple(axes))
    count = 1
    for a in axes:
        count *= x._value.shape[a]
    return count


def insert_axis(t, axis: int):
    """``t`` with a new axis of size 1 at ``axis`` (non-negative)."""
    if _polymorphic():
        return _expand_dims(t, axis=axis)
    shape = t._value.shape
    return reshape(t, (*shape[:axis], 1, *shape[axis:]))


def unbroadcast(grad, x):
    """``grad`` of a broadcast result, summed back to the shape of input ``x``."""
    shape = x._value.shape
    gshape = grad._value.shape
    if gshape == shape:
        return grad
    lead = len(gshape) - len(shape)
    axes = tuple(range(lead)) + tuple(i + lead for i, n in enumerate(shape) if n == 1 and gshape[i + lead] != 1)
    summed = reduce_sum(grad, axis=axes) if axes else grad
    return reshape_to(summed, x) if summed._value.shape != shape else summed


def wanted_grads(op, grad_x, grad_y) -> tuple:
    """Gradients of a broadcasting binary op, computing only those the backward pass wants.

    ``grad_x`` and ``grad_y`` are functions returning each input's unreduced gradient.
    """
    x, y = op.inputs
    need_x, need_y = op.needs_input_grad or (True, True)
    return (unbroadcast(grad_x(), x) if need_x else None, unbroadcast(grad_y(), y) if need_y else None)


def is_zero(grad) -> bool:
    """Whether ``grad`` is the zeros the engine passes for an output nothing used.

    A gradient function may skip work for such outputs (as TensorFlow's ``IsZero``).
    """
    return grad is None or grad.__dict__.get("_symbolic_zero", False)
