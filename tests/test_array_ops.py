"""Shape and layout ops: values against NumPy, gradients, indexing, error messages."""

import numpy as np
import pytest

import tapegrad as tg


def _grad(fn, x0, weights_seed=0):
    """Gradient of sum(fn(x) * w) for a fixed random w, and its finite-difference reference."""
    x0 = np.asarray(x0, dtype=np.float64)
    out_shape = fn(tg.constant(x0)).shape
    w = tg.constant(np.random.default_rng(weights_seed).standard_normal(out_shape))

    def f(x):
        return tg.reduce_sum(fn(x) * w)

    x = tg.constant(x0)
    with tg.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    analytic = tape.gradient(y, x, unconnected_gradients="zero")
    numeric = tg.numerical_gradient(lambda v: f(tg.constant(v)), x0)
    return analytic.numpy(), np.asarray(numeric)


def assert_grad_matches(fn, x0):
    analytic, numeric = _grad(fn, x0)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-7)


def grad_of_sum(fn, x0):
    x = tg.constant(np.asarray(x0, dtype=np.float64))
    with tg.GradientTape() as tape:
        tape.watch(x)
        y = tg.reduce_sum(fn(x))
    return tape.gradient(y, x).numpy()


@pytest.fixture
def a():
    return np.random.default_rng(1).standard_normal((2, 3, 4))


# -- transpose, expand_dims, squeeze, reverse --------------------------------------------------


def test_transpose_values_and_gradient(a):
    np.testing.assert_array_equal(tg.transpose(a).numpy(), a.T)
    np.testing.assert_array_equal(tg.transpose(a, [2, 0, 1]).numpy(), a.transpose(2, 0, 1))
    np.testing.assert_array_equal(tg.transpose(a, [-1, 0, 1]).numpy(), a.transpose(2, 0, 1))
    assert tg.transpose(tg.constant(3.0)).shape == ()
    assert_grad_matches(lambda x: tg.transpose(x, [1, 2, 0]) ** 2, a)


def test_transpose_rejects_a_bad_perm(a):
    with pytest.raises(ValueError, match=r"transpose: perm \[0, 0, 1\].*\[2, 3, 4\]"):
        tg.transpose(a, [0, 0, 1])
    with pytest.raises(ValueError, match="transpose"):
        tg.transpose(a, [0, 1])


def test_expand_dims_and_squeeze(a):
    for axis in (0, 1, 3, -1, -4):
        np.testing.assert_array_equal(tg.expand_dims(a, axis).numpy(), np.expand_dims(a, axis))
    assert tg.expand_dims(tg.constant(1.0), 0).shape == (1,)
    b = a.reshape(1, 2, 1, 12, 1)
    assert tg.squeeze(b).shape == (2, 12)
    assert tg.squeeze(b, [0, -1]).shape == (2, 1, 12)
    assert tg.squeeze(b, 2).shape == (1, 2, 12, 1)
    assert_grad_matches(lambda x: tg.squeeze(tg.expand_dims(x, -2), [2]) * x, a)
    with pytest.raises(ValueError, match=r"expand_dims: axis 4 is out of range \[-4, 3\].*\[2, 3, 4\]"):
        tg.expand_dims(a, 4)
    with pytest.raises(ValueError, match=r"squeeze: cannot squeeze axis 1 of size 2 \(input shape \[1, 2, 1"):
        tg.squeeze(b, 1)


def test_reverse(a):
    np.testing.assert_array_equal(tg.reverse(a, [0, -1]).numpy(), a[::-1, :, ::-1])
    np.testing.assert_array_equal(tg.reverse(a, []).numpy(), a)
    g = grad_of_sum(lambda x: tg.reverse(x, [1]) * tg.constant(np.arange(3.0)[:, None]), a)
    np.testing.assert_array_equal(g, np.broadcast_to(np.arange(3.0)[::-1, None], a.shape))
    with pytest.raises(ValueError, match="reverse: axis 3 is out of range"):
        tg.reverse(a, [3])
    with pytest.raises(ValueError, match="repeated axis"):
        tg.reverse(a, [0, -3])


# -- stack, unstack, concat, split -------------------------------------------------------------


