"""Graph mode: tg.function tracing, variables, gradients inside and outside, the optimiser."""

import numpy as np
import pytest

import tapegrad as tg


def test_traces_once_per_signature_and_matches_eager():
    traces = []

    @tg.function
    def f(x, scale):
        traces.append(1)
        return tg.reduce_sum(tg.sin(x) * scale)

    x = np.array([0.5, 1.0])
    assert float(f(x, 2.0)) == pytest.approx(2 * np.sin(x).sum())
    f(np.array([3.0, 4.0]), 2.0)
    assert len(traces) == 1 and f.experimental_get_tracing_count() == 1
    f(np.ones(3), 2.0)  # new shape
    f(np.ones(3, np.float32), 2.0)  # new dtype
    f(x, 3.0)  # new Python value
    assert len(traces) == 4
    assert float(f(x, 3.0)) == pytest.approx(3 * np.sin(x).sum())
    assert len(traces) == 4


def test_python_control_flow_is_decided_at_trace_time():
    @tg.function
    def f(x, use_square):
        if use_square:
            return x * x
        return -x

    assert float(f(tg.constant(3.0), True)) == 9.0
    assert float(f(tg.constant(3.0), False)) == -3.0

    @tg.function
    def bad(x):
        if x > 0:
            return x
        return -x

    with pytest.raises(TypeError, match="Python bool"):
        bad(tg.constant(1.0))


def test_variables_are_read_when_the_graph_runs():
    v = tg.Variable(2.0)

    @tg.function
    def f(x):
        return x * v

    assert float(f(tg.constant(3.0))) == 6.0
    v.assign(5.0)
    assert float(f(tg.constant(3.0))) == 15.0
    assert f.experimental_get_tracing_count() == 1


def test_assignments_run_in_program_order_each_call():
    v = tg.Variable(1.0)

    @tg.function
    def f():
        before = v * 1.0
        v.assign_add(10.0)
        after = v * 1.0
        v.assign(after * 2.0)
        return before, after

    before, after = f()
    assert (float(before), float(after), float(v)) == (1.0, 11.0, 22.0)
    before, after = f()
    assert (float(before), float(after), float(v)) == (22.0, 32.0, 64.0)


def test_a_whole_training_step_in_one_function_matches_eager():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((16, 3)).astype(np.float32)
    y = (x @ np.array([[1.0], [-2.0], [0.5]], np.float32)).astype(np.float32)

    def make():
        return tg.Variable(np.zeros((3, 1), np.float32)), tg.Variable(np.zeros(1, np.float32))

    def step(w, b, x, y):
        with tg.GradientTape() as tape:
            loss = tg.reduce_mean(tg.square(x @ w + b - y))
        gw, gb = tape.gradient(loss, [w, b])
        w.assign_sub(0.1 * gw)
        b.assign_sub(0.1 * gb)
        return loss

    we, be = make()
    wg, bg = make()
    compiled = tg.function(lambda x, y: step(wg, bg, x, y))
    for _ in range(20):
        eager_loss = step(we, be, x, y)
        graph_loss = compiled(x, y)
        np.testing.assert_allclose(graph_loss.numpy(), eager_loss.numpy(), rtol=1e-5)
    np.testing.assert_allclose(wg.numpy(), we.numpy(), rtol=1e-5)
    assert compiled.experimental_get_tracing_count() == 1


def test_concrete_function_graph_is_inspectable():
    @tg.function
    def f(x):
        return tg.exp(x) + 1.0

    cf = f.get_concrete_function(tg.constant([1.0, 2.0]))
    types = [op.type for op in cf.graph.operations]
    assert types[0] == "Placeholder" and "Exp" in types and "AddV2" in types
    exp = next(op for op in cf.graph.operations if op.type == "Exp")
    assert exp.name == "Exp" and exp.inputs[0] is cf.graph.inputs[0]
    assert exp.outputs[0].shape == (2,) and exp.outputs[0].dtype == tg.float32
    assert len(cf.graph.inputs) == 1 and len(cf.graph.outputs) == 1
    np.testing.assert_allclose(cf(tg.constant([0.0, 1.0])).numpy(), [2.0, np.e + 1], rtol=1e-6)
    assert "Exp" in str(cf.graph) and "Exp" in cf.pretty_printed_graph()


