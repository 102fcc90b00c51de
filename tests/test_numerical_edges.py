"""Numerical edge cases: logits of +-1000, gradients at kinks, and IEEE results of log(0) and x/0.

- Softmax-type functions, sigmoid, softplus and the cross-entropies give finite values,
  first and second derivatives for inputs of +-1000 in float32 and float64, equal to
  references computed stably in float64 (and keep the input's dtype).
- Kinks follow the documented convention: abs'(0) = relu'(0) = 0, ties of maximum,
  minimum, reduce_max and reduce_min share the gradient evenly, a euclidean norm has
  gradient 0 at 0; sqrt'(0) is inf (the limit).
- log(0) is -inf and x/0 is +-inf (0/0 NaN), with NumPy's RuntimeWarning, never an error.
"""

import warnings

import numpy as np
import pytest

import tapegrad as tg

DTYPES = [np.float32, np.float64]
# Rows with huge logits of both signs, ties among them, and one ordinary row.
LOGITS = np.array(
    [
        [1000.0, -1000.0, 0.0],
        [-1000.0, -1000.0, -1000.0],
        [1000.0, 1000.0, 999.0],
        [-1000.0, 0.5, 1000.0],
        [0.3, -0.2, 0.1],
    ]
)
ONE_HOT = np.eye(3)[[1, 0, 2, 0, 2]]
SOFT_LABELS = np.array([[0.2, 0.3, 0.5]] * 5)
CLASSES = np.array([1, 0, 2, 0, 2])
POINTS = np.array([-1000.0, -100.0, -1.0, 0.0, 1.0, 100.0, 1000.0])
BINARY = np.array([0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0])


# -- stable float64 references ---------------------------------------------------------------------


def _softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _log_softmax(x):
    shifted = x - x.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def _logsumexp(x, axis=-1):
    top = x.max(axis=axis, keepdims=True)
    return np.squeeze(top + np.log(np.exp(x - top).sum(axis=axis, keepdims=True)), axis=axis)


def _sigmoid(x):
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _softplus(x):
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


def _sigmoid_xent(z, x):
    return np.maximum(x, 0.0) - x * z + np.log1p(np.exp(-np.abs(x)))