def test_stack_negative_axis_and_gradient(a):
    b = a + 1
    for axis in (0, 2, 3, -1, -4):
        np.testing.assert_array_equal(tg.stack([a, b], axis=axis).numpy(), np.stack([a, b], axis=axis))
    x, y = tg.constant(a), tg.constant(b)
    w = tg.constant(np.arange(2.0))
    with tg.GradientTape() as tape:
        tape.watch([x, y])
        s = tg.reduce_sum(tg.stack([x, y], axis=-1) * w)  # weight 0 on x, 1 on y
    gx, gy = tape.gradient(s, [x, y])
    np.testing.assert_array_equal(gx.numpy(), np.zeros_like(a))
    np.testing.assert_array_equal(gy.numpy(), np.ones_like(a))


def test_stack_errors(a):
    with pytest.raises(ValueError, match=r"stack: all tensors need one shape, got shapes \[2, 3, 4\], \[3, 4\]"):
        tg.stack([a, a[0]])
    with pytest.raises(ValueError, match=r"stack: axis 4 is out of range \[-4, 3\]"):
        tg.stack([a, a], axis=4)
    with pytest.raises(ValueError, match="non-empty"):
        tg.stack([])


def test_unstack_values_and_unused_outputs(a):
    parts = tg.unstack(a, axis=-1)
    assert isinstance(parts, list) and len(parts) == 4
    for i, p in enumerate(parts):
        np.testing.assert_array_equal(p.numpy(), a[:, :, i])
    # only one output used: the engine passes zeros for the others
    g = grad_of_sum(lambda x: tg.unstack(x, num=3, axis=1)[2], a)
    expected = np.zeros_like(a)
    expected[:, 2] = 1
    np.testing.assert_array_equal(g, expected)
    assert_grad_matches(lambda x: tg.stack(tg.unstack(x, axis=1)[::-1], axis=0) ** 2, a)
    with pytest.raises(ValueError, match=r"unstack: num=5 does not match dimension 0 of shape \[2, 3, 4\]"):
        tg.unstack(a, num=5)
    with pytest.raises(ValueError, match="0-d"):
        tg.unstack(tg.constant(1.0))


def test_concat_values_and_gradient(a):
    b = np.ones((2, 1, 4))
    np.testing.assert_array_equal(tg.concat([a, b], axis=1).numpy(), np.concatenate([a, b], 1))
    np.testing.assert_array_equal(tg.concat([a, a], axis=-1).numpy(), np.concatenate([a, a], -1))
    x, y = tg.constant(a), tg.constant(b)
    w = np.random.default_rng(3).standard_normal((2, 4, 4))
    with tg.GradientTape() as tape:
        tape.watch([x, y])
        s = tg.reduce_sum(tg.concat([x, y], 1) * tg.constant(w))
    gx, gy = tape.gradient(s, [x, y])
    np.testing.assert_array_equal(gx.numpy(), w[:, :3])
    np.testing.assert_array_equal(gy.numpy(), w[:, 3:])


def test_concat_errors(a):
    with pytest.raises(ValueError, match=r"concat: shapes \[2, 3, 4\], \[2, 3, 5\] differ .* axis 1"):
        tg.concat([a, np.zeros((2, 3, 5))], axis=1)
    with pytest.raises(ValueError, match=r"concat: all tensors need one rank, got shapes \[2, 3, 4\], \[3, 4\]"):
        tg.concat([a, a[0]], axis=0)
    with pytest.raises(ValueError, match="concat: axis 3 is out of range"):
        tg.concat([a, a], axis=3)
    with pytest.raises(ValueError, match="0-d"):
        tg.concat([tg.constant(1.0), tg.constant(2.0)], axis=0)
    with pytest.raises(TypeError, match="concat: all tensors need one dtype"):
        tg.concat([tg.constant(a), tg.constant(a, dtype=tg.float32)], axis=0)


def test_split_values_and_gradient(a):
    parts = tg.split(a, 2, axis=-1)
    for p, ref in zip(parts, np.split(a, 2, axis=-1)):
        np.testing.assert_array_equal(p.numpy(), ref)
    sizes = [p.shape[1] for p in tg.split(a, [1, -1], axis=1)]
    assert sizes == [1, 2]
    assert [p.shape[2] for p in tg.split(a, [0, 4, 0], axis=2)] == [0, 4, 0]
    # one piece used; the other's gradient is zero
    g = grad_of_sum(lambda x: tg.split(x, [1, 3], axis=2)[1] * 2.0, a)
    np.testing.assert_array_equal(g[..., 0], 0)
    np.testing.assert_array_equal(g[..., 1:], 2)
    assert_grad_matches(lambda x: tg.concat(tg.split(x, [2, 2], axis=-1)[::-1], -1) ** 3, a)


