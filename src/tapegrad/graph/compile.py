"""A graph as one generated Python function: a line per op, calling its kernel directly."""

from __future__ import annotations

import itertools
import linecache

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


def compile_graph(graph: Graph):
    """``(run, source)``: ``run(*input_arrays)`` returns the tuple of output arrays."""
    names: dict = {}
    namespace: dict = {"_assign": _assign}
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
            body.append(f"{outs[0]} = var{n}._value  # {op.name}")
        elif op.type == "AssignVariableOp":
            namespace[f"var{n}"] = op.attrs["variable"]
            body.append(f"_assign(var{n}, {ins})  # {op.name}")
        else:
            namespace[f"k{n}"] = op.op_def.kernel
            call = f"k{n}({ins}"
            if op.attrs:
                namespace[f"attrs{n}"] = op.attrs
                call += f"{', ' if ins else ''}**attrs{n}"
            target = ", ".join(outs) + ("," if op.multiple and len(outs) == 1 else "")
            body.append(f"{target} = {call})  # {op.name}")
    results = [names[id(s)] for s in graph.outputs]
    body.append(f"return ({', '.join(results)}{',' if len(results) == 1 else ''})")
    source = f"def run({', '.join(args)}):\n" + "\n".join(f"    {line}" for line in body) + "\n"
    filename = f"<tg.function {graph.name} #{next(_serial)}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), namespace)
    return namespace["run"], source
