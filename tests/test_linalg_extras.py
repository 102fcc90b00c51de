"""tapegrad.numpy.linalg and the SVD, QR and pseudo-inverse ops: values against NumPy,
first and second derivatives against finite differences, and against PyTorch when installed."""

import numpy as np
import pytest

import tapegrad as tg
from tapegrad.numpy import linalg as tla
from tapegrad.ops.fft_ops import complex as complex_

_rng = np.random.default_rng(7)


def _n(*shape):
    return _rng.standard_normal(shape)


def _well(*shape):
    return _n(*shape) + shape[-1] * np.eye(shape[-1])


def _spd(*shape):
    a = _n(*shape)
    return a @ np.swapaxes(a, -1, -2) + shape[-1] * np.eye(shape[-1])


def _sym(*shape):
    a = _n(*shape)
    return a + np.swapaxes(a, -1, -2)


def _spread(rows, cols, *batch):
    """Matrices with well-separated singular values 1.5, 2.5, 3.5, ... (stable vectors)."""
    k = min(rows, cols)
    u = np.linalg.qr(_n(*batch, rows, k))[0]
    v = np.linalg.qr(_n(*batch, cols, k))[0]
    return (u * (1.5 + np.arange(k))) @ np.swapaxes(v, -1, -2)


def _low_rank(rows, cols, rank):
    return _n(rows, rank) @ _n(rank, cols)


def _positive_leading(v, k=None):
    """Columns of ``v`` (the first k) flipped so that their largest-magnitude entry is positive."""
    v = np.array(v)
    k = v.shape[-1] if k is None else k
    lead = v[..., :k]
    top = np.take_along_axis(lead, np.argmax(np.abs(lead), axis=-2)[..., None, :], axis=-2)
    return np.concatenate([lead * np.sign(top), v[..., k:]], axis=-1)


def _numpy_svd(a, full_matrices=True):
    """NumPy's SVD with tapegrad's sign convention (first K columns of U, rows of Vh follow)."""
    u, s, vh = np.linalg.svd(a, full_matrices=full_matrices)
    k = s.shape[-1]
    flipped = _positive_leading(u, k)
    signs = np.sign(np.sum(flipped[..., :k] * u[..., :k], axis=-2))
    vh = np.concatenate([vh[..., :k, :] * signs[..., :, None], vh[..., k:, :]], axis=-2)
    return flipped, s, vh


def _numpy_eigh(a):
    w, v = np.linalg.eigh(a)
    return w, _positive_leading(v)


def _arrays(out):
    """A result (a tensor, an array or a tuple of them) as a list of arrays."""
    return [np.asarray(o) for o in (out if isinstance(out, tuple | list) else [out])]