def test_split_errors(a):
    with pytest.raises(ValueError, match=r"split: dimension 1 of shape \[2, 3, 4\] cannot be split into 2 equal"):
        tg.split(a, 2, axis=1)
    with pytest.raises(ValueError, match=r"split: size_splits \[1, 1\] sum to 2, not to dimension 1"):
        tg.split(a, [1, 1], axis=1)
    with pytest.raises(ValueError, match="at most one -1"):
        tg.split(a, [-1, -1], axis=1)
    with pytest.raises(ValueError, match="split: axis 3 is out of range"):
        tg.split(a, 2, axis=3)


# -- tile, pad ---------------------------------------------------------------------------------


def test_tile(a):
    np.testing.assert_array_equal(tg.tile(a, [2, 1, 3]).numpy(), np.tile(a, (2, 1, 3)))
    assert tg.tile(a, [1, 0, 1]).shape == (2, 0, 4)
    g = grad_of_sum(lambda x: tg.tile(x, [2, 1, 3]), a)
    np.testing.assert_array_equal(g, np.full(a.shape, 6.0))
    assert_grad_matches(lambda x: tg.tile(x, [1, 2, 2]) ** 2, a)
    with pytest.raises(ValueError, match=r"tile: multiples \[2, 2\] need one entry per axis of shape \[2, 3, 4\]"):
        tg.tile(a, [2, 2])
    with pytest.raises(ValueError, match="non-negative"):
        tg.tile(a, [1, -1, 1])


@pytest.mark.parametrize("mode", ["CONSTANT", "REFLECT", "SYMMETRIC"])
def test_pad_values_and_gradient(a, mode):
    paddings = [[1, 0], [2, 1], [0, 3]]
    out = tg.pad(a, paddings, mode=mode)
    np.testing.assert_array_equal(out.numpy(), np.pad(a, paddings, mode=mode.lower()))
    assert_grad_matches(lambda x: tg.pad(x, paddings, mode=mode) ** 2, a)


def test_pad_constant_value_and_gradient_counts(a):
    out = tg.pad(tg.constant(a, dtype=tg.float32), [[0, 0], [1, 1], [0, 0]], constant_values=7)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out.numpy()[:, 0], 7)
    # REFLECT on [x0 x1 x2] with (2, 2): [x2 x1 x0 x1 x2 x1 x0]
    g = grad_of_sum(lambda x: tg.pad(x, [[2, 2]], mode="REFLECT"), np.arange(3.0))
    np.testing.assert_array_equal(g, [2, 3, 2])
    # SYMMETRIC on [x0 x1 x2] with (3, 1): [x2 x1 x0 x0 x1 x2 x2]
    g = grad_of_sum(lambda x: tg.pad(x, [[3, 1]], mode="symmetric"), np.arange(3.0))
    np.testing.assert_array_equal(g, [2, 2, 3])


def test_pad_errors(a):
    with pytest.raises(ValueError, match=r"pad: paddings \[\[1, 1\]\] must have shape \[3, 2\].*\[2, 3, 4\]"):
        tg.pad(a, [[1, 1]])
    with pytest.raises(ValueError, match="must be non-negative"):
        tg.pad(a, [[0, 0], [-1, 0], [0, 0]])
    with pytest.raises(ValueError, match=r"pad: REFLECT paddings .* <= dimension - 1 for input shape \[2, 3, 4\]"):
        tg.pad(a, [[2, 0], [0, 0], [0, 0]], mode="REFLECT")
    with pytest.raises(ValueError, match="SYMMETRIC"):
        tg.pad(a, [[0, 0], [0, 4], [0, 0]], mode="SYMMETRIC")
    with pytest.raises(ValueError, match="mode"):
        tg.pad(a, [[0, 0]] * 3, mode="EDGE")


# -- gather, gather_nd, boolean_mask, repeat ---------------------------------------------------


