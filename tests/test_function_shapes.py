"""tg.function with None dimensions in its input_signature: one trace for every batch size."""

import itertools

import numpy as np
import pytest

import tapegrad as tg

BATCHES = (2, 5, 7)


def _data(n, features=784, classes=10, seed=0):
    rng = np.random.default_rng(seed + n)
    return rng.standard_normal((n, features)).astype(np.float32), rng.integers(0, classes, n)


def _mlp(seed=0):
    rng = np.random.default_rng(seed)
    sizes = (784, 32, 16, 10)
    params = []
    for n_in, n_out in itertools.pairwise(sizes):
        params.append((rng.standard_normal((n_in, n_out)) * np.sqrt(2 / n_in)).astype(np.float32))
        params.append(rng.standard_normal(n_out).astype(np.float32) * 0.1)
    return [tg.Variable(p) for p in params]


def _train_step(variables, x, labels, traces):
    traces.append(x.shape)
    w1, b1, w2, b2, w3, b3 = variables
    with tg.GradientTape() as tape:
        h1 = tg.relu(x @ w1 + b1)
        h2 = tg.tanh(h1 @ w2 + b2)
        logits = h2 @ w3 + b3
        loss = tg.reduce_mean(tg.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))
    grads = tape.gradient(loss, variables)
    for v, g in zip(variables, grads):
        v.assign_sub(0.1 * g)
    return loss, grads


def test_a_training_step_traces_once_for_every_batch_size():
    eager_vars, graph_vars = _mlp(), _mlp()
    traces = []
    signature = [tg.TensorSpec([None, 784], tg.float32), tg.TensorSpec([None], tg.int64)]
    step = tg.function(lambda x, y: _train_step(graph_vars, x, y, traces), input_signature=signature)
    for n in BATCHES * 2:
        x, labels = _data(n)
        eager_loss, eager_grads = _train_step(eager_vars, tg.constant(x), tg.constant(labels), [])
        loss, grads = step(x, labels)
        np.testing.assert_allclose(loss.numpy(), eager_loss.numpy(), rtol=1e-5)
        for g, e in zip(grads, eager_grads):
            np.testing.assert_allclose(g.numpy(), e.numpy(), rtol=1e-4, atol=1e-6)
    for g, e in zip(graph_vars, eager_vars):
        np.testing.assert_allclose(g.numpy(), e.numpy(), rtol=1e-4, atol=1e-6)
    assert len(traces) == 1 and step.experimental_get_tracing_count() == 1
    cf = step.get_concrete_function(*_data(3))
    assert cf.polymorphic and cf.graph.specialised is None
    assert "[None, 784]" in str(cf.graph) and "ReducedCount" in str(cf.optimized_graph)


def _shape_ops(x, w):
    rows = tg.reshape(x, (-1, 2))  # (3n, 2)
    centred = x - tg.reduce_mean(x, axis=0, keepdims=True)
    n = tg.cast(tg.shape(x)[0], x.dtype)
    return (
        tg.reduce_mean(tg.square(rows @ w)),
        tg.reduce_sum(centred * centred) / n,
        tg.reduce_max(x, axis=1) + tg.reduce_prod(x[:, :2], axis=1) * 0.0,
        tg.reduce_logsumexp(tg.expand_dims(x, 1) + tg.constant([1.0, 2.0, 3.0, 4.0, 5.0, 6.0]), axis=[1, 2]),
    )


def test_shape_dependent_ops_and_their_gradients_follow_the_batch_size():
    w = tg.Variable(np.array([[1.0, -0.5], [0.25, 2.0]], np.float32))
    traces = []

    def f(x):
        traces.append(1)
        with tg.GradientTape() as tape:
            tape.watch(x)
            outs = _shape_ops(x, w)
            total = tg.add_n([tg.reduce_mean(o) for o in outs])
        return outs, tape.gradient(total, [x, w])

    compiled = tg.function(f, input_signature=[tg.TensorSpec([None, 6], tg.float32)])
    for n in BATCHES:
        x = np.random.default_rng(n).standard_normal((n, 6)).astype(np.float32)
        got_outs, got_grads = compiled(x)
        want_outs, want_grads = f(tg.constant(x))
        for got, want in zip([*got_outs, *got_grads], [*want_outs, *want_grads]):
            assert got.shape == want.shape
            np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-5, atol=1e-6)
    assert len(traces) == 1 + len(BATCHES)  # the eager calls, and one trace
    assert compiled.get_concrete_function(np.ones((3, 6), np.float32)).polymorphic


