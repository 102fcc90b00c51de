"""The seed example, values, dtypes, conversion and operators."""

import subprocess
import sys

import numpy as np
import pytest

import tapegrad as tg

SEED = """
import tapegrad as tg
x = tg.Variable(initial_value=3.)
with tg.GradientTape() as tape:
    y = tg.square(x)
y_grad = tape.gradient(y, x)
print([y, y_grad])
"""


def test_seed_example_prints_exactly():
    out = subprocess.run([sys.executable, "-c", SEED], capture_output=True, text=True, check=True).stdout
    assert out == (
        "[<tg.Tensor: shape=(), dtype=float32, numpy=9.0>, <tg.Tensor: shape=(), dtype=float32, numpy=6.0>]\n"
    )


def test_repr_of_arrays_and_variables():
    assert repr(tg.constant(9.0)) == "<tg.Tensor: shape=(), dtype=float32, numpy=9.0>"
    assert repr(tg.constant([1.0, 2.0])) == (
        "<tg.Tensor: shape=(2,), dtype=float32, numpy=array([1., 2.], dtype=float32)>"
    )
    v = tg.Variable(2.0, name="w")
    assert repr(v) == "<tg.Variable 'w:0' shape=() dtype=float32, numpy=2.0>"


@pytest.mark.parametrize(
    "value, dtype",
    [
        (1.5, np.float32),
        ([1.0, 2.0], np.float32),
        (3, np.int64),
        ([1, 2], np.int64),
        (True, np.bool_),
        (np.float64(1.0), np.float64),
        (np.arange(3, dtype=np.int32), np.int32),
        (np.ones(2, dtype=np.float16), np.float16),
    ],
)
def test_constant_dtype_rules(value, dtype):
    assert tg.constant(value).dtype == dtype
    assert tg.Variable(value).dtype == dtype
    assert tg.tensor(value).dtype == dtype
    assert tg.Tensor(value).dtype == dtype


def test_tensor_constructor_keeps_an_explicit_dtype_and_shares_numpy_input():
    assert tg.Tensor([1, 2], tg.float64).dtype == tg.float64
    array = np.ones(3, np.float32)
    assert tg.Tensor(array).numpy() is array  # wrapped, not copied (as before)


def test_explicit_dtype_and_shape():
    t = tg.constant(1, dtype=tg.float64, shape=(2, 3))
    assert t.dtype == tg.float64 and t.shape == (2, 3)
    np.testing.assert_array_equal(t.numpy(), np.ones((2, 3)))


def test_constant_copies_numpy_input():
    a = np.ones(3)
    t = tg.constant(a)
    a[0] = 5.0
    assert t.numpy()[0] == 1.0


def test_python_scalars_do_not_upcast():
    x = tg.constant([1.0, 2.0])  # float32
    for y in (x * 2.5, 2.5 * x, x + 1, x / 3, x**2, 1 - x, x // 2, x % 2):
        assert y.dtype == tg.float32
    assert (tg.constant([1, 2]) * 2).dtype == tg.int64
    assert (tg.constant([1, 2]) * 0.5).dtype == tg.float64  # NumPy 2: int array * float


def test_tensors_promote_as_numpy():
    a = tg.constant(np.ones(2, np.float32))
    b = tg.constant(np.ones(2, np.float64))
    assert (a + b).dtype == tg.float64
    assert (tg.constant(np.ones(2, np.int32)) + a).dtype == np.result_type(np.int32, np.float32)


def test_mixed_dtype_gradient_has_source_dtype():
    a = tg.constant(np.array([1.0, 2.0], np.float32))
    b = tg.constant(np.array([3.0, 4.0], np.float64))
    with tg.GradientTape() as tape:
        tape.watch([a, b])
        y = tg.reduce_sum(a * b)
    ga, gb = tape.gradient(y, [a, b])
    assert ga.dtype == tg.float32 and gb.dtype == tg.float64
    np.testing.assert_allclose(ga.numpy(), [3.0, 4.0])


def test_operators_match_numpy():
    a_np = np.array([[1.5, -2.0], [3.0, 4.5]])
    b_np = np.array([0.5, 2.0])
    a, b = tg.constant(a_np), tg.constant(b_np)
    cases = [
        (a + b, a_np + b_np),
        (a - b, a_np - b_np),
        (a * b, a_np * b_np),
        (a / b, a_np / b_np),
        (a // b, a_np // b_np),
        (a % b, a_np % b_np),
        (abs(a) ** b, np.abs(a_np) ** b_np),
        (-a, -a_np),
        (abs(a), np.abs(a_np)),
        (a > b, a_np > b_np),
        (a <= b, a_np <= b_np),
        (a == b, a_np == b_np),
        (a != b, a_np != b_np),
        (2.0 - a, 2.0 - a_np),
        (2.0 / b, 2.0 / b_np),
        (np.float64(3.0) * a, 3.0 * a_np),
    ]
    for got, want in cases:
        assert isinstance(got, tg.Tensor)
        np.testing.assert_allclose(got.numpy(), want)


def test_scalar_conversions_and_properties():
    t = tg.constant([[1.0, 2.0, 3.0]])
    assert t.shape == (1, 3) and t.ndim == 2 and t.size == 3 and len(t) == 1
    s = tg.constant(2.5)
    assert float(s) == 2.5 and int(tg.constant(7)) == 7 and bool(tg.constant(True))
    assert s.item() == 2.5
    assert np.asarray(t).shape == (1, 3)
    with pytest.raises(TypeError, match="one element"):
        float(t)
    with pytest.raises(ValueError, match="ambiguous"):
        bool(t)
    assert [float(r[0]) for r in tg.constant([[1.0], [2.0]])] == [1.0, 2.0]


def test_tensors_are_hashable_by_identity():
    a, b = tg.constant(1.0), tg.constant(1.0)
    assert len({a, b}) == 2


def test_indexing_values_and_gradients():
    x_np = np.arange(12.0).reshape(3, 4)
    x = tg.constant(x_np)
    np.testing.assert_array_equal(x[1].numpy(), x_np[1])
    np.testing.assert_array_equal(x[:, 1:3].numpy(), x_np[:, 1:3])
    np.testing.assert_array_equal(x[..., ::-1].numpy(), x_np[..., ::-1])
    np.testing.assert_array_equal(x[None, 0].numpy(), x_np[None, 0])
    np.testing.assert_array_equal(x[[0, 2]].numpy(), x_np[[0, 2]])
    np.testing.assert_array_equal(x[x_np > 5].numpy(), x_np[x_np > 5])
    with tg.GradientTape() as tape:
        tape.watch(x)
        y = tg.reduce_sum(x[[0, 0, 2], 1:3] * 2.0)
    expected = np.zeros((3, 4))
    expected[0, 1:3] = 4.0  # index 0 taken twice: gradients accumulate
    expected[2, 1:3] = 2.0
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), expected)