def test_gather_values(a):
    idx = np.array([[2, 0], [1, 1]])
    np.testing.assert_array_equal(tg.gather(a, idx, axis=1).numpy(), np.take(a, idx, axis=1))
    np.testing.assert_array_equal(tg.gather(a, [3, 0], axis=-1).numpy(), a[..., [3, 0]])
    np.testing.assert_array_equal(tg.gather(a, 1).numpy(), a[1])
    # batch_dims: each batch gathers with its own indices
    bidx = np.array([[0, 3, 3], [1, 2, 0]])
    ref = np.stack([np.take(a[b], bidx[b], axis=1) for b in range(2)])
    np.testing.assert_array_equal(tg.gather(a, bidx, axis=2, batch_dims=1).numpy(), ref)
    bidx = np.array([[0, 2], [1, 1]])
    ref = np.stack([np.take(a[b], bidx[b], axis=0) for b in range(2)])
    np.testing.assert_array_equal(tg.gather(a, bidx, batch_dims=-1).numpy(), ref)


def test_gather_gradient_accumulates_repeated_indices():
    x0 = np.arange(8.0).reshape(4, 2)
    g = grad_of_sum(lambda x: tg.gather(x, [0, 2, 0, 0]), x0)
    np.testing.assert_array_equal(g, [[3, 3], [0, 0], [1, 1], [0, 0]])
    assert_grad_matches(lambda x: tg.gather(x, [[1, 1], [0, 1]], axis=1) ** 2, x0)
    a = np.random.default_rng(2).standard_normal((2, 3, 4))
    assert_grad_matches(lambda x: tg.gather(x, [[0, 0, 3], [2, 2, 2]], axis=2, batch_dims=1) ** 2, a)


def test_gather_second_derivative():
    x = tg.constant(np.array([1.0, 2.0, 3.0]))
    with tg.GradientTape() as outer:
        outer.watch(x)
        with tg.GradientTape() as inner:
            inner.watch(x)
            y = tg.reduce_sum(tg.gather(x, [0, 0, 2]) ** 3)
        g = inner.gradient(y, x)  # [6 x0^2, 0, 3 x2^2]
    np.testing.assert_allclose(g.numpy(), [6.0, 0.0, 27.0])
    np.testing.assert_allclose(outer.gradient(g, x).numpy(), [12.0, 0.0, 18.0])


def test_gather_indices_get_no_gradient():
    x = tg.constant([1.0, 2.0])
    i = tg.constant([1, 0])
    with tg.GradientTape() as tape:
        tape.watch(x)
        y = tg.reduce_sum(tg.gather(x, i) * x)
    with pytest.warns(UserWarning, match="not floating point"):
        gx, gi = tape.gradient(y, [x, i])
    np.testing.assert_array_equal(gx.numpy(), [4.0, 2.0])
    assert gi is None


def test_gather_errors(a):
    with pytest.raises(IndexError, match=r"gather: index 3 is out of range \[0, 3\) for axis 1"):
        tg.gather(a, [0, 3], axis=1)
    with pytest.raises(IndexError, match="gather: index -1"):
        tg.gather(a, [-1])
    with pytest.raises(TypeError, match="gather: indices must be integers"):
        tg.gather(a, [0.5])
    with pytest.raises(ValueError, match="gather: axis 3 is out of range"):
        tg.gather(a, [0], axis=3)
    with pytest.raises(ValueError, match=r"batch\) dimensions of params \[2, 3, 4\] and indices \[3, 1\]"):
        tg.gather(a, np.zeros((3, 1), int), axis=1, batch_dims=1)


def test_gather_nd(a):
    idx = np.array([[0, 1], [1, 2], [0, 1]])
    np.testing.assert_array_equal(tg.gather_nd(a, idx).numpy(), a[idx[:, 0], idx[:, 1]])
    np.testing.assert_array_equal(tg.gather_nd(a, [1, 2, 3]).numpy(), a[1, 2, 3])
    out = tg.gather_nd(a, np.array([[[2]], [[0]]]), batch_dims=1)
    np.testing.assert_array_equal(out.numpy(), np.stack([a[0, 2:3], a[1, 0:1]]))
    g = grad_of_sum(lambda x: tg.gather_nd(x, idx), a)
    expected = np.zeros_like(a)
    expected[0, 1] = 2
    expected[1, 2] = 1
    np.testing.assert_array_equal(g, expected)
    assert_grad_matches(lambda x: tg.gather_nd(x, idx) ** 2, a)
    with pytest.raises(IndexError, match=r"gather_nd: index 3 is out of range \[0, 3\) for axis 1"):
        tg.gather_nd(a, [[0, 3]])
    with pytest.raises(ValueError, match=r"indices.shape\[-1\] = 4"):
        tg.gather_nd(a, [[0, 0, 0, 0]])


