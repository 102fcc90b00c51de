"""The graph IR: ops over symbols, built by tracing the ordinary eager ops.

While a function is traced, every op still runs on example values (so shapes,
dtypes and Python logic behave exactly as in eager mode), and ``Graph.add`` also
appends it to the graph. Tensors from outside the function become constants;
variables are read (``ReadVariableOp``) where they are used and written
(``AssignVariableOp``) where they are assigned, at run time.

A *polymorphic* trace (an ``input_signature`` with ``None`` dimensions) also runs
every op on a *shadow*: the inputs resized along those dimensions. A dimension of
a value whose example and shadow sizes differ depends on the run-time input; the
traced code sees it in ``.shape`` as a ``Dim``. Code that turns a ``Dim`` into a
number (``reshape(x, (x.shape[0], -1))``, ``n > 10``), reads such a value with
``.numpy()``, or an op that fails on the shadow makes the trace *specialised*: valid
for the example's shapes only (``Graph.specialised`` says why). Gradient functions
read run-time shapes through ``ops.grad_util`` instead.
"""

from __future__ import annotations

import itertools

from .. import backend
from ..engine.registry import OpDef
from ..engine.state import state
from ..engine.tensor import Tensor


class Symbol:
    """A value in a graph: output ``index`` of ``op``, with its example shape and dtype.

    ``shadow`` is its shape for other sizes of the inputs' ``None`` dimensions (the
    same as ``shape`` where nothing varies); ``static_shape`` has ``None`` where they differ.
    """

    __slots__ = ("dtype", "index", "op", "shadow", "shape")

    def __init__(self, op, index, shape, dtype, shadow=None):
        self.op, self.index, self.shape, self.dtype = op, index, tuple(shape), dtype
        self.shadow = self.shape if shadow is None else tuple(shadow)

    @property
    def name(self) -> str:
        return f"{self.op.name}:{self.index}"

    @property
    def static_shape(self) -> tuple:
        return tuple(n if n == m else None for n, m in zip(self.shape, self.shadow))

    def same_shape(self, other: Symbol) -> bool:
        """Whether the two have one shape whatever the sizes of the ``None`` input dimensions."""
        return self.shape == other.shape and self.shadow == other.shadow

    def __repr__(self) -> str:
        return f"<Symbol {self.name} {self.dtype}{list(self.static_shape)}>"


class Dim:
    """A dimension that varies with the inputs' ``None`` dimensions, as ``.shape`` shows it while tracing.

    Two such dimensions compare equal when they vary alike; any other use (as a
    number, an index, in arithmetic or an order comparison) gives the example's size
    and makes the trace specialised to the example's shapes.
    """

    __slots__ = ("graph", "shadow", "value")

    def __init__(self, graph: Graph, value: int, shadow: int):
        self.graph, self.value, self.shadow = graph, value, shadow

    def _used(self) -> int:
        self.graph.specialise("the function used the size of a dimension declared None as a number")
        return self.value

    def __eq__(self, other):
        if isinstance(other, Dim) and (other.value, other.shadow) == (self.value, self.shadow):
            return True
        return self._used() == (other._used() if isinstance(other, Dim) else other)

    def __ne__(self, other):
        return not self == other

    def __array__(self, dtype=None, copy=None):
        return backend.xp.asarray(self._used(), dtype)

    def __repr__(self) -> str:
        return "None"


def _used_as_number(name: str):
    def method(self, *args):
        return getattr(self._used(), name)(*[a._used() if isinstance(a, Dim) else a for a in args])

    method.__name__ = name
    return method


for _name in (
    "__index__", "__int__", "__float__", "__bool__", "__hash__", "__lt__", "__le__", "__gt__", "__ge__",
    "__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__", "__truediv__", "__rtruediv__",
    "__floordiv__", "__rfloordiv__", "__mod__", "__rmod__", "__pow__", "__rpow__", "__neg__", "__abs__",
):  # fmt: skip
    setattr(Dim, _name, _used_as_number(_name))


class TracedTensor(Tensor):
    """A traced value whose shape varies with the inputs' ``None`` dimensions: ``.shape`` shows ``Dim``s."""

    __slots__ = ()

    def _symbol(self):
        graph = state.graph
        symbol = None if graph is None or graph.specialised else graph._symbols.get(id(self))
        return graph, symbol

    @property
    def shape(self) -> tuple:
        graph, symbol = self._symbol()
        return self._value.shape if symbol is None else graph.dims(symbol)

    @property
    def size(self) -> int:
        graph, symbol = self._symbol()
        if symbol is None:
            return self._value.size
        shadow = 1
        for n in symbol.shadow:
            shadow *= n
        return Dim(graph, self._value.size, shadow)

    def __len__(self) -> int:
        length = self.shape[0] if self._value.ndim else super().__len__()
        return length._used() if isinstance(length, Dim) else length

    def numpy(self):
        graph, symbol = self._symbol()
        if symbol is not None:
            graph.specialise("the function read the value of a tensor whose shape depends on a None dimension")
        return super().numpy()

    def __array__(self, dtype=None, copy=None):
        self.numpy()
        return super().__array__(dtype, copy)


