"""``Node``: one recorded op, as gradient functions see it (TensorFlow's ``op``)."""

from __future__ import annotations

import itertools
import os
import traceback

from .. import backend
from .tensor import make_tensor

_created = itertools.count()

# What built-in gradient functions read (TensorFlow's lists of ops that don't need their
# inputs or outputs): a backward pass that frees the graph drops, before it starts, the
# large arrays no gradient will read, so they are freed as soon as nothing else holds them.
READS_OUTPUTS: set[str] = set()  # built-in op types whose gradient reads ``op.outputs``
SHAPE_ONLY_INPUTS: set[str] = set()  # built-in op types whose gradient reads only its inputs' shapes
LARGE_BYTES = 1 << 16  # smaller arrays are not worth replacing
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Node:
    """A recorded op: its type, inputs, attributes and output values.

    Gradient functions receive it as ``op`` (``op.type``, ``op.inputs``,
    ``op.outputs``, ``op.get_attr(name)``). ``tapes`` are the records that tracked
    it; once every one of them has released it, the saved inputs are freed. During a
    backward pass, ``needs_input_grad`` tells which inputs' gradients are wanted, so
    a gradient function may return None for the others without computing them.
    """

    # Per-op fields are slots; rarely used ones (hooks, creation stack) use the dict.
    __slots__ = (
        "__dict__", "attrs", "inputs", "needs_input_grad", "op_def", "released", "sequence", "tapes", "values"
    )  # fmt: skip
    versions = None  # the inputs' version counters when recorded, if any was modified in place
    hooks = None  # [(output index, hook)] registered on this op's outputs
    stack = None  # where the op was created, kept in anomaly mode
    out_tangents = None  # forward mode: {accumulator: [tangent per output]}

    def __init__(self, op_def, inputs, attrs, values, tapes):
        self.op_def = op_def
        self.inputs = inputs
        self.attrs = attrs
        self.values = values
        self.tapes = tapes
        self.released = ()
        self.sequence = next(_created)  # creation order: a topological order of the graph
        self.needs_input_grad = None

    @property
    def type(self) -> str:
        return self.op_def.type

    name = type

    @property
    def outputs(self) -> list:
        """The op's outputs as tensors that stay connected to this op (and keep their tangents)."""
        outs = [make_tensor(v, self, i) for i, v in enumerate(self.values)]
        for acc, tangents in (self.out_tangents or {}).items():
            for out, tangent in zip(outs, tangents):
                if tangent is not None:
                    if out._tangents is None:
                        out._tangents = {}
                    out._tangents[acc] = tangent
        return outs

    def get_attr(self, name: str):
        try:
            return self.attrs[name]
        except KeyError:
            raise ValueError(f"op {self.type!r} has no attribute {name!r}") from None

    def hooks_for(self, index: int) -> list:
        """The hooks registered on output ``index``."""
        return [fn for i, fn in self.hooks or () if i == index]

    def add_hook(self, index: int, fn) -> None:
        self.hooks = [*(self.hooks or ()), (index, fn)]

    def remove_hook(self, index: int, fn) -> None:
        self.hooks = [(i, f) for i, f in self.hooks or () if not (i == index and f is fn)] or None

    def creation_site(self) -> str:
        """The user's lines that created this op (anomaly mode), innermost last."""
        if not self.stack:
            return ""
        frames = [f for f in self.stack if not os.path.abspath(f.filename).startswith(_PACKAGE)]
        return "".join(traceback.format_list(frames[-3:]))

    @property
    def freed(self) -> bool:
        return self.values is None

    def release(self, record) -> None:
        """``record`` needs this op no more; free the saved values when none does.

        The graph's shape stays (``grad_fn.next_functions`` still works): inputs are
        replaced by stand-ins that keep their producing op but not their value.
        """
        released = self.released
        if record not in released and record in self.tapes:
            released = self.released = released + (record,)
        if len(released) == len(self.tapes) and self.values is not None:
            self.values = None
            self.inputs = tuple([t if t._rg else _stand_in(t._node, t._index) for t in self.inputs])

    def drop_unread(self) -> None:
        """Replace the large values this op's gradient never reads by stand-ins of the same
        shape and dtype (NaN-filled, so a wrong declaration shows), letting them be freed."""
        op_def = self.op_def
        if not op_def.builtin:
            return
        if op_def.type not in READS_OUTPUTS:
            for v in self.values:
                if v.nbytes >= LARGE_BYTES:
                    self.values = tuple([_placeholder(v) if v.nbytes >= LARGE_BYTES else v for v in self.values])
                    break
        if op_def.type in SHAPE_ONLY_INPUTS:
            for t in self.inputs:
                if t._value.nbytes >= LARGE_BYTES:
                    self.inputs = tuple([_shape_only(t) for t in self.inputs])
                    break

    def __repr__(self) -> str:
        return f"<tg.Operation {self.type!r}>"


_RELEASED_CONSTANT = make_tensor(None)


def _stand_in(node, index: int):
    """What a released op keeps of an input: its producer, not its value."""
    return _RELEASED_CONSTANT if node is None else make_tensor(None, node, index)


def _placeholder(value):
    """A read-only array of ``value``'s shape and dtype that takes no memory (all its
    elements are one NaN, or 0 for other dtypes)."""
    xp = backend.xp
    cell = xp.full(1, xp.nan if value.dtype.kind in "fc" else 0, value.dtype)
    placeholder = xp.ndarray(value.shape, value.dtype, buffer=cell, strides=(0,) * value.ndim)
    placeholder.flags.writeable = False
    return placeholder


def _shape_only(t):
    """Input ``t`` as a gradient reading only its shape needs it (leaves and inputs changed in place stay)."""
    if t._node is None or t._rg or t._version or t._value.nbytes < LARGE_BYTES:
        return t
    return make_tensor(_placeholder(t._value), t._node, t._index)
