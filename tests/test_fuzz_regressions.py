"""Bugs found by the program fuzzer (tests/fuzz_programs.py), each reduced to a minimal case."""

import numpy as np
import pytest

import tapegrad as tg
from tapegrad.engine.registry import OPS

EPS = 1e-6


def _numeric(f, x):
    x = np.array(x, dtype=np.float64)
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        saved = x[i]
        x[i] = saved + EPS
        plus = f(x)
        x[i] = saved - EPS
        minus = f(x)
        x[i] = saved
        g[i] = (plus - minus) / (2 * EPS)
    return g


def _gradient(f, x):
    x = tg.constant(x)
    with tg.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    return tape.gradient(y, x).numpy()


def test_add_n_rejects_inputs_of_different_shapes():
    # AddN's kernel broadcast later inputs into the first (``total += x``), but its gradient
    # hands each input the whole output gradient: shape (3,) for an input of shape (1,).
    with pytest.raises(ValueError, match="one shape"):
        OPS["AddN"].fn(tg.constant(np.ones(3)), tg.constant(np.ones(1)))


def test_einsum_gradient_of_an_operand_broadcast_along_a_label():
    # NumPy's einsum lets label j have size 1 in one operand and 4 in the other; the
    # gradient for the size-1 operand came back with shape (3, 4) instead of (3, 1).
    rng = np.random.default_rng(0)
    a, b, w = rng.standard_normal((3, 1)), rng.standard_normal((4, 2)), rng.standard_normal((3, 2))
    einsum = OPS["Einsum"].fn

    def f(x):
        return tg.reduce_sum(einsum(x, tg.constant(b), equation="ij,jk->ik") * w)

    np.testing.assert_allclose(_gradient(f, a), _numeric(lambda x: float(f(tg.constant(x))), a), rtol=1e-6)

    def g(y):
        return tg.reduce_sum(einsum(tg.constant(a), y, equation="ij,jk->ik") * w)

    np.testing.assert_allclose(_gradient(g, b), _numeric(lambda y: float(g(tg.constant(y))), b), rtol=1e-6)


@pytest.mark.parametrize(
    "shape,paddings,mode",
    [((1,), ((1, 1),), "REFLECT"), ((1, 1), ((1, 0), (1, 2)), "SYMMETRIC"), ((2,), ((0, 3),), "SYMMETRIC")],
)
def test_mirror_pad_rejects_paddings_wider_than_its_gradient_folds(shape, paddings, mode):
    # NumPy mirrors pads wider than the input again and again; MirrorPad's gradient folds
    # each border back once, so it was wrong (REFLECT of one entry) or failed in PadV2.
    x = tg.constant(np.ones(shape))
    with pytest.raises(ValueError, match="too wide"):
        OPS["MirrorPad"].fn(x, paddings=paddings, mode=mode)


def test_traced_gradient_reads_op_outputs_at_run_time():
    # Tanh's gradient is grad * (1 - y * y) with y = op.outputs[0]. Traced, y became a
    # Const holding tanh of the first call's input, reused by every later call.
    @tg.function
    def grad_of_tanh(x):
        return tg.gradients(tg.reduce_sum(tg.tanh(x)), [x])[0]

    grad_of_tanh(tg.constant(np.array([0.5, 1.0])))
    x = np.array([1.5, 2.0])
    np.testing.assert_allclose(grad_of_tanh(tg.constant(x)).numpy(), 1 - np.tanh(x) ** 2, rtol=1e-12)


def test_traced_training_step_uses_the_current_activations():
    # The README's train_step pattern: a tape inside tg.function; Sigmoid's gradient reads
    # op.outputs, so every call after the first used the first batch's activations.
    w = tg.Variable(np.ones(3))

    @tg.function
    def step(x):
        with tg.GradientTape() as tape:
            loss = tg.reduce_sum(tg.sigmoid(x * w))
        return tape.gradient(loss, w)

    step(tg.constant(np.array([0.1, 0.2, 0.3])))
    x = np.array([2.0, -1.0, 3.0])
    s = 1 / (1 + np.exp(-x))
    np.testing.assert_allclose(step(tg.constant(x)).numpy(), x * s * (1 - s), rtol=1e-12)


