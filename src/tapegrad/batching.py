"""``tg.vmap``: a function mapped over a leading axis, by tracing it once and batching each op.

``vmap(fun)(xs)`` traces ``fun`` once on the first example with the graph tracer that
``tg.function`` uses, then evaluates the traced ops on the whole batch, op by op,
with per-op-type *batching rules* (``RegisterBatchRule``). A rule receives the
graph op and its arguments, batched ones carrying the batch on axis 0, and
returns the op's batched outputs, computed with tapegrad ops, so the result of
``vmap`` can be differentiated again. Ops without a rule run once per example and
are stacked: always right, only slower.

Ops that do not depend on a mapped argument keep the value the trace computed
(their tensors are the real, recorded ones), so only the batched part of ``fun``
runs twice. Tensors captured from outside ``fun`` are constants of the batch.
"""

from __future__ import annotations

import functools
import string

from . import backend, nest
from .checks import function
from .engine import state as _state
from .engine.dispatch import apply
from .engine.tensor import Tensor, convert_to_tensor
from .graph.graph import Graph
from .ops.array_ops import broadcast_to, reshape, stack, transpose, unstack

__all__ = ["vmap", "RegisterBatchRule"]

_RULES: dict = {}
_STATIC = {"Shape", "Size", "Rank"}  # outputs that only depend on the (per-example) shape


class RegisterBatchRule:
    """Decorator registering the batching rule of one or more op types.

    ``rule(op, args, batched, size)`` gets the graph ``op`` (``op.attrs``, and
    ``op.inputs`` / ``op.outputs`` with per-example shapes), the argument tensors,
    which of them are batched (batch on axis 0), and the batch size; it returns
    the op's outputs for the whole batch, batch on axis 0, built from tapegrad ops.
    """

    def __init__(self, *op_types: str):
        self._op_types = op_types

    def __call__(self, rule):
        for op_type in self._op_types:
            if op_type in _RULES:
                raise KeyError(f"Registering two batching rules for {op_type!r}")
            _RULES[op_type] = rule
        return rule


def batch_rule(op_type: str):
    """The batching rule of ``op_type``, or None (the op runs once per example)."""
    return _RULES.get(op_type)


# -- tracing --------------------------------------------------------------------------------
class _Trace(Graph):
    """The graph of one call of the mapped function, knowing which symbols depend on the batch.

    Every symbol keeps the tensor the trace computed (``values``). Ops that do not
    depend on the batch are passed on to an enclosing traced graph (a ``vmap`` or
    ``tg.function`` around this one), whose value they are.
    """

    def __init__(self, outer):
        super().__init__("vmap")
        self.outer = outer
        self.values: dict = {}  # id(symbol) -> the traced tensor
        self.batched: set = set()  # ids of the symbols that depend on a mapped argument
        self._by_value: dict = {}  # id(output array) -> symbol, for batched op outputs

    def map_input(self, example) -> None:
        symbol = self.placeholder(example)
        self.batched.add(id(symbol))
        self.values[id(symbol)] = example

    def symbol_of(self, tensor):
        if id(tensor) not in self._symbols and tensor._node is not None:
            # An op output rebuilt by a gradient or JVP rule (``op.outputs``), possibly of the op
            # being run right now, whose JVP is pushed before it reaches this graph.
            symbol = self._by_value.get(id(tensor._value))
            if symbol is None and any(self._is_batched(t) for t in tensor._node.inputs):
                node = tensor._node
                self.add(node.op_def, node.inputs, node.attrs, node.outputs, len(node.values) > 1)
                symbol = self._by_value[id(tensor._value)]
            if symbol is not None:
                self.bind(tensor, symbol)
                return symbol
        symbol = super().symbol_of(tensor)
        self.values.setdefault(id(symbol), tensor)
        return symbol

    def _is_batched(self, tensor) -> bool:
        symbol = self._symbols.get(id(tensor))
        return symbol is not None and id(symbol) in self.batched

    def add(self, op_def, inputs, attrs, outputs, multiple: bool = False) -> None:
        known = self._by_value.get(id(outputs[0]._value)) if outputs else None
        if known is not None and known.op.op_def is op_def:  # added already, from a rebuilt output
            for t, symbol in zip(outputs, known.op.outputs):
                self.bind(t, symbol)
            return
        super().add(op_def, inputs, attrs, outputs, multiple)
        op = self.operations[-1]
        for t, symbol in zip(outputs, op.outputs):
            self.values[id(symbol)] = t
        if any(id(s) in self.batched for s in op.inputs):
            if op.type not in _STATIC:  # (a shape is the same for every example)
                for t, symbol in zip(outputs, op.outputs):
                    self.batched.add(id(symbol))
                    self._by_value[id(t._value)] = symbol
        elif self.outer is not None:
            self.outer.add(op_def, inputs, attrs, outputs, multiple)

    def alias(self, tensor, source) -> None:
        super().alias(tensor, source)
        if not self._is_batched(source):
            self.values[id(self.symbol_of(source))] = tensor
            if self.outer is not None:
                self.outer.alias(tensor, source)

    def assign(self, variable, value) -> None:
        raise ValueError(f"vmap: the mapped function assigns variable {variable.name!r}; vmap cannot batch state")


