"""The functional face and forward mode: grad, jacobians, hessian, vjp, jvp, ForwardAccumulator."""

import numpy as np
import pytest

import tapegrad as tg


def f_scalar(x):
    return tg.sin(x) * x


def test_grad_of_python_float_is_float64_and_returns_float():
    g = tg.grad(f_scalar)(1.1)
    assert isinstance(g, float)
    assert g == pytest.approx(np.sin(1.1) + 1.1 * np.cos(1.1), rel=1e-12)
    assert tg.numerical_gradient(lambda v: float(f_scalar(tg.constant(v, dtype=tg.float64))), 1.1) == pytest.approx(
        g, abs=1e-6
    )


def test_grad_of_numpy_array_returns_numpy_and_tensor_returns_tensor():
    x = np.array([0.5, 1.5])
    g = tg.grad(lambda v: tg.reduce_sum(v**3))(x)
    assert isinstance(g, np.ndarray) and g.dtype == np.float64
    np.testing.assert_allclose(g, 3 * x**2)
    t = tg.grad(lambda v: tg.reduce_sum(v**3))(tg.constant(x))
    assert isinstance(t, tg.Tensor)
    t32 = tg.grad(lambda v: tg.reduce_sum(v**3))(x.astype(np.float32))
    assert t32.dtype == np.float32


def test_grad_composes():
    d2 = tg.grad(tg.grad(f_scalar))(1.1)
    d3 = tg.grad(tg.grad(tg.grad(f_scalar)))(1.1)
    assert d2 == pytest.approx(2 * np.cos(1.1) - 1.1 * np.sin(1.1), rel=1e-12)
    assert d3 == pytest.approx(-3 * np.sin(1.1) - 1.1 * np.cos(1.1), rel=1e-10)

    def uses_grad(x):
        return tg.grad(lambda y: y * x * x)(2.0) * x  # d/dy(y x^2) = x^2, times x

    assert tg.grad(uses_grad)(1.5) == pytest.approx(3 * 1.5**2)


def test_argnums_and_structures():
    def f(a, b, c):
        return tg.reduce_sum(a["w"] * b[0]) + c * b[1]

    a = {"w": np.array([1.0, 2.0])}
    b = [np.array([3.0, 4.0]), 5.0]
    ga, gb = tg.grad(f, argnums=(0, 1))(a, b, 2.0)
    np.testing.assert_allclose(ga["w"], [3.0, 4.0])
    np.testing.assert_allclose(gb[0], [1.0, 2.0])
    assert gb[1] == 2.0
    assert tg.grad(f, argnums=2)(a, b, 2.0) == 5.0


def test_value_and_grad_and_has_aux():
    value, g = tg.value_and_grad(lambda x: x**2)(3.0)
    assert (value, g) == (9.0, 6.0)
    g, aux = tg.grad(lambda x: (x**2, {"note": x * 10}), has_aux=True)(3.0)
    assert g == 6.0 and aux["note"] == 30.0
    (value, aux), g = tg.value_and_grad(lambda x: (x**2, "extra"), has_aux=True)(2.0)
    assert (value, aux, g) == (4.0, "extra", 4.0)


def test_grad_errors():
    with pytest.raises(TypeError, match="scalar"):
        tg.grad(lambda x: x * 2)(np.ones(3))
    with pytest.raises(TypeError, match="int64"):
        tg.grad(lambda x: x * 2)(3)
    with pytest.raises(ValueError, match="argnums"):
        tg.grad(lambda x: x, argnums=3)(1.0)


def test_elementwise_grad():
    x = np.linspace(-2, 2, 5)
    np.testing.assert_allclose(tg.elementwise_grad(tg.tanh)(x), 1 - np.tanh(x) ** 2)


def f_vector(x):
    return tg.stack([x[0] * x[1], tg.sin(x[2]), x[0] ** 2])


X = np.array([0.5, -1.0, 2.0])
JAC = np.array([[-1.0, 0.5, 0.0], [0.0, 0.0, np.cos(2.0)], [1.0, 0.0, 0.0]])


@pytest.mark.parametrize("transform", [tg.jacobian, tg.jacrev, tg.jacfwd])
def test_jacobians(transform):
    np.testing.assert_allclose(transform(f_vector)(X), JAC, atol=1e-12)


def test_jacobian_shapes_for_matrices():
    w = np.arange(6.0).reshape(2, 3)
    for transform in (tg.jacrev, tg.jacfwd):
        jac = transform(lambda m: m * 2.0)(w)
        assert jac.shape == (2, 3, 2, 3)
        np.testing.assert_allclose(jac.reshape(6, 6), 2 * np.eye(6))


def rosenbrock(x):
    return tg.reduce_sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)


def rosenbrock_hessian(x):
    n = len(x)
    h = np.zeros((n, n))
    for i in range(n - 1):
        h[i, i] += 1200 * x[i] ** 2 - 400 * x[i + 1] + 2
        h[i + 1, i + 1] += 200
        h[i, i + 1] = h[i + 1, i] = -400 * x[i]
    return h


