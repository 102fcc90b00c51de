"""nn ops: activations, softmax, cross entropies; values, kink conventions, stability, errors."""

import math

import numpy as np
import pytest
from scipy import special

import tapegrad as tg
import tapegrad.nn

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946
EXTREMES = np.array([-1000.0, -50.0, -1.0, 0.0, 1.0, 50.0, 1000.0])


def grad(f, x):
    t = tg.constant(x)
    with tg.GradientTape() as tape:
        tape.watch(t)
        y = f(t)
    return tape.gradient(y, t).numpy()


def grads(f, *xs):
    ts = [tg.constant(x) for x in xs]
    with tg.GradientTape() as tape:
        tape.watch(ts)
        y = f(*ts)
    return [g.numpy() for g in tape.gradient(y, ts)]


def numeric(f, x):
    return tg.numerical_gradient(lambda a: float(f(tg.constant(a))), np.asarray(x, dtype=np.float64))


def test_nn_namespace_reexports():
    assert tg.nn.relu is tg.relu
    assert tg.nn.softmax is tg.softmax
    assert tg.nn.sigmoid is tg.sigmoid
    assert tg.nn.tanh is tg.tanh
    assert tg.nn.swish is tg.nn.silu
    assert tg.nn.softmax_cross_entropy_with_logits is tg.softmax_cross_entropy_with_logits
    for name in tapegrad.nn.__all__:
        value = getattr(tg.nn, name)
        assert callable(value) or type(value).__name__ == "module", name


# -- activations: values --------------------------------------------------------------------------


def _gelu_tanh(x):
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))


@pytest.mark.parametrize(
    "fn,ref",
    [
        (tg.nn.relu, lambda x: np.maximum(x, 0)),
        (tg.nn.relu6, lambda x: np.clip(x, 0, 6)),
        (tg.nn.leaky_relu, lambda x: np.where(x > 0, x, 0.2 * x)),
        (lambda x: tg.nn.leaky_relu(x, alpha=0.01), lambda x: np.where(x > 0, x, 0.01 * x)),
        (tg.nn.elu, lambda x: np.where(x > 0, x, np.expm1(x))),
        (tg.nn.selu, lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * np.expm1(x))),
        (tg.nn.gelu, lambda x: 0.5 * x * (1 + special.erf(x / np.sqrt(2)))),
        (lambda x: tg.nn.gelu(x, approximate=True), _gelu_tanh),
        (tg.nn.softplus, lambda x: np.log1p(np.exp(x))),
        (tg.nn.softsign, lambda x: x / (1 + np.abs(x))),
        (tg.nn.silu, lambda x: x * special.expit(x)),
        (lambda x: tg.nn.swish(x, beta=2.0), lambda x: x * special.expit(2 * x)),
    ],
)
def test_activation_values(rng, fn, ref):
    x = np.concatenate([rng.standard_normal(20) * 4, [-7.0, 0.0, 3.0, 6.0, 7.0]])
    np.testing.assert_allclose(fn(tg.constant(x)).numpy(), ref(x), rtol=1e-12, atol=1e-15)


ACTIVATIONS = [
    tg.nn.relu,
    tg.nn.relu6,
    tg.nn.leaky_relu,
    tg.nn.elu,
    tg.nn.selu,
    tg.nn.gelu,
    lambda x: tg.nn.gelu(x, approximate=True),
    tg.nn.softplus,
    tg.nn.softsign,
    tg.nn.silu,
]