class GraphOp:
    """One op of a graph: ``.type``, ``.name``, ``.inputs``, ``.outputs``, ``get_attr``."""

    __slots__ = ("attrs", "inputs", "multiple", "name", "op_def", "outputs", "type")

    def __init__(self, op_type: str, name: str, op_def, inputs, attrs, multiple: bool = False):
        self.type, self.name, self.op_def = op_type, name, op_def
        self.inputs, self.attrs = list(inputs), dict(attrs)
        self.multiple = multiple  # the kernel returns a tuple (even of one array)
        self.outputs: list = []

    def get_attr(self, name: str):
        try:
            return self.attrs[name]
        except KeyError:
            raise ValueError(f"op {self.name!r} has no attribute {name!r}") from None

    @property
    def stateful(self) -> bool:
        return self.type in STATEFUL

    def __repr__(self) -> str:
        return f"<tg.GraphOp {self.name!r} type={self.type}>"


# Ops that are not pure functions of their inputs: never merged, folded or moved.
STATEFUL = {"ReadVariableOp", "AssignVariableOp", "Placeholder", "RandomSample"}
PLACEHOLDER = OpDef("Placeholder", None, (), builtin=True)
CONST = OpDef("Const", None, (), builtin=True)
READ_VARIABLE = OpDef("ReadVariableOp", None, (), builtin=True)
ASSIGN_VARIABLE = OpDef("AssignVariableOp", None, (), builtin=True)