def test_creation_functions():
    assert tg.zeros((2, 3)).dtype == tg.float32 and tg.zeros((2, 3)).shape == (2, 3)
    np.testing.assert_array_equal(tg.ones([2], dtype=tg.int32).numpy(), [1, 1])
    np.testing.assert_array_equal(tg.zeros_like(tg.constant([1.0, 2.0])).numpy(), [0.0, 0.0])
    np.testing.assert_array_equal(tg.ones_like(tg.constant([1, 2])).numpy(), [1, 1])
    np.testing.assert_array_equal(tg.fill((2,), 7.0).numpy(), [7.0, 7.0])
    assert tg.fill((2,), 7.0).dtype == tg.float32
    np.testing.assert_array_equal(tg.eye(2).numpy(), np.eye(2))
    np.testing.assert_array_equal(tg.range(5).numpy(), np.arange(5))
    assert tg.range(5).dtype == tg.int64
    np.testing.assert_allclose(tg.range(0.0, 1.0, 0.25).numpy(), [0, 0.25, 0.5, 0.75])
    assert tg.range(0.0, 1.0, 0.25).dtype == tg.float32
    np.testing.assert_allclose(tg.linspace(0.0, 1.0, 5).numpy(), np.linspace(0, 1, 5))


def test_random_is_reproducible_with_a_seed():
    tg.random.set_seed(42)
    a = tg.random.normal((3,))
    b = tg.random.uniform((3,), minval=-1.0, maxval=1.0)
    tg.random.set_seed(42)
    np.testing.assert_array_equal(a.numpy(), tg.random.normal((3,)).numpy())
    np.testing.assert_array_equal(b.numpy(), tg.random.uniform((3,), minval=-1.0, maxval=1.0).numpy())
    assert a.dtype == tg.float32 and np.all(np.abs(b.numpy()) <= 1.0)
    samples = tg.random.normal((20000,), mean=2.0, stddev=0.5, dtype=tg.float64).numpy()
    assert abs(samples.mean() - 2.0) < 0.02 and abs(samples.std() - 0.5) < 0.02


def test_variable_assign_methods():
    v = tg.Variable([1.0, 2.0])
    v.assign([3.0, 4.0])
    v.assign_add([1.0, 1.0])
    v.assign_sub(tg.constant([0.5, 0.5]))
    np.testing.assert_allclose(v.numpy(), [3.5, 4.5])
    assert v.dtype == tg.float32
    with pytest.raises(ValueError, match="shape"):
        v.assign([1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="dtype"):
        tg.Variable([1, 2]).assign([0.5, 1.5])


def test_read_value_is_a_snapshot():
    v = tg.Variable(1.0)
    snapshot = v.read_value()
    v.assign(5.0)
    assert float(snapshot) == 1.0 and float(v) == 5.0


def test_str_is_short_and_readable():
    assert str(tg.reduce_sum(tg.constant([0.5, 1.25]))) == "tg.Tensor(1.75, shape=(), dtype=float32)"
    assert str(tg.constant([[1.0, 2.0]])) == "tg.Tensor([[1. 2.]], shape=(1, 2), dtype=float32)"


def test_math_namespace_mirrors_tf_math():
    x = tg.constant([1.0, 4.0])
    np.testing.assert_allclose(tg.math.sqrt(x).numpy(), [1.0, 2.0])
    assert float(tg.math.reduce_sum(x)) == 5.0
    assert tg.math.softplus is tg.nn.softplus


def test_add_n_promotes_like_addition_in_any_order():
    a = tg.constant(np.array([1.0], np.float32))
    b = tg.constant(np.array([2.0], np.float64))
    assert tg.add_n([a, b]).dtype == tg.float64 and tg.add_n([b, a]).dtype == tg.float64
    assert tg.add_n([a, a]).dtype == tg.float32
