"""Reductions and scans: values against NumPy, tie and zero conventions, stability, errors."""

import numpy as np
import pytest
from scipy import special

import tapegrad as tg


def grad(f, x):
    """d f(x) / dx by the tape, as a NumPy array."""
    t = tg.constant(x)
    with tg.GradientTape() as tape:
        tape.watch(t)
        y = f(t)
    return tape.gradient(y, t).numpy()


def hessian_vector(f, x, v):
    """d/dx <grad f(x), v> by nested tapes."""
    t = tg.constant(x)
    with tg.GradientTape() as outer:
        outer.watch(t)
        with tg.GradientTape() as inner:
            inner.watch(t)
            y = f(t)
        g = inner.gradient(y, t)
        h = tg.reduce_sum(g * tg.constant(v))
    return outer.gradient(h, t).numpy()


def numeric(f, x):
    return tg.numerical_gradient(lambda a: float(f(tg.constant(a))), np.asarray(x, dtype=np.float64))


AXES = [None, 0, 1, -1, [0, 2], (-1, 0), []]


# -- values ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("axis", AXES)
@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize(
    "fn,ref",
    [
        (tg.reduce_sum, np.sum),
        (tg.reduce_mean, np.mean),
        (tg.reduce_prod, np.prod),
        (tg.reduce_max, np.max),
        (tg.reduce_min, np.min),
        (tg.reduce_logsumexp, special.logsumexp),
        (tg.reduce_variance, np.var),
        (tg.reduce_std, np.std),
    ],
)
def test_reductions_match_numpy(rng, fn, ref, axis, keepdims):
    x = rng.standard_normal((2, 3, 4))
    np_axis = tuple(axis) if isinstance(axis, list) else axis
    out = fn(tg.constant(x), axis=axis, keepdims=keepdims)
    expected = ref(x, axis=np_axis, keepdims=keepdims)
    assert out.shape == np.shape(expected)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("axis", [None, 0, 1, -1, [0, 1]])
def test_logical_reductions_match_numpy(rng, axis):
    x = rng.standard_normal((3, 4)) > 0.5
    np_axis = tuple(axis) if isinstance(axis, list) else axis
    for keepdims in (False, True):
        any_ = tg.reduce_any(tg.constant(x), axis=axis, keepdims=keepdims)
        all_ = tg.reduce_all(tg.constant(x), axis=axis, keepdims=keepdims)
        np.testing.assert_array_equal(any_.numpy(), np.any(x, axis=np_axis, keepdims=keepdims))
        np.testing.assert_array_equal(all_.numpy(), np.all(x, axis=np_axis, keepdims=keepdims))
        assert any_.dtype == np.bool_ and all_.dtype == np.bool_


def test_reductions_of_a_scalar():
    x = tg.constant(2.5, dtype="float64")
    for fn in (tg.reduce_sum, tg.reduce_mean, tg.reduce_prod, tg.reduce_max, tg.reduce_min, tg.reduce_logsumexp):
        assert fn(x).shape == ()
        assert fn(x, axis=0).shape == ()
        assert fn(x, axis=[0], keepdims=True).shape == ()
    assert float(tg.reduce_mean(x, axis=0)) == 2.5
    assert float(tg.reduce_logsumexp(x)) == pytest.approx(2.5)
    assert float(tg.reduce_variance(x)) == 0.0
    assert grad(lambda t: tg.reduce_prod(t, axis=0), 2.5) == 1.0


def test_integer_mean_truncates_like_tensorflow():
    out = tg.reduce_mean(tg.constant([[1, 2], [-1, -2]]), axis=1)
    assert out.dtype == np.int64
    np.testing.assert_array_equal(out.numpy(), [1, -1])


def test_axis_given_as_a_tensor():
    x = np.arange(6.0).reshape(2, 3)
    out = tg.reduce_mean(tg.constant(x), axis=tg.constant([1]))
    np.testing.assert_allclose(out.numpy(), [1.0, 4.0])


# -- gradients ------------------------------------------------------------------------------------


def test_mean_gradient_is_one_over_count(rng):
    x = rng.standard_normal((2, 3, 4))
    g = grad(lambda t: tg.reduce_mean(t, axis=[0, 2]), x)
    np.testing.assert_allclose(g, np.full(x.shape, 1 / 8))


def test_prod_gradient_with_one_zero():
    x = np.array([[2.0, 0.0, 3.0], [4.0, 5.0, 0.5]])
    g = grad(lambda t: tg.reduce_prod(t, axis=1), x)
    np.testing.assert_allclose(g, [[0.0, 6.0, 0.0], [2.5, 2.0, 20.0]])
    assert np.all(np.isfinite(g))


