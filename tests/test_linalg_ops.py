"""Linear algebra ops: values against NumPy, gradients against hand-derived results and finite differences."""

import numpy as np
import pytest

import tapegrad as tg
from tapegrad import linalg as la


def _grad(fn, *arrays):
    """Gradients of the scalar ``fn(*tensors)`` with respect to every argument, as arrays."""
    xs = [tg.constant(a) for a in arrays]
    with tg.GradientTape() as t:
        t.watch(xs)
        y = fn(*xs)
    grads = t.gradient(y, xs)
    return [None if g is None else g.numpy() for g in grads]


def _numeric(fn, arrays, index):
    def f(x):
        args = [tg.constant(a) for a in arrays]
        args[index] = tg.constant(x)
        return float(fn(*args))

    # contiguous: tg.numerical_gradient perturbs a reshape(-1) of its input, a copy for strided arrays
    return tg.numerical_gradient(f, np.ascontiguousarray(arrays[index], dtype=np.float64))


def _check_fd(fn, *arrays, rtol=1e-5, atol=1e-7):
    grads = _grad(fn, *arrays)
    for i, g in enumerate(grads):
        np.testing.assert_allclose(g, _numeric(fn, list(arrays), i), rtol=rtol, atol=atol)
    return grads


def _well_conditioned(rng, *shape):
    return rng.standard_normal(shape) + shape[-1] * np.eye(shape[-1])


def _spd(rng, *shape):
    a = rng.standard_normal(shape)
    return a @ np.swapaxes(a, -1, -2) + shape[-1] * np.eye(shape[-1])


def _weighted(w):
    w = tg.constant(w)
    return lambda y: tg.reduce_sum(y * w)


# -- matmul ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "sa,sb",
    [((3, 4), (4, 2)), ((2, 3, 4), (4, 5)), ((2, 1, 3, 4), (5, 4, 2)), ((4,), (4, 3)), ((2, 3), (3,)), ((3,), (3,))],
)
def test_matmul_matches_numpy(rng, sa, sb):
    a, b = rng.standard_normal(sa), rng.standard_normal(sb)
    out = tg.matmul(a, b)
    assert out.shape == np.matmul(a, b).shape
    np.testing.assert_allclose(out.numpy(), np.matmul(a, b), rtol=1e-12)


def test_matmul_transposes_and_adjoints(rng):
    a, b = rng.standard_normal((2, 4, 3)), rng.standard_normal((5, 4))
    expected = np.swapaxes(a, -1, -2) @ b.T
    np.testing.assert_allclose(tg.matmul(a, b, transpose_a=True, transpose_b=True).numpy(), expected)
    np.testing.assert_allclose(la.matmul(a, b, adjoint_a=True, adjoint_b=True).numpy(), expected)


def test_matmul_gradient_reduces_broadcast_batch(rng):
    a, b = rng.standard_normal((3, 4)), rng.standard_normal((2, 4, 5))
    w = rng.standard_normal((2, 3, 5))
    ga, gb = _grad(lambda x, y: tg.reduce_sum(tg.matmul(x, y) * tg.constant(w)), a, b)
    np.testing.assert_allclose(ga, np.sum(w @ np.swapaxes(b, -1, -2), axis=0))
    np.testing.assert_allclose(gb, a.T @ w)
    _check_fd(lambda x, y: tg.reduce_sum(tg.matmul(x, y, transpose_b=True) * tg.constant(w)), a, np.swapaxes(b, 1, 2))


def test_matmul_vector_gradients(rng):
    v, m = rng.standard_normal(3), rng.standard_normal((3, 2))
    gv, gm = _grad(lambda x, y: tg.reduce_sum(tg.matmul(x, y)), v, m)
    np.testing.assert_allclose(gv, m.sum(axis=1))
    np.testing.assert_allclose(gm, np.outer(v, np.ones(2)))


def test_matmul_float32_stays_float32(rng):
    a = tg.constant(rng.standard_normal((3, 4)).astype(np.float32))
    with tg.GradientTape() as t:
        t.watch(a)
        y = tg.matmul(a, a, transpose_b=True)
    assert y.dtype == np.float32
    assert t.gradient(y, a).dtype == np.float32