@pytest.mark.parametrize("fn", ACTIVATIONS)
def test_activation_gradients_match_finite_differences(rng, fn):
    x = rng.standard_normal(12) * 3
    x = x + np.where(np.abs(x) < 0.1, 0.3, 0.0) + np.where(np.abs(x - 6) < 0.1, 0.3, 0.0)
    w = rng.standard_normal(12)

    def f(t):
        return tg.reduce_sum(fn(t) * w)

    np.testing.assert_allclose(grad(f, x), numeric(f, x), rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("fn", ACTIVATIONS)
def test_activations_are_finite_at_extremes_and_keep_float32(fn):
    for dtype in ("float64", "float32"):
        x = tg.constant(EXTREMES, dtype=dtype)
        y = fn(x)
        g = grad(lambda t, fn=fn: tg.reduce_sum(fn(t)), x)
        assert y.dtype == dtype and g.dtype == dtype
        assert np.all(np.isfinite(y.numpy())) and np.all(np.isfinite(g))


def test_kink_conventions():
    at = np.array([0.0, 6.0])
    np.testing.assert_array_equal(grad(lambda t: tg.reduce_sum(tg.nn.relu(t)), at), [0.0, 1.0])
    np.testing.assert_array_equal(grad(lambda t: tg.reduce_sum(tg.nn.relu6(t)), at), [0.0, 0.0])
    np.testing.assert_array_equal(grad(lambda t: tg.reduce_sum(tg.nn.leaky_relu(t, 0.1)), at), [0.1, 1.0])
    np.testing.assert_array_equal(grad(lambda t: tg.reduce_sum(tg.nn.elu(t)), at), [1.0, 1.0])


def test_activation_derivatives_by_hand():
    x = np.array([-2.0, -0.5, 0.5, 2.0])
    np.testing.assert_allclose(
        grad(lambda t: tg.reduce_sum(tg.nn.selu(t)), x),
        np.where(x > 0, SELU_SCALE, SELU_SCALE * SELU_ALPHA * np.exp(x)),
        rtol=1e-14,
    )
    phi = np.exp(-0.5 * x * x) / np.sqrt(2 * np.pi)
    np.testing.assert_allclose(grad(lambda t: tg.reduce_sum(tg.nn.gelu(t)), x), special.ndtr(x) + x * phi, rtol=1e-14)
    np.testing.assert_allclose(grad(lambda t: tg.reduce_sum(tg.nn.softplus(t)), x), special.expit(x), rtol=1e-14)
    np.testing.assert_allclose(grad(lambda t: tg.reduce_sum(tg.nn.softsign(t)), x), 1 / (1 + np.abs(x)) ** 2)


def test_softplus_at_extremes():
    y = tg.nn.softplus(tg.constant([-1000.0, 1000.0, 0.0], dtype="float64")).numpy()
    np.testing.assert_allclose(y, [0.0, 1000.0, np.log(2.0)], rtol=1e-15, atol=0)
    g = grad(lambda t: tg.reduce_sum(tg.nn.softplus(t)), np.array([-1000.0, 1000.0]))
    np.testing.assert_array_equal(g, [0.0, 1.0])


def test_gelu_exact_at_very_negative_inputs_is_not_cancelled():
    x = -10.0
    expected = x * special.ndtr(x)  # about -7.6e-23; 1 + erf(x / sqrt 2) would cancel to 0
    assert float(tg.nn.gelu(tg.constant(x, dtype="float64"))) == pytest.approx(expected, rel=1e-12)


def test_silu_second_derivative(rng):
    x = rng.standard_normal(5)
    t = tg.constant(x)
    with tg.GradientTape() as outer:
        outer.watch(t)
        with tg.GradientTape() as inner:
            inner.watch(t)
            y = tg.reduce_sum(tg.nn.silu(t))
        g = inner.gradient(y, t)
    h = outer.gradient(g, t).numpy()
    s = special.expit(x)
    np.testing.assert_allclose(h, 2 * s * (1 - s) + x * s * (1 - s) * (1 - 2 * s), rtol=1e-12)


# -- softmax --------------------------------------------------------------------------------------


@pytest.mark.parametrize("axis", [None, -1, 0, 1, -2])
def test_softmax_and_log_softmax_values(rng, axis):
    x = rng.standard_normal((3, 4, 5))
    ref_axis = -1 if axis is None else axis
    np.testing.assert_allclose(
        tg.nn.softmax(tg.constant(x), axis=axis).numpy(), special.softmax(x, axis=ref_axis), rtol=1e-13
    )
    np.testing.assert_allclose(
        tg.nn.log_softmax(tg.constant(x), axis=axis).numpy(), special.log_softmax(x, axis=ref_axis), rtol=1e-13
    )


def test_softmax_is_stable_at_extremes():
    x = np.array([[1000.0, 999.0, -1000.0], [-1000.0, -1001.0, -1000.0]])
    for dtype in ("float64", "float32"):
        p = tg.nn.softmax(tg.constant(x, dtype=dtype))
        lp = tg.nn.log_softmax(tg.constant(x, dtype=dtype))
        assert p.dtype == dtype and lp.dtype == dtype
        np.testing.assert_allclose(p.numpy(), special.softmax(x, axis=-1), rtol=1e-6)
        np.testing.assert_allclose(lp.numpy(), special.log_softmax(x, axis=-1), rtol=1e-6)
        w = np.array([[1.0, -2.0, 0.5], [0.3, 0.2, -1.0]])
        for fn in (tg.nn.softmax, tg.nn.log_softmax):
            g = grad(lambda t, fn=fn, w=w: tg.reduce_sum(fn(t) * w), tg.constant(x, dtype=dtype))
            assert g.dtype == dtype and np.all(np.isfinite(g))


def test_softmax_gradient_by_hand(rng):
    x = rng.standard_normal(4)
    w = rng.standard_normal(4)
    p = special.softmax(x)
    np.testing.assert_allclose(grad(lambda t: tg.reduce_sum(tg.nn.softmax(t) * w), x), p * (w - p @ w), rtol=1e-12)
    np.testing.assert_allclose(grad(lambda t: tg.reduce_sum(tg.nn.log_softmax(t) * w), x), w - p * w.sum(), rtol=1e-12)


def test_softmax_with_minus_infinity_entries():
    p = tg.nn.softmax(tg.constant([-np.inf, 0.0, 0.0])).numpy()
    np.testing.assert_array_equal(p, [0.0, 0.5, 0.5])


# -- cross entropies ------------------------------------------------------------------------------


def test_softmax_cross_entropy_values_and_gradients(rng):
    logits = rng.standard_normal((3, 5))
    labels = special.softmax(rng.standard_normal((3, 5)), axis=-1)
    loss = tg.nn.softmax_cross_entropy_with_logits(tg.constant(labels), tg.constant(logits))
    expected = -np.sum(labels * special.log_softmax(logits, axis=-1), axis=-1)
    np.testing.assert_allclose(loss.numpy(), expected, rtol=1e-13)
    g_labels, g_logits = grads(
        lambda a, b: tg.reduce_sum(tg.nn.softmax_cross_entropy_with_logits(a, b)), labels, logits
    )
    np.testing.assert_allclose(g_logits, special.softmax(logits, axis=-1) - labels, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(g_labels, -special.log_softmax(logits, axis=-1), rtol=1e-13)


def test_softmax_cross_entropy_axis_and_broadcast(rng):
    logits = rng.standard_normal((4, 3))
    labels = special.softmax(rng.standard_normal(4), axis=0)[:, None]
    loss = tg.nn.softmax_cross_entropy_with_logits(tg.constant(labels), tg.constant(logits), axis=0)
    expected = -np.sum(labels * special.log_softmax(logits, axis=0), axis=0)
    assert loss.shape == (3,)
    np.testing.assert_allclose(loss.numpy(), expected, rtol=1e-13)

    def f(a, b):
        return tg.reduce_sum(tg.nn.softmax_cross_entropy_with_logits(a, b, axis=0) * tg.constant([1.0, -2.0, 0.5]))

    g_labels, g_logits = grads(f, labels, logits)
    assert g_labels.shape == labels.shape
    np.testing.assert_allclose(g_logits, numeric(lambda t: f(tg.constant(labels), t), logits), rtol=1e-6)
    np.testing.assert_allclose(g_labels, numeric(lambda t: f(t, tg.constant(logits)), labels), rtol=1e-6)


def test_softmax_cross_entropy_stable_at_extremes():
    logits = np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, 1000.0]])
    labels = np.array([[0.0, 1.0, 0.0], [0.5, 0.0, 0.5]])
    for dtype in ("float64", "float32"):
        loss = tg.nn.softmax_cross_entropy_with_logits(tg.constant(labels, dtype), tg.constant(logits, dtype))
        assert loss.dtype == dtype
        np.testing.assert_allclose(loss.numpy(), [2000.0, 1000.0], rtol=1e-6)
        g_labels, g_logits = grads(
            lambda a, b: tg.reduce_sum(tg.nn.softmax_cross_entropy_with_logits(a, b)),
            tg.constant(labels, dtype),
            tg.constant(logits, dtype),
        )
        assert np.all(np.isfinite(g_labels)) and np.all(np.isfinite(g_logits))
        np.testing.assert_allclose(g_logits, [[1.0, -1.0, 0.0], [-0.5, 0.0, 0.5]], atol=1e-6)