# Each case: (function of a tensor, input, reference value, reference gradient of sum(f * weights)).
WEIGHTS = np.array([1.0, -2.0, 0.5])
CASES = {
    "softmax": (
        lambda x: tg.nn.softmax(x) * WEIGHTS.astype(x.dtype),
        LOGITS,
        lambda x: _softmax(x) * WEIGHTS,
        lambda x: _softmax(x) * (WEIGHTS - (_softmax(x) * WEIGHTS).sum(-1, keepdims=True)),
    ),
    "log_softmax": (
        lambda x: tg.nn.log_softmax(x) * WEIGHTS.astype(x.dtype),
        LOGITS,
        lambda x: _log_softmax(x) * WEIGHTS,
        lambda x: WEIGHTS - _softmax(x) * WEIGHTS.sum(),
    ),
    "reduce_logsumexp": (lambda x: tg.reduce_logsumexp(x, axis=-1), LOGITS, _logsumexp, _softmax),
    "reduce_logsumexp_all": (
        lambda x: tg.reduce_logsumexp(x),
        LOGITS,
        lambda x: _logsumexp(x.reshape(-1)),
        lambda x: _softmax(x.reshape(-1)).reshape(x.shape),
    ),
    "reduce_logsumexp_keepdims": (
        lambda x: tg.math.reduce_logsumexp(x, axis=0, keepdims=True),
        LOGITS,
        lambda x: _logsumexp(x.T)[None, :],
        lambda x: _softmax(x.T).T,
    ),
    "sigmoid": (tg.sigmoid, POINTS, _sigmoid, lambda x: _sigmoid(x) * _sigmoid(-x)),
    "nn.sigmoid": (tg.nn.sigmoid, POINTS, _sigmoid, lambda x: _sigmoid(x) * _sigmoid(-x)),
    "softplus": (tg.nn.softplus, POINTS, _softplus, _sigmoid),
    "math.softplus": (tg.math.softplus, POINTS, _softplus, _sigmoid),
    "softmax_cross_entropy_with_logits": (
        lambda x: tg.nn.softmax_cross_entropy_with_logits(labels=SOFT_LABELS.astype(x.dtype), logits=x),
        LOGITS,
        lambda x: -(SOFT_LABELS * _log_softmax(x)).sum(-1),
        lambda x: _softmax(x) - SOFT_LABELS,
    ),
    "sparse_softmax_cross_entropy_with_logits": (
        lambda x: tg.nn.sparse_softmax_cross_entropy_with_logits(labels=CLASSES, logits=x),
        LOGITS,
        lambda x: -_log_softmax(x)[np.arange(5), CLASSES],
        lambda x: _softmax(x) - ONE_HOT,
    ),
    "sigmoid_cross_entropy_with_logits": (
        lambda x: tg.nn.sigmoid_cross_entropy_with_logits(labels=BINARY.astype(x.dtype), logits=x),
        POINTS,
        lambda x: _sigmoid_xent(BINARY, x),
        lambda x: _sigmoid(x) - BINARY,
    ),
    "BinaryCrossentropy": (
        lambda x: tg.nn.BinaryCrossentropy(from_logits=True)(BINARY.astype(x.dtype), x),
        POINTS,
        lambda x: _sigmoid_xent(BINARY, x).mean(),
        lambda x: (_sigmoid(x) - BINARY) / x.size,
    ),
    "binary_crossentropy": (
        lambda x: tg.nn.losses.binary_crossentropy(BINARY.astype(x.dtype)[None], x[None], from_logits=True),
        POINTS,
        lambda x: _sigmoid_xent(BINARY, x).mean(keepdims=True),
        lambda x: (_sigmoid(x) - BINARY) / x.size,
    ),
    "CategoricalCrossentropy": (
        lambda x: tg.nn.CategoricalCrossentropy(from_logits=True)(ONE_HOT.astype(x.dtype), x),
        LOGITS,
        lambda x: -(ONE_HOT * _log_softmax(x)).sum(-1).mean(),
        lambda x: (_softmax(x) - ONE_HOT) / len(x),
    ),
    "categorical_crossentropy": (
        lambda x: tg.nn.losses.categorical_crossentropy(ONE_HOT.astype(x.dtype), x, from_logits=True),
        LOGITS,
        lambda x: -(ONE_HOT * _log_softmax(x)).sum(-1),
        lambda x: _softmax(x) - ONE_HOT,
    ),
    "SparseCategoricalCrossentropy": (
        lambda x: tg.nn.SparseCategoricalCrossentropy(from_logits=True)(CLASSES, x),
        LOGITS,
        lambda x: -_log_softmax(x)[np.arange(5), CLASSES].mean(),
        lambda x: (_softmax(x) - ONE_HOT) / len(x),
    ),
    "sparse_categorical_crossentropy": (
        lambda x: tg.nn.losses.sparse_categorical_crossentropy(CLASSES, x, from_logits=True),
        LOGITS,
        lambda x: -_log_softmax(x)[np.arange(5), CLASSES],
        lambda x: _softmax(x) - ONE_HOT,
    ),
}


def _tolerances(dtype):
    return {"rtol": 2e-6, "atol": 1e-6} if dtype == np.float32 else {"rtol": 1e-13, "atol": 1e-13}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(CASES))
def test_huge_logits_give_finite_exact_values_and_gradients(name, dtype):
    f, x_np, value_ref, grad_ref = CASES[name]
    x = tg.constant(x_np.astype(dtype))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow or invalid-value warning on the way
        with tg.GradientTape(persistent=True) as tape:
            tape.watch(x)
            y = f(x)
            total = tg.reduce_sum(y)
        g = tape.gradient(total, x)
    assert y.dtype == dtype and g.dtype == dtype
    assert np.all(np.isfinite(y.numpy())) and np.all(np.isfinite(g.numpy()))
    np.testing.assert_allclose(y.numpy(), value_ref(x_np), **_tolerances(dtype))
    np.testing.assert_allclose(g.numpy(), grad_ref(x_np), **_tolerances(dtype))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(CASES))
