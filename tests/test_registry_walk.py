"""Walk the op registry: every op's first and second derivatives against central differences."""

import numpy as np
import pytest

import tapegrad as tg
from tapegrad.engine import backward as engine_backward
from tapegrad.engine import node as engine_node
from tapegrad.engine.registry import OPS, gradient_function

BUILTIN = sorted(name for name, op in OPS.items() if op.builtin)
CASES = [(name, i) for name in BUILTIN for i in range(len(OPS[name].samples))]
EPS = 1e-6


def test_every_builtin_op_has_samples():
    assert BUILTIN, "the registry is empty"
    missing = [name for name in BUILTIN if not OPS[name].samples]
    assert not missing, f"ops registered without samples: {missing}"


def test_every_builtin_op_has_a_gradient_entry():
    for name in BUILTIN:
        gradient_function(name)  # LookupError when neither a gradient nor NotDifferentiable


def _run(op, arrays, attrs):
    out = op.fn(*[tg.convert_to_tensor(a) for a in arrays], **attrs)
    return list(out) if isinstance(out, tuple | list) else [out]


def _is_float(a):
    return np.asarray(a).dtype.kind == "f"


def _weights(outputs, seed):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(o.shape) if o.dtype.kind == "f" else None for o in outputs]


def _projection(outputs, weights):
    total = None
    for o, w in zip(outputs, weights):
        if w is not None:
            term = tg.reduce_sum(o * tg.constant(w, dtype=o.dtype))
            total = term if total is None else total + term
    return total


def _value(op, arrays, attrs, weights):
    return float(_projection(_run(op, arrays, attrs), weights))


def _gradients(op, arrays, attrs, weights, tapes=()):
    """Analytic gradient of the projection w.r.t. the float inputs, recorded on ``tapes``."""
    tensors = [tg.constant(a) for a in arrays]
    floats = [t for t, a in zip(tensors, arrays) if _is_float(a)]
    for outer in tapes:
        outer.watch(floats)
    with tg.GradientTape() as tape:
        tape.watch(floats)
        out = op.fn(*tensors, **attrs)
        outs = list(out) if isinstance(out, tuple | list) else [out]
        y = _projection(outs, weights)
    grads = tape.gradient(y, floats, unconnected_gradients="zero")
    return tensors, floats, grads


def _numeric(fn, arrays, index):
    x = np.array(arrays[index], dtype=np.float64)
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for k in range(flat.size):
        saved = flat[k]
        flat[k] = saved + EPS
        plus = fn(arrays[:index] + [x.copy()] + arrays[index + 1 :])
        flat[k] = saved - EPS
        minus = fn(arrays[:index] + [x.copy()] + arrays[index + 1 :])
        flat[k] = saved
        gflat[k] = (plus - minus) / (2 * EPS)
    return grad


@pytest.mark.parametrize("name,i", CASES)
def test_derivatives_match_finite_differences(name, i):
    op = OPS[name]
    sample = op.samples[i]
    arrays = [np.asarray(a) for a in sample.args]
    attrs = sample.attrs
    outputs = _run(op, arrays, attrs)
    weights = _weights(outputs, seed=i)
    float_idx = [j for j, a in enumerate(arrays) if _is_float(a)]
    if not op.differentiable or all(w is None for w in weights):
        with tg.GradientTape() as tape:
            tensors = [tg.constant(a) for a in arrays]
            tape.watch([tensors[j] for j in float_idx])
            outs = _run(op, tensors, attrs)
        floats = [o for o in outs if o.dtype.kind == "f"]
        if floats:
            assert all(g is None for g in tape.gradient(floats, [tensors[j] for j in float_idx]))
        return

    # first derivative
    _, _, grads = _gradients(op, arrays, attrs, weights)
    for j, g in zip(float_idx, grads):
        expected = _numeric(lambda a: _value(op, a, attrs, weights), arrays, j)
        np.testing.assert_allclose(g.numpy(), expected, rtol=1e-5, atol=1e-6, err_msg=f"{name} d/dx{j}")

    # second derivative: gradient of <v, grad> against finite differences of the gradient
    rng = np.random.default_rng(100 + i)
    vs = [rng.standard_normal(arrays[j].shape) for j in float_idx]

    def inner(a):
        _, _, gs = _gradients(op, a, attrs, weights)
        return float(sum(np.sum(g.numpy() * v) for g, v in zip(gs, vs)))

    with tg.GradientTape() as outer:
        _, floats, gs = _gradients(op, arrays, attrs, weights, tapes=(outer,))
        h = tg.add_n([tg.reduce_sum(g * tg.constant(v)) for g, v in zip(gs, vs)])
    second = outer.gradient(h, floats, unconnected_gradients="zero")
    for j, g in zip(float_idx, second):
        expected = _numeric(inner, arrays, j)
        np.testing.assert_allclose(g.numpy(), expected, rtol=1e-4, atol=1e-5, err_msg=f"{name} d2/dx{j}")


