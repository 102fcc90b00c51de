"""tg.vmap: semantics, every registered op batched (rule or fallback), and the batched Jacobians."""

import numpy as np
import pytest

import tapegrad as tg
from tapegrad.batching import batch_rule
from tapegrad.engine.registry import OPS

BUILTIN = sorted(name for name, op in OPS.items() if op.builtin)
CASES = [(name, i) for name in BUILTIN for i in range(len(OPS[name].samples))]


def _outputs(out):
    return [np.asarray(o) for o in (out if isinstance(out, tuple | list) else [out])]


def _perturbed(array, k, rng):
    array = np.asarray(array)
    if array.dtype.kind != "f" or k == 0:
        return array
    return array + 1e-3 * k * rng.standard_normal(array.shape)


# -- every op in the registry --------------------------------------------------------------
@pytest.mark.parametrize("mapped", ["all", "first"])
@pytest.mark.parametrize("name,i", CASES)
def test_vmap_of_every_op_matches_per_example_results(name, i, mapped):
    op = OPS[name]
    sample = op.samples[i]
    rng = np.random.default_rng(i)
    args = [np.asarray(a) for a in sample.args]
    if not args:
        pytest.skip("an op without inputs has nothing to map")
    in_axes = [0 if mapped == "all" or j == 0 else None for j in range(len(args))]
    batches = [np.stack([_perturbed(a, k, rng) for k in range(3)]) if ax == 0 else a for a, ax in zip(args, in_axes)]

    def call(*xs):
        return op.fn(*xs, **sample.attrs)

    got = _outputs(tg.vmap(call, in_axes=tuple(in_axes))(*[tg.constant(b) for b in batches]))
    per_example = [
        _outputs(call(*[tg.constant(b[k] if ax == 0 else b) for b, ax in zip(batches, in_axes)])) for k in range(3)
    ]
    assert len(got) == len(per_example[0])
    for j, g in enumerate(got):
        expected = np.stack([p[j] for p in per_example])
        assert g.shape == expected.shape, f"{name} output {j}: {g.shape} vs {expected.shape}"
        assert g.dtype == expected.dtype
        np.testing.assert_allclose(g, expected, rtol=1e-10, atol=1e-12, err_msg=f"{name} output {j}")


def test_the_families_that_matter_have_rules():
    for name in ("AddV2", "Mul", "Tanh", "Cast", "SelectV2", "Sum", "BatchMatMulV2", "Einsum", "Reshape",
                 "Transpose", "ExpandDims", "Squeeze", "BroadcastTo", "StridedSlice", "StridedSliceGrad",
                 "GatherV2", "ConcatV2", "Pack", "PadV2", "Tile"):  # fmt: skip
        assert batch_rule(name) is not None, name


# -- semantics ---------------------------------------------------------------------------
def test_in_axes_out_axes_and_unmapped_arguments():
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((4, 3)), rng.standard_normal((3, 5))
    got = tg.vmap(lambda v, m: tg.tanh(tg.matmul(v[None], m))[0], in_axes=(0, None))(x, w)
    assert isinstance(got, np.ndarray)  # NumPy in, NumPy out
    np.testing.assert_allclose(got, np.tanh(x @ w))
    got = tg.vmap(lambda v: v * 2.0, in_axes=1, out_axes=1)(tg.constant(x.T))
    assert isinstance(got, tg.Tensor)
    np.testing.assert_allclose(got.numpy(), 2 * x.T)
    np.testing.assert_allclose(
        tg.vmap(lambda v: v[1:] * v[:-1], in_axes=-1, out_axes=-1)(x.T), (x[:, 1:] * x[:, :-1]).T
    )