def test_huge_logits_give_finite_second_derivatives_and_backward(name, dtype):
    f, x_np, _, grad_ref = CASES[name]
    x = tg.constant(x_np.astype(dtype))
    projection = np.linspace(-1.0, 1.0, x_np.size).reshape(x_np.shape).astype(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with tg.GradientTape() as outer:
            outer.watch(x)
            with tg.GradientTape() as inner:
                inner.watch(x)
                total = tg.reduce_sum(f(x))
            g = inner.gradient(total, x)
            s = tg.reduce_sum(g * projection)
        h = outer.gradient(s, x)
        t = tg.tensor(x_np.astype(dtype), requires_grad=True)
        tg.reduce_sum(f(t)).backward()
    assert h.dtype == dtype and np.all(np.isfinite(h.numpy()))
    assert t.grad.dtype == dtype
    np.testing.assert_allclose(t.grad.numpy(), grad_ref(x_np), **_tolerances(dtype))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "name",
    ["softmax", "log_softmax", "reduce_logsumexp", "softplus", "sigmoid_cross_entropy_with_logits",
     "sparse_softmax_cross_entropy_with_logits", "CategoricalCrossentropy"],
)  # fmt: skip
def test_huge_logits_in_graph_mode_match_eager(name, dtype):
    f, x_np, value_ref, grad_ref = CASES[name]

    @tg.function
    def value_and_grad(x):
        with tg.GradientTape() as tape:
            tape.watch(x)
            total = tg.reduce_sum(f(x))
        return f(x), tape.gradient(total, x)

    y, g = value_and_grad(tg.constant(x_np.astype(dtype)))
    np.testing.assert_allclose(y.numpy(), value_ref(x_np), **_tolerances(dtype))
    np.testing.assert_allclose(g.numpy(), grad_ref(x_np), **_tolerances(dtype))


# -- kinks ---------------------------------------------------------------------------------------


def _grad(f, x_np, dtype):
    """The gradient of sum(f(x)), by a tape and by backward(); checked to agree."""
    x = tg.constant(np.asarray(x_np, dtype))
    with tg.GradientTape() as tape:
        tape.watch(x)
        total = tg.reduce_sum(f(x))
    g = tape.gradient(total, x)
    t = tg.tensor(np.asarray(x_np, dtype), requires_grad=True)
    tg.reduce_sum(f(t)).backward()
    assert g.dtype == dtype
    np.testing.assert_array_equal(g.numpy(), t.grad.numpy())
    return g.numpy()


@pytest.mark.parametrize("dtype", DTYPES)
def test_abs_and_relu_have_zero_gradient_at_zero(dtype):
    np.testing.assert_array_equal(_grad(tg.abs, [0.0, -0.0, 2.0, -2.0], dtype), [0.0, 0.0, 1.0, -1.0])
    np.testing.assert_array_equal(_grad(tg.math.abs, [0.0], dtype), [0.0])
    np.testing.assert_array_equal(_grad(tg.nn.relu, [0.0, -0.0, 2.0, -2.0], dtype), [0.0, 0.0, 1.0, 0.0])
    np.testing.assert_array_equal(_grad(tg.relu, [0.0], dtype), [0.0])


@pytest.mark.parametrize("dtype", DTYPES)
def test_elementwise_maximum_and_minimum_split_ties_evenly(dtype):
    a = tg.constant(np.array([1.0, 2.0, 3.0, -1.0], dtype))
    b = tg.constant(np.array([1.0, 1.0, 4.0, -1.0], dtype))
    with tg.GradientTape(persistent=True) as tape:
        tape.watch([a, b])
        hi = tg.reduce_sum(tg.maximum(a, b))
        lo = tg.reduce_sum(tg.minimum(a, b))
        same = tg.reduce_sum(tg.maximum(a, a))
    ga, gb = tape.gradient(hi, [a, b])
    np.testing.assert_array_equal(ga.numpy(), [0.5, 1.0, 0.0, 0.5])
    np.testing.assert_array_equal(gb.numpy(), [0.5, 0.0, 1.0, 0.5])
    ga, gb = tape.gradient(lo, [a, b])
    np.testing.assert_array_equal(ga.numpy(), [0.5, 0.0, 1.0, 0.5])
    np.testing.assert_array_equal(gb.numpy(), [0.5, 1.0, 0.0, 0.5])
    np.testing.assert_array_equal(tape.gradient(same, a).numpy(), [1.0, 1.0, 1.0, 1.0])  # 0.5 + 0.5
    # against a broadcast scalar: the relu-like kink at 0 splits too
    np.testing.assert_array_equal(_grad(lambda x: tg.maximum(x, 0.0), [0.0, 1.0, -1.0], dtype), [0.5, 1.0, 0.0])
    np.testing.assert_array_equal(_grad(lambda x: tg.minimum(x, 0.0), [0.0, 1.0, -1.0], dtype), [0.5, 0.0, 1.0])


