"""The PyTorch face: requires_grad, backward, grad_fn, autograd.grad, hooks, Function, in-place."""

import numpy as np
import pytest

import tapegrad as tg


def test_seed_pytorch_example():
    x = tg.tensor(3.0, requires_grad=True)
    y = 3 * x**2 + 4 * x + 2
    y.backward()
    assert float(x.grad) == 22.0
    assert x.grad.dtype == tg.float32


def test_backward_with_gradient_is_a_vector_jacobian_product():
    x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * x
    y.backward(gradient=tg.tensor([1.0, 0.5, -1.0]))
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 2.0, -6.0])


def test_non_scalar_backward_needs_a_gradient():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="scalar"):
        (x * 2).backward()


def test_requires_grad_propagation_and_leaves():
    a = tg.tensor([1.0], requires_grad=True)
    b = tg.tensor([2.0])
    c = a * b
    d = b * 2
    assert c.requires_grad and not c.is_leaf and c.grad_fn is not None
    assert not d.requires_grad and d.is_leaf and d.grad_fn is None
    assert a.is_leaf and a.grad_fn is None and b.is_leaf
    with tg.no_grad():
        e = a * 2
    assert not e.requires_grad and e.grad_fn is None


def test_no_recording_when_nothing_requires_grad():
    x = tg.tensor([1.0, 2.0])
    y = tg.sin(x) * 2
    assert y._node is None


def test_grad_fn_name_and_next_functions():
    a = tg.tensor(2.0, requires_grad=True)
    b = tg.tensor(3.0)
    y = a * b + a
    assert y.grad_fn.name() == "AddBackward0"
    (mul_fn, _), (acc, _) = y.grad_fn.next_functions
    assert mul_fn.name() == "MulBackward0"
    assert acc.variable is a
    assert mul_fn.next_functions[0][0].variable is a
    assert mul_fn.next_functions[1] == (None, 0)


def test_requires_grad_setters():
    x = tg.tensor([1.0, 2.0])
    assert x.requires_grad_() is x and x.requires_grad
    x.requires_grad = False
    assert not x.requires_grad
    with pytest.raises(RuntimeError, match="floating point"):
        tg.tensor([1, 2]).requires_grad_()
    y = tg.tensor([1.0], requires_grad=True) * 2
    with pytest.raises(RuntimeError, match="leaf"):
        y.requires_grad = False


def test_detach_and_data():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    d = y.detach()
    assert not d.requires_grad and d.is_leaf
    np.testing.assert_array_equal(d.numpy(), [3.0, 6.0])
    assert not x.data.requires_grad
    with tg.no_grad():
        x.data.mul_(10)
    np.testing.assert_array_equal(x.numpy(), [10.0, 20.0])
    x.data = tg.tensor([5.0, 5.0])
    np.testing.assert_array_equal(x.numpy(), [5.0, 5.0])


def test_grad_accumulates_until_reset():
    x = tg.tensor(2.0, requires_grad=True)
    for _ in range(3):
        (x * x).backward()
    assert float(x.grad) == 12.0
    x.grad = None
    (x * 5).backward()
    assert float(x.grad) == 5.0
    x.grad.zero_()
    (x * 1).backward()
    assert float(x.grad) == 1.0


def test_shared_gradient_tensors_are_not_aliased():
    a = tg.tensor(1.0, requires_grad=True)
    b = tg.tensor(2.0, requires_grad=True)
    (a + b).backward()
    assert a.grad is not b.grad
    a.grad.zero_()
    assert float(b.grad) == 1.0


def test_backward_twice_needs_retain_graph():
    x = tg.tensor(2.0, requires_grad=True)
    y = x * x * x
    y.backward(retain_graph=True)
    y.backward()
    assert float(x.grad) == 24.0
    with pytest.raises(RuntimeError, match="second time"):
        y.backward()


def test_create_graph_gives_second_derivatives():
    x = tg.tensor(2.0, requires_grad=True)
    y = x**3
    y.backward(create_graph=True)
    g = x.grad
    assert float(g) == 12.0 and g.requires_grad
    x.grad = None
    g.backward()
    assert float(x.grad) == 12.0  # 6x


