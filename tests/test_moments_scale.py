"""Standard deviations and variances of float32 values near 1e30 and 1e-30: no overflow or underflow in
the squares (deviations are scaled by a power of two first), for values, gradients and forward mode."""

import numpy as np
import pytest

import tapegrad as tg
import tapegrad.numpy as tnp

# (function, numpy's float64 twin, power of x the result scales with)
pytestmark = pytest.mark.filterwarnings("ignore:.*overflow encountered")  # (variances of 1e30 are inf)

MOMENTS = {
    "reduce_std": (lambda x, **k: tg.math.reduce_std(x, **k), np.std, 1),
    "reduce_variance": (lambda x, **k: tg.math.reduce_variance(x, **k), np.var, 2),
    "Tensor.std": (lambda x, **k: tg.convert_to_tensor(x).std(**k), np.std, 1),
    "tnp.std": (tnp.std, np.std, 1),
    "tnp.var": (tnp.var, np.var, 2),
    "tnp.std ddof=1": (lambda x, **k: tnp.std(x, ddof=1, **k), lambda x, **k: np.std(x, ddof=1, **k), 1),
    "tnp.nanstd": (tnp.nanstd, np.nanstd, 1),
    "tnp.nanvar": (tnp.nanvar, np.nanvar, 2),
}
SCALES = [1e30, 1e-30, 1.0, 3e35, 1e-35]
BASE = np.array([[1.0, -1.0, 2.0, 0.5], [3.0, 1.0, 0.0, -2.0], [0.25, 0.25, 0.25, 0.25]])
AXES = [{}, {"axis": 1}, {"axis": 0, "keepdims": True}]


def _float32_of(value64):
    with np.errstate(over="ignore"):
        return np.asarray(value64).astype(np.float32)  # inf or 0 only where float32 cannot hold the result


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("name", sorted(MOMENTS))
@pytest.mark.parametrize("kwargs", AXES, ids=str)
def test_float32_moments_are_exact_at_any_scale(name, scale, kwargs):
    f, reference, power = MOMENTS[name]
    x64 = BASE * scale
    with np.errstate(over="ignore", under="ignore"):
        got = f(x64.astype(np.float32), **kwargs).numpy()
        expected = _float32_of(reference(x64, **kwargs))
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, expected, rtol=2e-6, atol=0)
    if power == 1:  # a standard deviation is as representable as the values themselves
        assert np.all(np.isfinite(got)) and np.all((got > 0) == (expected > 0))


def _closed_form_gradient(name, x, axis):
    """d(sum of the results)/dx in float64: (x - mean)/(n std) for std, 2 (x - mean)/n for var (ddof 0)."""
    mean = x.mean(axis=axis, keepdims=True)
    n = x.size if axis is None else x.shape[axis]
    if "std" in name:
        ddof = 1 if "ddof" in name else 0
        return (x - mean) / ((n - ddof) * x.std(axis=axis, ddof=ddof, keepdims=True))
    return 2 * (x - mean) / n


def _gradient(f, x, **kwargs):
    x = tg.Variable(x)
    with tg.GradientTape() as tape:
        y = tg.reduce_sum(f(x, **kwargs))
    return tape.gradient(y, x).numpy()


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("name", sorted(MOMENTS))
@pytest.mark.parametrize("axis", [None, 1])
def test_float32_gradients_match_the_closed_form_at_any_scale(name, scale, axis):
    f, _, _ = MOMENTS[name]
    x64 = BASE[:2] * scale
    with np.errstate(over="ignore", under="ignore"):
        got = _gradient(f, x64.astype(np.float32), axis=axis)
    np.testing.assert_allclose(got, _closed_form_gradient(name, x64, axis), rtol=2e-5, atol=0)


@pytest.mark.parametrize("scale", [1e30, 1e-30, 1.0])
@pytest.mark.parametrize("name", sorted(MOMENTS))
def test_float64_gradients_match_finite_differences(name, scale):
    f, _, _ = MOMENTS[name]
    x = BASE[:2] * scale
    got = _gradient(f, x)
    h = 1e-6 * scale
    numeric = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = h
        numeric[i] = (f(x + step).numpy() - f(x - step).numpy()) / (2 * h)
    np.testing.assert_allclose(got, numeric, rtol=1e-6, atol=0)


@pytest.mark.parametrize("scale", [1e30, 1e-30])
def test_forward_mode_and_second_derivative_at_extreme_scales(scale):
    x = (BASE[0] * scale).astype(np.float32)
    v = np.array([1.0, 0.0, -1.0, 0.5], np.float32)
    _, tangent = tg.jvp(lambda t: tg.math.reduce_std(t), (x,), (v,))
    expected = _closed_form_gradient("std", x.astype(np.float64), None) @ v
    np.testing.assert_allclose(np.asarray(tangent), expected, rtol=2e-5)
    x = tg.Variable(x)
    with tg.GradientTape() as outer:
        with tg.GradientTape() as inner:
            y = tg.math.reduce_variance(x)
        g = tg.reduce_sum(inner.gradient(y, x) * v)
    np.testing.assert_allclose(outer.gradient(g, x).numpy(), 2 * (v - v.mean()) / 4, rtol=1e-6)


def test_the_scale_follows_the_values_of_each_call_in_a_polymorphic_function():
    f = tg.function(lambda x: tg.math.reduce_std(x, axis=1), input_signature=[tg.TensorSpec([None, 4], "float32")])
    for scale, rows in [(1e30, 3), (1e-30, 2), (1.0, 5)]:
        x = np.resize(BASE, (rows, 4)) * scale
        np.testing.assert_allclose(f(x.astype(np.float32)).numpy(), _float32_of(np.std(x, axis=1)), rtol=2e-6)
    assert f.experimental_get_tracing_count() == 1


def test_zeros_infinities_and_nan_keep_their_moments():
    x = np.array([[0.0, 0.0], [np.inf, 1.0], [np.nan, 1.0], [3.4e38, -3.4e38]], np.float32)
    with np.errstate(all="ignore"):
        np.testing.assert_array_equal(tg.math.reduce_std(x, axis=1).numpy(), np.float32([0.0, np.nan, np.nan, 3.4e38]))
        np.testing.assert_array_equal(tg.math.reduce_variance(x, axis=1).numpy(), [0.0, np.nan, np.nan, np.inf])


def test_matches_torch_at_extreme_scales():
    torch = pytest.importorskip("torch")
    for scale in (1e30, 1e-30):
        x = (np.random.default_rng(0).standard_normal((3, 5)) * scale).astype(np.float32)
        t = torch.tensor(x, requires_grad=True)
        std = torch.std(t, dim=1, correction=0)
        std.sum().backward()
        np.testing.assert_allclose(tg.math.reduce_std(x, axis=1).numpy(), std.detach().numpy(), rtol=1e-5)
        np.testing.assert_allclose(_gradient(MOMENTS["reduce_std"][0], x, axis=1), t.grad.numpy(), rtol=1e-4)
