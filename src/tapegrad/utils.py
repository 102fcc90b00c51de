"""Pictures of computations: Graphviz DOT source for what produced a tensor."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from .engine.tensor import Tensor


def _escaped(text) -> str:
    """``text`` as the inside of a DOT quoted string, shown as it is: quotes and backslashes escaped,
    a line break as DOT's ``\\n``, any other unprintable character (NUL, ``\\r``...) as its Python escape."""
    out = []
    for ch in str(text):
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch.isprintable():
            out.append(ch)
        else:
            out.append("\\" + ascii(ch)[1:-1])  # a backslash shown, then x00, u2028...
    return "".join(out)


def _label(*parts) -> str:
    """A DOT label attribute: the parts on separate lines."""
    return 'label="' + "\\n".join(_escaped(p) for p in parts) + '"'


def _shape(t) -> str:
    return f"{t.dtype}{list(t.shape)}".replace("'", "")


def _header(name) -> list:
    return [
        f'digraph "{_escaped(name)}" {{',
        "  rankdir=LR;",
        '  node [fontname="Helvetica", fontsize=10];',
        '  edge [fontname="Helvetica", fontsize=9];',
    ]


def to_dot(x, name: str = "tapegrad") -> str:
    """Graphviz DOT source for the computation behind ``x``.

    ``x`` is a recorded tensor (or a list of them), a traced graph, or a concrete
    function (its optimised graph). Ops are boxes, inputs (variables, constants)
    ellipses; each edge is a tensor, labelled with its dtype and shape (an op that
    reads a tensor twice, as ``a * a``, has two edges from it). Names are escaped.
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
    lines = _header(name)
    ids: dict = {}

    def op_id(op) -> str:
        return ids.setdefault(id(op), f"op{len(ids)}")

    def input_id(t: Tensor) -> str:  # declared where first drawn
        if id(t) not in ids:
            ids[id(t)] = f"in{len(ids)}"
            name = getattr(t, "_name", None)
            label = _label(name, _shape(t)) if name else _label(_shape(t))
            lines.append(f"  {ids[id(t)]} [shape=ellipse, {label}];")
        return ids[id(t)]

    seen, stack = set(), [t._node for t in targets if t._node is not None]
    while stack:
        op = stack.pop()
        if id(op) in seen:
            continue
        seen.add(id(op))
        me = op_id(op)
        lines.append(f'  {me} [shape=box, style="rounded,filled", fillcolor="#dde8f7", {_label(op.type)}];')
        for t in op.inputs or ():
            if t._node is not None:
                source = op_id(t._node)
                stack.append(t._node)
            else:
                source = input_id(t)
            lines.append(f"  {source} -> {me} [{_label(_shape(t) if t._value is not None else '')}];")
    for i, t in enumerate(targets):
        lines.append(f"  out{i} [shape=plaintext, {_label(f'output {i}', _shape(t))}];")
        source = op_id(t._node) if t._node is not None else input_id(t)
        lines.append(f"  {source} -> out{i};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _graph_to_dot(graph) -> str:
    lines = _header(graph.name)
    ids = {id(op): f"op{i}" for i, op in enumerate(graph.operations)}
    for op in graph.operations:
        me = ids[id(op)]
        if op.type in ("Placeholder", "Const", "ReadVariableOp"):
            label = {"Placeholder": "input", "Const": "constant"}.get(op.type, op.attrs.get("variable", op).name)
            lines.append(f"  {me} [shape=ellipse, {_label(label, _shape(op.outputs[0]))}];")
            continue
        fill = "#f7e3d0" if op.type == "AssignVariableOp" else "#dde8f7"
        lines.append(f'  {me} [shape=box, style="rounded,filled", fillcolor="{fill}", {_label(op.type)}];')
        for s in op.inputs:
            lines.append(f"  {ids[id(s.op)]} -> {me} [{_label(_shape(s))}];")
    for i, s in enumerate(graph.outputs):
        lines.append(f"  out{i} [shape=plaintext, {_label(f'output {i}')}];")
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