def test_autograd_grad_higher_order():
    x = tg.tensor(1.5, requires_grad=True)
    y = tg.sin(x) * x
    (g,) = tg.autograd.grad(y, x, create_graph=True)
    (h,) = tg.autograd.grad(g, x, create_graph=True)
    (t,) = tg.autograd.grad(h, x)
    v = 1.5
    assert float(g) == pytest.approx(np.cos(v) * v + np.sin(v), rel=1e-6)
    assert float(h) == pytest.approx(-np.sin(v) * v + 2 * np.cos(v), rel=1e-6)
    assert float(t) == pytest.approx(-np.cos(v) * v - 3 * np.sin(v), rel=1e-5)
    assert x.grad is None  # autograd.grad accumulates nothing


def test_backward_inputs_accumulates_only_into_those():
    a = tg.tensor(1.0, requires_grad=True)
    b = tg.tensor(2.0, requires_grad=True)
    (a * b).backward(inputs=[a])
    assert float(a.grad) == 2.0 and b.grad is None


def test_autograd_grad_unused_inputs():
    x = tg.tensor(1.0, requires_grad=True)
    unused = tg.tensor(1.0, requires_grad=True)
    y = x * 2
    with pytest.raises(RuntimeError, match="allow_unused"):
        tg.autograd.grad(y, [x, unused], retain_graph=True)
    gx, gu = tg.autograd.grad(y, [x, unused], allow_unused=True, retain_graph=True)
    assert float(gx) == 2.0 and gu is None
    _, zero = tg.autograd.grad(y, [x, unused], materialize_grads=True)
    assert float(zero) == 0.0


def test_autograd_grad_errors():
    x = tg.tensor(1.0)
    with pytest.raises(RuntimeError, match="does not require grad"):
        tg.autograd.grad(x * 2, x)
    w = tg.tensor(1.0, requires_grad=True)
    with pytest.raises(RuntimeError, match="does not require grad"):
        tg.autograd.grad(x * 2, w)


def test_autograd_grad_with_grad_outputs():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    (g,) = tg.autograd.grad(x * x, x, grad_outputs=tg.tensor([1.0, -1.0]))
    np.testing.assert_allclose(g.numpy(), [2.0, -4.0])


def test_tg_gradients_over_eager_values():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = x * x
    z = tg.reduce_sum(y * 3.0)
    gx, gy = tg.gradients(z, [x, y])
    np.testing.assert_allclose(gx.numpy(), [6.0, 12.0])
    np.testing.assert_allclose(gy.numpy(), [3.0, 3.0])
    (stopped,) = tg.gradients(z, [x], stop_gradients=[y])
    assert stopped is None
    (zero,) = tg.gradients(z, [x], stop_gradients=[y], unconnected_gradients="zero")
    np.testing.assert_array_equal(zero.numpy(), [0.0, 0.0])
    (weighted,) = tg.gradients([z, tg.reduce_sum(x)], [x], grad_ys=[tg.constant(2.0), tg.constant(1.0)])
    np.testing.assert_allclose(weighted.numpy(), [13.0, 25.0])


def test_tg_gradients_over_tape_recorded_values():
    x = tg.constant(3.0)
    with tg.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    assert float(tg.gradients(y, x)[0]) == 6.0


def test_grad_mode_is_thread_local():
    import threading

    seen = {}
    x = tg.tensor(1.0, requires_grad=True)
    with tg.no_grad():

        def worker():
            seen["requires_grad"] = (x * 2).requires_grad

        t = threading.Thread(target=worker)
        t.start()
        t.join()
        assert not (x * 2).requires_grad
    assert seen["requires_grad"]


def test_set_grad_enabled_decorator_and_context():
    x = tg.tensor(1.0, requires_grad=True)

    @tg.set_grad_enabled(False)
    def f(v):
        return v * 2

    assert tg.is_grad_enabled()
    assert not f(x).requires_grad
    with tg.set_grad_enabled(False):
        assert not tg.is_grad_enabled()
        with tg.enable_grad():
            assert (x * 2).requires_grad
    assert tg.is_grad_enabled()
    with tg.set_grad_enabled(np.False_):  # a NumPy bool is a bool; 0 and 1 are not (as in PyTorch)
        assert not tg.is_grad_enabled()
    assert tg.is_grad_enabled()


def test_hooks_see_and_replace_gradients():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    seen = []
    handle = x.register_hook(lambda g: seen.append(g.numpy().copy()))
    y = x * 3
    y.register_hook(lambda g: g * 10)
    tg.reduce_sum(y).backward()
    np.testing.assert_array_equal(seen[0], [30.0, 30.0])
    np.testing.assert_array_equal(x.grad.numpy(), [30.0, 30.0])
    handle.remove()
    x.grad = None
    tg.reduce_sum(x * 1).backward()
    assert len(seen) == 1
    with pytest.raises(RuntimeError, match="doesn't require"):
        tg.tensor(1.0).register_hook(lambda g: g)