def test_boolean_mask(a):
    mask = np.array([[True, False, True], [False, False, True]])
    np.testing.assert_array_equal(tg.boolean_mask(a, mask).numpy(), a[mask])
    np.testing.assert_array_equal(tg.boolean_mask(a, [True, False, True, True], axis=-1).numpy(), a[..., [0, 2, 3]])
    g = grad_of_sum(lambda x: tg.boolean_mask(x, mask), a)
    np.testing.assert_array_equal(g, np.broadcast_to(mask[..., None], a.shape).astype(float))
    with pytest.raises(ValueError, match=r"boolean_mask: mask of shape \[3\] does not match .* \[2, 3, 4\]"):
        tg.boolean_mask(a, [True, False, True])
    with pytest.raises(TypeError, match="boolean"):
        tg.boolean_mask(a, [1, 0])


def test_repeat():
    x0 = np.array([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(tg.repeat(x0, 2).numpy(), np.repeat(x0, 2))
    np.testing.assert_array_equal(tg.repeat(x0, [1, 3], axis=-1).numpy(), np.repeat(x0, [1, 3], axis=1))
    g = grad_of_sum(lambda x: tg.repeat(x, [2, 0], axis=0), x0)
    np.testing.assert_array_equal(g, [[2, 2], [0, 0]])
    assert_grad_matches(lambda x: tg.repeat(x, [1, 3], axis=1) ** 2, x0)
    with pytest.raises(ValueError, match="repeat: repeats must be an integer or 2 integers"):
        tg.repeat(x0, [1, 2, 3], axis=0)
    with pytest.raises(ValueError, match="non-negative"):
        tg.repeat(x0, -1)


# -- one_hot, shape, size, rank ----------------------------------------------------------------


def test_one_hot():
    out = tg.one_hot([0, 2, -1, 3], 3)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out.numpy(), [[1, 0, 0], [0, 0, 1], [0, 0, 0], [0, 0, 0]])
    idx = np.array([[0, 1], [2, 0]])
    out = tg.one_hot(idx, 3, on_value=5.0, off_value=-1.0, axis=0, dtype=tg.float64)
    ref = np.where(np.arange(3)[:, None, None] == idx, 5.0, -1.0)
    np.testing.assert_array_equal(out.numpy(), ref)
    assert out.dtype == np.float64
    assert tg.one_hot(idx, 2, on_value=3, off_value=0).dtype.kind == "i"
    assert tg.one_hot(1, 4, axis=-1).shape == (4,)
    with pytest.raises(TypeError, match="one_hot: indices must be integers"):
        tg.one_hot([0.0], 3)
    with pytest.raises(ValueError, match="one_hot: axis 3 is out of range"):
        tg.one_hot(idx, 3, axis=3)


def test_one_hot_is_not_differentiable():
    x = tg.constant(2.0)
    with tg.GradientTape() as tape:
        tape.watch(x)
        y = tg.reduce_sum(tg.one_hot([1], 3, on_value=x))
    assert tape.gradient(y, x) is None


def test_shape_size_rank(a):
    s = tg.shape(a)
    assert s.dtype == np.int64
    np.testing.assert_array_equal(s.numpy(), [2, 3, 4])
    assert tg.shape(tg.constant(1.0)).shape == (0,)
    assert tg.shape(a, out_type=tg.int32).dtype == np.int32
    assert int(tg.size(a)) == 24 and tg.size(a).dtype == np.int64
    assert int(tg.rank(a)) == 3 and tg.rank(a).dtype == np.int64


# -- indexing ----------------------------------------------------------------------------------

KEYS = {
    "slices": np.s_[1:, ::2, -3:],
    "int": np.s_[1],
    "negative int": np.s_[-1, :, -2],
    "None and Ellipsis": np.s_[None, ..., None, 1],
    "negative steps": np.s_[::-1, 2:0:-1, ::-3],
    "int array": np.s_[[0, 1, 0]],
    "int arrays broadcast": np.s_[[[0], [1]], :, [3, 3, 0]],
    "bool mask": "mask",
    "bool row mask": np.s_[:, [True, False, True]],
    "empty list": np.s_[[]],
    "bool and int": np.s_[[True, False], [2, 2]],
}


@pytest.mark.parametrize("name", KEYS)
def test_getitem_matches_numpy_with_gradient(a, name):
    key = a > 0 if KEYS[name] == "mask" else KEYS[name]
    np.testing.assert_array_equal(tg.constant(a)[key].numpy(), a[key])
    g = grad_of_sum(lambda x: x[key] * x[key], a)
    expected = np.zeros_like(a)
    np.add.at(expected, key, 2 * a[key])
    np.testing.assert_allclose(g, expected)


def test_getitem_with_tensors_as_indices(a):
    x = tg.constant(a)
    i = tg.constant([1, 1, 0])
    np.testing.assert_array_equal(x[i].numpy(), a[[1, 1, 0]])
    np.testing.assert_array_equal(x[tg.constant(1), 2].numpy(), a[1, 2])
    np.testing.assert_array_equal(x[:, tg.constant(1) :].numpy(), a[:, 1:])
    np.testing.assert_array_equal(x[tg.constant(a > 0)].numpy(), a[a > 0])
    g = grad_of_sum(lambda t: t[i], a)
    np.testing.assert_array_equal(g[1], 2)
    np.testing.assert_array_equal(g[0], 1)


def test_getitem_repeated_indices_accumulate_and_second_derivative():
    x = tg.constant(np.array([1.0, 2.0, 3.0]))
    with tg.GradientTape() as outer:
        outer.watch(x)
        with tg.GradientTape() as inner:
            inner.watch(x)
            y = tg.reduce_sum(x[[2, 2, 0, 2]] ** 2)
        g = inner.gradient(y, x)
    np.testing.assert_allclose(g.numpy(), [2.0, 0.0, 18.0])
    np.testing.assert_allclose(outer.gradient(g, x).numpy(), [2.0, 0.0, 6.0])


def test_getitem_key_is_not_affected_by_later_changes():
    idx = np.array([0, 0])
    x = tg.constant(np.array([1.0, 2.0, 3.0]))
    with tg.GradientTape() as tape:
        tape.watch(x)
        y = tg.reduce_sum(x[idx])
    idx[:] = 2
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [2.0, 0.0, 0.0])


