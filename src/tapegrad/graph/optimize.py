"""Graph optimisation: constant folding, algebraic simplification, CSE and dead-code elimination.

Passes rewrite a copy of the traced graph; stateful ops (placeholders, variable reads
and writes) are never merged, folded or moved, so side effects keep program order.
"""

from __future__ import annotations

from .. import backend
from ..engine.registry import OPS
from .graph import CONST, Graph, GraphOp, Symbol

_FOLD_LIMIT = 1 << 20  # do not fold ops whose result is larger than this many elements


def optimize(graph: Graph) -> Graph:
    """An optimised copy of ``graph``: same inputs, outputs and effects, fewer ops."""
    g = _copy(graph)
    replace: dict = {}

    def resolve(s: Symbol) -> Symbol:
        while id(s) in replace:
            s = replace[id(s)]
        return s

    seen: dict = {}
    ops = []
    for op in g.operations:
        op.inputs = [resolve(s) for s in op.inputs]
        if not op.stateful:
            simpler = _simplify(op, g, ops) or _fold(op, g, ops)
            if simpler is not None:
                replace[id(op.outputs[0])] = simpler
                continue
            key = _key(op)
            if key is not None and key in seen:
                for mine, theirs in zip(op.outputs, seen[key].outputs):
                    replace[id(mine)] = theirs
                continue
            if key is not None:
                seen[key] = op
        ops.append(op)
    g.operations = ops
    g.outputs = [resolve(s) for s in g.outputs]
    g.operations = _live(g)
    return g


def _copy(graph: Graph) -> Graph:
    """A copy sharing no op or symbol with ``graph`` (attribute values are shared)."""
    g = Graph(graph.name, graph.polymorphic)
    g.variables, g.effects, g.specialised = list(graph.variables), graph.effects, graph.specialised
    symbols: dict = {}
    for op in graph.operations:
        new = GraphOp(op.type, op.name, op.op_def, [symbols[id(s)] for s in op.inputs], op.attrs, op.multiple)
        new.outputs = [Symbol(new, s.index, s.shape, s.dtype, s.shadow) for s in op.outputs]
        symbols.update((id(s), n) for s, n in zip(op.outputs, new.outputs))
        g.operations.append(new)
    g.inputs = [symbols[id(s)] for s in graph.inputs]
    g.outputs = [symbols[id(s)] for s in graph.outputs]
    return g


def _const(g: Graph, value) -> Symbol:
    value = backend.asarray(value)
    g.folded = getattr(g, "folded", 0) + 1
    op = GraphOp("Const", f"Const_folded_{g.folded}", CONST, (), {"value": value})
    op.outputs = [Symbol(op, 0, value.shape, value.dtype)]
    return op.outputs[0]


def _constant_value(s: Symbol):
    return s.op.attrs["value"] if s.op.type == "Const" else None


_SHAPE_ONLY = ("OnesLike", "ZerosLike", "Shape", "Size", "Rank", "ReducedCount")  # depend on the shape alone


def _is_static(s: Symbol) -> bool:
    return s.shape == s.shadow


def _fold(op: GraphOp, g: Graph, ops: list):
    """An op of constants only (or of static shapes only), computed now."""
    if op.multiple or len(op.outputs) != 1 or op.op_def.kernel is None or not op.inputs:
        return None
    if op.type in _SHAPE_ONLY:
        if not _is_static(op.inputs[0]):
            return None
        example = backend.xp.zeros(op.inputs[0].shape, op.inputs[0].dtype)
        folded = _const(g, op.op_def.kernel(example, **op.attrs))
        ops.append(folded.op)
        return folded
    values = [_constant_value(s) for s in op.inputs]
    if any(v is None for v in values) or backend.xp.prod(op.outputs[0].shape, dtype=int) > _FOLD_LIMIT:
        return None
    folded = _const(g, op.op_def.kernel(*values, **op.attrs))
    ops.append(folded.op)
    return folded


def _is_filled(s: Symbol, number) -> bool:
    value = _constant_value(s)
    return value is not None and value.size > 0 and bool(backend.xp.all(value == number))


def _same(a: Symbol, b: Symbol) -> bool:
    return a.same_shape(b) and a.dtype == b.dtype