def test_retain_grad_for_non_leaves():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = x * x
    y.retain_grad()
    z = tg.reduce_sum(y * 2)
    z.backward()
    np.testing.assert_array_equal(y.grad.numpy(), [2.0, 2.0])
    np.testing.assert_array_equal(x.grad.numpy(), [4.0, 8.0])


class Exp(tg.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        y = tg.exp(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * y


def test_function_forward_backward_and_second_order():
    x = tg.tensor([0.5, 1.0], dtype=tg.float64, requires_grad=True)
    y = Exp.apply(x)
    assert y.grad_fn.name() == "ExpBackward" and y.grad_fn.next_functions[0][0] is not None
    (g,) = tg.autograd.grad(tg.reduce_sum(y), x, create_graph=True)
    np.testing.assert_allclose(g.numpy(), np.exp([0.5, 1.0]))
    # the backward uses the saved output, a constant of the Function: d/dx of g is exp(x) through grad only
    assert tg.autograd.gradcheck(Exp.apply, (tg.tensor([0.3, -0.2], dtype=tg.float64, requires_grad=True),))


class ScaleAndIndex(tg.autograd.Function):
    @staticmethod
    def forward(ctx, x, factor, label):
        ctx.factor = factor
        ctx.label = label
        index = tg.argmax(x)
        ctx.mark_non_differentiable(index)
        assert ctx.needs_input_grad == (True, False, False)
        return x * factor, index

    @staticmethod
    def backward(ctx, grad, grad_index):
        return grad * ctx.factor, None, None


def test_function_with_non_tensor_args_and_multiple_outputs():
    x = tg.tensor([1.0, 3.0, 2.0], requires_grad=True)
    y, index = ScaleAndIndex.apply(x, 2.5, "label")
    assert int(index) == 1 and not index.requires_grad
    tg.reduce_sum(y).backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.5, 2.5, 2.5])


class Cube(tg.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x * x

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 3 * x * x


def test_function_backward_is_differentiable_under_create_graph():
    x = tg.tensor(2.0, dtype=tg.float64, requires_grad=True)
    (g,) = tg.autograd.grad(Cube.apply(x), x, create_graph=True)
    (h,) = tg.autograd.grad(g, x)
    assert float(g) == 12.0 and float(h) == 12.0
    assert tg.autograd.gradgradcheck(Cube.apply, (tg.tensor([0.7, -1.1], dtype=tg.float64, requires_grad=True),))


def test_function_saved_tensor_modified_in_place_raises():
    x = tg.tensor(2.0, requires_grad=True)
    h = x * 1
    y = Cube.apply(h)
    h.add_(1)
    with pytest.raises(RuntimeError, match="version"):
        y.backward()


def test_in_place_ops_values():
    t = tg.tensor([1.0, -2.0, 3.0])
    t.add_(1).mul_(2).sub_(tg.tensor([1.0, 1.0, 1.0]), alpha=2).div_(2)
    np.testing.assert_allclose(t.numpy(), [1.0, -2.0, 3.0])
    t.clamp_(min=-1.0, max=2.0)
    np.testing.assert_allclose(t.numpy(), [1.0, -1.0, 2.0])
    t.fill_(7)
    np.testing.assert_allclose(t.numpy(), [7.0, 7.0, 7.0])
    t.zero_()
    np.testing.assert_allclose(t.numpy(), [0.0, 0.0, 0.0])
    assert t.dtype == tg.float32
    t[1] = 5.0
    t[tg.tensor([0, 2])] = tg.tensor([1.0, 2.0])
    np.testing.assert_allclose(t.numpy(), [1.0, 5.0, 2.0])
    assert t._version == 9


def test_in_place_on_non_leaf_is_recorded():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.mul_(x)  # y = 2x * x
    y.add_(1)
    tg.reduce_sum(y).backward()
    np.testing.assert_allclose(x.grad.numpy(), [4.0, 8.0])


def test_setitem_records_gradients():
    x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    v = tg.tensor(10.0, requires_grad=True)
    y = x * 1
    y[1] = v * 2
    tg.reduce_sum(y * tg.tensor([1.0, 2.0, 3.0])).backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.0, 0.0, 3.0])
    assert float(v.grad) == 4.0