# -- values against NumPy ------------------------------------------------------------------------
_VALUE_CASES = [
    ("inv", tla.inv, np.linalg.inv, [_well(3, 3)]),
    ("inv[batch]", tla.inv, np.linalg.inv, [_well(2, 3, 3)]),
    ("det", tla.det, np.linalg.det, [_well(2, 3, 3)]),
    ("slogdet", tla.slogdet, np.linalg.slogdet, [_well(3, 3) - 5 * np.eye(3)]),
    ("solve[vector]", tla.solve, np.linalg.solve, [_well(3, 3), _n(3)]),
    ("solve[batch]", tla.solve, np.linalg.solve, [_well(2, 3, 3), _n(2, 3, 2)]),
    ("solve[broadcast]", tla.solve, np.linalg.solve, [_well(2, 3, 3), _n(3, 2)]),
    ("cholesky", tla.cholesky, np.linalg.cholesky, [_spd(2, 3, 3)]),
    ("cholesky[upper]", lambda a: tla.cholesky(a, upper=True), lambda a: np.linalg.cholesky(a, upper=True),
     [_spd(3, 3)]),
    ("eigh", tla.eigh, _numpy_eigh, [_sym(2, 3, 3)]),
    ("eigvalsh", tla.eigvalsh, np.linalg.eigvalsh, [_sym(4, 4)]),
    ("svd[tall]", tla.svd, _numpy_svd, [_n(5, 3)]),
    ("svd[wide]", tla.svd, _numpy_svd, [_n(2, 3, 4)]),
    ("svd[reduced]", lambda a: tla.svd(a, full_matrices=False), lambda a: _numpy_svd(a, False), [_n(5, 3)]),
    ("svd[values]", lambda a: tla.svd(a, compute_uv=False), lambda a: np.linalg.svd(a, compute_uv=False),
     [_n(2, 4, 3)]),
    ("svdvals", tla.svdvals, np.linalg.svdvals, [_n(3, 5)]),
    *[(f"qr[{mode},{shape}]", lambda a, mode=mode: tla.qr(a, mode), lambda a, mode=mode: np.linalg.qr(a, mode),
       [_n(*shape)]) for mode in ("reduced", "complete", "r") for shape in ((5, 3), (3, 5), (2, 3, 3))],
    ("pinv[tall]", tla.pinv, np.linalg.pinv, [_n(5, 3)]),
    ("pinv[rank 2]", tla.pinv, np.linalg.pinv, [_low_rank(4, 5, 2)]),
    ("pinv[rtol]", lambda a: tla.pinv(a, rtol=None), lambda a: np.linalg.pinv(a, rtol=None), [_n(2, 3, 4)]),
    ("pinv[hermitian]", lambda a: tla.pinv(a, hermitian=True), lambda a: np.linalg.pinv(a, hermitian=True),
     [_sym(3, 3)]),
    *[(f"matrix_power[{k}]", lambda a, k=k: tla.matrix_power(a, k), lambda a, k=k: np.linalg.matrix_power(a, k),
       [_well(2, 3, 3)]) for k in (-3, -1, 0, 1, 2, 5)],
    ("multi_dot", lambda *a: tla.multi_dot(a), lambda *a: np.linalg.multi_dot(a), [_n(3), _n(3, 4), _n(4, 2), _n(2)]),
    ("matrix_rank", tla.matrix_rank, np.linalg.matrix_rank, [_low_rank(4, 5, 2)]),
]  # fmt: skip


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name,fn,np_fn,arrays", _VALUE_CASES, ids=[c[0] for c in _VALUE_CASES])
def test_values_match_numpy(name, fn, np_fn, arrays, dtype):
    arrays = [a.astype(dtype) for a in arrays]
    got, expected = fn(*arrays), np_fn(*arrays)
    assert isinstance(got, tuple) == isinstance(expected, tuple)
    assert len(_arrays(got)) == len(_arrays(expected))
    tol = 1e-10 if dtype == np.float64 else 2e-4
    for g, e in zip(_arrays(got), _arrays(expected)):
        assert g.shape == e.shape
        assert g.dtype == e.dtype
        np.testing.assert_allclose(g, e, rtol=tol, atol=tol)


def test_results_are_tensors_with_numpy_field_names():
    a = _spread(4, 3)
    u, s, vh = tla.svd(a, full_matrices=False)
    assert isinstance(u, tg.Tensor)
    assert tla.svd(a).S.shape == (3,)
    assert tla.qr(a).R.shape == (3, 3)
    assert tla.eigh(_sym(3, 3)).eigenvalues.shape == (3,)
    assert tla.slogdet(_well(3, 3)).logabsdet.shape == ()
    np.testing.assert_allclose((u * s) @ vh, a, atol=1e-12)


def test_tensorflow_faces():
    """tg.linalg.svd returns (s, u, v) as tf.linalg.svd does; qr and pinv follow tf.linalg too."""
    a = _spread(4, 3)
    s, u, v = tg.linalg.svd(a)
    np.testing.assert_allclose(((u * s) @ tg.transpose(v)).numpy(), a, atol=1e-12)
    np.testing.assert_allclose(tg.linalg.svd(a, compute_uv=False).numpy(), np.linalg.svd(a, compute_uv=False))
    assert tg.linalg.svd(a, full_matrices=True)[1].shape == (4, 4)
    q, r = tg.linalg.qr(a)
    np.testing.assert_allclose((q @ r).numpy(), a, atol=1e-12)
    assert tg.linalg.qr(a, full_matrices=True)[0].shape == (4, 4)
    np.testing.assert_allclose(tg.linalg.pinv(a).numpy(), np.linalg.pinv(a), atol=1e-12)
    assert tg.linalg.pinv(a.astype(np.float32)).dtype == np.float32
    with pytest.raises(TypeError, match="complex"):
        tg.linalg.svd(a + 1j)


def test_python_floats_and_integers_become_float64():
    assert tla.inv([[2.0, 0.0], [0.0, 4.0]]).dtype == np.float64
    assert tla.det([[2, 1], [1, 3]]).dtype == np.float64
    assert tla.norm([3, 4]).numpy() == 5.0
    assert tla.matrix_power(np.array([[2, 0], [0, 1]]), 3).dtype == np.int64