def _trace(fun, args, kwargs, mapped: list):
    """Trace ``fun(*args)``, the tensors in ``mapped`` standing for the batch; returns (graph, result)."""
    graph = _Trace(_state.state.graph)
    for t in mapped:
        graph.map_input(t)
    previous = _state.state.graph
    _state.set_graph(graph)
    try:
        result = fun(*args, **kwargs)
    finally:
        _state.set_graph(previous)
    return graph, result


def _evaluate(graph: _Trace, inputs: list, size: int) -> list:
    """The graph's outputs for the batch ``inputs``: ``(tensor, batched)`` pairs."""
    env = {id(s): t for s, t in zip(graph.inputs, inputs)}
    needed = _needed(graph)
    for op in graph.operations:
        if id(op) not in needed:
            continue
        batched = tuple(id(s) in env for s in op.inputs)
        args = tuple(env[id(s)] if b else graph.values[id(s)] for s, b in zip(op.inputs, batched))
        outputs = _batch_op(op, args, batched, size)
        env.update((id(s), t) for s, t in zip(op.outputs, outputs))
    return [(env[id(s)], True) if id(s) in env else (graph.values[id(s)], False) for s in graph.outputs]


def _needed(graph: _Trace) -> set:
    """The ids of the batched ops the outputs depend on (the rest keep their traced values)."""
    needed: set = set()
    todo = [s for s in graph.outputs if id(s) in graph.batched]
    while todo:
        op = todo.pop().op
        if id(op) in needed or op.type == "Placeholder":
            continue
        needed.add(id(op))
        todo.extend(s for s in op.inputs if id(s) in graph.batched)
    return needed


def _batch_op(op, args: tuple, batched: tuple, size: int) -> tuple:
    rule = _RULES.get(op.type)
    out = _loop(op, args, batched, size) if rule is None else rule(op, args, batched, size)
    return tuple(out) if isinstance(out, tuple | list) else (out,)


def _loop(op, args, batched, size):
    """The fallback: the op once per example, the results stacked."""
    columns = [unstack(a, num=size) if b else [a] * size for a, b in zip(args, batched)]
    results = []
    for b in range(size):
        out = apply(op.op_def, tuple(c[b] for c in columns), op.attrs)
        results.append(out if isinstance(out, tuple) else (out,))
    return tuple(stack([r[k] for r in results]) for k in range(len(op.outputs)))


# -- the transform ----------------------------------------------------------------------------
def _axes_per_leaf(in_axes, args) -> list:
    """``in_axes`` (an int or None, or one entry per argument) as one entry per flat leaf."""
    if in_axes is None or isinstance(in_axes, int):
        return [in_axes] * len(nest.flatten(args))
    if not isinstance(in_axes, list | tuple) or len(in_axes) != len(args):
        raise ValueError(
            f"vmap: in_axes must be an int, None, or a list/tuple with one entry per positional argument "
            f"({len(args)}), got {in_axes!r}"
        )
    axes = []
    for axis, arg in zip(in_axes, args):
        n = len(nest.flatten(arg))
        entry = nest.flatten(axis)
        if len(entry) == 1:
            entry = entry * n
        if len(entry) != n or not all(a is None or isinstance(a, int) for a in entry):
            raise ValueError(f"vmap: in_axes entry {axis!r} does not match argument structure {arg!r}")
        axes.extend(entry)
    return axes


def _check_axes(arg: str, axes, top: tuple) -> None:
    """``axes`` must be an int, None, or a ``top`` container (list, tuple...) of nests of them."""
    leaves = nest.flatten(axes) if isinstance(axes, top) else [axes]
    if not all(a is None or (isinstance(a, int) and not isinstance(a, bool)) for a in leaves):
        kinds = "/".join(t.__name__ for t in top)
        raise TypeError(f"vmap: {arg} must be an int, None, or a {kinds} of them, got {axes!r}")


