"""Thread-local state, memory release, and error messages."""

import gc
import threading
import weakref

import numpy as np
import pytest

import tapegrad as tg


def _work(seed):
    rng = np.random.default_rng(seed)
    w = tg.Variable(rng.standard_normal((3, 3)))
    x = tg.constant(rng.standard_normal(3))
    results = []
    for _ in range(30):
        with tg.GradientTape() as outer:
            with tg.GradientTape() as tape:
                y = tg.reduce_sum(tg.tanh(w * x) ** 2)
            g = tape.gradient(y, w)
            z = tg.reduce_sum(g * g)
        results.append((float(y), g.numpy().copy(), outer.gradient(z, w).numpy().copy()))
    return results


def test_threads_with_their_own_tapes_match_serial_runs():
    serial = [_work(seed) for seed in range(4)]
    threaded = [None] * 4

    def run(i):
        threaded[i] = _work(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for s, t in zip(serial, threaded):
        for (ys, gs, hs), (yt, gt, ht) in zip(s, t):
            assert ys == yt
            np.testing.assert_array_equal(gs, gt)
            np.testing.assert_array_equal(hs, ht)


def test_tape_stack_is_thread_local():
    x = tg.Variable(2.0)
    seen = {}
    with tg.GradientTape() as tape:

        def other_thread():
            seen["y"] = x * x  # this thread has no active tape

        t = threading.Thread(target=other_thread)
        t.start()
        t.join()
        mine = x * x
    assert seen["y"]._node is None
    assert float(tape.gradient(mine, x)) == 4.0


def test_non_persistent_tape_frees_intermediates_without_gc():
    gc.disable()
    try:
        x = tg.Variable(np.ones(1000))
        with tg.GradientTape() as tape:
            h = tg.sin(x)
            y = tg.reduce_sum(h * h)
        ref = weakref.ref(h)
        del h
        assert ref() is not None  # the recorded graph still holds it
        tape.gradient(y, x)
        assert ref() is None
    finally:
        gc.enable()


def test_dropping_a_persistent_tape_and_its_results_frees_everything_without_gc():
    gc.disable()
    try:
        x = tg.Variable(np.ones(1000))
        with tg.GradientTape(persistent=True) as tape:
            h = tg.exp(x)
            y = tg.reduce_sum(h * 2.0)
        tape.gradient(y, x)
        tape.gradient(y, x)
        ref_h, ref_y = weakref.ref(h), weakref.ref(y)
        del h, y, tape
        assert ref_h() is None and ref_y() is None
    finally:
        gc.enable()


def test_shape_mismatch_names_op_and_shapes():
    with pytest.raises(ValueError) as info:
        tg.add(tg.ones((2, 3)), tg.ones((4,)))
    message = str(info.value)
    assert "AddV2" in message and "[2, 3]" in message and "[4]" in message


def test_operator_shape_mismatch_is_clear():
    with pytest.raises(ValueError, match="Mul"):
        tg.ones((2, 3)) * tg.ones((2,))


@pytest.mark.parametrize("bad", [None, "text", object(), [[1.0], [1.0, 2.0]]])
def test_bad_values_raise_type_or_value_errors(bad):
    with pytest.raises((TypeError, ValueError)):
        tg.constant(bad)


def test_op_on_strings_names_the_op():
    with pytest.raises(TypeError):
        tg.sin("x")


def test_bad_reduction_axis_names_the_op():
    with pytest.raises(ValueError, match="Sum"):
        tg.reduce_sum(tg.ones((2, 3)), axis=2)


def test_gradient_shape_errors_name_the_op():
    @tg.primitive("TestBadGradient")
    def bad(x):
        return x * 1.0

    @tg.RegisterGradient("TestBadGradient")
    def _bad_grad(op, grad):
        return tg.reduce_sum(grad)

    x = tg.Variable([1.0, 2.0])
    with tg.GradientTape() as tape:
        y = bad(x)
    with pytest.raises(ValueError, match="TestBadGradient"):
        tape.gradient(y, x)


def test_assigning_a_variable_after_recording_is_detected():
    v = tg.Variable(2.0)
    with tg.GradientTape() as tape:
        y = v * v
    v.assign(3.0)
    with pytest.raises(RuntimeError, match="modified"):
        tape.gradient(y, v)


def test_no_grad_stops_recording():
    x = tg.Variable(2.0)
    with tg.GradientTape(persistent=True) as tape:
        with tg.no_grad():
            y = x * x
        z = x * 3.0
    assert tape.gradient(y, x) is None
    assert float(tape.gradient(z, x)) == 3.0
    assert tg.is_grad_enabled()


def test_no_grad_as_decorator_and_set_grad_enabled():
    x = tg.Variable(2.0)

    @tg.no_grad()
    def square(v):
        return v * v

    with tg.GradientTape(persistent=True) as tape:
        y = square(x)
        with tg.set_grad_enabled(False):
            z = x * x
            with tg.enable_grad():
                w = x * x
    assert tape.gradient(y, x) is None and tape.gradient(z, x) is None
    assert float(tape.gradient(w, x)) == 4.0
    assert tg.is_grad_enabled()