def test_sparse_softmax_cross_entropy(rng):
    logits = rng.standard_normal((2, 3, 4))
    labels = np.array([[0, 3, 1], [2, 2, 0]], dtype=np.int32)
    one_hot = np.eye(4)[labels]
    loss = tg.nn.sparse_softmax_cross_entropy_with_logits(tg.constant(labels), tg.constant(logits))
    assert loss.shape == (2, 3)
    np.testing.assert_allclose(loss.numpy(), -np.sum(one_hot * special.log_softmax(logits, -1), -1), rtol=1e-13)
    w = rng.standard_normal((2, 3))
    g = grad(lambda t: tg.reduce_sum(tg.nn.sparse_softmax_cross_entropy_with_logits(labels, t) * w), logits)
    np.testing.assert_allclose(g, w[..., None] * (special.softmax(logits, -1) - one_hot), rtol=1e-12, atol=1e-15)


def test_sparse_softmax_cross_entropy_stable_and_float32():
    logits = tg.constant([[1000.0, -1000.0], [-1000.0, 1000.0]], dtype="float32")
    loss = tg.nn.sparse_softmax_cross_entropy_with_logits([0, 0], logits)
    assert loss.dtype == np.float32
    np.testing.assert_allclose(loss.numpy(), [0.0, 2000.0])
    g = grad(lambda t: tg.reduce_sum(tg.nn.sparse_softmax_cross_entropy_with_logits([0, 0], t)), logits)
    assert g.dtype == np.float32
    np.testing.assert_allclose(g, [[0.0, 0.0], [-1.0, 1.0]])


