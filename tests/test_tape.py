"""GradientTape: watching, persistence, nesting, structures, jacobians, unconnected sources."""

import warnings

import numpy as np
import pytest

import tapegrad as tg


def test_trainable_variables_are_watched_automatically():
    v = tg.Variable(2.0)
    frozen = tg.Variable(3.0, trainable=False)
    with tg.GradientTape() as tape:
        y = v * frozen
    assert tape.gradient(y, v).numpy() == 3.0
    assert tape.watched_variables() == (v,)


def test_gradient_wrt_untrainable_variable_needs_watch():
    frozen = tg.Variable(3.0, trainable=False)
    with tg.GradientTape(persistent=True) as tape:
        y = frozen * frozen
    assert tape.gradient(y, frozen) is None
    with tg.GradientTape() as tape:
        tape.watch(frozen)
        y = frozen * frozen
    assert tape.gradient(y, frozen).numpy() == 6.0


def test_watch_accessed_variables_false():
    a, b = tg.Variable(1.0), tg.Variable(2.0)
    with tg.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(a)
        y = a * b
    ga, gb = tape.gradient(y, [a, b])
    assert ga.numpy() == 2.0 and gb is None
    assert tape.watched_variables() == (a,)


def test_constants_must_be_watched():
    x = tg.constant(3.0)
    with tg.GradientTape() as tape:
        y = x * x
    assert tape.gradient(y, x) is None


def test_watch_nested_structures_and_structured_sources():
    a, b, c = tg.constant(1.0), tg.constant(2.0), tg.constant(3.0)
    with tg.GradientTape() as tape:
        tape.watch({"a": a, "rest": [b, (c,)]})
        y = a * b * c
    grads = tape.gradient(y, {"a": a, "rest": [b, (c,)]})
    assert set(grads) == {"a", "rest"}
    assert float(grads["a"]) == 6.0
    assert isinstance(grads["rest"], list) and isinstance(grads["rest"][1], tuple)
    assert float(grads["rest"][0]) == 3.0 and float(grads["rest"][1][0]) == 2.0


def test_tuple_sources_give_tuple():
    x, y = tg.Variable(1.0), tg.Variable(2.0)
    with tg.GradientTape() as tape:
        z = x * y
    g = tape.gradient(z, (x, y))
    assert isinstance(g, tuple) and [float(v) for v in g] == [2.0, 1.0]


def test_list_target_is_summed():
    x = tg.Variable(2.0)
    with tg.GradientTape() as tape:
        y1 = x * x
        y2 = 3.0 * x
    assert float(tape.gradient([y1, y2], x)) == 7.0


def test_non_scalar_target_is_summed_and_output_gradients_weight_it():
    x = tg.Variable([1.0, 2.0, 3.0])
    with tg.GradientTape(persistent=True) as tape:
        y = x * x
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [2.0, 4.0, 6.0])
    weights = tg.constant([1.0, 0.0, -1.0])
    np.testing.assert_allclose(tape.gradient(y, x, output_gradients=weights).numpy(), [2.0, 0.0, -6.0])


def test_non_persistent_tape_cannot_be_reused():
    x = tg.Variable(1.0)
    with tg.GradientTape() as tape:
        y = x * x
    tape.gradient(y, x)
    with pytest.raises(RuntimeError, match="non-persistent"):
        tape.gradient(y, x)


def test_persistent_tape_many_gradients():
    x = tg.Variable(3.0)
    with tg.GradientTape(persistent=True) as tape:
        y = x * x
        z = y * y
    assert float(tape.gradient(y, x)) == 6.0
    assert float(tape.gradient(z, x)) == 108.0
    assert float(tape.gradient(z, y)) == 18.0  # with respect to an intermediate


def test_third_derivative_with_three_tapes():
    x = tg.Variable(2.0)
    with tg.GradientTape() as t1:
        with tg.GradientTape() as t2:
            with tg.GradientTape() as t3:
                y = x**4
            d1 = t3.gradient(y, x)
        d2 = t2.gradient(d1, x)
    d3 = t1.gradient(d2, x)
    assert (float(d1), float(d2), float(d3)) == (32.0, 48.0, 48.0)


def test_nested_tape_outer_does_not_see_unwatched():
    x = tg.constant(2.0)
    with tg.GradientTape() as outer:
        with tg.GradientTape() as inner:
            inner.watch(x)
            y = x * x * x
        g = inner.gradient(y, x)
    assert float(g) == 12.0
    assert outer.gradient(g, x) is None  # the outer tape never watched x


def test_stop_recording():
    x = tg.Variable(2.0)
    with tg.GradientTape() as tape:
        y = x * x
        with tape.stop_recording():
            z = y * x  # not recorded
        w = y + z
    assert float(tape.gradient(w, x)) == 4.0


def test_ops_outside_the_context_are_not_recorded():
    x = tg.Variable(2.0)
    with tg.GradientTape() as tape:
        y = x * x
    z = y * 3.0
    assert tape.gradient(z, x) is None


def test_reset():
    x = tg.Variable(2.0)
    with tg.GradientTape() as tape:
        x * x
        tape.reset()
        z = x * 5.0
    assert float(tape.gradient(z, x)) == 5.0


