"""tg.nn layers: Module tracking, Dense, Sequential, Dropout, losses, initializers."""

import math

import numpy as np
import pytest

import tapegrad as tg


class Block(tg.nn.Module):
    def __init__(self):
        super().__init__()
        self.first = tg.nn.Dense(4, input_dim=3)
        self.rest = [tg.nn.Dense(2, input_dim=4), {"scale": tg.Variable(1.0, name="scale")}]
        self.frozen = tg.Variable(0.0, trainable=False, name="frozen")
        self.alias = self.first  # tracked once

    def call(self, x):
        return self.rest[0](self.first(x)) * self.rest[1]["scale"]


def test_module_tracks_variables_in_attribute_order():
    block = Block()
    names = [v.name for v in block.variables]
    assert len(names) == 6 and len(set(names)) == 6
    assert names[-2].startswith("scale") and names[-1].startswith("frozen")
    assert len(block.trainable_variables) == 5 and len(block.non_trainable_variables) == 1
    assert block.parameters() == block.trainable_variables
    assert len(block.submodules) == 2
    assert block(tg.ones((2, 3))).shape == (2, 2)


def test_dense_computes_affine_map_and_builds_lazily():
    layer = tg.nn.Dense(2, activation="relu")
    assert layer.variables == []
    x = np.array([[1.0, -2.0, 0.5]], dtype=np.float32)
    y = layer(x)
    w, b = layer.kernel.numpy(), layer.bias.numpy()
    assert w.shape == (3, 2) and b.shape == (2,) and y.dtype == tg.float32
    np.testing.assert_allclose(y.numpy(), np.maximum(x @ w + b, 0), rtol=1e-6)
    with pytest.raises(ValueError, match="features"):
        layer(np.ones((1, 4), np.float32))


def test_dense_gradients_match_hand_derivation():
    layer = tg.nn.Dense(1, use_bias=True, input_dim=2)
    x = tg.constant([[1.0, 2.0], [3.0, 4.0]])
    with tg.GradientTape() as tape:
        loss = tg.reduce_sum(layer(x))
    gw, gb = tape.gradient(loss, [layer.kernel, layer.bias])
    np.testing.assert_allclose(gw.numpy(), [[4.0], [6.0]])
    np.testing.assert_allclose(gb.numpy(), [2.0])


def test_activations_by_name_and_errors():
    assert tg.nn.activations.get("relu") is tg.nn.relu
    assert tg.nn.activations.get(None)(3) == 3
    with pytest.raises(ValueError, match="unknown activation"):
        tg.nn.activations.get("nope")
    np.testing.assert_allclose(tg.nn.Activation("tanh")(tg.constant([0.5])).numpy(), np.tanh([0.5]), rtol=1e-6)


def test_dropout_training_and_inference():
    x = tg.ones((200, 50))
    layer = tg.nn.Dropout(0.3, seed=7)
    assert layer(x) is x or np.array_equal(layer(x).numpy(), x.numpy())
    y = layer(x, training=True).numpy()
    dropped = np.mean(y == 0)
    assert 0.25 < dropped < 0.35
    np.testing.assert_allclose(y[y != 0], 1 / 0.7, rtol=1e-6)
    assert abs(y.mean() - 1.0) < 0.05
    with pytest.raises(ValueError):
        tg.nn.Dropout(1.0)


def test_sequential_passes_training_flag():
    model = tg.nn.Sequential([tg.nn.Dense(10, input_dim=4), tg.nn.Dropout(0.5, seed=0)])
    x = tg.ones((3, 4))
    np.testing.assert_array_equal(model(x).numpy(), model(x, training=False).numpy())
    assert np.any(model(x, training=True).numpy() == 0)
    model.add(tg.nn.Dense(1))
    assert model(x).shape == (3, 1) and len(model.trainable_variables) == 4


Y_TRUE = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
LOGITS = np.array([[1.0, 2.0, -1.0], [0.5, -0.5, 3.0]])


