"""explain: the backward pass described step by step."""

import io

import tapegrad as tg


def test_tape_explain_describes_each_step_and_keeps_the_tape_usable():
    x = tg.Variable([1.0, 2.0], name="x")
    with tg.GradientTape() as tape:
        y = tg.reduce_sum(tg.sin(x) * 3.0)
    out = io.StringIO()
    text = tape.explain(y, x, file=out)
    assert out.getvalue().strip() == text
    lines = text.splitlines()
    assert lines[0].startswith("Backward pass from Sum")
    assert [line.split(":")[1].split()[0] for line in lines if line.startswith("step")] == ["Sum", "Mul", "Sin"]
    assert "math_grad._sin_grad" in text and "not needed" in text
    assert "gradient for source 0 (variable x:0" in text
    g = tape.gradient(y, x).numpy()  # a non-persistent tape still works after explain
    assert text.rstrip().endswith(f"[ {g[0]:.4f}, {g[1]:.4f}]")


def test_explain_on_a_recorded_tensor():
    t = tg.tensor(2.0, requires_grad=True)
    text = (t * t).explain(t, file=io.StringIO())
    assert "step 1: Mul" in text and text.rstrip().endswith("float32[] 4.")