def moveaxis(x: Tensor, source: int, destination: int) -> Tensor:
    """``x`` with axis ``source`` moved to ``destination`` (a transpose, or ``x`` itself)."""
    source, destination = source % x.ndim, destination % x.ndim
    if source == destination:
        return x
    order = [i for i in range(x.ndim) if i != source]
    order.insert(destination, source)
    return transpose(x, order)


def _batch_size(leaves, axes) -> int:
    sizes = {}
    for i, (leaf, axis) in enumerate(zip(leaves, axes)):
        if axis is None:
            continue
        if not -leaf.ndim <= axis < leaf.ndim:
            raise ValueError(f"vmap: in_axes {axis} is out of range for argument leaf {i} of shape {leaf.shape}")
        sizes[i] = leaf.shape[axis]
    if not sizes:
        raise ValueError("vmap: in_axes maps no argument (at least one must have an integer axis)")
    if len(set(sizes.values())) > 1:
        detail = ", ".join(f"leaf {i}: {n}" for i, n in sizes.items())
        raise ValueError(f"vmap: mapped arguments have different sizes along their mapped axes ({detail})")
    size = next(iter(sizes.values()))
    if size == 0:
        raise ValueError("vmap: cannot map over an axis of size 0")
    return size


def _place_output(value: Tensor, batched: bool, axis, size: int, index: int) -> Tensor:
    if axis is None:
        if batched:
            raise ValueError(f"vmap: output {index} depends on the mapped axis but its out_axes is None")
        return value
    if not batched:
        value = broadcast_to(reshape(value, (1,) + value.shape), (size,) + value.shape)
    return moveaxis(value, 0, axis)


def vmap(fun, in_axes=0, out_axes=0):
    """``fun`` mapped over an axis of its arguments, as JAX's ``vmap``.

    ``in_axes`` is an int (the mapped axis of every argument), None (not mapped), or
    one entry per positional argument, each an int, None, or a structure matching
    that argument; keyword arguments are passed unmapped. Outputs (any nest of
    tensors) get the batch on axis ``out_axes`` (an int, None for an output that
    does not depend on the batch, or one entry per output leaf). ``fun`` is traced
    once, on the first example, so Python control flow must not depend on the
    mapped values (as in ``tg.function``); it may not assign variables.
    """
    function("vmap", fun)
    _check_axes("in_axes", in_axes, (list, tuple))
    _check_axes("out_axes", out_axes, (list, tuple, dict))

    @functools.wraps(fun)
    def batched_fun(*args, **kwargs):
        from .functional import _to_numpy

        leaves = nest.flatten(args)
        numpy_in = not any(isinstance(leaf, Tensor) for leaf in leaves)
        axes = _axes_per_leaf(in_axes, args)
        leaves = [leaf if a is None else convert_to_tensor(leaf) for leaf, a in zip(leaves, axes)]
        size = _batch_size(leaves, axes)
        inputs, examples = [], []
        for i, axis in enumerate(axes):
            if axis is not None:
                inputs.append(moveaxis(leaves[i], axis, 0))
                leaves[i] = convert_to_tensor(backend.array_copy(inputs[-1]._value[0]))
                examples.append(leaves[i])
        graph, result = _trace(fun, nest.pack_as(args, leaves), kwargs, examples)
        outs = [convert_to_tensor(o) for o in nest.flatten(result)]
        graph.finish(outs)
        evaluated = _evaluate(graph, inputs, size)
        o_axes = [out_axes] * len(outs) if out_axes is None or isinstance(out_axes, int) else nest.flatten(out_axes)
        if len(o_axes) != len(outs):
            raise ValueError(f"vmap: out_axes {out_axes!r} has {len(o_axes)} entries for {len(outs)} outputs")
        placed = [_place_output(t, b, a, size, i) for i, ((t, b), a) in enumerate(zip(evaluated, o_axes))]
        packed = nest.pack_as(result, placed)
        return _to_numpy(packed) if numpy_in else packed

    return batched_fun


# -- batching rules ---------------------------------------------------------------------------
def _run(op, args, **attrs):
    """``op`` on ``args``, with some attributes replaced."""
    return apply(op.op_def, tuple(args), {**op.attrs, **attrs} if attrs else op.attrs)