def test_matmul_errors_name_op_and_shapes():
    with pytest.raises(ValueError, match=r"matmul: inner dimensions differ \(4 vs 5\).*\(3, 4\).*\(5, 2\)"):
        tg.matmul(np.ones((3, 4)), np.ones((5, 2)))
    with pytest.raises(ValueError, match=r"matmul: batch dimensions \(2,\) and \(3,\) do not broadcast"):
        tg.matmul(np.ones((2, 3, 4)), np.ones((3, 4, 2)))
    with pytest.raises(ValueError, match="rank >= 1"):
        tg.matmul(np.ones(()), np.ones((2, 2)))


def test_matvec(rng):
    a, b = rng.standard_normal((2, 3, 4)), rng.standard_normal((2, 4))
    np.testing.assert_allclose(la.matvec(a, b).numpy(), np.einsum("bij,bj->bi", a, b))


# -- tensordot and einsum -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "sa,sb,axes",
    [((3, 4, 5), (4, 5, 2), 2), ((3, 4), (4, 2), 1), ((2, 3), (4,), 0), ((3, 4, 5), (5, 2, 3), [[0, 2], [2, 0]])],
)
def test_tensordot_matches_numpy(rng, sa, sb, axes):
    a, b = rng.standard_normal(sa), rng.standard_normal(sb)
    np.testing.assert_allclose(tg.tensordot(a, b, axes).numpy(), np.tensordot(a, b, axes), rtol=1e-12)


def test_tensordot_gradient_and_error(rng):
    a, b = rng.standard_normal((3, 4, 2)), rng.standard_normal((2, 3, 5))
    w = rng.standard_normal((4, 5))
    ga, _ = _check_fd(lambda x, y: tg.reduce_sum(tg.tensordot(x, y, [[0, 2], [1, 0]]) * tg.constant(w)), a, b)
    np.testing.assert_allclose(ga, np.einsum("km,sim->iks", w, b))
    with pytest.raises(ValueError, match=r"tensordot: axis 1 of a \(size 4\) and axis 0 of b \(size 3\)"):
        tg.tensordot(np.ones((3, 4)), np.ones((3, 2)), [[1], [0]])


EINSUM_CASES = [
    ("ij,jk->ik", [(3, 4), (4, 2)]),
    ("ij,jk", [(3, 4), (4, 2)]),
    ("ii->i", [(3, 3)]),
    ("ii", [(4, 4)]),
    ("ba", [(2, 3)]),
    ("...ij,...jk->...ik", [(2, 1, 3, 4), (5, 4, 2)]),
    ("ij,...j", [(2, 3), (4, 3)]),
    ("i...->...", [(3, 2, 4)]),
    ("ij,jk->ik", [(2, 1), (3, 4)]),
    ("iij,kj->ik", [(3, 3, 2), (4, 2)]),
    ("i,i,i->", [(3,), (3,), (3,)]),
    ("bij,bjk,bkl->bil", [(2, 3, 3), (2, 3, 4), (2, 4, 2)]),
    ("ij->", [(3, 4)]),
]


@pytest.mark.parametrize("equation,shapes", EINSUM_CASES)
def test_einsum_values_and_gradients(rng, equation, shapes):
    arrays = [rng.standard_normal(s) for s in shapes]
    expected = np.einsum(equation, *arrays)
    out = tg.einsum(equation, *arrays)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12, atol=1e-12)
    w = rng.standard_normal(expected.shape)
    _check_fd(lambda *xs: tg.reduce_sum(tg.einsum(equation, *xs) * tg.constant(w)), *arrays)


def test_einsum_trace_gradient_is_identity(rng):
    (g,) = _grad(lambda x: tg.einsum("ii", x), rng.standard_normal((3, 3)))
    np.testing.assert_array_equal(g, np.eye(3))


