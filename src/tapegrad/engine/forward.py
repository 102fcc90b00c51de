"""Forward mode: tangents pushed through each op as it runs (``ForwardAccumulator``).

A tangent lives on its tensor, per accumulator. When an op runs while an
accumulator is active and some input has a tangent in it, the op's JVP rule gives
the outputs' tangents. Rules are written in tapegrad ops, so tapes and other
accumulators can differentiate them again (Hessian-vector products either way).
"""

from __future__ import annotations

from .node import Node
from .state import TapeRecord, pop, push, set_forward, state
from .tensor import make_tensor


class Accumulator:
    """The tangents of one ForwardAccumulator (identity only; tangents live on tensors)."""

    __slots__ = ("__weakref__",)


def tangent_of(t, acc):
    """The tangent of ``t`` in ``acc``, or None."""
    tangents = t._tangents
    return None if tangents is None else tangents.get(acc)


def set_tangent(t, acc, tangent) -> None:
    if t._tangents is None:
        t._tangents = {}
    t._tangents[acc] = tangent


def push_tangents(op_def, inputs, attrs, values, node, outputs) -> None:
    """Give ``outputs`` their tangents in every active accumulator tracking an input.

    Outer accumulators go first, so that an inner one's rule, which may read the
    outputs (``op.outputs``), sees their outer tangents.
    """
    for acc in state.forward:
        tangents = [tangent_of(t, acc) for t in inputs]
        if all(t is None for t in tangents):
            continue
        if node is None:
            node = Node(op_def, inputs, attrs, values, ())
        active = state.forward
        set_forward(tuple(a for a in active if a is not acc))  # its own rule is not traced by it
        try:
            out_tangents = _jvp(node, tangents)
        finally:
            set_forward(active)
        out_tangents = [ty if y._value.dtype.kind in "fc" else None for y, ty in zip(outputs, out_tangents)]
        node.out_tangents = {**(node.out_tangents or {}), acc: out_tangents}
        for y, ty in zip(outputs, out_tangents):
            if ty is not None:
                set_tangent(y, acc, ty)


def _jvp(node, tangents) -> list:
    from .registry import ELEMENTWISE, LINEAR, gradient_function, jvp_rule

    rule = jvp_rule(node.type)
    if rule is LINEAR:
        out = _linear(node, tangents)
    elif rule is ELEMENTWISE:
        node.needs_input_grad = (True,)
        out = (node.op_def.gradient or gradient_function(node.type))(node, tangents[0])
    elif rule is not None:
        out = rule(node, *tangents)
    else:
        out = _derived(node, tangents)
    return list(out) if isinstance(out, list | tuple) else [out]


def _linear(node, tangents):
    """A linear op applied to its inputs' tangents (zeros where an input has none)."""
    from ..ops.array_ops import zeros_like
    from .dispatch import apply

    args = []
    for x, t in zip(node.inputs, tangents):
        if x._value.dtype.kind not in "fc":
            args.append(x)
        else:
            args.append(zeros_like(x) if t is None else t)
    return apply(node.op_def, tuple(args), node.attrs)


def _derived(node, tangents) -> list:
    """J·v from the gradient function: the gradient of ⟨VJP(u), v⟩ with respect to u."""
    from ..backend import xp
    from ..grad_mode import enable_grad
    from ..ops.array_ops import ones_like
    from ..ops.math_ops import add_n
    from ..ops.reduction_ops import reduce_sum
    from .backward import backward
    from .registry import gradient_function

    fn = node.op_def.gradient or gradient_function(node.type)
    if fn is None:
        return [None] * len(node.values)
    record = TapeRecord(watch_variables=False)
    cotangents = [make_tensor(xp.zeros_like(v)) for v in node.values]
    watched = [u for u in cotangents if u._value.dtype.kind in "fc"]
    for u in watched:
        record.watched[id(u)] = u
    with enable_grad():
        push(record)
        try:
            node.needs_input_grad = tuple(t is not None for t in tangents)
            grads = fn(node, *cotangents)
            grads = grads if isinstance(grads, list | tuple) else (grads,)
            terms = [reduce_sum(g * t) for g, t in zip(grads, tangents) if g is not None and t is not None]
            total = add_n(terms) if len(terms) > 1 else terms[0] if terms else None
        finally:
            pop(record)
        if total is None:
            return [None] * len(node.values)
        jv = iter(backward(record, [total], [ones_like(total)], watched, retain=False))
    return [next(jv) if u._value.dtype.kind in "fc" else None for u in cotangents]