def test_hessian_and_hvp_of_rosenbrock():
    x = np.array([0.5, -0.3, 1.2, 0.8])
    expected = rosenbrock_hessian(x)
    np.testing.assert_allclose(tg.hessian(rosenbrock)(x), expected, rtol=1e-10)
    v = np.array([1.0, -2.0, 0.5, 0.0])
    np.testing.assert_allclose(tg.hvp(rosenbrock, x, v), expected @ v, rtol=1e-10)
    np.testing.assert_allclose(tg.jacfwd(tg.jacrev(rosenbrock))(x), expected, rtol=1e-10)
    np.testing.assert_allclose(tg.jacrev(tg.jacrev(rosenbrock))(x), expected, rtol=1e-10)


def test_vjp_and_jvp():
    out, vjp_fn = tg.vjp(lambda x, y: x * y + tg.sin(x), np.array([1.0, 2.0]), np.array([3.0, 4.0]))
    np.testing.assert_allclose(out, [3.0 + np.sin(1.0), 8.0 + np.sin(2.0)])
    gx, gy = vjp_fn(np.array([1.0, -1.0]))
    np.testing.assert_allclose(gx, [3.0 + np.cos(1.0), -(4.0 + np.cos(2.0))])
    np.testing.assert_allclose(gy, [1.0, -2.0])
    assert isinstance(vjp_fn(np.array([1.0, 1.0])), tuple)  # callable more than once
    out, tangent = tg.jvp(f_vector, (X,), (np.array([1.0, 0.0, 0.0]),))
    np.testing.assert_allclose(tangent, JAC[:, 0])


def test_check_grads_passes_and_catches_wrong_gradients():
    tg.check_grads(lambda x, y: tg.exp(x) * tg.tanh(y), (np.array([0.3, -0.5]), np.array([0.1, 2.0])), order=2)

    @tg.primitive("TestBadCube")
    def bad_cube(x):
        return x**3

    @tg.RegisterGradient("TestBadCube")
    def _bad(op, grad):
        return grad * 2 * op.inputs[0] ** 2

    with pytest.raises(AssertionError, match="finite differences"):
        tg.check_grads(lambda x: tg.reduce_sum(bad_cube(x)), (np.array([0.5, 1.5]),), modes=("rev",), order=1)


def test_forward_accumulator():
    x = tg.constant([1.0, 2.0], dtype=tg.float64)
    v = tg.constant([1.0, 0.5], dtype=tg.float64)
    with tg.autodiff.ForwardAccumulator(x, v) as acc:
        y = tg.sin(x) * x + tg.reduce_sum(x)
        unrelated = tg.constant(3.0) * 2
    xv = x.numpy()
    np.testing.assert_allclose(acc.jvp(y).numpy(), (np.cos(xv) * xv + np.sin(xv)) * v.numpy() + 1.5)
    assert acc.jvp(unrelated) is None
    assert float(acc.jvp(unrelated, unconnected_gradients="zero")) == 0.0
    np.testing.assert_array_equal(acc.jvp(x).numpy(), v.numpy())


def test_forward_over_reverse_and_reverse_over_forward_hvp():
    x = tg.constant([1.0, 2.0], dtype=tg.float64)
    v = tg.constant([1.0, -1.0], dtype=tg.float64)
    with tg.autodiff.ForwardAccumulator(x, v) as acc:
        with tg.GradientTape() as tape:
            tape.watch(x)
            y = tg.reduce_sum(tg.exp(x) * x)
        g = tape.gradient(y, x)
    xv = x.numpy()
    expected = (np.exp(xv) * (xv + 2)) * v.numpy()  # diagonal Hessian
    np.testing.assert_allclose(acc.jvp(g).numpy(), expected)
    with tg.GradientTape() as tape:
        tape.watch(x)
        with tg.autodiff.ForwardAccumulator(x, v) as acc:
            y = tg.reduce_sum(tg.exp(x) * x)
        jv = acc.jvp(y)
    np.testing.assert_allclose(tape.gradient(jv, x).numpy(), expected)


def test_nested_forward_accumulators():
    x = tg.constant(0.7, dtype=tg.float64)
    one = tg.constant(1.0, dtype=tg.float64)
    with tg.autodiff.ForwardAccumulator(x, one) as outer:
        with tg.autodiff.ForwardAccumulator(x, one) as inner:
            y = tg.tanh(x) ** 2
        d1 = inner.jvp(y)
    d2 = outer.jvp(d1)
    t = np.tanh(0.7)
    s2 = 1 - t**2
    assert float(d1) == pytest.approx(2 * t * s2)
    assert float(d2) == pytest.approx(2 * s2**2 - 4 * t**2 * s2)


def test_forward_mode_through_custom_gradient_and_variables():
    @tg.custom_gradient
    def square(x):
        return x * x, lambda dy: dy * 2 * x

    w = tg.Variable(3.0, dtype=tg.float64)
    with tg.autodiff.ForwardAccumulator(w, tg.constant(1.0, dtype=tg.float64)) as acc:
        y = square(w) * 2
    assert float(acc.jvp(y)) == 12.0


def test_scipy_minimize_with_grad_and_hessian():
    optimize = pytest.importorskip("scipy.optimize")
    result = optimize.minimize(
        lambda x: float(rosenbrock(x)),
        np.array([-1.2, 1.0, 0.5]),
        jac=tg.grad(rosenbrock),
        hess=tg.hessian(rosenbrock),
        method="trust-exact",
    )
    assert result.success
    np.testing.assert_allclose(result.x, np.ones(3), atol=1e-6)