def test_einsum_second_derivative(rng):
    a = tg.constant(rng.standard_normal((3, 3)))
    with tg.GradientTape() as outer:
        outer.watch(a)
        with tg.GradientTape() as inner:
            inner.watch(a)
            y = tg.einsum("ij,jk,ki->", a, a, a)  # trace(A^3)
        g = inner.gradient(y, a)  # 3 (A^2)^T
        s = tg.reduce_sum(g)
    h = outer.gradient(s, a).numpy()
    a_ = a.numpy()
    expected = tg.numerical_gradient(lambda x: float(np.sum(3 * (x @ x).T)), a_)
    np.testing.assert_allclose(h, expected, rtol=1e-6)


def test_einsum_errors():
    with pytest.raises(ValueError, match="einsum: equation 'ij,jk->ik' names 2 operand"):
        tg.einsum("ij,jk->ik", np.ones((2, 2)))
    with pytest.raises(ValueError, match="einsum: label 'j' has sizes 3 and 4"):
        tg.einsum("ij,jk->ik", np.ones((2, 3)), np.ones((4, 2)))
    with pytest.raises(ValueError, match="invalid subscript"):
        tg.einsum("i2,jk", np.ones((2, 2)), np.ones((2, 2)))
    with pytest.raises(ValueError, match="does not match its subscripts"):
        tg.einsum("ijk->i", np.ones((2, 2)))
    with pytest.raises(ValueError, match="output label 'z'"):
        tg.einsum("ij->iz", np.ones((2, 2)))


# -- inverses, determinants, solves ---------------------------------------------------------------
def test_inv_value_and_gradient(rng):
    a = _well_conditioned(rng, 3, 3)
    w = rng.standard_normal((3, 3))
    np.testing.assert_allclose(la.inv(a).numpy(), np.linalg.inv(a))
    (g,) = _grad(lambda x: tg.reduce_sum(la.inv(x) * tg.constant(w)), a)
    ainv = np.linalg.inv(a)
    np.testing.assert_allclose(g, -ainv.T @ w @ ainv.T, rtol=1e-10)
    _check_fd(lambda x: tg.reduce_sum(la.inv(x, adjoint=True) * tg.constant(w)), a)


def test_det_gradient_is_det_times_inverse_transpose(rng):
    a = _well_conditioned(rng, 2, 3, 3)
    d = la.det(a)
    np.testing.assert_allclose(d.numpy(), np.linalg.det(a))
    (g,) = _grad(lambda x: tg.reduce_sum(la.det(x)), a)
    expected = np.linalg.det(a)[:, None, None] * np.swapaxes(np.linalg.inv(a), -1, -2)
    np.testing.assert_allclose(g, expected, rtol=1e-10)


def test_slogdet_gradient_is_inverse_transpose_and_sign_has_none(rng):
    a = _well_conditioned(rng, 3, 3) - 6 * np.eye(3)
    sign, logabs = la.slogdet(a)
    s_np, l_np = np.linalg.slogdet(a)
    assert sign.numpy() == s_np
    np.testing.assert_allclose(logabs.numpy(), l_np)
    (g,) = _grad(lambda x: la.slogdet(x)[1], a)
    np.testing.assert_allclose(g, np.linalg.inv(a).T, rtol=1e-10)
    x = tg.constant(a)
    with tg.GradientTape() as t:
        t.watch(x)
        s = la.slogdet(x)[0]
    assert t.gradient(s, x, unconnected_gradients="zero").numpy().tolist() == np.zeros((3, 3)).tolist()


def test_solve_value_broadcast_and_gradient(rng):
    a, b = _well_conditioned(rng, 2, 3, 3), rng.standard_normal((3, 2))
    np.testing.assert_allclose(la.solve(a, b).numpy(), np.linalg.solve(a, b))
    np.testing.assert_allclose(la.solve(a, b, adjoint=True).numpy(), np.linalg.solve(np.swapaxes(a, 1, 2), b))
    w = rng.standard_normal((2, 3, 2))
    ga, gb = _check_fd(lambda x, y: tg.reduce_sum(la.solve(x, y) * tg.constant(w)), a, b)
    gb_batch = np.linalg.solve(np.swapaxes(a, 1, 2), w)
    assert gb.shape == (3, 2)
    np.testing.assert_allclose(gb, gb_batch.sum(0))
    np.testing.assert_allclose(ga, -gb_batch @ np.swapaxes(np.linalg.solve(a, b), 1, 2))