def test_nested_arguments_and_outputs():
    rng = np.random.default_rng(1)
    a, b, c = rng.standard_normal((3, 2)), rng.standard_normal((3, 2)), rng.standard_normal(2)

    def f(pair, d):
        return {"sum": pair[0] + pair[1] * d["c"], "rest": (tg.reduce_sum(pair[0]), d["c"])}

    out = tg.vmap(f, in_axes=((0, 0), {"c": None}), out_axes=0)((a, b), {"c": c})
    np.testing.assert_allclose(out["sum"], a + b * c)
    np.testing.assert_allclose(out["rest"][0], a.sum(axis=1))
    np.testing.assert_allclose(out["rest"][1], np.broadcast_to(c, (3, 2)))  # unbatched output, repeated
    got = tg.vmap(lambda p: (p * 2.0, tg.reduce_sum(p)), out_axes=(1, 0))(a)
    np.testing.assert_allclose(got[0], 2 * a.T)


def test_errors():
    x = np.ones((3, 2))
    with pytest.raises(ValueError, match="different sizes"):
        tg.vmap(lambda a, b: a + b)(x, np.ones((4, 2)))
    with pytest.raises(ValueError, match="maps no argument"):
        tg.vmap(lambda a: a, in_axes=None)(x)
    with pytest.raises(ValueError, match="out of range"):
        tg.vmap(lambda a: a, in_axes=2)(x)
    with pytest.raises(ValueError, match="one entry per positional argument"):
        tg.vmap(lambda a, b: a, in_axes=(0,))(x, x)
    with pytest.raises(ValueError, match="out_axes is None"):
        tg.vmap(lambda a: a * 2.0, out_axes=None)(x)
    v = tg.Variable(np.zeros(2))
    with pytest.raises(ValueError, match="assigns variable"):
        tg.vmap(lambda a: v.assign(a))(x)


def test_fallback_for_an_op_without_a_rule():
    @tg.primitive("VmapTestCumMax")
    def cummax(x):
        return np.maximum.accumulate(x, axis=-1)

    x = np.random.default_rng(2).standard_normal((4, 5))
    assert batch_rule("VmapTestCumMax") is None
    np.testing.assert_allclose(tg.vmap(lambda v: cummax(v) * 2.0)(x), 2 * np.maximum.accumulate(x, axis=-1))


# -- composition with differentiation -------------------------------------------------------
def _f(v, m):
    return tg.reduce_sum(tg.tanh(tg.matmul(m, v)) / (1.5 + v * v))


def test_grad_of_vmap_and_vmap_of_grad():
    rng = np.random.default_rng(3)
    x, m = rng.standard_normal((4, 3)), rng.standard_normal((3, 3))
    per_example = np.stack([tg.grad(_f)(r, m) for r in x])
    np.testing.assert_allclose(tg.vmap(tg.grad(_f), in_axes=(0, None))(x, m), per_example, rtol=1e-12)
    total = tg.grad(lambda xs: tg.reduce_sum(tg.vmap(_f, in_axes=(0, None))(xs, m)))(x)
    np.testing.assert_allclose(total, per_example, rtol=1e-12)
    grad_m = tg.grad(lambda mm: tg.reduce_sum(tg.vmap(_f, in_axes=(0, None))(x, mm)))(m)
    np.testing.assert_allclose(grad_m, sum(tg.grad(_f, 1)(r, m) for r in x), rtol=1e-12)


def test_vmap_of_jvp_reads_op_outputs_of_the_batch():
    # Tanh's and RealDiv's forward rules read the op's output: it must be the batched one.
    rng = np.random.default_rng(4)
    x, t = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))

    def tangent(p, d):
        return tg.jvp(lambda v: tg.tanh(v) / (2.0 + v * v), (p,), (d,))[1]

    expected = np.stack([tangent(p, d) for p, d in zip(x, t)])
    np.testing.assert_allclose(tg.vmap(tangent)(x, t), expected, rtol=1e-12)


def test_vmap_inside_tg_function_follows_new_arguments():
    m = np.random.default_rng(5).standard_normal((3, 3))
    jac = tg.function(lambda v: tg.jacobian(lambda u: tg.tanh(tg.matmul(tg.constant(m), u[:, None]))[:, 0])(v))
    for seed in (6, 7):
        x = np.random.default_rng(seed).standard_normal(3)
        expected = (1 - np.tanh(m @ x) ** 2)[:, None] * m
        np.testing.assert_allclose(jac(tg.constant(x)).numpy(), expected, rtol=1e-12)


