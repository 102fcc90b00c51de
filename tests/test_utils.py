"""tg.utils: DOT source and pictures of recorded computations."""

import re
import subprocess

import pytest

import tapegrad as tg


def _recorded():
    w = tg.Variable([[1.0, 2.0], [3.0, 4.0]], name="weights")
    x = tg.constant([[1.0, 1.0]])
    with tg.GradientTape():
        y = tg.reduce_sum(tg.tanh(x @ w))
    return y


def test_to_dot_lists_ops_inputs_and_shapes():
    dot = tg.utils.to_dot(_recorded())
    assert dot.startswith('digraph "tapegrad" {') and dot.rstrip().endswith("}")
    for text in ('label="Sum"', 'label="Tanh"', 'label="BatchMatMulV2"', "weights", "float32[1, 2]", "output 0"):
        assert text in dot
    assert dot.count("->") == 5


def test_to_dot_of_an_unrecorded_tensor_is_a_single_input():
    dot = tg.utils.to_dot(tg.constant([1.0, 2.0]))
    assert "float32[2]" in dot and "->" in dot


def test_plot_writes_dot_and_explains_missing_graphviz(tmp_path):
    path = tg.utils.plot(_recorded(), str(tmp_path / "graph.dot"))
    assert (tmp_path / "graph.dot").read_text().startswith("digraph") and path.endswith("graph.dot")
    if tg.utils.dot_program() is None:
        with pytest.raises(RuntimeError, match="graphviz"):
            tg.utils.plot(_recorded(), str(tmp_path / "graph.svg"))
    else:
        svg = tg.utils.plot(_recorded(), str(tmp_path / "graph.svg"))
        assert "<svg" in (tmp_path / "graph.svg").read_text() and svg.endswith(".svg")


def test_to_dot_rejects_non_tensors():
    with pytest.raises(TypeError, match="to_dot"):
        tg.utils.to_dot("y")


# -- escaping and edges ---------------------------------------------------------------------------

NAMES = [
    'a"b',
    "line\nbreak",
    "back\\slash\\",
    "nul\x00",
    'x"; evil [label="y',
    "}",
    "{",
    "\r\u2028",
    "<b>html</b>",
]
_STRING = r'"((?:[^"\\\x00-\x1f]|\\.)*)"'  # a DOT quoted string: no raw control characters, quotes escaped
_ATTRS = rf"\[(?:[a-z]+=(?:[A-Za-z0-9]+|{_STRING})(?:, )?)+\]"
_LINE = re.compile(rf"digraph {_STRING} {{|  (?:rankdir=LR|(?:node|edge) {_ATTRS}|\w+(?: -> \w+)?(?: {_ATTRS})?);|}}")


def _parsed(dot: str):
    """(labels, edges) of DOT source from to_dot, checked line by line against the strict form it writes."""
    labels, edges = [], []
    for line in dot.splitlines():
        assert _LINE.fullmatch(line), line
        for text in re.findall(rf"(?:label=|digraph ){_STRING}", line):
            labels.append(re.sub(r"\\(.)", lambda m: "\n" if m[1] == "n" else m[1], text))
        edges += re.findall(r"^  (\w+) -> (\w+)", line)
    if tg.utils.dot_program():
        subprocess.run([tg.utils.dot_program(), "-Tplain"], input=dot.encode(), check=True, capture_output=True)
    return labels, edges


def _shown(name: str) -> str:
    return "".join(c if c.isprintable() or c == "\n" else ascii(c)[1:-1] for c in name)


@pytest.mark.parametrize("name", NAMES)
def test_to_dot_escapes_variable_op_and_graph_names(name):
    v = tg.Variable([1.0, 2.0], name=name)
    op = type("Op", (tg.autograd.Function,), {"forward": staticmethod(lambda ctx, x: x * 2.0)})
    op.__name__ = name.replace("\x00", "")  # (type names can't hold NUL)
    with tg.GradientTape():
        y = op.apply(tg.sin(v))
    labels, _ = _parsed(tg.utils.to_dot(y, name=name))
    assert {_shown(name), f"{_shown(name)}\nfloat32[2]", _shown(op.__name__), "Sin"} <= set(labels)

    f = tg.function(lambda x: tg.sin(x) * v, name=name)
    labels, _ = _parsed(tg.utils.to_dot(f.get_concrete_function(tg.constant([1.0, 2.0]))))
    assert {_shown(name), f"{_shown(v.name)}\nfloat32[2]", "Sin", "Mul"} <= set(labels)


def test_to_dot_draws_an_edge_for_each_use_of_an_input():
    a = tg.Variable([1.0, 2.0], name="a")
    with tg.GradientTape():
        y = a * a
    _, edges = _parsed(tg.utils.to_dot(y))
    assert edges.count(("in1", "op0")) == 2
    f = tg.function(lambda x: x * x)
    _, edges = _parsed(tg.utils.to_dot(f.get_concrete_function(tg.constant([1.0]))))
    assert edges.count(("op0", "op1")) == 2