def _lift(x: Tensor, rank: int) -> Tensor:
    """Batched ``x`` with size-1 axes inserted after the batch axis up to per-example ``rank``."""
    extra = rank - (x.ndim - 1)
    return x if extra <= 0 else reshape(x, x.shape[:1] + (1,) * extra + x.shape[1:])


def _full(x: Tensor, batched: bool, size: int) -> Tensor:
    """``x`` with an explicit batch axis (an unbatched value repeated)."""
    return x if batched else broadcast_to(reshape(x, (1,) + x.shape), (size,) + x.shape)


def _shift(axis, rank: int):
    """Per-example axis (or axes, or None: all) of a rank-``rank`` value, as axes of the batch."""
    if axis is None:
        return tuple(range(1, rank + 1))
    if isinstance(axis, int):
        return axis % rank + 1 if rank else axis
    return tuple(a % rank + 1 for a in axis)


def _rank(symbol) -> int:
    return len(symbol.shape)


ELEMENTWISE = (
    # math
    "AddV2", "Sub", "Mul", "RealDiv", "Neg", "Pow", "Square", "Sqrt", "Rsqrt", "Reciprocal", "Exp", "Expm1",
    "Log", "Log1p", "Abs", "Sign", "Sin", "Cos", "Tan", "Asin", "Acos", "Atan", "Atan2", "Sinh", "Cosh", "Tanh",
    "Asinh", "Acosh", "Atanh", "Sigmoid", "Erf", "Erfc", "Maximum", "Minimum", "SquaredDifference", "Floor",
    "Ceil", "Round", "FloorDiv", "FloorMod", "Cast", "ClipByValue", "Equal", "NotEqual", "Less", "LessEqual",
    "Greater", "GreaterEqual", "LogicalAnd", "LogicalOr", "LogicalXor", "LogicalNot", "IsFinite", "IsNan",
    "IsInf", "Cbrt", "LogAddExp", "Hypot", "TruncateMod",
    # arrays, nn, complex, special
    "SelectV2", "ZerosLike", "OnesLike", "StopGradient", "Identity", "Relu", "Relu6", "LeakyRelu", "Elu",
    "Selu", "Gelu", "Softplus", "Softsign", "Complex", "Real", "Imag", "Conj", "Angle", "ComplexAbs", "Lgamma",
    "Digamma", "Polygamma", "Xlogy", "Xlog1py", "LogNdtr", "Ndtri",
)  # fmt: skip


@RegisterBatchRule(*ELEMENTWISE)
def _elementwise(op, args, batched, size):
    rank = _rank(op.outputs[0])
    return _run(op, [_lift(a, rank) if b else a for a, b in zip(args, batched)])


# Ops on the trailing (matrix) axes of one input, with any leading axes as their own batch.
@RegisterBatchRule(
    "MatrixTranspose", "MatrixDiag", "MatrixDiagPart", "MatrixBandPart", "MatrixInverse", "MatrixDeterminant",
    "MatrixAdjugate", "LogMatrixDeterminant", "Cholesky", "SelfAdjointEigV2", "Svd", "Qr", "MatrixPinv",
)  # fmt: skip
def _leading_batch(op, args, batched, size):
    return _run(op, args)


@RegisterBatchRule(
    "Sum", "Mean", "Prod", "Max", "Min", "ReduceLogSumExp", "Any", "All", "VectorNorm", "ArgMax", "ArgMin",
    "Cumsum", "Cumprod", "Softmax", "LogSoftmax", "FFT", "IFFT", "RFFT", "IRFFT", "ReverseV2", "Squeeze",
    "Unpack", "SplitV",
)  # fmt: skip
def _along_axis(op, args, batched, size):
    return _run(op, args, axis=_shift(op.attrs["axis"], _rank(op.inputs[0])))


@RegisterBatchRule("ExpandDims")
def _expand_dims(op, args, batched, size):
    return _run(op, args, axis=_shift(op.attrs["axis"], _rank(op.outputs[0])))


@RegisterBatchRule("AddN")
def _add_n(op, args, batched, size):
    return _run(op, [_full(a, b, size) for a, b in zip(args, batched)])


@RegisterBatchRule("Pack", "ConcatV2")
def _join(op, args, batched, size):
    rank = _rank(op.outputs[0] if op.type == "Pack" else op.inputs[0])
    return _run(op, [_full(a, b, size) for a, b in zip(args, batched)], axis=_shift(op.attrs["axis"], rank))


@RegisterBatchRule("Reshape")
def _reshape(op, args, batched, size):
    return _run(op, args, shape=(size, *op.attrs["shape"]))