# -- Jacobians and Hessians --------------------------------------------------------------------
def _rosen(x):
    return tg.reduce_sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def _vector_fn(x):
    return tg.concat([tg.sin(x) * x[0], tg.reduce_prod(x, keepdims=True), tg.exp(x[::-1] / 3.0)], axis=0)


def _numeric_jacobian(fn, x, eps=1e-6):
    cols = []
    for k in range(x.size):
        d = np.zeros_like(x)
        d[k] = eps
        cols.append((np.asarray(fn(x + d)) - np.asarray(fn(x - d))) / (2 * eps))
    return np.stack(cols, axis=-1)


@pytest.mark.parametrize("transform", [tg.jacrev, tg.jacfwd])
def test_jacobians_against_finite_differences(transform):
    x = np.random.default_rng(8).standard_normal(5)
    np.testing.assert_allclose(transform(_vector_fn)(x), _numeric_jacobian(_vector_fn, x), rtol=1e-6, atol=1e-8)


def test_hessian_against_finite_differences_of_the_gradient():
    x = np.random.default_rng(9).standard_normal(6)
    np.testing.assert_allclose(tg.hessian(_rosen)(x), _numeric_jacobian(tg.grad(_rosen), x), rtol=1e-6, atol=1e-5)


def test_jacobians_and_hessian_against_torch():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(10).standard_normal(5)

    def torch_vector(t):
        return torch.cat([torch.sin(t) * t[0], torch.prod(t).reshape(1), torch.exp(t.flip(0) / 3.0)])

    def torch_rosen(t):
        return torch.sum(100.0 * (t[1:] - t[:-1] ** 2) ** 2 + (1.0 - t[:-1]) ** 2)

    tx = torch.tensor(x)
    expected = torch.autograd.functional.jacobian(torch_vector, tx).numpy()
    for transform in (tg.jacrev, tg.jacfwd):
        np.testing.assert_allclose(transform(_vector_fn)(x), expected, rtol=1e-12)
    np.testing.assert_allclose(tg.hessian(_rosen)(x), torch.autograd.functional.hessian(torch_rosen, tx).numpy())
    tape_args = tg.constant(x)
    with tg.GradientTape(persistent=True) as tape:
        tape.watch(tape_args)
        y = _vector_fn(tape_args)
    np.testing.assert_allclose(tape.jacobian(y, tape_args).numpy(), expected, rtol=1e-12)
    np.testing.assert_allclose(tape.jacobian(y, tape_args, experimental_use_pfor=False).numpy(), expected, rtol=1e-12)


def test_batch_jacobian_batched_and_looped_agree():
    rng = np.random.default_rng(11)
    x = tg.constant(rng.standard_normal((4, 3)))
    m = tg.constant(rng.standard_normal((3, 2)))
    with tg.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = tg.tanh(tg.matmul(x, m)) * x[:, :1]
    batched = tape.batch_jacobian(y, x)
    looped = tape.batch_jacobian(y, x, experimental_use_pfor=False)
    assert batched.shape == (4, 2, 3)
    np.testing.assert_allclose(batched.numpy(), looped.numpy(), rtol=1e-12)
    for b in range(4):
        row = lambda v, b=b: np.tanh(v @ m.numpy()) * v[0]
        np.testing.assert_allclose(batched.numpy()[b], _numeric_jacobian(row, x.numpy()[b]), rtol=1e-6, atol=1e-8)


def test_second_order_through_vmap():
    rng = np.random.default_rng(12)
    m = rng.standard_normal((3, 3))
    x = rng.standard_normal(3)

    def mapped_sum(v):  # the same example four times, mapped
        return tg.reduce_sum(tg.vmap(_f, in_axes=(0, None))(tg.stack([v] * 4), m))

    expected = 4 * tg.hessian(lambda v: _f(v, m))(x)
    np.testing.assert_allclose(tg.hessian(mapped_sum)(x), expected, rtol=1e-10)
    np.testing.assert_allclose(tg.jacfwd(tg.jacrev(mapped_sum))(x), expected, rtol=1e-10)
