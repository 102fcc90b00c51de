"""Memory: long training loops stay flat, freed graphs free their arrays at once, caches are bounded.

The training-loop test runs 10,000 Adam steps (and 3,000 SGD steps) by default, 15-25 s
under tracemalloc on two cores; the 100,000-step versions (several minutes) are marked
``slow`` and run only with ``TAPEGRAD_SLOW=1``:

    TAPEGRAD_SLOW=1 pytest -m slow tests/test_memory.py
"""

import gc
import linecache
import os
import tracemalloc
import weakref

import numpy as np
import pytest

import tapegrad as tg

MB = 1 << 20


@pytest.fixture
def no_gc():
    """Cyclic garbage collection off: what is freed here is freed by reference counting alone."""
    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# -- a long training loop --------------------------------------------------------------------------


def _training_step(optimizer_name):
    """One step of fitting ``y = w x + b`` (two scalar variables) with GradientTape and the optimizer."""
    x = tg.constant(np.linspace(-1.0, 1.0, 8))
    y = tg.constant(np.linspace(-1.0, 1.0, 8) * 2.0 - 0.5)
    w = tg.Variable(np.float64(0.0), name="w")
    b = tg.Variable(np.float64(0.0), name="b")
    if optimizer_name == "sgd":
        optimizer = tg.optimizers.SGD(learning_rate=0.05, momentum=0.9)
    else:
        optimizer = tg.optimizers.Adam(learning_rate=0.01)

    def step():
        with tg.GradientTape() as tape:
            loss = tg.reduce_mean(tg.square(w * x + b - y))
        grads = tape.gradient(loss, [w, b])
        optimizer.apply_gradients(zip(grads, [w, b]))
        return loss

    return step


def _traced_growth(run, warmup):
    """Bytes still allocated after ``run()`` that were not before it, ``warmup()`` run first.

    Tracing starts before the warm-up, so objects that the run frees (cache entries it
    replaces, say) count against what it allocates.
    """
    gc.collect()
    tracemalloc.start()
    try:
        warmup()
        gc.collect()
        before = tracemalloc.get_traced_memory()[0]
        run()
        gc.collect()
        return tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()


def _repeat(step, n):
    def run():
        for _ in range(n):
            step()

    return run


def _growth_of_training_loop(optimizer_name, steps, warmup=300):
    step = _training_step(optimizer_name)
    return _traced_growth(_repeat(step, steps), _repeat(step, warmup))


@pytest.mark.parametrize("optimizer_name", ["sgd", "adam"])
def test_training_loop_memory_is_flat(optimizer_name):
    assert _growth_of_training_loop(optimizer_name, 10_000 if optimizer_name == "adam" else 3_000) < 1 * MB


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("TAPEGRAD_SLOW"), reason="100,000 steps (minutes): set TAPEGRAD_SLOW=1")
@pytest.mark.parametrize("optimizer_name", ["sgd", "adam"])
def test_training_loop_memory_is_flat_100k_steps(optimizer_name):
    assert _growth_of_training_loop(optimizer_name, 100_000) < 1 * MB


def test_compiled_training_step_memory_is_flat():
    step = tg.function(_training_step("adam"))
    assert _traced_growth(_repeat(step, 5_000), _repeat(step, 300)) < 1 * MB
    assert step.experimental_get_tracing_count() == 1


# -- graphs are freed by reference counting --------------------------------------------------------


def _refs(*tensors):
    """Weak references to tensors and to their arrays."""
    return [weakref.ref(t) for t in tensors] + [weakref.ref(t._value) for t in tensors]


def test_deleting_a_persistent_tape_and_its_results_frees_saved_arrays(no_gc):
    x = tg.Variable(np.linspace(0.0, 1.0, 1000))
    with tg.GradientTape(persistent=True) as tape:
        h = tg.exp(x)
        u = tg.sin(h) * h
        y = tg.reduce_sum(u * u)
    for _ in range(3):
        tape.gradient(y, x)
    jac = tape.jacobian(tg.reduce_sum(u[:2]), x)
    refs = _refs(h, u, y)
    value = float(y)  # a Python number keeps nothing alive
    del h, u, y, jac, tape
    assert [r() for r in refs] == [None] * len(refs)
    assert np.isfinite(value)