class Graph:
    """Ops in program order, with the function's ``inputs`` and ``outputs``."""

    def __init__(self, name: str = "graph", polymorphic: bool = False):
        self.name = name
        self.polymorphic = polymorphic  # traced for any size of the inputs' None dimensions
        self.specialised: str | None = None  # why a polymorphic trace holds only for the example's shapes
        self.operations: list[GraphOp] = []
        self.inputs: list[Symbol] = []
        self.outputs: list = []
        self.variables: list = []  # every variable read or written, in order of first use
        self.effects = True  # whether variable assignments are part of this graph
        # The gradient, traced with the function: given grad_inputs (one per floating output),
        # grad_outputs are the gradients for each input and then each variable.
        self.grad_inputs: list = []
        self.grad_outputs: list | None = None
        self.grad_error: Exception | None = None
        self._symbols: dict = {}  # id(tensor) -> Symbol, while tracing
        self._outputs_of: dict = {}  # (id(recorded op), index) -> Symbol: op.outputs rebuilt by gradients
        self._keep: list = []  # the traced tensors, so their ids stay unique
        self._reads: dict = {}  # id(variable) -> its current ReadVariableOp symbol
        self._names = itertools.count()
        self._counts: dict = {}
        self._shadows: dict = {}  # id(symbol) -> its value for the shadow inputs, while tracing

    # -- building -----------------------------------------------------------------
    def _new_op(self, op_def, inputs, attrs, values, multiple: bool = False) -> GraphOp:
        n = self._counts.get(op_def.type, 0)
        self._counts[op_def.type] = n + 1
        name = op_def.type if n == 0 else f"{op_def.type}_{n}"
        op = GraphOp(op_def.type, name, op_def, inputs, attrs, multiple)
        op.outputs = [Symbol(op, i, v.shape, v.dtype) for i, v in enumerate(values)]
        self.operations.append(op)
        return op

    def placeholder(self, tensor, gradient: bool = False, shadow=None) -> Symbol:
        """A new input bound to ``tensor``: a function argument, or an output's gradient.

        In a polymorphic trace, ``shadow`` is its value for other sizes of the None dimensions.
        """
        (symbol,) = self._new_op(PLACEHOLDER, (), {}, (tensor._value,)).outputs
        (self.grad_inputs if gradient else self.inputs).append(symbol)
        self._set_shadow(symbol, tensor._value if shadow is None else shadow)
        self.bind(tensor, symbol)
        return symbol

    def shadow_of(self, tensor):
        """The shadow value of a traced ``tensor`` (its own value where nothing varies)."""
        return self._shadows.get(id(self.symbol_of(tensor)), tensor._value)

    def specialise(self, reason: str) -> None:
        """Give up polymorphism: the trace holds for the example's shapes only."""
        if self.polymorphic and self.specialised is None:
            self.specialised = reason
            self._shadows = {}

    def dims(self, symbol: Symbol) -> tuple:
        """``symbol``'s shape as traced code sees it: a ``Dim`` where the size varies."""
        return tuple(n if n == m else Dim(self, n, m) for n, m in zip(symbol.shape, symbol.shadow))

    def _set_shadow(self, symbol: Symbol, value) -> None:
        if self.polymorphic and self.specialised is None:
            self._shadows[id(symbol)] = value
            symbol.shadow = value.shape

    def _run_shadow(self, op: GraphOp) -> None:
        """Run ``op`` on the shadow values; an op that fails there (or changes rank or dtype) specialises."""
        try:
            out = op.op_def.kernel(*[self._shadows[id(s)] for s in op.inputs], **op.attrs)
            values = tuple(backend.asarray(v) for v in (out if type(out) is tuple else (out,)))
        except Exception as e:
            self.specialise(f"{op.type} fails for other sizes of the None dimensions: {e}")
            return
        for symbol, value in zip(op.outputs, values):
            if value.ndim != len(symbol.shape) or value.dtype != symbol.dtype:
                self.specialise(f"{op.type} gives another rank or dtype for other sizes of the None dimensions")
                return
            self._set_shadow(symbol, value)

    def view(self, inputs, outputs, effects: bool) -> Graph:
        """The same ops seen as a function of other inputs and outputs (optimise it to prune)."""
        g = Graph(self.name, self.polymorphic)
        g.operations, g.inputs, g.outputs = self.operations, list(inputs), list(outputs)
        g.variables, g.effects, g.specialised = self.variables, effects, self.specialised
        return g

    @property
    def shape_polymorphic(self) -> bool:
        """Whether the graph runs for any size of its inputs' None dimensions."""
        return self.polymorphic and self.specialised is None

    def bind(self, tensor, symbol: Symbol) -> None:
        self._symbols[id(tensor)] = symbol
        self._keep.append(tensor)
        if symbol.shadow != symbol.shape and type(tensor) is Tensor:
            tensor.__class__ = TracedTensor  # (same layout: its ``.shape`` now shows the varying dimensions)
        if tensor._node is not None:
            self._outputs_of.setdefault((id(tensor._node), tensor._index), symbol)

    def symbol_of(self, tensor) -> Symbol:
        """The symbol for an op input: traced, a variable read, or a captured constant."""
        symbol = self._symbols.get(id(tensor))
        if symbol is not None:
            return symbol
        if tensor._node is not None:  # a recorded op's output, rebuilt as op.outputs by a gradient
            symbol = self._outputs_of.get((id(tensor._node), tensor._index))
            if symbol is not None:
                self.bind(tensor, symbol)
                return symbol
        if getattr(tensor, "_is_variable", False):
            symbol = self._reads.get(id(tensor))
            if symbol is None:
                self._use_variable(tensor)
                (symbol,) = self._new_op(READ_VARIABLE, (), {"variable": tensor}, (tensor._value,)).outputs
                self._set_shadow(symbol, tensor._value)
                self._reads[id(tensor)] = symbol
            return symbol
        (symbol,) = self._new_op(CONST, (), {"value": tensor._value}, (tensor._value,)).outputs
        self._set_shadow(symbol, tensor._value)
        self.bind(tensor, symbol)
        return symbol

    def add(self, op_def, inputs, attrs, outputs, multiple: bool = False) -> None:
        """Record an op just run eagerly on traced values."""
        symbols = [self.symbol_of(t) for t in inputs]
        op = self._new_op(op_def, symbols, attrs, [t._value for t in outputs], multiple)
        if self.polymorphic and self.specialised is None:
            self._run_shadow(op)
        for t, symbol in zip(outputs, op.outputs):
            self.bind(t, symbol)

    def alias(self, tensor, source) -> None:
        """``tensor`` has the value of ``source`` (outputs of custom gradients and Functions)."""
        self.bind(tensor, self.symbol_of(source))

    def assign(self, variable, value) -> None:
        """``variable.assign(value)`` inside the function: done when the graph runs."""
        self._use_variable(variable)
        self._new_op(ASSIGN_VARIABLE, [self.symbol_of(value)], {"variable": variable}, ())
        self._reads.pop(id(variable), None)  # later uses read the new value

    def _use_variable(self, variable) -> None:
        if all(v is not variable for v in self.variables):
            self.variables.append(variable)

    def finish(self, outputs) -> None:
        self.outputs = [self.symbol_of(t) for t in outputs]
        self._symbols, self._keep, self._reads, self._outputs_of, self._shadows = {}, [], {}, {}, {}
        if self.specialised is not None:  # every symbol takes its example shape
            for op in self.operations:
                for s in op.outputs:
                    s.shadow = s.shape

    # -- reading --------------------------------------------------------------------
    def __str__(self) -> str:
        lines = [f"graph {self.name}({', '.join(s.name for s in self.inputs)}):"]
        for op in self.operations:
            if op.type == "Placeholder":
                continue
            outs = ", ".join(f"{s.name} {s.dtype}{list(s.static_shape)}" for s in op.outputs) or "(effect)"
            args = ", ".join(s.name for s in op.inputs)
            attrs = _describe_attrs(op)
            lines.append(f"  {outs} = {op.type}({args}{', ' if args and attrs else ''}{attrs})")
        lines.append(f"  return {', '.join(s.name for s in self.outputs)}")
        return "\n".join(lines)


def _describe_attrs(op: GraphOp) -> str:
    parts = []
    for key, value in op.attrs.items():
        if key == "variable":
            value = value.name
        elif key == "value":
            value = f"{value.dtype}{list(value.shape)}" if value.size > 4 else value.tolist()
        parts.append(f"{key}={value}")
    return ", ".join(parts)