def test_sparse_softmax_cross_entropy_rejects_bad_labels():
    logits = tg.constant(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"SparseSoftmaxCrossEntropyWithLogits: labels must be in \[0, 3\)"):
        tg.nn.sparse_softmax_cross_entropy_with_logits([0, 3], logits)
    with pytest.raises(ValueError, match="SparseSoftmaxCrossEntropyWithLogits: labels must have the shape"):
        tg.nn.sparse_softmax_cross_entropy_with_logits([0, 1, 2], logits)
    with pytest.raises(TypeError, match="SparseSoftmaxCrossEntropyWithLogits: labels must be integers"):
        tg.nn.sparse_softmax_cross_entropy_with_logits([0.0, 1.0], logits)


def test_sigmoid_cross_entropy(rng):
    x = rng.standard_normal((3, 4)) * 3
    z = rng.uniform(0, 1, (3, 4))
    loss = tg.nn.sigmoid_cross_entropy_with_logits(labels=tg.constant(z), logits=tg.constant(x))
    naive = -z * np.log(special.expit(x)) - (1 - z) * np.log(1 - special.expit(x))
    np.testing.assert_allclose(loss.numpy(), naive, rtol=1e-10)
    g_z, g_x = grads(lambda a, b: tg.reduce_sum(tg.nn.sigmoid_cross_entropy_with_logits(a, b)), z, x)
    np.testing.assert_allclose(g_x, special.expit(x) - z, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(g_z, -x, rtol=1e-15)


def test_sigmoid_cross_entropy_stable_at_extremes():
    x = np.array([1000.0, -1000.0, 1000.0, -1000.0])
    z = np.array([0.0, 1.0, 1.0, 0.0])
    for dtype in ("float64", "float32"):
        loss = tg.nn.sigmoid_cross_entropy_with_logits(tg.constant(z, dtype), tg.constant(x, dtype))
        assert loss.dtype == dtype
        np.testing.assert_allclose(loss.numpy(), [1000.0, 1000.0, 0.0, 0.0])
        g = grad(lambda t, dtype=dtype: tg.reduce_sum(tg.nn.sigmoid_cross_entropy_with_logits(z.astype(dtype), t)), x)
        np.testing.assert_array_equal(g, [1.0, -1.0, 0.0, 0.0])


def test_sigmoid_cross_entropy_needs_equal_shapes():
    with pytest.raises(ValueError, match="sigmoid_cross_entropy_with_logits: logits and labels must have the same"):
        tg.nn.sigmoid_cross_entropy_with_logits(tg.constant([1.0, 0.0]), tg.constant([[1.0, 2.0]]))


def test_l2_loss(rng):
    x = rng.standard_normal((3, 4))
    assert float(tg.nn.l2_loss(tg.constant(x))) == pytest.approx(np.sum(x**2) / 2, rel=1e-14)
    np.testing.assert_allclose(grad(tg.nn.l2_loss, x), x)
    x32 = tg.constant(x, dtype="float32")
    assert tg.nn.l2_loss(x32).dtype == np.float32
    assert grad(tg.nn.l2_loss, x32).dtype == np.float32


# -- errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call,name",
    [
        (lambda x: tg.nn.softmax(x, axis=2), "Softmax"),
        (lambda x: tg.nn.log_softmax(x, axis=-3), "LogSoftmax"),
        (lambda x: tg.nn.softmax_cross_entropy_with_logits(x, x, axis=2), "SoftmaxCrossEntropyWithLogits"),
    ],
)
def test_bad_axis_names_the_op(call, name):
    with pytest.raises(ValueError, match=rf"^{name}: axis -?\d is out of range for a tensor of rank 2"):
        call(tg.constant(np.ones((2, 3))))


def test_softmax_of_a_scalar_is_rejected():
    with pytest.raises(ValueError, match="Softmax: axis -1 is out of range for a tensor of rank 0"):
        tg.nn.softmax(tg.constant(1.0))


def test_softmax_cross_entropy_shapes_must_broadcast():
    with pytest.raises(ValueError, match="SoftmaxCrossEntropyWithLogits: labels of shape"):
        tg.nn.softmax_cross_entropy_with_logits(tg.constant(np.ones((2, 3))), tg.constant(np.ones((2, 4))))