@RegisterBatchRule("BroadcastTo")
def _broadcast(op, args, batched, size):
    shape = op.attrs["shape"]
    return _run(op, [_lift(args[0], len(shape))], shape=(size, *shape))


@RegisterBatchRule("Transpose")
def _transpose(op, args, batched, size):
    return _run(op, args, perm=(0, *(p + 1 for p in op.attrs["perm"])))


@RegisterBatchRule("Tile")
def _tile(op, args, batched, size):
    multiples = tuple(op.attrs["multiples"])
    rank = max(len(multiples), _rank(op.inputs[0]))
    multiples = (1,) * (rank - len(multiples)) + multiples
    return _run(op, [_lift(args[0], rank)], multiples=(1, *multiples))


@RegisterBatchRule("PadV2", "MirrorPad")
def _pad(op, args, batched, size):
    return _run(op, args, paddings=((0, 0), *op.attrs["paddings"]))


def _advanced_first(key) -> int:
    """How many leading axes NumPy gives the advanced indices of ``key`` once an axis is put in
    front of it (0 when they stay in place: none, or all adjacent)."""
    arrays = [i for i, k in enumerate(key) if isinstance(k, backend.ndarray)]
    if not arrays:
        return 0
    advanced = [i for i, k in enumerate(key) if i in arrays or hasattr(k, "__index__")]
    if advanced[-1] - advanced[0] == len(advanced) - 1:
        return 0
    shapes = [(int(k.sum()),) if k.dtype.kind == "b" else k.shape for k in (key[i] for i in arrays)]
    return len(functools.reduce(_broadcast_shapes, shapes, ()))


def _broadcast_shapes(a: tuple, b: tuple) -> tuple:
    n = max(len(a), len(b))
    a, b = (1,) * (n - len(a)) + a, (1,) * (n - len(b)) + b
    return tuple(max(x, y) for x, y in zip(a, b))


@RegisterBatchRule("StridedSlice")
def _getitem(op, args, batched, size):
    key = op.attrs["key"]
    out = _run(op, args, key=(slice(None), *key))
    return moveaxis(out, _advanced_first(key), 0)


@RegisterBatchRule("StridedSliceGrad")
def _scatter(op, args, batched, size):
    key = op.attrs["key"]
    values = moveaxis(args[0], 0, _advanced_first(key))
    return _run(op, [values], key=(slice(None), *key), shape=(size, *op.attrs["shape"]))


@RegisterBatchRule("GatherV2")
def _gather(op, args, batched, size):
    axis, batch_dims = op.attrs["axis"], op.attrs["batch_dims"]
    axis = _shift(axis, _rank(op.inputs[0]))
    if not batched[1] and not batch_dims:
        return _run(op, args, axis=axis)
    full = [_full(a, b, size) for a, b in zip(args, batched)]
    return _run(op, full, axis=axis, batch_dims=batch_dims + 1)


@RegisterBatchRule("GatherNd")
def _gather_nd(op, args, batched, size):
    full = [_full(a, b, size) for a, b in zip(args, batched)]
    return _run(op, full, batch_dims=op.attrs["batch_dims"] + 1)


@RegisterBatchRule("BatchMatMulV2")
def _matmul(op, args, batched, size):
    a, b = args
    ra, rb = _rank(op.inputs[0]), _rank(op.inputs[1])
    if rb == 1 and ra == 2 and batched == (False, True):  # W @ x for a batch of x: one matrix product
        return _run(op, [b, a], transpose_a=False, transpose_b=not op.attrs["transpose_a"])
    if ra == 1:  # a row vector: a matrix of one row, dropped again below
        a, ra = (_lift(a, 2) if batched[0] else reshape(a, (1,) + a.shape)), 2
    if rb == 1:  # a column vector
        b, rb = (reshape(b, b.shape + (1,))), 2
    rank = max(ra, rb)
    out = _run(op, [_lift(x, rank) if f else x for x, f in zip((a, b), batched)])
    shape = (size, *op.outputs[0].shape)
    return out if out.shape == shape else reshape(out, shape)


@RegisterBatchRule("Einsum")
def _einsum(op, args, batched, size):
    equation = op.attrs["equation"]
    if "..." in equation or "->" not in equation:
        return _loop(op, args, batched, size)
    letter = next(c for c in string.ascii_letters if c not in equation)
    specs, out = equation.split("->")
    specs = [letter + s if b else s for s, b in zip(specs.split(","), batched)]
    return _run(op, args, equation=f"{','.join(specs)}->{letter}{out}")
