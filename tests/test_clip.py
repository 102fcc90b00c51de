"""Clipping: by value, by norm, by global norm."""

import numpy as np
import pytest

import tapegrad as tg


def test_clip_by_value_values_and_gradient():
    x = tg.constant([-2.0, 0.5, 3.0])
    np.testing.assert_allclose(tg.clip_by_value(x, -1.0, 1.0).numpy(), [-1.0, 0.5, 1.0])
    with tg.GradientTape() as tape:
        tape.watch(x)
        y = tg.reduce_sum(tg.clip_by_value(x, -1.0, 1.0))
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [0.0, 1.0, 0.0])


def test_clip_by_norm():
    t = tg.constant([3.0, 4.0])
    np.testing.assert_allclose(tg.clip_by_norm(t, 1.0).numpy(), [0.6, 0.8], rtol=1e-6)
    np.testing.assert_allclose(tg.clip_by_norm(t, 10.0).numpy(), [3.0, 4.0])
    rows = tg.constant([[3.0, 4.0], [0.3, 0.4]])
    np.testing.assert_allclose(tg.clip_by_norm(rows, 1.0, axes=[1]).numpy(), [[0.6, 0.8], [0.3, 0.4]], rtol=1e-6)


def test_clip_by_norm_of_zero_has_finite_gradient():
    t = tg.constant([0.0, 0.0])
    with tg.GradientTape() as tape:
        tape.watch(t)
        y = tg.reduce_sum(tg.clip_by_norm(t, 1.0))
    g = tape.gradient(y, t)
    assert np.all(np.isfinite(g.numpy()))
    np.testing.assert_allclose(g.numpy(), [1.0, 1.0])


def test_global_norm_and_clip_by_global_norm():
    a, b = tg.constant([3.0, 0.0]), tg.constant([[4.0]])
    assert float(tg.global_norm([a, None, b])) == pytest.approx(5.0)
    clipped, norm = tg.clip_by_global_norm([a, None, b], 1.0)
    assert float(norm) == pytest.approx(5.0)
    assert clipped[1] is None
    np.testing.assert_allclose(clipped[0].numpy(), [0.6, 0.0], rtol=1e-6)
    np.testing.assert_allclose(clipped[2].numpy(), [[0.8]], rtol=1e-6)
    unclipped, _ = tg.clip_by_global_norm([a, b], 10.0)
    np.testing.assert_allclose(unclipped[0].numpy(), [3.0, 0.0])


def test_clip_by_global_norm_is_differentiable():
    x = tg.constant([3.0, 4.0], dtype=tg.float64)
    with tg.GradientTape() as tape:
        tape.watch(x)
        (c,), _ = tg.clip_by_global_norm([x], 1.0)
        y = c[0]
    numeric = tg.numerical_gradient(lambda v: tg.clip_by_global_norm([v], 1.0)[0][0][0], x)
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), numeric.numpy(), rtol=1e-6)
