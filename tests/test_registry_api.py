"""User-facing registry: primitive, RegisterGradient, NotDifferentiable, custom_gradient."""

import numpy as np
import pytest

import tapegrad as tg
from tapegrad.engine.registry import OPS


@tg.primitive("TestSoftplus")
def my_softplus(x):
    return np.log1p(np.exp(x))


@tg.RegisterGradient("TestSoftplus")
def _my_softplus_grad(op, grad):
    return grad * tg.sigmoid(op.inputs[0])


def test_primitive_from_design_doc_first_and_second_derivative():
    x = tg.constant(np.array([-1.0, 0.0, 2.0]))
    with tg.GradientTape() as outer:
        outer.watch(x)
        with tg.GradientTape() as inner:
            inner.watch(x)
            y = tg.reduce_sum(my_softplus(x))
        g = inner.gradient(y, x)
    h = outer.gradient(g, x)
    s = 1 / (1 + np.exp(-x.numpy()))
    np.testing.assert_allclose(y.numpy(), np.sum(np.log1p(np.exp(x.numpy()))))
    np.testing.assert_allclose(g.numpy(), s)
    np.testing.assert_allclose(h.numpy(), s * (1 - s))
    np.testing.assert_allclose(g.numpy(), tg.numerical_gradient(lambda v: tg.reduce_sum(my_softplus(v)), x).numpy())


def test_user_kernels_outputs_are_converted_and_checked_but_builtin_kernels_run_unwrapped():
    @tg.primitive("TestListKernel")
    def pair(x):
        return [1, 2], x.sum()  # a list and a NumPy scalar: converted to arrays

    first, total = pair(tg.constant([1.0, 2.0]))
    assert first.numpy().tolist() == [1, 2] and float(total) == 3.0
    assert not any(hasattr(op.kernel, "__wrapped__") for op in OPS.values() if op.builtin)  # the hot path


def test_registering_a_gradient_twice_raises_key_error():
    with pytest.raises(KeyError):
        tg.RegisterGradient("TestSoftplus")(lambda op, grad: grad)
    with pytest.raises(KeyError):
        tg.RegisterGradient("Square")(lambda op, grad: grad)
    with pytest.raises(KeyError):
        tg.NotDifferentiable("Sin")


@tg.primitive("TestNoGradient")
def no_gradient_op(x):
    return x * 2


def test_op_without_gradient_raises_lookup_error_naming_it():
    x = tg.Variable(1.0)
    with tg.GradientTape() as tape:
        y = no_gradient_op(x)
    with pytest.raises(LookupError, match="TestNoGradient"):
        tape.gradient(y, x)


@tg.primitive("TestRound")
def my_round(x):
    return np.round(x)


tg.NotDifferentiable("TestRound")


def test_not_differentiable_op_gives_no_gradient():
    x = tg.Variable(1.4)
    with tg.GradientTape() as tape:
        y = my_round(x) * x
    assert float(y) == pytest.approx(1.4)
    assert float(tape.gradient(y, x)) == pytest.approx(1.0)  # only through the second factor


@tg.primitive("TestScaledSum")
def scaled_sum(x, y, scale=1.0):
    return (x + y) * scale, x - y


@tg.RegisterGradient("TestScaledSum")
def _scaled_sum_grad(op, grad_sum, grad_diff):
    assert op.type == "TestScaledSum" and op.name == "TestScaledSum"
    assert len(op.inputs) == 2 and len(op.outputs) == 2
    scale = op.get_attr("scale")
    return grad_sum * scale + grad_diff, grad_sum * scale - grad_diff


def test_multi_output_primitive_with_attribute():
    x, y = tg.Variable(1.0), tg.Variable(2.0)
    with tg.GradientTape(persistent=True) as tape:
        s, d = scaled_sum(x, y, scale=3.0)
    assert (float(s), float(d)) == (9.0, -1.0)
    assert [float(g) for g in tape.gradient(s, [x, y])] == [3.0, 3.0]
    assert [float(g) for g in tape.gradient(d, [x, y])] == [1.0, -1.0]  # unused output gets zeros
    assert [float(g) for g in tape.gradient([s, d], [x, y])] == [4.0, 2.0]


def test_primitive_argument_errors_name_the_op():
    with pytest.raises(TypeError, match="TestScaledSum"):
        scaled_sum(1.0, 2.0, bogus=1)


def test_custom_gradient_clips_the_backward_pass():
    @tg.custom_gradient
    def clip_gradient(x):
        def grad(dy):
            return tg.clip_by_value(dy, -0.5, 0.5)

        return tg.identity(x), grad

    x = tg.Variable([1.0, 2.0])
    with tg.GradientTape() as tape:
        y = tg.reduce_sum(clip_gradient(x) * tg.constant([3.0, -0.1]))
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [0.5, -0.1])


def test_custom_gradient_log1pexp_numerically_stable_and_second_order():
    @tg.custom_gradient
    def log1pexp(x):
        e = tg.exp(x)

        def grad(upstream):
            return upstream * (1 - 1 / (1 + tg.exp(x)))

        return tg.log(1 + e), grad

    x = tg.constant(100.0, dtype=tg.float64)
    with tg.GradientTape() as tape:
        tape.watch(x)
        y = log1pexp(x)
    assert float(tape.gradient(y, x)) == 1.0

    x = tg.constant(0.3, dtype=tg.float64)
    with tg.GradientTape() as outer:
        outer.watch(x)
        with tg.GradientTape() as inner:
            inner.watch(x)
            y = log1pexp(x)
        g = inner.gradient(y, x)
    s = 1 / (1 + np.exp(-0.3))
    assert float(g) == pytest.approx(s)
    assert float(outer.gradient(g, x)) == pytest.approx(s * (1 - s))


def test_custom_gradient_with_variables():
    w = tg.Variable(2.0)

    @tg.custom_gradient
    def scale(x):
        def grad(dy, variables=None):
            assert variables == [w]
            return dy * w * 10.0, [dy * x * 100.0]

        return x * w, grad

    x = tg.Variable(3.0)
    with tg.GradientTape() as tape:
        y = scale(x)
    gx, gw = tape.gradient(y, [x, w])
    assert float(y) == 6.0 and float(gx) == 20.0 and float(gw) == 300.0


def test_custom_gradient_with_variables_requires_variables_argument():
    w = tg.Variable(2.0)

    @tg.custom_gradient
    def scale(x):
        return x * w, lambda dy: dy

    with pytest.raises(TypeError, match="variables"):
        scale(tg.constant(1.0))


def test_custom_gradient_multiple_inputs_and_outputs():
    @tg.custom_gradient
    def two(a, b):
        def grad(da, db):
            return da + db, da - db

        return (a + b, a * b), grad

    a, b = tg.Variable(1.0), tg.Variable(2.0)
    with tg.GradientTape() as tape:
        s, p = two(a, b)
        y = s + 2 * p
    ga, gb = tape.gradient(y, [a, b])
    assert (float(ga), float(gb)) == (3.0, -1.0)
