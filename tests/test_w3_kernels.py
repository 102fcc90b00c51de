"""The kernels the MLP training step (bench W3) leans on: exact semantics kept while made faster."""

from __future__ import annotations

import numpy as np
import pytest

import tapegrad as tg
from tapegrad.engine.registry import OPS


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_relu_gradient_is_where_not_a_product(dtype):
    """0 (positive zero) where the input is <= 0 or NaN, exactly the incoming gradient elsewhere."""
    x = np.array([-1.0, 2.0, 0.0, 3.0, np.nan, 1.0, -2.0], dtype)
    g = np.array([np.inf, -np.inf, np.nan, np.nan, 5.0, -0.0, -3.0], dtype)
    xt = tg.constant(x)
    with tg.GradientTape() as tape:
        tape.watch(xt)
        y = tg.relu(xt)
    got = tape.gradient(y, xt, output_gradients=tg.constant(g)).numpy()
    expected = np.where(x > 0, g, dtype(0))
    assert got.dtype == dtype
    np.testing.assert_array_equal(got.view(f"u{got.itemsize}"), expected.view(f"u{got.itemsize}"))


def test_relu_grad_broadcasts_and_takes_0d():
    kernel = OPS["ReluGrad"].kernel
    g = np.arange(6.0).reshape(2, 3)
    features = np.array([1.0, -1.0, 2.0])
    np.testing.assert_array_equal(kernel(g, features), np.where(features > 0, g, 0))
    assert np.asarray(kernel(np.array(2.0), np.array(1.0))) == 2.0


def test_relu_gradient_in_a_graph_matches_eager():
    x = tg.constant(np.random.default_rng(0).standard_normal((4, 5)).astype(np.float32))

    def grad(x):
        with tg.GradientTape() as tape:
            tape.watch(x)
            y = tg.reduce_sum(tg.relu(x) * x)
        return tape.gradient(y, x)

    np.testing.assert_array_equal(tg.function(grad)(x).numpy(), grad(x).numpy())


@pytest.mark.parametrize("shape", [(6, 4), (2, 3, 5), (4,)])
def test_sparse_xent_matches_its_definition(shape):
    rng = np.random.default_rng(1)
    logits = (rng.standard_normal(shape) * 3).astype(np.float32)
    labels = rng.integers(0, shape[-1], shape[:-1])
    loss, backprop = OPS["SparseSoftmaxCrossEntropyWithLogits"].kernel(labels, logits)
    z = logits.astype(np.float64)
    log_p = z - z.max(-1, keepdims=True)
    log_p -= np.log(np.exp(log_p).sum(-1, keepdims=True))
    one_hot = np.eye(shape[-1])[labels]
    assert loss.dtype == backprop.dtype == np.float32
    assert loss.shape == shape[:-1] and backprop.shape == shape
    np.testing.assert_allclose(loss, -(log_p * one_hot).sum(-1), rtol=1e-5)
    np.testing.assert_allclose(backprop, np.exp(log_p) - one_hot, atol=1e-6)


def test_sparse_xent_of_a_transposed_array_and_labels_out_of_range():
    logits = np.asfortranarray(np.random.default_rng(2).standard_normal((5, 3)))
    labels = np.array([0, 2, 1, 1, 0], np.int32)
    kernel = OPS["SparseSoftmaxCrossEntropyWithLogits"].kernel
    _, backprop = kernel(labels, logits)
    np.testing.assert_allclose(backprop.sum(-1), 0.0, atol=1e-12)
    np.testing.assert_allclose(
        backprop[np.arange(5), labels], kernel(labels, np.ascontiguousarray(logits))[1][np.arange(5), labels]
    )
    for bad in ([0, 1, 2, 3, 0], [0, 1, -1, 2, 0]):
        with pytest.raises(ValueError, match="labels must be in"):
            tg.nn.sparse_softmax_cross_entropy_with_logits(labels=np.array(bad), logits=logits)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64, np.complex64, np.int32])
@pytest.mark.parametrize("axis", [None, (0,), (1,), (0, 1)])
def test_mean_is_numpy_mean(dtype, axis):
    x = (np.random.default_rng(3).standard_normal((5, 7)) * 10).astype(dtype)
    got = tg.reduce_mean(x, axis=axis).numpy()
    expected = np.mean(x, axis=axis)
    if np.dtype(dtype).kind == "i":
        expected = expected.astype(dtype)
    assert got.dtype == expected.dtype
    np.testing.assert_allclose(got, expected, rtol=1e-6 if dtype != np.float16 else 1e-3)


def test_mean_of_nothing_is_nan():
    with np.errstate(invalid="ignore"):
        assert np.isnan(tg.reduce_mean(np.zeros((0, 3), np.float32), axis=0).numpy()).all()
    assert tg.reduce_mean(np.zeros((0, 3), np.float32), axis=1).numpy().shape == (0,)