_NORM_CASES = [
    *[(x, ord, axis, kd)
      for x, axes in ((_n(5), (None, 0, -1)), (_n(2, 3, 4), (1, -1, 0)))
      for ord in (None, 2, 1, np.inf, -np.inf, 0, 3, 0.5, -1, -2.5)
      for axis in axes if not (x.ndim == 3 and axis is None)
      for kd in (False, True)],
    *[(x, ord, axis, kd)
      for x, axes in ((_n(3, 4), (None, (0, 1), (1, 0))), (_n(2, 3, 4), ((1, 2), (2, 0), (-1, -3))))
      for ord in (None, "fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf)
      for axis in axes
      for kd in (False, True)],
    (_n(2, 3, 4), None, None, False),
    (_n(2, 3, 4), None, None, True),
]  # fmt: skip


@pytest.mark.parametrize("x,ord,axis,keepdims", _NORM_CASES)
def test_norm_matches_numpy(x, ord, axis, keepdims):
    got = tla.norm(x, ord, axis, keepdims)
    expected = np.linalg.norm(x, ord, axis, keepdims)
    assert got.shape == np.shape(expected)
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-12)


@pytest.mark.parametrize(
    "fn,np_fn",
    [
        (lambda x: tla.vector_norm(x, axis=(0, 2), ord=3), lambda x: np.linalg.vector_norm(x, axis=(0, 2), ord=3)),
        (lambda x: tla.vector_norm(x, keepdims=True), lambda x: np.linalg.vector_norm(x, keepdims=True)),
        (lambda x: tla.matrix_norm(x, ord="nuc"), lambda x: np.linalg.matrix_norm(x, ord="nuc")),
        (lambda x: tla.matrix_norm(x, ord=-np.inf, keepdims=True),
         lambda x: np.linalg.matrix_norm(x, ord=-np.inf, keepdims=True)),
        (lambda x: tla.norm(x + 1j * x[::-1], axis=-1), lambda x: np.linalg.norm(x + 1j * x[::-1], axis=-1)),
        (lambda x: tla.norm(x + 1j * x[::-1], ord=1, axis=(0, 1)),
         lambda x: np.linalg.norm(x + 1j * x[::-1], ord=1, axis=(0, 1))),
    ],
)  # fmt: skip
def test_array_api_and_complex_norms_match_numpy(fn, np_fn):
    x = _n(2, 3, 4)
    np.testing.assert_allclose(fn(x).numpy(), np_fn(x), rtol=1e-12)


def test_wide_qr_is_numpys_factorisation():
    """A wide matrix is factored through its leading square block; NumPy gets the same Q and R."""
    a = _n(3, 5)
    q, r = tla.qr(a)
    np.testing.assert_allclose(q.numpy(), np.linalg.qr(a)[0], atol=1e-12)
    np.testing.assert_allclose(r.numpy(), np.linalg.qr(a)[1], atol=1e-12)
    np.testing.assert_allclose(np.tril(r.numpy(), -1), 0, atol=1e-15)


# -- derivatives against finite differences --------------------------------------------------------
def _check(fn, *arrays, second=True):
    """First (and second) derivatives of every output of ``fn`` against central differences (float64)."""
    inputs = [tg.tensor(a, requires_grad=True) for a in arrays]
    assert tg.autograd.gradcheck(fn, inputs, atol=1e-6, rtol=1e-4)
    if second:
        assert tg.autograd.gradgradcheck(fn, inputs, atol=1e-5, rtol=1e-3)


_GRAD_CASES = [
    ("solve[vector]", tla.solve, [_well(3, 3), _n(3)]),
    ("cholesky[upper]", lambda a: tla.cholesky(a, upper=True), [_spd(3, 3)]),
    ("eigh", tla.eigh, [_sym(3, 3)]),
    ("svd[tall]", lambda a: tla.svd(a, full_matrices=False), [_spread(4, 3)]),
    ("svd[wide]", lambda a: tla.svd(a, full_matrices=False), [_spread(2, 4)]),
    ("svd[square]", tla.svd, [_spread(3, 3)]),
    ("svd[batch]", lambda a: tla.svd(a, full_matrices=False), [_spread(3, 2, 2)]),
    ("svd[values]", lambda a: tla.svd(a, compute_uv=False), [_spread(3, 4)]),
    ("svdvals", tla.svdvals, [_spread(2, 3, 3)]),
    ("qr[square]", tla.qr, [_well(3, 3)]),
    ("qr[tall]", tla.qr, [_n(5, 3)]),
    ("qr[wide]", tla.qr, [_n(2, 4)]),
    ("qr[r]", lambda a: tla.qr(a, mode="r"), [_n(2, 4, 3)]),
    ("qr[complete square]", lambda a: tla.qr(a, mode="complete"), [_n(3, 3)]),
    ("pinv[tall]", tla.pinv, [_spread(4, 3)]),
    ("pinv[wide]", tla.pinv, [_spread(2, 4)]),
    ("pinv[rank 2 path]", lambda b, c: tla.pinv(b @ c, rcond=1e-10), [_n(4, 2), _n(2, 3)]),
    ("matrix_power[-2]", lambda a: tla.matrix_power(a, -2), [_well(3, 3)]),
    ("matrix_power[5]", lambda a: tla.matrix_power(a, 5), [0.5 * _n(2, 3, 3)]),
    ("multi_dot", lambda a, b, c: tla.multi_dot([a, b, c]), [_n(3), _n(3, 4), _n(4, 2)]),
    *[(f"norm[matrix {o}]", lambda x, o=o: tla.norm(x, o, axis=(2, 0)), [_spread(3, 2, 4).transpose(0, 2, 1)])
      for o in (None, "nuc", 2, -2, 1, -1, np.inf, -np.inf)],
    *[(f"norm[vector {o}]", lambda x, o=o: tla.norm(x, o, axis=-1, keepdims=True), [_n(2, 5)])
      for o in (None, 1, 3, 0.5, -1.5, np.inf, -np.inf)],
    ("norm[flat]", tla.norm, [_n(2, 3, 2)]),
    ("norm[complex vector]", lambda x, y: tla.norm(complex_(x, y), axis=0), [_n(4, 2), _n(4, 2)]),
]  # fmt: skip