@pytest.mark.parametrize("dtype", DTYPES)
def test_reduce_max_and_min_split_ties_evenly(dtype):
    np.testing.assert_allclose(_grad(tg.reduce_max, [3.0, 1.0, 3.0, 3.0], dtype), [1 / 3, 0.0, 1 / 3, 1 / 3], rtol=1e-7)
    np.testing.assert_allclose(_grad(tg.reduce_min, [1.0, 1.0, 3.0], dtype), [0.5, 0.5, 0.0])
    np.testing.assert_array_equal(
        _grad(lambda x: tg.reduce_max(x, axis=1), [[2.0, 2.0], [1.0, 5.0]], dtype), [[0.5, 0.5], [0.0, 1.0]]
    )
    np.testing.assert_array_equal(
        _grad(lambda x: tg.reduce_min(x, axis=0, keepdims=True), [[2.0, 2.0], [2.0, 5.0]], dtype),
        [[0.5, 1.0], [0.5, 0.0]],
    )
    np.testing.assert_array_equal(_grad(tg.reduce_max, np.full((2, 2), 7.0), dtype), np.full((2, 2), 0.25))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "norm",
    [
        lambda x: tg.norm(x),
        lambda x: tg.linalg.norm(x),
        lambda x: tg.norm(x, ord="euclidean"),
        lambda x: tg.norm(x, axis=-1),
        lambda x: tg.norm(x, ord="fro", axis=(0, 1)),
    ],
    ids=["norm", "linalg.norm", "euclidean", "axis", "fro"],
)
def test_euclidean_norm_has_zero_gradient_at_zero(norm, dtype):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        g = _grad(norm, np.zeros((2, 3)), dtype)
    np.testing.assert_array_equal(g, np.zeros((2, 3)))
    # one zero row among others: only that row's gradient is 0
    g = _grad(lambda x: tg.norm(x, axis=-1), [[0.0, 0.0], [3.0, 4.0]], dtype)
    np.testing.assert_allclose(g, [[0.0, 0.0], [0.6, 0.8]], rtol=1e-6)


@pytest.mark.parametrize("dtype", DTYPES)
def test_sqrt_at_zero_has_infinite_gradient(dtype):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # 1/(2*0): NumPy may say so
        g = _grad(tg.sqrt, [0.0, 4.0], dtype)
    assert g[0] == np.inf and g[1] == 0.25


# -- log(0) and division by zero -------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("log", [tg.log, tg.math.log], ids=["log", "math.log"])
def test_log_of_zero_is_minus_infinity_with_a_warning(log, dtype):
    x = tg.constant(np.array([0.0, 1.0], dtype))
    with pytest.warns(RuntimeWarning, match="divide by zero"), tg.GradientTape() as tape:
        tape.watch(x)
        y = log(x)
    assert y.dtype == dtype
    np.testing.assert_array_equal(y.numpy(), [-np.inf, 0.0])
    with pytest.warns(RuntimeWarning, match="divide by zero"):
        g = tape.gradient(y, x)
    np.testing.assert_array_equal(g.numpy(), [np.inf, 1.0])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "divide",
    [lambda a, b: a / b, tg.divide, tg.math.divide, tg.truediv, tg.math.truediv],
    ids=["operator", "divide", "math.divide", "truediv", "math.truediv"],
)
def test_division_by_zero_is_infinite_with_a_warning(divide, dtype):
    a = tg.constant(np.array([1.0, -1.0, 2.0], dtype))
    zero = tg.constant(np.array(0.0, dtype))
    with pytest.warns(RuntimeWarning, match="divide by zero"):
        y = divide(a, zero)
    assert y.dtype == dtype
    np.testing.assert_array_equal(y.numpy(), [np.inf, -np.inf, np.inf])
    with pytest.warns(RuntimeWarning, match="divide by zero"):
        y = divide(a, 0.0)  # a Python zero
    np.testing.assert_array_equal(y.numpy(), [np.inf, -np.inf, np.inf])
    with pytest.warns(RuntimeWarning, match="invalid value"):
        nan = divide(tg.constant(np.array(0.0, dtype)), zero)
    assert np.isnan(nan.numpy())


@pytest.mark.parametrize("dtype", DTYPES)
def test_gradients_of_division_by_zero_do_not_raise(dtype):
    a = tg.constant(np.array([1.0, 0.0], dtype))
    b = tg.constant(np.array([0.0, 0.0], dtype))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with tg.GradientTape() as tape:
            tape.watch([a, b])
            y = tg.reduce_sum(a / b)
        ga, gb = tape.gradient(y, [a, b])
        t = tg.tensor(np.array([1.0], dtype), requires_grad=True)
        (t / 0.0).sum().backward()
    assert caught and all(issubclass(w.category, RuntimeWarning) for w in caught)
    assert ga.numpy()[0] == np.inf and gb.numpy()[0] == -np.inf  # d(a/b)/db = -a/b^2
    assert np.isnan(gb.numpy()[1])  # 0/0
    assert t.grad.numpy()[0] == np.inf
