"""NumPy's own functions applied to tensors are differentiated, or refused clearly."""

import numpy
import pytest

import tapegrad as tg


def test_numpy_ufuncs_and_functions_on_tensors_are_recorded():
    t = tg.constant(numpy.array([0.5, 1.0]))
    weights = numpy.array([2.0, 3.0])
    with tg.GradientTape() as tape:
        tape.watch(t)
        y = numpy.sum(numpy.sin(t) * weights, axis=0)
    assert isinstance(y, tg.Tensor)
    assert float(y) == pytest.approx(float(numpy.sum(numpy.sin([0.5, 1.0]) * weights)))
    numpy.testing.assert_allclose(tape.gradient(y, t).numpy(), numpy.cos([0.5, 1.0]) * weights)


def test_numpy_scalars_and_arrays_on_the_left_defer_to_tensors():
    t = tg.constant([1.0, 2.0])
    for result in (numpy.float64(2.0) * t, numpy.array([1.0, 2.0]) + t, numpy.array([3.0, 3.0]) > t):
        assert isinstance(result, tg.Tensor)
    assert (numpy.float32(2.0) * t).dtype == tg.float32


def test_numpy_functions_in_a_pytorch_style_graph():
    x = tg.tensor([1.0, 2.0, 3.0], dtype=tg.float64, requires_grad=True)
    numpy.mean(numpy.exp(x)).backward()
    numpy.testing.assert_allclose(x.grad.numpy(), numpy.exp([1.0, 2.0, 3.0]) / 3)


def test_unsupported_numpy_calls_raise_instead_of_dropping_gradients():
    t = tg.constant([1.0, 2.0])
    with pytest.raises(TypeError, match=r"numpy\.i0"):
        numpy.i0(t)
    with pytest.raises(TypeError, match="reduce"):
        numpy.add.reduce(t)
    with pytest.raises(TypeError, match="out="):
        numpy.sin(t, out=numpy.zeros(2))


def test_explicit_conversion_still_gives_arrays():
    t = tg.constant([1.0, 2.0])
    assert type(numpy.asarray(t)) is numpy.ndarray
    assert numpy.asarray(t).dtype == numpy.float32