def test_reset_forgets_earlier_ops():
    x = tg.Variable(2.0)
    with tg.GradientTape(persistent=True) as tape:
        y = x * x
        tape.reset()
        z = y * 1.0
    assert tape.gradient(z, x) is None


def test_unconnected_gradients_none_and_zero():
    x, unused = tg.Variable([1.0, 2.0]), tg.Variable([[3.0]])
    with tg.GradientTape(persistent=True) as tape:
        y = tg.reduce_sum(x * x)
    assert tape.gradient(y, unused) is None
    zero = tape.gradient(y, unused, unconnected_gradients=tg.UnconnectedGradients.ZERO)
    np.testing.assert_array_equal(zero.numpy(), [[0.0]])
    assert zero.dtype == tg.float32
    assert float(tape.gradient(y, unused, unconnected_gradients="zero")[0, 0]) == 0.0


def test_integer_source_gives_none_with_warning():
    i = tg.constant(3)
    x = tg.Variable(1.0)
    with tg.GradientTape() as tape:
        tape.watch(x)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tape.watch(i)
        y = x * tg.cast(i, tg.float32)
    with pytest.warns(UserWarning, match="int64"):
        gi, gx = tape.gradient(y, [i, x])
    assert gi is None and float(gx) == 3.0


def test_gradient_of_source_itself_is_ones():
    x = tg.Variable([1.0, 2.0])
    with tg.GradientTape(persistent=True) as tape:
        tape.watch(x)
    np.testing.assert_array_equal(tape.gradient(x, x).numpy(), [1.0, 1.0])
    assert tape.gradient(tg.constant(1.0), x) is None


def test_jacobian():
    x_np = np.array([0.5, -1.0, 2.0])
    x = tg.constant(x_np)
    with tg.GradientTape() as tape:
        tape.watch(x)
        y = tg.sin(x)[:2] * tg.reduce_sum(x)
    jac = tape.jacobian(y, x)
    assert jac.shape == (2, 3)
    s = x_np.sum()
    expected = np.zeros((2, 3))
    for i in range(2):
        expected[i] = np.sin(x_np[i])
        expected[i, i] += np.cos(x_np[i]) * s
    np.testing.assert_allclose(jac.numpy(), expected)


def test_jacobian_matrix_shapes_and_unconnected():
    w = tg.Variable(np.ones((2, 2)))
    other = tg.Variable(np.ones(3))
    with tg.GradientTape(persistent=True) as tape:
        y = w * 3.0
    jac = tape.jacobian(y, w)
    assert jac.shape == (2, 2, 2, 2)
    np.testing.assert_allclose(jac.numpy().reshape(4, 4), 3.0 * np.eye(4))
    assert tape.jacobian(y, other) is None
    assert tape.jacobian(y, other, unconnected_gradients="zero").shape == (2, 2, 3)


def test_batch_jacobian():
    x_np = np.random.default_rng(0).standard_normal((4, 3))
    x = tg.constant(x_np)
    with tg.GradientTape() as tape:
        tape.watch(x)
        y = tg.stack([x[:, 0] * x[:, 1], tg.sin(x[:, 2])], axis=1)  # (4, 2)
    jac = tape.batch_jacobian(y, x)
    assert jac.shape == (4, 2, 3)
    expected = np.zeros((4, 2, 3))
    expected[:, 0, 0] = x_np[:, 1]
    expected[:, 0, 1] = x_np[:, 0]
    expected[:, 1, 2] = np.cos(x_np[:, 2])
    np.testing.assert_allclose(jac.numpy(), expected)


def test_hessian_by_jacobian_of_gradient():
    x_np = np.array([1.0, 2.0])
    x = tg.constant(x_np)
    with tg.GradientTape() as outer:
        outer.watch(x)
        with tg.GradientTape() as inner:
            inner.watch(x)
            y = x[0] ** 2 * x[1] ** 3
        g = inner.gradient(y, x)
    hess = outer.jacobian(g, x)
    a, b = x_np
    np.testing.assert_allclose(hess.numpy(), [[2 * b**3, 6 * a * b**2], [6 * a * b**2, 6 * a**2 * b]])


def test_watch_rejects_non_tensors():
    with tg.GradientTape() as tape, pytest.raises(ValueError, match=r"tg\.Tensor"):
        tape.watch(np.ones(2))


def test_stop_gradient():
    x = tg.Variable(3.0)
    with tg.GradientTape() as tape:
        y = x * tg.stop_gradient(x * x)
    assert float(tape.gradient(y, x)) == 9.0


def test_numerical_gradient_matches_analytic():
    def f(x):
        return tg.reduce_sum(tg.exp(x) * tg.sin(x))

    x_np = np.array([0.1, 0.7, -1.2])
    numeric = tg.numerical_gradient(f, x_np)
    assert isinstance(numeric, np.ndarray)
    np.testing.assert_allclose(numeric, np.exp(x_np) * (np.sin(x_np) + np.cos(x_np)), rtol=1e-8)
    assert isinstance(tg.numerical_gradient(lambda v: v * v, 3.0), float)
    np.testing.assert_allclose(tg.numerical_gradient(lambda v: v * v, 3.0, eps=1e-4), 6.0)
    t = tg.numerical_gradient(f, tg.constant(x_np))
    assert isinstance(t, tg.Tensor)