@pytest.mark.parametrize("name,i", CASES)
def test_gradients_read_only_the_values_they_declare(name, i, monkeypatch):
    """A backward pass replaces saved values no gradient reads (ops/gradient_reads.py) by NaN
    stand-ins; first and second derivatives must come out the same."""
    op = OPS[name]
    sample = op.samples[i]
    arrays = [np.asarray(a) for a in sample.args]
    weights = _weights(_run(op, arrays, sample.attrs), seed=i)
    if not op.differentiable or all(w is None for w in weights):
        return
    rng = np.random.default_rng(100 + i)
    vs = [rng.standard_normal(a.shape) for a in arrays if _is_float(a)]

    def first_and_second():
        with tg.GradientTape() as outer:
            _, floats, gs = _gradients(op, arrays, sample.attrs, weights, tapes=(outer,))
            h = tg.add_n([tg.reduce_sum(g * tg.constant(v)) for g, v in zip(gs, vs)])
        second = outer.gradient(h, floats, unconnected_gradients="zero")
        return [g.numpy() for g in [*gs, *second]]

    kept = first_and_second()  # samples are small: nothing is dropped
    monkeypatch.setattr(engine_node, "LARGE_BYTES", 0)
    dropped = first_and_second()
    for a, b in zip(kept, dropped):
        np.testing.assert_allclose(b, a, rtol=1e-12, atol=1e-12, err_msg=f"{name} reads a value it declares unread")


@pytest.mark.parametrize("name,i", CASES)
def test_float32_stays_float32(name, i, monkeypatch):
    op = OPS[name]
    sample = op.samples[i]
    arrays = [np.asarray(a).astype(np.float32) if _is_float(a) else np.asarray(a) for a in sample.args]
    attrs = {k: ("float32" if k == "dtype" else v) for k, v in sample.attrs.items()}
    outputs = _run(op, arrays, attrs)
    for o in outputs:
        assert o.dtype.kind != "f" or o.dtype == np.float32, f"{name} returned {o.dtype} for float32 input"
    if not op.differentiable:
        return
    conform = engine_backward._conform

    def strict(g, t, node, index, cast):
        assert getattr(g, "dtype", t.dtype) == t.dtype, f"{node.type} gave a {g.dtype} gradient for {t.dtype}"
        return conform(g, t, node, index, cast)

    monkeypatch.setattr(engine_backward, "_conform", strict)
    weights = [None if w is None else w.astype(np.float32) for w in _weights(outputs, seed=i)]
    if all(w is None for w in weights):
        return
    _, _, grads = _gradients(op, arrays, attrs, weights)
    assert all(g.dtype == np.float32 for g in grads)


@pytest.mark.parametrize("name,i", CASES)
def test_jvp_matches_finite_differences(name, i):
    op = OPS[name]
    if not op.differentiable:
        return
    sample = op.samples[i]
    arrays = [np.asarray(a) for a in sample.args]
    float_idx = [j for j, a in enumerate(arrays) if _is_float(a)]
    rng = np.random.default_rng(200 + i)
    directions = {j: rng.standard_normal(arrays[j].shape) for j in float_idx}
    tensors = [tg.constant(a) for a in arrays]
    with tg.autodiff.ForwardAccumulator(
        [tensors[j] for j in float_idx], [tg.constant(directions[j]) for j in float_idx]
    ) as acc:
        outputs = _run(op, tensors, sample.attrs)

    def shifted(step):
        moved = [a + step * directions[j] if j in directions else a for j, a in enumerate(arrays)]
        return [o.numpy() for o in _run(op, moved, sample.attrs)]

    plus, minus = shifted(EPS), shifted(-EPS)
    for k, out in enumerate(outputs):
        if out.dtype.kind != "f":
            continue
        expected = (plus[k] - minus[k]) / (2 * EPS)
        tangent = acc.jvp(out, unconnected_gradients="zero")
        np.testing.assert_allclose(tangent.numpy(), expected, rtol=1e-5, atol=1e-6, err_msg=f"{name} output {k}")


@pytest.mark.parametrize("name,i", CASES)
def test_graph_mode_matches_eager(name, i):
    op = OPS[name]
    sample = op.samples[i]
    arrays = [np.asarray(a) for a in sample.args]
    eager = _run(op, arrays, sample.attrs)
    weights = _weights(eager, seed=i)
    float_idx = [j for j, a in enumerate(arrays) if _is_float(a)]
    differentiable = op.differentiable and any(w is not None for w in weights)

    @tg.function
    def traced(*xs):
        outs = _run(op, list(xs), sample.attrs)
        if not differentiable:
            return outs
        floats = [xs[j] for j in float_idx]
        return outs, tg.gradients(_projection(outs, weights), floats, unconnected_gradients="zero")

    result = traced(*[tg.constant(a) for a in arrays])
    outs, grads = result if differentiable else (result, None)
    for got, want in zip(outs, eager):
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-12, atol=1e-12, err_msg=f"{name} value")
        assert got.dtype == want.dtype
    if differentiable:
        _, _, eager_grads = _gradients(op, arrays, sample.attrs, weights)
        for got, want in zip(grads, eager_grads):
            np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-10, atol=1e-12, err_msg=f"{name} grad")
