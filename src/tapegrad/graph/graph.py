"""The graph IR: ops over symbols, built by tracing the ordinary eager ops.

While a function is traced, every op still runs on example values (so shapes,
dtypes and Python logic behave exactly as in eager mode), and ``Graph.add`` also
appends it to the graph. Tensors from outside the function become constants;
variables are read (``ReadVariableOp``) where they are used and written
(``AssignVariableOp``) where they are assigned, at run time.
"""

from __future__ import annotations

import itertools

from ..engine.registry import OpDef


class Symbol:
    """A value in a graph: output ``index`` of ``op``, with a static shape and dtype."""

    __slots__ = ("dtype", "index", "op", "shape")

    def __init__(self, op, index, shape, dtype):
        self.op, self.index, self.shape, self.dtype = op, index, tuple(shape), dtype

    @property
    def name(self) -> str:
        return f"{self.op.name}:{self.index}"

    def __repr__(self) -> str:
        return f"<Symbol {self.name} {self.dtype}{list(self.shape)}>"


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


# Ops that are not pure functions of their inputs: never merged, folded or removed.
STATEFUL = {"ReadVariableOp", "AssignVariableOp", "Placeholder"}
PLACEHOLDER = OpDef("Placeholder", None, (), builtin=True)
CONST = OpDef("Const", None, (), builtin=True)
READ_VARIABLE = OpDef("ReadVariableOp", None, (), builtin=True)
ASSIGN_VARIABLE = OpDef("AssignVariableOp", None, (), builtin=True)


class Graph:
    """Ops in program order, with the function's ``inputs`` and ``outputs``."""

    def __init__(self, name: str = "graph"):
        self.name = name
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

    # -- building -----------------------------------------------------------------
    def _new_op(self, op_def, inputs, attrs, values, multiple: bool = False) -> GraphOp:
        n = self._counts.get(op_def.type, 0)
        self._counts[op_def.type] = n + 1
        name = op_def.type if n == 0 else f"{op_def.type}_{n}"
        op = GraphOp(op_def.type, name, op_def, inputs, attrs, multiple)
        op.outputs = [Symbol(op, i, v.shape, v.dtype) for i, v in enumerate(values)]
        self.operations.append(op)
        return op

    def placeholder(self, tensor, gradient: bool = False) -> Symbol:
        """A new input bound to ``tensor``: a function argument, or an output's gradient."""
        (symbol,) = self._new_op(PLACEHOLDER, (), {}, (tensor._value,)).outputs
        (self.grad_inputs if gradient else self.inputs).append(symbol)
        self.bind(tensor, symbol)
        return symbol

    def view(self, inputs, outputs, effects: bool) -> Graph:
        """The same ops seen as a function of other inputs and outputs (optimise it to prune)."""
        g = Graph(self.name)
        g.operations, g.inputs, g.outputs = self.operations, list(inputs), list(outputs)
        g.variables, g.effects = self.variables, effects
        return g

    def bind(self, tensor, symbol: Symbol) -> None:
        self._symbols[id(tensor)] = symbol
        self._keep.append(tensor)
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
                self._reads[id(tensor)] = symbol
            return symbol
        (symbol,) = self._new_op(CONST, (), {"value": tensor._value}, (tensor._value,)).outputs
        self.bind(tensor, symbol)
        return symbol

    def add(self, op_def, inputs, attrs, outputs, multiple: bool = False) -> None:
        """Record an op just run eagerly on traced values."""
        symbols = [self.symbol_of(t) for t in inputs]
        op = self._new_op(op_def, symbols, attrs, [t._value for t in outputs], multiple)
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
        self._symbols, self._keep, self._reads, self._outputs_of = {}, [], {}, {}

    # -- reading --------------------------------------------------------------------
    def __str__(self) -> str:
        lines = [f"graph {self.name}({', '.join(s.name for s in self.inputs)}):"]
        for op in self.operations:
            if op.type == "Placeholder":
                continue
            outs = ", ".join(f"{s.name} {s.dtype}{list(s.shape)}" for s in op.outputs) or "(effect)"
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
