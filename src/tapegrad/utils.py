"""Pictures of computations: Graphviz DOT source for what produced a tensor."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from .engine.tensor import Tensor


def _label(t: Tensor) -> str:
    return f"{t.dtype}{list(t.shape)}".replace("'", "")


def _leaf_label(t: Tensor) -> str:
    name = getattr(t, "_name", None)
    return f"{name}\\n{_label(t)}" if name else _label(t)


def to_dot(x, name: str = "tapegrad") -> str:
    """Graphviz DOT source for the computation behind ``x``.

    ``x`` is a recorded tensor (or a list of them), a traced graph, or a concrete
    function (its optimised graph). Ops are boxes, inputs (variables, constants)
    ellipses; each edge is a tensor, labelled with its dtype and shape.
    """
    from .graph import ConcreteFunction, Graph

    if isinstance(x, ConcreteFunction):
        x = x.optimized_graph
    if isinstance(x, Graph):
        return _graph_to_dot(x)
    targets = list(x) if isinstance(x, list | tuple) else [x]
    for t in targets:
        if not isinstance(t, Tensor):
            raise TypeError(f"to_dot: expected tensors, got {type(t).__name__}")
    lines = [
        f'digraph "{name}" {{',
        "  rankdir=LR;",
        '  node [fontname="Helvetica", fontsize=10];',
        '  edge [fontname="Helvetica", fontsize=9];',
    ]
    ids: dict = {}

    def node_id(obj, kind: str) -> str:
        if id(obj) not in ids:
            ids[id(obj)] = f"{kind}{len(ids)}"
        return ids[id(obj)]

    seen, stack = set(), [t._node for t in targets if t._node is not None]
    while stack:
        op = stack.pop()
        if id(op) in seen:
            continue
        seen.add(id(op))
        me = node_id(op, "op")
        lines.append(f'  {me} [shape=box, style="rounded,filled", fillcolor="#dde8f7", label="{op.type}"];')
        for t in op.inputs or ():
            if t._node is not None:
                source = node_id(t._node, "op")
                stack.append(t._node)
            else:
                source = node_id(t, "in")
                lines.append(f'  {source} [shape=ellipse, label="{_leaf_label(t)}"];')
            label = _label(t) if t._value is not None else ""
            lines.append(f'  {source} -> {me} [label="{label}"];')
    for i, t in enumerate(targets):
        out = f"out{i}"
        lines.append(f'  {out} [shape=plaintext, label="output {i}\\n{_label(t)}"];')
        source = node_id(t._node, "op") if t._node is not None else node_id(t, "in")
        if t._node is None:
            lines.append(f'  {source} [shape=ellipse, label="{_leaf_label(t)}"];')
        lines.append(f"  {source} -> {out};")
    lines.append("}")
    return "\n".join(dict.fromkeys(lines)) + "\n"


def _graph_to_dot(graph) -> str:
    lines = [
        f'digraph "{graph.name}" {{',
        "  rankdir=LR;",
        '  node [fontname="Helvetica", fontsize=10];',
        '  edge [fontname="Helvetica", fontsize=9];',
    ]
    ids = {id(op): f"op{i}" for i, op in enumerate(graph.operations)}
    for op in graph.operations:
        me = ids[id(op)]
        if op.type in ("Placeholder", "Const", "ReadVariableOp"):
            label = {"Placeholder": "input", "Const": "constant"}.get(op.type, op.attrs.get("variable", op).name)
            out = op.outputs[0]
            lines.append(f'  {me} [shape=ellipse, label="{label}\\n{out.dtype}{list(out.shape)}"];')
            continue
        fill = "#f7e3d0" if op.type == "AssignVariableOp" else "#dde8f7"
        lines.append(f'  {me} [shape=box, style="rounded,filled", fillcolor="{fill}", label="{op.type}"];')
        for s in op.inputs:
            lines.append(f'  {ids[id(s.op)]} -> {me} [label="{s.dtype}{list(s.shape)}"];')
    for i, s in enumerate(graph.outputs):
        lines.append(f'  out{i} [shape=plaintext, label="output {i}"];')
        lines.append(f"  {ids[id(s.op)]} -> out{i};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def dot_program() -> str | None:
    """Graphviz's ``dot``, or the ``graphviz-pure`` port installed with ``tapegrad[examples]``."""
    here = os.path.dirname(sys.executable)
    for program in ("dot", "graphviz-pure"):
        found = shutil.which(program) or shutil.which(program, path=here)
        if found:
            return found
    return None


def plot(x, path: str) -> str:
    """Render ``to_dot(x)`` to ``path`` (format from the extension: .svg, .png, .pdf, .dot).

    Needs Graphviz's ``dot`` program for anything but ``.dot``; without it, raises
    ``RuntimeError`` saying how to install it.
    """
    source = to_dot(x)
    fmt = os.path.splitext(path)[1].lstrip(".").lower() or "svg"
    if fmt == "dot":
        with open(path, "w") as f:
            f.write(source)
        return path
    dot = dot_program()
    if dot is None:
        raise RuntimeError(
            "tg.utils.plot needs Graphviz's `dot` program: apt-get install graphviz, brew install graphviz, "
            "or pip install graphviz-pure (tapegrad[examples]); tg.utils.to_dot(x) gives the source without it"
        )
    subprocess.run([dot, f"-T{fmt}", "-o", path], input=source.encode(), check=True)
    return path