def _softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def test_losses_against_formulas():
    per_example = -np.sum(Y_TRUE * np.log(_softmax(LOGITS)), axis=-1)
    cce = tg.nn.CategoricalCrossentropy(from_logits=True)
    assert float(cce(Y_TRUE, LOGITS)) == pytest.approx(per_example.mean())
    probs = tg.nn.CategoricalCrossentropy()(Y_TRUE, _softmax(LOGITS))
    assert float(probs) == pytest.approx(per_example.mean(), rel=1e-6)
    sparse = tg.nn.SparseCategoricalCrossentropy(from_logits=True, reduction="sum")
    assert float(sparse(np.array([1, 0]), LOGITS)) == pytest.approx(per_example.sum())
    mse = tg.nn.MeanSquaredError(reduction="none")(Y_TRUE, LOGITS)
    np.testing.assert_allclose(mse.numpy(), np.mean((Y_TRUE - LOGITS) ** 2, axis=-1))
    z = np.array([[-3.0, 0.0, 2.0]])
    labels = np.array([[0.0, 1.0, 1.0]])
    expected = np.mean(np.maximum(z, 0) - z * labels + np.log1p(np.exp(-np.abs(z))))
    assert float(tg.nn.BinaryCrossentropy(from_logits=True)(labels, z)) == pytest.approx(expected)
    p = 1 / (1 + np.exp(-z))
    bce = -np.mean(labels * np.log(p) + (1 - labels) * np.log(1 - p))
    assert float(tg.nn.BinaryCrossentropy()(labels, p)) == pytest.approx(bce, rel=1e-6)
    with pytest.raises(ValueError, match="reduction"):
        tg.nn.MeanSquaredError(reduction="mean")


def test_cross_entropy_from_logits_is_stable_and_differentiable():
    logits = tg.constant([[1000.0, -1000.0, 0.0]])
    with tg.GradientTape() as tape:
        tape.watch(logits)
        loss = tg.nn.CategoricalCrossentropy(from_logits=True)([[0.0, 1.0, 0.0]], logits)
    g = tape.gradient(loss, logits).numpy()
    assert float(loss) == pytest.approx(2000.0) and np.all(np.isfinite(g))
    np.testing.assert_allclose(g, [[1.0, -1.0, 0.0]], atol=1e-6)


@pytest.mark.parametrize(
    "init, expected_std",
    [
        (tg.nn.initializers.GlorotUniform(seed=1), math.sqrt(2 / (300 + 200))),
        (tg.nn.initializers.GlorotNormal(seed=1), math.sqrt(2 / (300 + 200))),
        (tg.nn.initializers.HeNormal(seed=1), math.sqrt(2 / 300)),
        (tg.nn.initializers.HeUniform(seed=1), math.sqrt(2 / 300)),
    ],
)
def test_initializer_statistics(init, expected_std):
    w = init((300, 200)).numpy()
    assert w.dtype == np.float32
    assert abs(w.std() - expected_std) / expected_std < 0.03
    assert abs(w.mean()) < 0.01
    np.testing.assert_array_equal(w, init((300, 200)).numpy())  # seeded: reproducible


def test_initializer_lookup_and_bounds():
    w = tg.nn.initializers.get("glorot_uniform")((50, 30)).numpy()
    assert np.abs(w).max() <= math.sqrt(6 / 80) + 1e-7
    assert np.all(tg.nn.initializers.get("zeros")((2,)).numpy() == 0)
    t = tg.random.truncated_normal((10000,), stddev=2.0, seed=3).numpy()
    assert np.abs(t).max() <= 4.0
    with pytest.raises(ValueError, match="unknown initializer"):
        tg.nn.initializers.get("bogus")


def test_global_seed_makes_models_reproducible():
    tg.random.set_seed(11)
    a = tg.nn.Dense(3, input_dim=2).kernel.numpy()
    tg.random.set_seed(11)
    b = tg.nn.Dense(3, input_dim=2).kernel.numpy()
    np.testing.assert_array_equal(a, b)
