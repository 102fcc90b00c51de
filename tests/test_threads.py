"""Threads: tapes, ``.backward()`` and ``tg.function`` used from 8 threads at once give the serial results.

Each repetition makes a fresh shared ``tg.function`` whose first call (its trace) the
threads start together behind a ``threading.Barrier``; a tiny switch interval makes the
interpreter interleave the threads inside the trace.
"""

import contextlib
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import tapegrad as tg

THREADS = 8
REPEATS = 100


@contextlib.contextmanager
def _fast_switching():
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(old)


def _make_shared():
    """A shared ``tg.function`` with a trace long enough for threads to interleave in it."""

    def body(x, w):
        y = x
        for _ in range(10):
            y = tg.tanh(y * w + 0.1)
        with tg.GradientTape() as tape:
            tape.watch(x)
            z = tg.reduce_sum(tg.sin(x * w) ** 2)
        return y, tape.gradient(z, x)

    return tg.function(body)


def _inputs(seed):
    rng = np.random.default_rng(seed)
    return rng.standard_normal(4), rng.standard_normal(4), rng.standard_normal((4, 4))


def _work(seed, shared, barrier=None):
    """One thread's work; the results as plain arrays."""
    x_np, w_np, m_np = _inputs(seed)
    if barrier is not None:
        barrier.wait()
    x, w = tg.constant(x_np), tg.constant(w_np)
    y, gx = shared(x, w)  # the first call traces
    out = [y.numpy(), gx.numpy()]

    v = tg.Variable(m_np)
    with tg.GradientTape() as outer:
        with tg.GradientTape() as tape:
            loss = tg.reduce_sum(tg.tanh(tg.linalg.matvec(v, x)) ** 2)
        g = tape.gradient(loss, v)
        gg = tg.reduce_sum(g * g)
    out += [loss.numpy(), g.numpy(), outer.gradient(gg, v).numpy()]

    t = tg.tensor(x_np, requires_grad=True)
    s = tg.reduce_sum(tg.exp(tg.sin(t) * 0.5) * tg.constant(w_np))
    s.backward()
    out += [s.numpy(), t.grad.numpy()]

    own = tg.function(lambda a: tg.reduce_sum(tg.square(a) * tg.constant(w_np)))
    with tg.GradientTape() as tape:
        tape.watch(x)
        r = own(x)
    out += [r.numpy(), tape.gradient(r, x).numpy()]
    return out


def _same(a, b):
    assert len(a) == len(b)
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)


def test_work_in_threads_matches_serial_and_traces_once():
    serial = [_work(seed, _make_shared()) for seed in range(THREADS)]
    with _fast_switching(), ThreadPoolExecutor(THREADS) as pool:
        for _ in range(REPEATS):
            shared = _make_shared()
            barrier = threading.Barrier(THREADS, timeout=30)
            futures = [pool.submit(_work, seed, shared, barrier) for seed in range(THREADS)]
            results = [f.result(timeout=60) for f in futures]
            for s, r in zip(serial, results):
                _same(s, r)
            assert shared.experimental_get_tracing_count() == 1  # one signature, traced once


def test_concurrent_first_calls_of_different_signatures_each_trace_once():
    with _fast_switching(), ThreadPoolExecutor(THREADS) as pool:
        for _ in range(20):
            f = tg.function(lambda x, k: tg.reduce_sum(tg.tanh(x * float(k))))
            barrier = threading.Barrier(THREADS, timeout=30)

            def call(i, f=f, barrier=barrier):
                barrier.wait()
                return float(f(tg.constant(np.linspace(-1.0, 1.0, 3)), i % 4))

            got = list(pool.map(call, range(THREADS)))
            expected = [float(np.sum(np.tanh(np.linspace(-1.0, 1.0, 3) * (i % 4)))) for i in range(THREADS)]
            assert got == pytest.approx(expected, rel=1e-12)
            assert f.experimental_get_tracing_count() == 4


def test_gradient_through_a_shared_function_call_from_threads():
    """Differentiating calls of one ``tg.function`` concurrently builds its gradient function once."""
    with _fast_switching(), ThreadPoolExecutor(THREADS) as pool:
        for _ in range(20):
            f = tg.function(lambda x: tg.reduce_sum(tg.sin(x) * x))
            f(tg.constant([0.0, 1.0], dtype=tg.float64))  # traced already; its gradient is not
            barrier = threading.Barrier(THREADS, timeout=30)

            def grad(i, f=f, barrier=barrier):
                x = tg.constant(np.array([0.1 * i, 1.0]))
                barrier.wait()
                with tg.GradientTape() as tape:
                    tape.watch(x)
                    y = f(x)
                return tape.gradient(y, x).numpy()

            for i, g in enumerate(pool.map(grad, range(THREADS))):
                x = np.array([0.1 * i, 1.0])
                np.testing.assert_allclose(g, np.cos(x) * x + np.sin(x), rtol=1e-12)
