"""tg.utils: DOT source and pictures of recorded computations."""

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
