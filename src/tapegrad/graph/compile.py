"""A graph as one generated Python function: a line per op, calling its kernel directly.

The source is made of names chosen here (``a0``, ``v3_0``, ``k3``...) and attribute
literals that are the ``repr`` of plain values; op names, variable names and other
strings from the graph never enter it (they reach the code through its namespace).
"""

from __future__ import annotations

import itertools
import keyword
import linecache
import re
import weakref

from .. import backend
from .graph import Graph

_serial = itertools.count()


def _assign(variable, value) -> None:
    """``AssignVariableOp`` at run time (same shape; the variable's dtype)."""
    value = backend.asarray(value)
    if value.dtype != variable._value.dtype:
        value = value.astype(variable._value.dtype)
    if value.shape != variable._value.shape:
        raise ValueError(f"Variable {variable.name}: assigned shape {value.shape}, expected {variable.shape}")
    variable._value = value
    variable._version += 1


# Element-wise ops that are one NumPy ufunc: they can write into a dead input's buffer.
_UFUNCS = {
    "AddV2": "add", "Sub": "subtract", "Mul": "multiply", "RealDiv": "true_divide", "Neg": "negative",
    "Exp": "exp", "Log": "log", "Sin": "sin", "Cos": "cos", "Tanh": "tanh", "Sqrt": "sqrt", "Square": "square",
    "Maximum": "maximum", "Minimum": "minimum",
}  # fmt: skip
# Ops whose kernels always return a new array, which nothing else refers to.
_FRESH = set(_UFUNCS) | {
    "BatchMatMulV2", "SelectV2", "Relu", "ReluGrad", "Sum", "Mean", "Softmax", "SparseSoftmaxCrossEntropyWithLogits",
}  # fmt: skip


def _last_uses(graph: Graph) -> dict:
    """For each symbol, the index of the last op reading its array (outputs: never released).

    An op outside ``_FRESH`` may return a view of its inputs (Reshape, BroadcastTo,
    StridedSlice, ...), so its inputs' arrays live as long as its outputs are read.
    """
    last: dict = {}
    end = len(graph.operations)
    for n, op in enumerate(graph.operations):
        for s in op.inputs:
            last[id(s)] = n
    for s in graph.outputs:
        last[id(s)] = end
    for op in reversed(graph.operations):
        if op.type not in _FRESH:
            reach = max((last.get(id(s), -1) for s in op.outputs), default=-1)
            for s in op.inputs:
                last[id(s)] = max(last.get(id(s), -1), reach)
    return last


def _reusable(op, n: int, last: dict, owned: set):
    """An input of ``op`` whose buffer can take ``op``'s result: dead after it, same shape and dtype."""
    out = op.outputs[0]
    if op.type not in _UFUNCS or not out.shape or out.dtype.kind not in "fc":
        return None
    for s in op.inputs:
        if id(s) in owned and last.get(id(s)) == n and s.same_shape(out) and s.dtype == out.dtype:
            return s
    return None


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")  # ASCII only: Python folds other identifiers (NFKC)
_MAX_LITERAL = 200  # characters of source for one attribute value; longer ones are passed by reference


def _arguments(ins: str, attrs: dict, namespace: dict, n: int) -> str:
    """A kernel call's arguments: attributes written as literals where they are plain values.

    Nothing else from the graph enters the source: an attribute whose name is not a plain
    identifier, or whose value is not a short literal, is passed in a dict by reference.
    """
    literals = [(k, _literal(v)) for k, v in attrs.items() if _is_name(k)]
    if len(literals) == len(attrs) and all(text is not None for _, text in literals):
        return ", ".join([*([ins] if ins else []), *(f"{k}={text}" for k, text in literals)])
    namespace[f"attrs{n}"] = attrs
    return f"{ins}{', ' if ins else ''}**attrs{n}"


def _is_name(key) -> bool:
    return type(key) is str and _IDENTIFIER.fullmatch(key) is not None and not keyword.iskeyword(key)


def _literal(value) -> str | None:
    """Python source for an equal value (short: bools, ints, strings, None, tuples of them), or None."""
    if not _is_literal(value, 4):
        return None
    text = repr(value)
    return text if len(text) <= _MAX_LITERAL else None


def _is_literal(value, depth: int) -> bool:
    """Whether ``repr(value)`` is Python source for an equal value (exact types only: no subclass's repr)."""
    if type(value) is tuple:
        return depth > 0 and len(value) <= _MAX_LITERAL and all(_is_literal(v, depth - 1) for v in value)
    if type(value) is int:
        return -(2**63) <= value < 2**63
    return value is None or type(value) in (bool, str)


def _printable(name) -> str:
    """``name`` for a file name in tracebacks: control characters (and NUL, which ``compile`` rejects) escaped."""
    text = str(name)
    return text if text.isprintable() else text.encode("unicode_escape").decode("ascii")


def compile_graph(graph: Graph):
    """``(run, source)``: ``run(*input_arrays)`` returns the tuple of output arrays.

    Element-wise ops write into the buffer of an input that no later op reads (as
    hand-written NumPy would with ``out=``), so a step allocates fewer arrays.
    """
    names: dict = {}
    namespace: dict = {"_assign": _assign, "xp": backend.xp}
    last = _last_uses(graph)
    owned: set = set()  # symbols whose array only this run refers to
    args = []
    for i, s in enumerate(graph.inputs):
        names[id(s)] = f"a{i}"
        args.append(f"a{i}")
    body = []
    for n, op in enumerate(graph.operations):
        if op.type == "Placeholder":
            continue
        if op.type == "Const":
            names[id(op.outputs[0])] = f"c{n}"
            namespace[f"c{n}"] = op.attrs["value"]
            continue
        ins = ", ".join(names[id(s)] for s in op.inputs)
        outs = [f"v{n}_{i}" for i in range(len(op.outputs))]
        for s, name in zip(op.outputs, outs):
            names[id(s)] = name
        if op.type == "ReadVariableOp":
            namespace[f"var{n}"] = op.attrs["variable"]
            body.append(f"{outs[0]} = var{n}._value")
        elif op.type == "AssignVariableOp":
            namespace[f"var{n}"] = op.attrs["variable"]
            body.append(f"_assign(var{n}, {ins})")
        elif (buffer := _reusable(op, n, last, owned)) is not None:
            body.append(f"{outs[0]} = xp.{_UFUNCS[op.type]}({ins}, out={names[id(buffer)]})")
            owned.add(id(op.outputs[0]))
        elif op.type in _UFUNCS:
            owned.add(id(op.outputs[0]))
            body.append(f"{outs[0]} = xp.{_UFUNCS[op.type]}({ins})")
        else:
            if op.type in _FRESH:
                owned.update(id(s) for s in op.outputs)
            namespace[f"k{n}"] = op.op_def.kernel
            target = ", ".join(outs) + ("," if op.multiple and len(outs) == 1 else "")
            body.append(f"{target} = k{n}({_arguments(ins, op.attrs, namespace, n)})")
    results = [names[id(s)] for s in graph.outputs]
    body.append(f"return ({', '.join(results)}{',' if len(results) == 1 else ''})")
    source = f"def run({', '.join(args)}):\n" + "\n".join(f"    {line}" for line in body) + "\n"
    filename = f"<tg.function {_printable(graph.name)} #{next(_serial)}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), namespace)
    run = namespace.pop("run")  # (no cycle through its globals: freed as soon as it is dropped)
    weakref.finalize(run, linecache.cache.pop, filename, None)  # its source, for tracebacks, goes with it
    return run, source