def test_prod_gradient_with_two_zeros_is_zero_and_its_hessian_is_exact():
    x = np.array([[2.0, 0.0, 3.0, 0.0]])
    g = grad(lambda t: tg.reduce_prod(t), x)
    np.testing.assert_array_equal(g, np.zeros_like(x))
    # d2/dx1 dx3 = 2 * 3 = 6: the only nonzero second derivatives pair the two zeros
    v = np.array([[0.0, 1.0, 0.0, 0.0]])
    hv = hessian_vector(lambda t: tg.reduce_prod(t), x, v)
    np.testing.assert_allclose(hv, [[0.0, 0.0, 0.0, 6.0]])


@pytest.mark.parametrize("axis", [None, 0, [0, 1], [1, 2], -1])
def test_prod_gradient_with_zeros_matches_finite_differences(rng, axis):
    x = rng.standard_normal((2, 3, 4))
    x[0, 1, 2] = x[1, 0, 0] = x[1, 0, 3] = 0.0
    w = rng.standard_normal(np.shape(np.prod(x, axis=tuple(axis) if isinstance(axis, list) else axis)))

    def f(t):
        return tg.reduce_sum(tg.reduce_prod(t, axis=axis) * w)

    np.testing.assert_allclose(grad(f, x), numeric(f, x), rtol=1e-6, atol=1e-8)
    v = rng.standard_normal(x.shape)
    expected = tg.numerical_gradient(lambda a: float(np.sum(grad(f, a) * v)), x)
    np.testing.assert_allclose(hessian_vector(f, x, v), expected, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("fn,value", [(tg.reduce_max, 3.0), (tg.reduce_min, -1.0)])
def test_extrema_ties_share_the_gradient_evenly(fn, value):
    x = np.array([[value, 0.5, value, value], [0.5, value, 0.25, 0.0]])
    g = grad(lambda t: fn(t, axis=1), x)
    np.testing.assert_allclose(g, [[1 / 3, 0, 1 / 3, 1 / 3], [0, 1, 0, 0]])
    g_all = grad(fn, x)
    np.testing.assert_allclose(g_all, (x == value) / 4)
    assert g_all.sum() == pytest.approx(1.0)


def test_extremum_gradient_keepdims_and_weights():
    x = np.array([[1.0, 4.0], [4.0, 2.0], [0.0, 4.0]])
    g = grad(lambda t: tg.reduce_sum(tg.reduce_max(t, axis=0, keepdims=True) * tg.constant([[2.0, 3.0]])), x)
    np.testing.assert_allclose(g, [[0, 1.5], [2, 0], [0, 1.5]])  # column 1: 3 split over two ties


def test_logsumexp_is_stable_at_extremes():
    x = np.array([[1000.0, 1000.0, -5.0], [-1000.0, -1001.0, -1002.0], [-np.inf, 0.0, -np.inf]])
    out = tg.reduce_logsumexp(tg.constant(x), axis=1)
    np.testing.assert_allclose(out.numpy(), special.logsumexp(x, axis=1), rtol=1e-14)
    g = grad(lambda t: tg.reduce_logsumexp(t, axis=1), x)
    assert np.all(np.isfinite(g))
    np.testing.assert_allclose(g, special.softmax(x, axis=1), atol=1e-15)


def test_logsumexp_of_all_minus_infinity_is_minus_infinity():
    out = tg.reduce_logsumexp(tg.constant([-np.inf, -np.inf]))
    assert out.numpy() == -np.inf


def test_logsumexp_float32_stays_float32_and_finite():
    x = tg.constant([[1000.0, -1000.0, 999.0]], dtype="float32")
    out = tg.reduce_logsumexp(x, axis=-1)
    assert out.dtype == np.float32
    assert out.numpy()[0] == pytest.approx(1000.0 + np.log1p(np.exp(-1.0)), rel=1e-6)


@pytest.mark.parametrize("fn", [tg.reduce_variance, tg.reduce_std])
@pytest.mark.parametrize("axis", [None, 1, [0, 2]])
def test_moment_gradients_match_finite_differences(rng, fn, axis):
    x = rng.standard_normal((2, 3, 4))
    w = rng.standard_normal(fn(tg.constant(x), axis=axis).shape)

    def f(t):
        return tg.reduce_sum(fn(t, axis=axis) * w)

    np.testing.assert_allclose(grad(f, x), numeric(f, x), rtol=1e-6, atol=1e-8)


def test_variance_gradient_formula(rng):
    x = rng.standard_normal(5)
    np.testing.assert_allclose(grad(tg.reduce_variance, x), 2 * (x - x.mean()) / 5, rtol=1e-12)
    np.testing.assert_allclose(grad(tg.reduce_std, x), (x - x.mean()) / (5 * x.std()), rtol=1e-12)


def test_std_of_constant_input_has_a_finite_gradient():
    x = np.full((2, 3), 4.0)
    out = tg.reduce_std(tg.constant(x), axis=1)
    np.testing.assert_array_equal(out.numpy(), [0.0, 0.0])
    g = grad(lambda t: tg.reduce_std(t, axis=1), x)
    assert np.all(np.isfinite(g))
    np.testing.assert_array_equal(g, np.zeros_like(x))


@pytest.mark.parametrize(
    "fn", [tg.reduce_mean, tg.reduce_prod, tg.reduce_max, tg.reduce_logsumexp, tg.reduce_variance, tg.reduce_std]
)
def test_float32_stays_float32(rng, fn):
    x = tg.constant(rng.standard_normal((3, 4)) + 2, dtype="float32")
    assert fn(x, axis=1).dtype == np.float32
    g = grad(lambda t: tg.reduce_sum(fn(t, axis=1)), x)
    assert g.dtype == np.float32
    assert np.all(np.isfinite(g))


def test_logical_reductions_are_not_differentiable():
    x = tg.constant([1.0, -1.0])
    with tg.GradientTape() as tape:
        tape.watch(x)
        y = tg.reduce_any(x > 0)
        z = tg.reduce_all(x > 0)
    assert bool(y) and not bool(z)
    assert tape.gradient(tg.cast(y, "float32"), x) is None


# -- argmax / argmin ------------------------------------------------------------------------------


def test_argmax_argmin_default_axis_zero_and_int64(rng):
    x = rng.standard_normal((4, 3))
    amax, amin = tg.argmax(tg.constant(x)), tg.argmin(tg.constant(x))
    assert amax.dtype == np.int64 and amin.dtype == np.int64
    np.testing.assert_array_equal(amax.numpy(), np.argmax(x, axis=0))
    np.testing.assert_array_equal(amin.numpy(), np.argmin(x, axis=0))
    np.testing.assert_array_equal(tg.argmax(tg.constant(x), axis=-1).numpy(), np.argmax(x, axis=1))
    out = tg.argmin(tg.constant(x), axis=1, output_type=tg.int32)
    assert out.dtype == np.int32
    np.testing.assert_array_equal(out.numpy(), np.argmin(x, axis=1))


def test_argmax_picks_the_first_of_ties():
    assert int(tg.argmax(tg.constant([1.0, 3.0, 3.0]))) == 1
    assert int(tg.argmin(tg.constant([2.0, 0.0, 0.0]))) == 1


def test_argmax_is_not_differentiable():
    x = tg.constant([1.0, 3.0, 2.0])
    with tg.GradientTape() as tape:
        tape.watch(x)
        i = tg.argmax(x)
    assert int(i) == 1
    assert tape.gradient(tg.cast(i, "float32"), x) is None


# -- scans ----------------------------------------------------------------------------------------


def _scan_reference(ufunc, x, axis, exclusive, reverse):
    identity = 0.0 if ufunc is np.add else 1.0
    y = np.flip(x, axis) if reverse else x
    out = ufunc.accumulate(y, axis=axis)
    if exclusive:
        out = np.concatenate([np.full_like(np.take(out, [0], axis=axis), identity), out], axis=axis)
        out = np.take(out, np.arange(x.shape[axis]), axis=axis)
    return np.flip(out, axis) if reverse else out


@pytest.mark.parametrize("axis", [0, 1, -1])
@pytest.mark.parametrize("exclusive", [False, True])
@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("fn,ufunc", [(tg.cumsum, np.add), (tg.cumprod, np.multiply)])
def test_scans_match_reference_and_finite_differences(rng, fn, ufunc, axis, exclusive, reverse):
    x = rng.standard_normal((3, 4))
    out = fn(tg.constant(x), axis=axis, exclusive=exclusive, reverse=reverse)
    np.testing.assert_allclose(out.numpy(), _scan_reference(ufunc, x, axis, exclusive, reverse), rtol=1e-13)
    w = rng.standard_normal(x.shape)

    def f(t):
        return tg.reduce_sum(fn(t, axis=axis, exclusive=exclusive, reverse=reverse) * w)

    np.testing.assert_allclose(grad(f, x), numeric(f, x), rtol=1e-6, atol=1e-8)


def test_cumsum_known_values():
    x = tg.constant([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(tg.cumsum(x).numpy(), [1, 3, 6])
    np.testing.assert_array_equal(tg.cumsum(x, exclusive=True).numpy(), [0, 1, 3])
    np.testing.assert_array_equal(tg.cumsum(x, reverse=True).numpy(), [6, 5, 3])
    np.testing.assert_array_equal(tg.cumsum(x, exclusive=True, reverse=True).numpy(), [5, 3, 0])
    np.testing.assert_array_equal(tg.cumprod(x, exclusive=True).numpy(), [1, 1, 2])


@pytest.mark.parametrize("exclusive", [False, True])
@pytest.mark.parametrize("reverse", [False, True])
def test_cumprod_first_derivative_is_exact_at_zeros(rng, exclusive, reverse):
    x = rng.standard_normal((3, 6))
    x[0, 2] = x[0, 4] = x[1, 0] = x[2, 5] = 0.0
    w = rng.standard_normal(x.shape)

    def f(t):
        return tg.reduce_sum(tg.cumprod(t, axis=1, exclusive=exclusive, reverse=reverse) * w)

    g = grad(f, x)
    assert np.all(np.isfinite(g))
    np.testing.assert_allclose(g, numeric(f, x), rtol=1e-6, atol=1e-8)


def test_cumprod_gradient_at_a_zero_by_hand():
    # y = [a, ab, abc] with b = 0: dy/da = [1, 0, 0], dy/db = [0, a, ac], dy/dc = [0, 0, 0]
    x = np.array([2.0, 0.0, 5.0])
    g = grad(lambda t: tg.reduce_sum(tg.cumprod(t)), x)
    np.testing.assert_allclose(g, [1.0, 2.0 + 10.0, 0.0])


def test_scans_keep_float32():
    x = tg.constant([[1.0, 2.0], [3.0, 4.0]], dtype="float32")
    for fn in (tg.cumsum, tg.cumprod):
        assert fn(x, axis=1, exclusive=True).dtype == np.float32
        assert grad(lambda t, fn=fn: tg.reduce_sum(fn(t, axis=1)), x).dtype == np.float32


# -- errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call,name",
    [
        (lambda x: tg.reduce_sum(x, axis=2), "Sum"),
        (lambda x: tg.reduce_mean(x, axis=2), "Mean"),
        (lambda x: tg.reduce_prod(x, axis=-3), "Prod"),
        (lambda x: tg.reduce_max(x, axis=[0, 5]), "Max"),
        (lambda x: tg.reduce_min(x, axis=7), "Min"),
        (lambda x: tg.reduce_logsumexp(x, axis=2), "ReduceLogSumExp"),
        (lambda x: tg.reduce_variance(x, axis=2), "reduce_variance"),
        (lambda x: tg.reduce_std(x, axis=2), "reduce_std"),
        (lambda x: tg.reduce_any(x > 0, axis=2), "Any"),
        (lambda x: tg.reduce_all(x > 0, axis=-3), "All"),
        (lambda x: tg.argmax(x, axis=2), "ArgMax"),
        (lambda x: tg.argmin(x, axis=-3), "ArgMin"),
        (lambda x: tg.cumsum(x, axis=2), "Cumsum"),
        (lambda x: tg.cumprod(x, axis=-3), "Cumprod"),
    ],
)
def test_bad_axis_names_the_op(call, name):
    x = tg.constant(np.ones((2, 3)))
    with pytest.raises(ValueError, match=rf"^{name}: axis .* out of range"):
        call(x)


def test_repeated_axis_is_rejected():
    with pytest.raises(ValueError, match="Mean: repeated axis"):
        tg.reduce_mean(tg.constant(np.ones((2, 3))), axis=[1, -1])


def test_scans_and_argmax_need_rank_one():
    with pytest.raises(ValueError, match="Cumsum: axis 0 is out of range for a tensor of rank 0"):
        tg.cumsum(tg.constant(1.0))
    with pytest.raises(ValueError, match="ArgMax"):
        tg.argmax(tg.constant(1.0))


def test_reduce_std_propagates_nan_and_has_zero_gradient_for_constants():
    assert np.isnan(float(tg.reduce_std(tg.constant([np.nan, 1.0]))))
    x = tg.constant([2.0, 2.0, 2.0])
    with tg.GradientTape() as tape:
        tape.watch(x)
        y = tg.reduce_std(x)
    assert float(y) == 0.0
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [0.0, 0.0, 0.0])