def test_triangular_solve_reads_one_triangle(rng):
    a, b = _well_conditioned(rng, 3, 3), rng.standard_normal((3, 2))
    np.testing.assert_allclose(la.triangular_solve(a, b).numpy(), np.linalg.solve(np.tril(a), b))
    np.testing.assert_allclose(
        la.triangular_solve(a, b, lower=False, adjoint=True).numpy(), np.linalg.solve(np.triu(a).T, b)
    )
    w = rng.standard_normal((3, 2))
    for lower in (True, False):
        ga, _ = _check_fd(
            lambda x, y, lower=lower: tg.reduce_sum(la.triangular_solve(x, y, lower=lower) * tg.constant(w)), a, b
        )
        other = np.triu(ga, 1) if lower else np.tril(ga, -1)
        assert np.all(other == 0)
        assert np.all(ga[np.tril_indices(3) if lower else np.triu_indices(3)] != 0)


def test_square_and_rhs_errors():
    for fn in (la.inv, la.det, la.slogdet, la.cholesky, la.eigh):
        with pytest.raises(ValueError, match=r"must be a square matrix.*got shape \(2, 3\)"):
            fn(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"solve: rhs must have shape \[\.\.\., 3, K\].*got shape \(2, 1\)"):
        la.solve(np.eye(3), np.ones((2, 1)))
    with pytest.raises(ValueError, match=r"MatrixInverse: .*[Ss]ingular.*inputs: float64\[2, 2\]"):
        la.inv(np.zeros((2, 2)))


# -- cholesky and eigh ----------------------------------------------------------------------------
def test_cholesky_value_and_symmetric_gradient(rng):
    a = _spd(rng, 2, 3, 3)
    chol = la.cholesky(a).numpy()
    np.testing.assert_allclose(chol, np.linalg.cholesky(a))
    w = rng.standard_normal((2, 3, 3))
    (g,) = _check_fd(lambda x: tg.reduce_sum(la.cholesky(x) * tg.constant(w)), a)
    np.testing.assert_allclose(g, np.swapaxes(g, -1, -2), rtol=1e-12)
    # along a symmetric perturbation, the gradient predicts the change of L
    d = rng.standard_normal((2, 3, 3))
    d = d + np.swapaxes(d, -1, -2)
    eps = 1e-6
    change = np.sum((np.linalg.cholesky(a + eps * d) - np.linalg.cholesky(a - eps * d)) * w) / (2 * eps)
    np.testing.assert_allclose(np.sum(g * d), change, rtol=1e-6)


def test_logdet_and_cholesky_solve(rng):
    a, b = _spd(rng, 3, 3), rng.standard_normal((3, 2))
    np.testing.assert_allclose(la.logdet(a).numpy(), np.linalg.slogdet(a)[1])
    (g,) = _grad(la.logdet, a)
    np.testing.assert_allclose(g, np.linalg.inv(a), rtol=1e-10)
    np.testing.assert_allclose(la.cholesky_solve(la.cholesky(a), b).numpy(), np.linalg.solve(a, b))


def test_eigh_values_vectors_and_gradient(rng):
    a = rng.standard_normal((2, 3, 3))
    a = a + np.swapaxes(a, -1, -2)
    e, v = la.eigh(a)
    e, v = e.numpy(), v.numpy()
    np.testing.assert_allclose(e, np.linalg.eigvalsh(a))
    np.testing.assert_allclose(v @ (e[..., None] * np.swapaxes(v, -1, -2)), a, atol=1e-12)
    top = np.take_along_axis(v, np.argmax(np.abs(v), axis=-2)[..., None, :], axis=-2)
    assert np.all(top > 0)
    # d e_k / dA = v_k v_k^T
    (g,) = _grad(lambda x: tg.reduce_sum(la.eigvalsh(x)[:, 2]), a)
    np.testing.assert_allclose(g, v[:, :, 2:] * v[:, None, :, 2], atol=1e-12)
    w = rng.standard_normal((2, 3, 3))
    _check_fd(lambda x: tg.reduce_sum(la.eigh(x)[1] * tg.constant(w)), a, rtol=1e-5, atol=1e-6)