@pytest.mark.parametrize("name,fn,arrays", _GRAD_CASES, ids=[c[0] for c in _GRAD_CASES])
def test_derivatives_match_finite_differences(name, fn, arrays):
    _check(fn, *arrays)


def test_norms_have_zero_gradient_at_zero():
    x = tg.Variable(np.zeros((2, 3)))
    with tg.GradientTape() as tape:
        y = tla.norm(x) + tla.norm(x, "fro") + tla.norm(x, 1, axis=1).sum()
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), 0.0)


def test_matrix_power_zero_is_a_constant_identity():
    a = tg.Variable(_well(2, 3, 3))
    with tg.GradientTape() as tape:
        y = tla.matrix_power(a, 0)
    np.testing.assert_array_equal(y.numpy(), np.broadcast_to(np.eye(3), (2, 3, 3)))
    assert tape.gradient(y, a) is None


# -- full matrices: gradients that stay in the well-defined part, and those that do not ------------
@pytest.mark.parametrize(
    "factor,shape,used",
    [
        (tla.svd, (5, 3), lambda u, s, vh: u[:, :3] * s @ vh + u[:, :3]),
        (tla.svd, (3, 5), lambda u, s, vh: (u * s) @ vh[:3] + vh[:3]),
        (lambda a: tla.qr(a, "complete"), (5, 3), lambda q, r: q[:, :3] @ r[:3] + q[:, :3]),
    ],
)
def test_full_matrices_gradient_through_the_unique_part(factor, shape, used):
    """With full matrices, a loss of the first K columns (and of S, R) has a gradient, and it is right."""
    a = _spread(*shape)
    w = tg.constant(_n(*used(*factor(a)).shape))

    def loss(x):
        return tg.reduce_sum(used(*factor(x)) * w)

    x = tg.Variable(a)
    with tg.GradientTape() as tape:
        y = loss(x)
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), tg.numerical_gradient(lambda v: float(loss(v)), a),
                               atol=1e-6)  # fmt: skip


@pytest.mark.parametrize(
    "factor,shape,extra",
    [
        (lambda a: tla.svd(a)[0], (5, 3), lambda u: u[:, 3:]),
        (lambda a: tla.svd(a)[2], (3, 5), lambda vh: vh[3:]),
        (lambda a: tla.qr(a, "complete")[0], (5, 3), lambda q: q[:, 3:]),
    ],
)
def test_gradient_reaching_an_arbitrary_basis_raises(factor, shape, extra):
    x = tg.Variable(_spread(*shape))
    with tg.GradientTape() as tape:
        y = tg.reduce_sum(extra(factor(x)))
    with pytest.raises(ValueError, match="arbitrary orthonormal basis"):
        tape.gradient(y, x)