def test_optimizer_removes_dead_code_duplicates_and_identities():
    @tg.function
    def f(x):
        unused = tg.exp(x) * 3.0  # dead
        a = tg.sin(x)
        b = tg.sin(x)  # duplicate
        c = tg.constant(2.0) * tg.constant(3.0)  # folded
        return (a + b) * 1.0 + 0.0 + c, unused * 0

    cf = f.get_concrete_function(tg.constant([1.0]))
    before = [op.type for op in cf.graph.operations]
    after = [op.type for op in cf.optimized_graph.operations]
    assert before.count("Sin") == 2 and after.count("Sin") == 1
    assert len(after) < len(before)
    x = np.array([0.3], np.float32)
    out, _ = f(x)
    np.testing.assert_allclose(out.numpy(), 2 * np.sin(x) + 6.0, rtol=1e-6)
    assert "def run" in cf.source


def test_generated_code_calls_ufuncs_directly_and_writes_plain_attributes_as_literals():
    w = tg.constant(np.arange(6.0).reshape(2, 3))

    @tg.function
    def f(x):
        m = tg.matmul(x, w, transpose_b=True)
        return tg.reduce_sum(m * m, axis=0), m

    x = np.arange(6.0).reshape(2, 3)
    source = f.get_concrete_function(tg.constant(x)).source
    assert "xp.multiply(" in source and "transpose_b=True" in source and "axis=(0,)" in source
    assert "**attrs" not in source
    m = x @ w.numpy().T
    np.testing.assert_allclose(f(x)[0].numpy(), (m * m).sum(axis=0))


def test_gradients_inside_a_function_and_second_derivatives():
    @tg.function
    def first(x):
        y = tg.sin(x) * x
        return tg.gradients(y, x)[0]

    @tg.function
    def second(x):
        with tg.GradientTape() as outer:
            outer.watch(x)
            with tg.GradientTape() as inner:
                inner.watch(x)
                y = x**3
            g = inner.gradient(y, x)
        return outer.gradient(g, x)

    assert float(first(tg.constant(1.0, dtype=tg.float64))) == pytest.approx(np.cos(1.0) + np.sin(1.0))
    assert float(second(tg.constant(2.0))) == 12.0


def test_a_function_is_differentiable_from_outside():
    v = tg.Variable(3.0)

    @tg.function
    def f(x):
        return tg.reduce_sum(tg.exp(x) * v)

    x = tg.constant([0.0, 1.0])
    with tg.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    gx, gv = tape.gradient(y, [x, v])
    np.testing.assert_allclose(gx.numpy(), 3 * np.exp([0.0, 1.0]), rtol=1e-6)
    assert float(gv) == pytest.approx(1 + np.e, rel=1e-6)
    t = tg.tensor([0.0, 1.0], requires_grad=True)
    f(t).backward()
    np.testing.assert_allclose(t.grad.numpy(), gx.numpy())


def test_higher_order_through_a_function_call():
    f = tg.function(lambda x: x**4)
    x = tg.constant(2.0, dtype=tg.float64)
    with tg.GradientTape() as outer:
        outer.watch(x)
        with tg.GradientTape() as inner:
            inner.watch(x)
            y = f(x)
        g = inner.gradient(y, x)
    assert float(g) == 32.0
    assert float(outer.gradient(g, x)) == 48.0
    assert tg.grad(tg.grad(lambda v: f(v)))(2.0) == pytest.approx(48.0)


def test_input_signature():
    @tg.function(input_signature=[tg.TensorSpec([None, 2], tg.float32)])
    def f(x):
        return tg.reduce_sum(x, axis=1)

    out = f(np.ones((3, 2)))
    assert out.dtype == tg.float32 and out.shape == (3,)
    with pytest.raises(ValueError, match="shape"):
        f(np.ones((3, 4)))
    with pytest.raises(TypeError, match="input_signature"):
        f(np.ones((3, 2)), np.ones(2))