def test_version_counter_rejects_backward_through_modified_value():
    a = tg.tensor([1.0, 2.0], requires_grad=True)
    b = a * 2
    c = b * b
    b.add_(1)
    with pytest.raises(RuntimeError) as info:
        tg.reduce_sum(c).backward()
    message = str(info.value)
    assert "Mul" in message and "version 1" in message and "version 0" in message


def test_in_place_on_leaf_requiring_grad_raises_but_works_under_no_grad():
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf"):
        w.add_(1)
    with pytest.raises(RuntimeError, match="leaf"):
        w[0] = 3.0
    (tg.reduce_sum(w * w)).backward()
    with tg.no_grad():
        w -= 0.1 * w.grad
    assert w.is_leaf and w.requires_grad
    np.testing.assert_allclose(w.numpy(), [0.8, 1.6])


def test_augmented_assignment_is_in_place_like_pytorch():
    t = tg.tensor([1.0, 2.0])
    alias = t
    t += 1
    assert t is alias
    np.testing.assert_array_equal(alias.numpy(), [2.0, 3.0])
    s = tg.constant(0.0)
    s += tg.ones((2,))  # does not fit: a new tensor, as in TensorFlow
    assert s.shape == (2,)


def test_augmented_assignment_under_a_tape_keeps_gradients():
    x0 = x = tg.constant(2.0)
    with tg.GradientTape() as tape:
        tape.watch(x0)
        y = x0 * x0
        y += x0  # in place on an intermediate: recorded, y = x^2 + x
        x += 1.0  # a watched constant: rebinding as in TensorFlow, x = x0 + 1
        z = y * x
    assert x is not x0 and float(x0) == 2.0
    assert float(tape.gradient(z, x0)) == 21.0  # (2x + 1)(x + 1) + x^2 + x at x = 2


def test_gradcheck_detects_a_wrong_gradient():
    @tg.primitive("TestWrongSquare")
    def wrong_square(x):
        return x * x

    @tg.RegisterGradient("TestWrongSquare")
    def _wrong(op, grad):
        return grad * 3.0 * op.inputs[0]

    x = tg.tensor([0.5, 1.5], dtype=tg.float64, requires_grad=True)
    assert not tg.autograd.gradcheck(wrong_square, (x,), raise_exception=False)
    with pytest.raises(tg.autograd.GradcheckError, match="input 0"):
        tg.autograd.gradcheck(wrong_square, (x,))
    assert tg.autograd.gradcheck(lambda v: tg.sin(v) * v, (x,))
    assert tg.autograd.gradgradcheck(lambda v: tg.sin(v) * v, (x,))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_detect_anomaly_names_the_op_and_the_user_line():
    x = tg.tensor([0.0, 1.0], requires_grad=True)
    with tg.autograd.detect_anomaly():
        y = tg.sqrt(x) * 0.0  # d sqrt at 0 is inf; inf * 0 = nan
        with pytest.raises(RuntimeError) as info:
            tg.reduce_sum(y).backward()
    message = str(info.value)
    assert "nan" in message and "Sqrt" in message
    assert "test_autograd.py" in message and "tg.sqrt(x)" in message


def test_tape_and_backward_agree_on_one_graph():
    w = tg.Variable([0.5, -1.0])
    x = tg.tensor([2.0, 3.0], requires_grad=True)
    with tg.GradientTape() as tape:
        loss = tg.reduce_sum(tg.tanh(w * x) ** 2)
    gw_tape, gx_tape = tape.gradient(loss, [w, x])
    loss.backward(retain_graph=True)
    assert gx_tape is None  # the tape watched w only; x is tracked by requires_grad
    np.testing.assert_allclose(x.grad.numpy(), tg.gradients(loss, x)[0].numpy())
    assert gw_tape is not None


def test_nested_tape_around_create_graph_backward():
    x = tg.tensor(1.5, dtype=tg.float64, requires_grad=True)
    with tg.GradientTape() as tape:
        tape.watch(x)
        y = x**4
        (g,) = tg.autograd.grad(y, x, create_graph=True)  # 4x^3
    h = tape.gradient(g, x)  # 12x^2
    assert float(g) == pytest.approx(4 * 1.5**3) and float(h) == pytest.approx(12 * 1.5**2)