# -- errors ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "call,error,match",
    [
        (lambda: tla.inv(_n(3, 4)), tla.LinAlgError, "square"),
        (lambda: tla.det(_n(3)), tla.LinAlgError, "two-dimensional"),
        (lambda: tla.svd(_n(3, 3) + 1j), TypeError, "complex"),
        (lambda: tla.qr(_n(3, 3), mode="raw"), ValueError, "mode"),
        (lambda: tla.eigh(_sym(3, 3), UPLO="X"), ValueError, "UPLO"),
        (lambda: tla.matrix_power(_n(3, 3), 1.5), TypeError, "integer"),
        (lambda: tla.matrix_power(_n(3, 2), 2), tla.LinAlgError, "square"),
        (lambda: tla.pinv(_n(3, 3), rcond=1e-3, rtol=1e-3), ValueError, "both"),
        (lambda: tla.norm(_n(3), "fro"), ValueError, "Invalid norm order"),
        (lambda: tla.norm(_n(3, 3), 3), ValueError, "Invalid norm order"),
        (lambda: tla.norm(_n(2, 3, 3), 2), ValueError, "Improper number of dimensions"),
        (lambda: tla.norm(_n(2, 3, 3), axis=(0, 1, 2)), ValueError, "Improper number of dimensions"),
        (lambda: tla.multi_dot([_n(3, 3)]), ValueError, "two arrays"),
        (lambda: tla.solve(np.zeros((2, 2)), _n(2)), tla.LinAlgError, "Singular"),
    ],
)
def test_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


# -- PyTorch -------------------------------------------------------------------------------------------
def _sign_free_svd_loss(u, s, vh, w):
    """A loss of U, S and Vh that does not depend on the signs of the singular vectors."""
    return (s * w[0]).sum() + (u * u * w[1]).sum() + (vh * vh * w[2]).sum()


class TestAgainstPyTorch:
    @pytest.fixture(autouse=True)
    def _torch(self):
        self.torch = pytest.importorskip("torch")

    def _grads(self, tg_loss, torch_loss, *arrays):
        xs = [tg.constant(a) for a in arrays]
        with tg.GradientTape() as tape:
            tape.watch(xs)
            y = tg_loss(*xs)
        ours = [g.numpy() for g in tape.gradient(y, xs)]
        ts = [self.torch.tensor(a, requires_grad=True) for a in arrays]
        torch_y = torch_loss(*ts)
        theirs = [g.numpy() for g in self.torch.autograd.grad(torch_y, ts)]
        np.testing.assert_allclose(float(y), torch_y.item(), rtol=1e-10)
        for g, t in zip(ours, theirs):
            np.testing.assert_allclose(g, t, rtol=1e-7, atol=1e-9)

    @pytest.mark.parametrize("shape", [(4, 3), (3, 5), (2, 3, 3)])
    def test_svd(self, shape):
        a = _spread(shape[-2], shape[-1], *shape[:-2])
        k = min(shape[-2:])
        w = [_n(*shape[:-2], k), _n(*shape[:-1], k), _n(*shape[:-2], k, shape[-1])]
        loss = _sign_free_svd_loss
        self._grads(
            lambda x: loss(*tla.svd(x, full_matrices=False), [tg.constant(v) for v in w]),
            lambda x: loss(*self.torch.linalg.svd(x, full_matrices=False), [self.torch.tensor(v) for v in w]),
            a,
        )

    @pytest.mark.parametrize("shape", [(3, 3), (5, 3), (2, 4, 3), (3, 5)])
    def test_qr(self, shape):
        a = _n(*shape)
        q_np, r_np = np.linalg.qr(a)
        wq, wr = _n(*q_np.shape), _n(*r_np.shape)

        def loss(q, r, wq, wr):
            return (q * wq).sum() + (r * wr).sum()

        self._grads(
            lambda x: loss(*tla.qr(x), tg.constant(wq), tg.constant(wr)),
            lambda x: loss(*self.torch.linalg.qr(x), self.torch.tensor(wq), self.torch.tensor(wr)),
            a,
        )

    @pytest.mark.parametrize(
        "name,args",
        [("pinv", ()), ("matrix_power", (3,)), ("matrix_power", (-2,)), ("eigvalsh", ()), ("svdvals", ())],
    )
    def test_functions(self, name, args):
        a = _spread(3, 3) + 0.5 * np.eye(3) if name != "eigvalsh" else _sym(3, 3)
        w = _n(*np.shape(getattr(np.linalg, name)(a, *args)))
        self._grads(
            lambda x: (getattr(tla, name)(x, *args) * tg.constant(w)).sum(),
            lambda x: (getattr(self.torch.linalg, name)(x, *args) * self.torch.tensor(w)).sum(),
            a,
        )

    @pytest.mark.parametrize(
        "ord,axis", [(None, None), ("nuc", (0, 1)), (2, (1, 0)), (-2, None), (1, None), (-np.inf, None), (3, 1)]
    )
    def test_norm(self, ord, axis):
        a = _spread(3, 4)
        self._grads(
            lambda x: tla.norm(x, ord, axis).sum(),
            lambda x: self.torch.linalg.norm(x, ord, axis).sum(),
            a,
        )