def _simplify(op: GraphOp, g: Graph, ops: list):
    """A symbol equal to ``op``'s output, when an algebraic identity makes the op redundant."""
    if op.multiple or len(op.outputs) != 1:
        return None
    out = op.outputs[0]
    ins = op.inputs
    kind = op.type
    shape_only = ("Identity", "Reshape", "BroadcastTo", "Cast", "ExpandDims", "Squeeze", "ReshapeLike", "BroadcastLike")
    if (kind in shape_only or (kind == "Transpose" and _is_identity_perm(op))) and _same(ins[0], out):
        return ins[0]
    if kind == "Mul":
        for keep, other in ((ins[0], ins[1]), (ins[1], ins[0])):
            if _is_filled(other, 1) and _same(keep, out):
                return keep
    if kind == "AddV2":
        for keep, other in ((ins[0], ins[1]), (ins[1], ins[0])):
            if _is_filled(other, 0) and _same(keep, out):
                return keep
    if kind in ("Sub", "RealDiv", "Pow") and _is_filled(ins[1], 0 if kind == "Sub" else 1) and _same(ins[0], out):
        return ins[0]
    if kind in _RUNTIME_SHAPED and _is_static(out):  # the shape it reads at run time is known now
        return _emit(g, ops, _RUNTIME_SHAPED[kind], ins[:1], {"shape": out.shape}, out)
    if kind == "Neg" and ins[0].op.type == "Neg":
        return ins[0].op.inputs[0]
    if kind == "Sum" and ins[0].op.type == "BroadcastTo":
        return _sum_of_broadcast(op, g, ops)
    return None


_RUNTIME_SHAPED = {"ReshapeLike": "Reshape", "BroadcastLike": "BroadcastTo"}


def _is_identity_perm(op: GraphOp) -> bool:
    perm = list(op.attrs.get("perm") or ())
    return perm == sorted(perm)


def _sum_of_broadcast(op: GraphOp, g: Graph, ops: list):
    """``Sum(BroadcastTo(y), axes)`` over exactly the broadcast axes is ``y * count``, reshaped."""
    broadcast = op.inputs[0].op
    y = broadcast.inputs[0]
    if not (_is_static(y) and _is_static(broadcast.outputs[0])):
        return None
    full = broadcast.outputs[0].shape
    axes = op.attrs.get("axis")
    axes = tuple(range(len(full))) if axes is None else tuple(axes)
    lead = len(full) - len(y.shape)
    aligned = (None,) * lead + tuple(y.shape)
    count = 1
    for i, n in enumerate(full):
        if i in axes:
            if aligned[i] not in (None, 1):
                return None
            count *= n
        elif aligned[i] != n:
            return None
    out = op.outputs[0]
    result = y
    if y.shape != out.shape:
        result = _emit(g, ops, "Reshape", [y], {"shape": out.shape}, out)
    if count != 1:
        scale = _const(g, backend.asarray(count, dtype=out.dtype))
        ops.append(scale.op)
        result = _emit(g, ops, "Mul", [result, scale], {}, out)
    return result


def _emit(g: Graph, ops: list, op_type: str, inputs, attrs, like: Symbol) -> Symbol:
    op = GraphOp(op_type, f"{op_type}_simplified_{len(ops)}", OPS[op_type], inputs, attrs)
    op.outputs = [Symbol(op, 0, like.shape, like.dtype, like.shadow)]
    ops.append(op)
    return op.outputs[0]


def _key(op: GraphOp):
    """What makes two pure ops interchangeable: type, inputs and attributes."""
    try:
        attrs = tuple(sorted((k, _hashable(v)) for k, v in op.attrs.items()))
    except TypeError:
        return None
    return (op.type, tuple(id(s) for s in op.inputs), attrs)


def _hashable(value):
    if isinstance(value, backend.ndarray):
        if value.size > 64:
            raise TypeError("large constants are not compared")
        return ("array", value.dtype.str, value.shape, value.tobytes())
    if isinstance(value, list | tuple):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, slice):
        return ("slice", value.start, value.stop, value.step)
    hash(value)
    return value


def _live(g: Graph) -> list:
    """The inputs, and the ops an output or (if kept) a side effect needs, in their original order."""
    needed = {id(s.op) for s in g.outputs} | {id(s.op) for s in g.inputs}
    for op in reversed(g.operations):
        if (op.type == "AssignVariableOp" and g.effects) or id(op) in needed:
            needed.add(id(op))
            needed.update(id(s.op) for s in op.inputs)
    return [op for op in g.operations if id(op) in needed]