def test_differentiating_a_call_from_outside_for_several_batch_sizes():
    w = tg.Variable(np.arange(6.0, dtype=np.float32).reshape(3, 2) / 6)
    f = tg.function(lambda x: tg.reduce_mean(tg.sigmoid(x @ w)), input_signature=[tg.TensorSpec([None, 3])])
    for n in BATCHES:
        x = tg.constant(np.random.default_rng(n).standard_normal((n, 3)).astype(np.float32))
        grads = []
        for fn in (f, f.python_function):
            with tg.GradientTape() as tape:
                tape.watch(x)
                y = fn(x)
            grads.append(tape.gradient(y, [x, w]))
        for got, want in zip(*grads):
            np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-5, atol=1e-7)
    assert f.experimental_get_tracing_count() == 1


def test_several_none_dimensions_equal_ones_share_a_trace():
    f = tg.function(lambda a, b: tg.reduce_sum(a * b, axis=1), input_signature=[tg.TensorSpec([None, None])] * 2)
    for n, m in ((2, 3), (4, 5), (3, 2)):
        a = np.ones((n, m), np.float32)
        np.testing.assert_allclose(f(a, 2 * a).numpy(), np.full(n, 2.0 * m))
    assert f.experimental_get_tracing_count() == 1
    with pytest.raises(ValueError, match="Mul"):
        f(np.ones((3, 2), np.float32), np.ones((3, 4), np.float32))  # unequal sizes: a trace of its own, which fails
    assert f.experimental_get_tracing_count() == 2


@pytest.mark.parametrize(
    "body",
    [
        lambda x: tg.reshape(x, (x.shape[0], -1)) * 2.0,  # a size used as a number
        lambda x: x * 2.0 if x.shape[0] > 4 else x * 3.0,  # a Python branch on a size
        lambda x: x / float(len(x)),
        lambda x: x * tg.constant(np.arange(x.numpy().shape[0], dtype=np.float32)[:, None]),
        lambda x: tg.zeros(x.shape) + x,
        lambda x: tg.concat([x, x], axis=0) * 2.0,  # a gradient that reads the size (ConcatV2's split)
    ],
)
def test_code_that_depends_on_the_batch_size_falls_back_to_a_trace_per_shape(body):
    traces = []

    def f(x):
        traces.append(1)
        with tg.GradientTape() as tape:
            tape.watch(x)
            y = body(x)
            loss = tg.reduce_sum(tg.square(y))
        return y, tape.gradient(loss, x)

    compiled = tg.function(f, input_signature=[tg.TensorSpec([None, 2], tg.float32)])
    for n in (3, 6, 3, 6, 8):
        x = np.random.default_rng(n).standard_normal((n, 2)).astype(np.float32)
        for got, want in zip(compiled(x), f(tg.constant(x))):
            np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-5, atol=1e-6)
    assert compiled.experimental_get_tracing_count() == 3  # one per shape
    cf = compiled.get_concrete_function(np.ones((3, 2), np.float32))
    assert not cf.polymorphic and cf.graph.specialised


def test_comparing_sizes_that_vary_alike_keeps_the_trace_general():
    def f(x, y):
        assert x.shape[:1] == y.shape and x.shape != y.shape
        assert str(x.shape) == "(None, 2)"
        return tg.reduce_sum(x, axis=1) + y

    compiled = tg.function(f, input_signature=[tg.TensorSpec([None, 2]), tg.TensorSpec([None])])
    for n in BATCHES:
        np.testing.assert_allclose(compiled(np.ones((n, 2)), np.ones(n)).numpy(), np.full(n, 3.0))
    assert compiled.experimental_get_tracing_count() == 1


def test_batch_sizes_below_two_get_their_own_trace():
    f = tg.function(lambda x: tg.reduce_mean(x, axis=0), input_signature=[tg.TensorSpec([None, 2])])
    for n in (1, 3, 0, 5):
        x = np.arange(2.0 * n, dtype=np.float32).reshape(n, 2)
        with np.errstate(invalid="ignore", divide="ignore"):
            np.testing.assert_allclose(f(x).numpy(), x.mean(axis=0) if n else [np.nan, np.nan])
    assert f.experimental_get_tracing_count() == 3