# -- norms ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "ord,axis,keepdims",
    [
        ("euclidean", None, False),
        (2, -1, False),
        (1, 0, True),
        (np.inf, 1, False),
        (3, 1, False),
        (0.5, None, True),
    ],
)
def test_vector_norms_match_numpy(rng, ord, axis, keepdims):
    x = rng.standard_normal((3, 4))
    np_ord = 2 if ord == "euclidean" else ord
    if axis is None:
        expected = np.linalg.norm(x.reshape(-1), np_ord, keepdims=False)
        expected = np.reshape(expected, (1, 1)) if keepdims else expected
    else:
        expected = np.linalg.norm(x, np_ord, axis=axis, keepdims=keepdims)
    out = tg.norm(x, ord=ord, axis=axis, keepdims=keepdims)
    assert out.shape == np.shape(expected)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12)
    w = rng.standard_normal(np.shape(expected))
    _check_fd(lambda t: tg.reduce_sum(tg.norm(t, ord=ord, axis=axis, keepdims=keepdims) * tg.constant(w)), x)


@pytest.mark.parametrize("ord", ["fro", "euclidean", 1, np.inf, 2])
def test_matrix_norms_match_numpy(rng, ord):
    x = rng.standard_normal((2, 3, 4))
    np_ord = "fro" if ord == "euclidean" else ord
    expected = np.linalg.norm(x, np_ord, axis=(1, 2))
    np.testing.assert_allclose(tg.norm(x, ord=ord, axis=(1, 2)).numpy(), expected, rtol=1e-12)
    kept = tg.norm(x, ord=ord, axis=[-1, 0], keepdims=True)
    assert kept.shape == (1, 3, 1)
    np.testing.assert_allclose(kept.numpy(), np.linalg.norm(x, np_ord, axis=(-1, 0), keepdims=True), rtol=1e-12)
    w = rng.standard_normal(2)
    _check_fd(lambda t: tg.reduce_sum(tg.norm(t, ord=ord, axis=(1, 2)) * tg.constant(w)), x)


@pytest.mark.parametrize(
    "ord,axis,shape",
    [
        ("euclidean", None, (4,)),
        (2, 0, (4,)),
        (1, None, (4,)),
        (np.inf, None, (4,)),
        (3, None, (4,)),
        ("fro", None, (4,)),
        ("fro", (0, 1), (2, 3)),
        (2, (0, 1), (2, 3)),
        (1, (1, 0), (2, 3)),
    ],
)
def test_norm_gradient_at_zero_is_zero_and_finite(ord, axis, shape):
    x = tg.constant(np.zeros(shape))
    with tg.GradientTape() as outer:
        outer.watch(x)
        with tg.GradientTape() as t:
            t.watch(x)
            y = tg.norm(x, ord=ord, axis=axis)
        g = t.gradient(y, x)
        s = tg.reduce_sum(g)
    assert float(y) == 0.0
    np.testing.assert_array_equal(g.numpy(), np.zeros(shape))
    assert np.all(np.isfinite(outer.gradient(s, x, unconnected_gradients="zero").numpy()))


def test_norm_gradient_with_a_zero_row(rng):
    x = rng.standard_normal((3, 4))
    x[1] = 0
    (g,) = _grad(lambda t: tg.reduce_sum(tg.norm(t, axis=1)), x)
    np.testing.assert_allclose(g[[0, 2]], x[[0, 2]] / np.linalg.norm(x[[0, 2]], axis=1, keepdims=True))
    np.testing.assert_array_equal(g[1], np.zeros(4))


def test_eigenvalue_gradient_finite_for_repeated_eigenvalues():
    (g,) = _grad(lambda x: tg.reduce_sum(la.eigvalsh(x) * tg.constant([1.0, 2.0, 3.0])), 2 * np.eye(3))
    assert np.all(np.isfinite(g))
    np.testing.assert_allclose(np.trace(g), 6.0)  # V diag(w) V^T for some orthonormal V