def test_strided_slice_grad_gradient_of_values_broadcast_into_the_slice():
    # StridedSliceGrad (scatter into zeros) broadcasts values of shape (2, 1) into the
    # (2, 2) entries its key selects; the gradient came back as (2, 2) for the (2, 1) input.
    key = (np.array([[0, 0], [2, 0]]), np.array([1, 1]))
    scatter = OPS["StridedSliceGrad"].fn
    w = np.random.default_rng(1).standard_normal((3, 4))

    def f(v):
        return tg.reduce_sum(scatter(v, shape=(3, 4), key=key) * w)

    v = np.array([[0.5], [-1.5]])
    np.testing.assert_allclose(_gradient(f, v), _numeric(lambda x: float(f(tg.constant(x))), v), rtol=1e-6)


@pytest.mark.parametrize("op_type", ["Cholesky", "SelfAdjointEigV2"])
def test_symmetric_matrix_kernels_reject_non_square_input(op_type):
    # Their kernels take the symmetric part 0.5 * (x + x^T) first: for x of shape (3, 1)
    # that broadcast to a (3, 3) matrix, and the gradient had shape (3, 3).
    with pytest.raises(ValueError, match="square"):
        OPS[op_type].fn(tg.constant(np.array([[2.0], [1.0], [3.0]])))


def test_compiled_graph_keeps_buffers_that_views_read():
    @tg.function
    def f(x):
        y = x + 1.0  # a fresh buffer
        b = tg.broadcast_to(y, (3, 4))  # a view of it
        z = y * 2.0  # y's last direct use: written into y's buffer
        return b - z

    x = np.arange(3.0).reshape(3, 1)
    np.testing.assert_array_equal(f(tg.constant(x)).numpy(), np.broadcast_to(-(x + 1.0), (3, 4)))


def test_compiled_graph_keeps_buffers_that_reshapes_read():
    @tg.function
    def f(x):
        y = tg.exp(x)
        flat = tg.reshape(y, (3,))
        return flat - tg.reshape(tg.sin(y), (3,))

    x = np.arange(3.0).reshape(3, 1)
    np.testing.assert_allclose(f(tg.constant(x)).numpy(), (np.exp(x) - np.sin(np.exp(x))).ravel(), rtol=1e-12)


def test_matrix_diag_rejects_a_diagonal_shorter_than_the_matrix():
    # With num_rows=3, num_cols=2 the kernel put a diagonal of length 1 in a 3x2 matrix;
    # the gradient (the main diagonal, length 2) then did not fit the input of shape (1,).
    with pytest.raises(ValueError, match="does not fit"):
        OPS["MatrixDiag"].fn(tg.constant(np.array([1.5])), num_rows=3, num_cols=2)


@pytest.mark.parametrize("shape", [(0, 0), (2, 0, 0)])
def test_eigh_of_empty_matrices_and_its_gradient(shape):
    # The sign normalisation of the eigenvectors took an argmax over an empty axis, which
    # raised: in tg.linalg.eigh, and in the gradient of tg.linalg.eigvalsh (which calls it).
    x = tg.constant(np.zeros(shape))
    e, v = tg.linalg.eigh(x)
    assert e.shape == shape[:-1] and v.shape == shape
    with tg.GradientTape() as tape:
        tape.watch(x)
        y = tg.reduce_sum(tg.linalg.eigvalsh(x))
    assert tape.gradient(y, x).shape == shape


def test_log_ndtr_second_derivative_far_in_the_left_tail():
    """The fuzzer's central differences of log_ndtr's gradient at x = -40 were off by 1e-3 (the
    gradient's rounding divided by the step), not the derivative: it equals -r (x + r), r = pdf / cdf,
    and the fuzzer now treats differences that disagree with themselves at twice the step as no evidence."""
    special = pytest.importorskip("scipy.special")
    x0 = np.array([-40.0, -12.0, -3.0, 3.0])
    x = tg.constant(x0)
    with tg.GradientTape() as outer:
        outer.watch(x)
        with tg.GradientTape() as inner:
            inner.watch(x)
            y = tg.reduce_sum(tg.log_ndtr(x))
        g = tg.reduce_sum(inner.gradient(y, x))
    h = outer.gradient(g, x).numpy()
    r = np.exp(-0.5 * x0**2 - 0.5 * np.log(2 * np.pi) - special.log_ndtr(x0))
    np.testing.assert_allclose(h, -r * (x0 + r), rtol=1e-8)