def test_getitem_errors(a):
    with pytest.raises(IndexError, match=r"StridedSlice: index 5 is out of bounds.*float64\[2, 3, 4\]"):
        tg.constant(a)[5]
    with pytest.raises(IndexError, match="must be integer or boolean"):
        tg.constant(a)[tg.constant([0.0])]


# -- dtypes and misc ---------------------------------------------------------------------------


def _many_outputs(x):
    return [
        tg.transpose(x),
        tg.concat([x, x], 0),
        tg.tile(x, [1, 2, 1]),
        tg.pad(x, [[1, 1]] * 3, mode="REFLECT"),
        tg.gather(x, [0, 0], axis=2),
        tg.gather_nd(x, [[0, 1]]),
        tg.repeat(x, 2, axis=0),
        *tg.split(x, 2, axis=2),
        *tg.unstack(x),
        tg.reverse(x, [1]),
        tg.expand_dims(x, 0),
        tg.squeeze(x[:1], 0),
    ]


@pytest.mark.parametrize("dtype", [tg.float32, tg.float64])
def test_dtype_is_kept_through_values_and_gradients(a, dtype):
    x = tg.constant(a, dtype=dtype)
    with tg.GradientTape() as tape:
        tape.watch(x)
        outputs = _many_outputs(x)
        y = tg.add_n([tg.reduce_sum(o * o) for o in outputs])
    assert all(o.dtype == dtype for o in outputs)
    g = tape.gradient(y, x)
    assert g.dtype == dtype
    reference = tg.numerical_gradient(lambda v: tg.add_n([tg.reduce_sum(o * o) for o in _many_outputs(v)]), a)
    np.testing.assert_allclose(g.numpy(), reference, rtol=1e-4 if dtype == tg.float32 else 1e-6)


def test_tensor_transpose_method_uses_transpose(a):
    t = tg.constant(a)
    np.testing.assert_array_equal(t.T.numpy(), a.T)
    np.testing.assert_array_equal(t.transpose().numpy(), a.T)
    np.testing.assert_array_equal(t.transpose(1, 0, 2).numpy(), a.transpose(1, 0, 2))
    np.testing.assert_array_equal(t.transpose((1, 0, 2)).numpy(), a.transpose(1, 0, 2))