def test_input_signature_converts_values_but_not_tensors_as_tensorflow_does():
    f = tg.function(lambda x: x * 2.0, input_signature=[tg.TensorSpec([], tg.float32)])
    for value in (1.0, 2, np.float64(3.0), np.array(4.0), tg.constant(5.0)):  # converted to float32 tensors
        out = f(value)
        assert out.dtype == tg.float32 and float(out) == 2.0 * float(value)
    assert f.experimental_get_tracing_count() == 1  # Python numbers are tensors here, not traced constants
    with pytest.raises(TypeError, match="argument 0 has dtype float64, but the input_signature says float32"):
        f(tg.constant(np.float64(1.0)))  # a tensor of another dtype is an error, not a silent cast
    with pytest.raises(TypeError, match="cannot convert a value of dtype float64 to int64"):
        tg.function(lambda n: n + 1, input_signature=[tg.TensorSpec([], tg.int64)])(1.5)


def test_nested_functions_are_inlined():
    inner = tg.function(lambda x: x * 2.0)
    outer = tg.function(lambda x: inner(x) + 1.0)
    assert float(outer(tg.constant(3.0))) == 7.0
    types = [op.type for op in outer.get_concrete_function(tg.constant(3.0)).graph.operations]
    assert "Mul" in types


def test_functions_as_methods():
    class Model(tg.nn.Module):
        def __init__(self):
            super().__init__()
            self.w = tg.Variable(2.0)

        @tg.function
        def call(self, x):
            return x * self.w

    model = Model()
    assert float(model(tg.constant(3.0))) == 6.0


def test_graph_pictures():
    @tg.function
    def f(x):
        return tg.reduce_sum(tg.tanh(x))

    dot = tg.utils.to_dot(f.get_concrete_function(tg.constant([1.0])))
    assert 'label="Tanh"' in dot and "output 0" in dot


def test_custom_gradients_inside_a_function_hold_when_differentiated_from_outside():
    @tg.custom_gradient
    def clip_backward(x):
        return tg.identity(x), lambda dy: tg.clip_by_value(dy, -0.5, 0.5)

    class Twice(tg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2.0

        @staticmethod
        def backward(ctx, grad):
            return grad * 10.0  # deliberately not 2: the rule must be the one used

    f = tg.function(lambda x: tg.reduce_sum(clip_backward(x) * 3.0) + tg.reduce_sum(Twice.apply(x)))
    x = tg.constant([1.0, 2.0])
    with tg.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [10.5, 10.5])


def test_the_callers_grad_mode_does_not_change_what_is_traced():
    f = tg.function(lambda x: x * x)
    x = tg.constant(3.0)
    with tg.no_grad():
        f(x)  # traced here
    with tg.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    assert float(tape.gradient(y, x)) == 6.0


def test_a_function_without_gradient_for_an_op_raises_only_when_asked():
    @tg.primitive("TestNoGradInFunction")
    def twice(x):
        return x * 2

    f = tg.function(lambda x: twice(x) + 1.0)
    x = tg.constant(1.0)
    assert float(f(x)) == 3.0
    with tg.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    with pytest.raises(LookupError, match="TestNoGradInFunction"):
        tape.gradient(y, x)


def test_random_ops_draw_new_samples_each_call_and_follow_the_seed():
    f = tg.function(lambda x: (x + tg.random.normal((3,)), tg.random.uniform((2,), maxval=10, dtype=tg.int64)))
    g = tg.function(lambda: tg.random.normal((3,), seed=7))
    x = tg.constant(np.zeros(3, np.float32))
    tg.random.set_seed(11)
    first, second = f(x), f(x)
    assert not np.array_equal(first[0].numpy(), second[0].numpy())
    tg.random.set_seed(11)
    eager = [tg.random.normal((3,)).numpy(), tg.random.uniform((2,), maxval=10, dtype=tg.int64).numpy()]
    np.testing.assert_array_equal(first[0].numpy(), eager[0])  # the trace's own draws do not count
    np.testing.assert_array_equal(first[1].numpy(), eager[1])
    tg.random.set_seed(11)
    np.testing.assert_array_equal(f(x)[0].numpy(), first[0].numpy())
    np.testing.assert_array_equal(g().numpy(), tg.random.normal((3,), seed=7).numpy())
    np.testing.assert_array_equal(g().numpy(), g().numpy())  # an op seed gives the same samples, as eagerly
    assert f.experimental_get_tracing_count() == 1