def test_norm_float32_and_errors(rng):
    x = tg.constant(rng.standard_normal((3, 4)).astype(np.float32))
    with tg.GradientTape() as t:
        t.watch(x)
        y = tg.norm(x, ord=3, axis=1)
    assert y.dtype == np.float32 and t.gradient(y, x).dtype == np.float32
    with pytest.raises(ValueError, match="ord must be positive"):
        tg.norm(x, ord=0)
    with pytest.raises(ValueError, match="'fro' needs a pair of axes"):
        tg.norm(x, ord="fro", axis=1)
    with pytest.raises(ValueError, match="unsupported matrix norm"):
        tg.norm(x, ord=3, axis=(0, 1))


# -- diagonals, trace, bands, transpose -----------------------------------------------------------
def test_trace_diag_diag_part(rng):
    x = rng.standard_normal((2, 3, 4))
    np.testing.assert_allclose(tg.trace(x).numpy(), np.trace(x, axis1=-2, axis2=-1))
    np.testing.assert_allclose(la.diag_part(x).numpy(), np.diagonal(x, axis1=-2, axis2=-1))
    (g,) = _grad(lambda t: tg.reduce_sum(tg.trace(t)), x)
    np.testing.assert_array_equal(g, np.broadcast_to(np.eye(3, 4), (2, 3, 4)))
    v = rng.standard_normal((2, 3))
    d = la.diag(v).numpy()
    np.testing.assert_array_equal(d, np.stack([np.diag(r) for r in v]))
    assert la.diag(v, num_rows=4).shape == (2, 4, 3)
    w = rng.standard_normal((2, 3, 3))
    (gv,) = _grad(lambda t: tg.reduce_sum(la.diag(t) * tg.constant(w)), v)
    np.testing.assert_array_equal(gv, np.diagonal(w, axis1=-2, axis2=-1))
    with pytest.raises(ValueError, match="does not fit a 4x5 matrix"):
        la.diag(v, num_rows=4, num_cols=5)


def test_band_part_and_matrix_transpose(rng):
    x = rng.standard_normal((2, 4, 4))
    np.testing.assert_array_equal(la.band_part(x, 1, 0).numpy(), np.tril(np.triu(x, -1)))
    np.testing.assert_array_equal(la.band_part(x, -1, 0).numpy(), np.tril(x))
    (g,) = _grad(lambda t: tg.reduce_sum(la.band_part(t, 0, -1)), x)
    np.testing.assert_array_equal(g, np.triu(np.ones((2, 4, 4))))
    np.testing.assert_array_equal(la.matrix_transpose(x).numpy(), np.swapaxes(x, 1, 2))
    w = rng.standard_normal((2, 4, 4))
    (g,) = _grad(lambda t: tg.reduce_sum(la.adjoint(t) * tg.constant(w)), x)
    np.testing.assert_array_equal(g, np.swapaxes(w, 1, 2))
    with pytest.raises(ValueError, match="rank >= 2"):
        la.matrix_transpose(np.ones(3))


def test_linalg_namespace_exports():
    for name in ("matmul", "tensordot", "einsum", "norm", "trace"):
        assert getattr(tg, name) is getattr(la, name)
    for name in la.__all__:
        assert callable(getattr(la, name))


@pytest.mark.parametrize(
    "matrix",
    [np.array([[1.0, 2.0], [2.0, 4.0]]), np.outer([1.0, 2.0, -1.0], [0.5, 1.0, 3.0]), np.zeros((2, 2))],
)
def test_det_gradient_at_singular_matrices_is_the_adjugate(matrix):
    a = tg.constant(matrix)
    with tg.GradientTape() as tape:
        tape.watch(a)
        d = tg.linalg.det(a)
    numeric = tg.numerical_gradient(lambda m: tg.linalg.det(m), a).numpy()
    np.testing.assert_allclose(tape.gradient(d, a).numpy(), numeric, atol=1e-7)