def test_nested_persistent_tapes_are_freed_without_gc(no_gc):
    x = tg.Variable(np.linspace(0.0, 1.0, 100))
    with tg.GradientTape(persistent=True) as outer:
        with tg.GradientTape(persistent=True) as inner:
            h = tg.tanh(x * 3.0)
            y = tg.reduce_sum(h**3)
        g = inner.gradient(y, x)
        z = tg.reduce_sum(g * g)
    hess = outer.gradient(z, x)
    refs = _refs(h, y, g, z)
    del h, y, g, z, inner, outer
    assert [r() for r in refs] == [None] * len(refs)
    assert hess.shape == (100,)


def test_deleting_a_retained_graph_frees_saved_arrays(no_gc):
    t = tg.tensor(np.linspace(0.0, 1.0, 1000), requires_grad=True)
    h = tg.exp(t)
    u = tg.sin(h) * h
    y = tg.reduce_sum(u * u)
    y.backward(retain_graph=True)
    y.backward(retain_graph=True)
    refs = _refs(h, u, y)
    del h, u
    assert all(r() is not None for r in refs)  # y keeps its graph, as it was retained
    del y
    assert [r() for r in refs] == [None] * len(refs)
    assert t.grad is not None


def test_a_create_graph_gradient_is_freed_with_the_gradient(no_gc):
    t = tg.tensor(np.linspace(0.0, 1.0, 100), requires_grad=True)
    h = tg.exp(t)
    y = tg.reduce_sum(h * h)
    y.backward(create_graph=True)
    refs = _refs(h, y, t.grad)
    del h, y
    t.grad = None  # the gradient's graph reaches back to h
    assert [r() for r in refs] == [None] * len(refs)


def test_calls_of_a_function_on_a_tape_are_freed_without_gc(no_gc):
    f = tg.function(lambda a: tg.reduce_sum(tg.exp(a) * a))
    x = tg.Variable(np.linspace(0.0, 1.0, 100))
    f(x * 1.0)  # traced outside the measured part
    with tg.GradientTape(persistent=True) as tape:
        h = x * 2.0
        y = f(h)
    tape.gradient(y, x)
    refs = _refs(h, y)
    del h, y, tape
    assert [r() for r in refs] == [None] * len(refs)


# -- tg.function caches --------------------------------------------------------------------------


def test_function_cache_is_a_bounded_lru():
    traces = []

    @tg.function
    def f(x, k):
        traces.append(k)
        return x * float(k)

    limit = tg.function(lambda: None).MAX_CONCRETE_FUNCTIONS
    assert limit == 64
    x = tg.constant([1.0, 2.0])
    for k in range(limit):
        f(x, k)
    f(x, 0)  # signature 0 is now the most recently used
    f(x, limit)  # evicts signature 1, the least recently used
    assert len(f._cache) == limit and len(traces) == limit + 1
    f(x, 0)
    assert len(traces) == limit + 1  # still cached
    f(x, 1)
    assert traces[-1] == 1 and len(traces) == limit + 2  # traced again
    np.testing.assert_allclose(f(x, 1).numpy(), [1.0, 2.0])


def test_many_signatures_keep_memory_and_linecache_bounded():
    @tg.function
    def f(x, k):
        return tg.reduce_sum(tg.sin(x) * float(k)) + 1.0

    x = tg.constant(np.linspace(0.0, 1.0, 8))

    def calls(start, stop):
        def run():
            for k in range(start, stop):
                f(x, k)

        return run

    lines = len(linecache.cache)
    growth = _traced_growth(calls(100, 600), warmup=calls(0, 100))  # the warm-up fills the cache
    assert len(f._cache) == 64
    assert f.experimental_get_tracing_count() == 600
    assert growth < 1 * MB
    assert len(linecache.cache) <= lines + 64  # generated sources go with their functions


def test_function_methods_do_not_keep_instances_alive():
    class Model:
        def __init__(self):
            self.w = tg.Variable(np.ones(3))

        @tg.function
        def __call__(self, x):
            return tg.reduce_sum(self.w * x)

    refs = []
    for i in range(20):
        model = Model()
        assert float(model(tg.constant(np.full(3, float(i))))) == 3.0 * i
        refs.append((weakref.ref(model), weakref.ref(model.w)))
    del model
    gc.collect()
    assert all(r() is None and v() is None for r, v in refs)
    assert not Model.__dict__["__call__"].__dict__.get("_bound")

    # the instance stays alive while its bound method is held
    method = Model().__call__
    gc.collect()
    assert float(method(tg.constant(np.ones(3)))) == 3.0
    assert method.experimental_get_tracing_count() == 1
