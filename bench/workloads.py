"""The seven workloads of issue #7, each as hand-written NumPy (hand-derived gradients)
and through every available front end.

A :class:`Workload` holds zero-argument callables, one a row; ``"numpy"`` is the
baseline. The builders take the issue's sizes by default and smaller ones for tests.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable
from typing import Any

import numpy as np

import tapegrad as tg
from frameworks import NUMPY_NS, TAPEGRAD_NS, Framework

LR = 0.01


@dataclasses.dataclass
class Workload:
    """Rows timed against one another; each row's result is checked against its baseline's."""

    key: str
    title: str
    unit: str
    scale: float  # seconds -> unit
    rows: dict[str, Callable[[], Any]]
    baselines: dict[str, str] = dataclasses.field(default_factory=dict)  # row -> baseline row, if not "numpy"
    rtol: float = 1e-9
    atol: float = 0.0

    def baseline(self, row: str) -> str:
        return self.baselines.get(row, "numpy")

    def check(self) -> None:
        """Run every row once; raise AssertionError unless each equals its baseline (values and dtypes)."""
        results = {row: _leaves(run()) for row, run in self.rows.items()}
        for row, got in results.items():
            expected = results[self.baseline(row)]
            where = f"{self.key} {row!r} against {self.baseline(row)!r}"
            assert len(got) == len(expected), f"{where}: {len(got)} results, expected {len(expected)}"
            for g, e in zip(got, expected):
                assert g.dtype == e.dtype, f"{where}: dtype {g.dtype}, expected {e.dtype}"
                np.testing.assert_allclose(g, e, rtol=self.rtol, atol=self.atol, err_msg=where)


def _leaves(result: Any) -> list[np.ndarray]:
    """A result (array, tensor, or nested tuples and lists of them) as a flat list of NumPy arrays."""
    if isinstance(result, tuple | list):
        return [leaf for item in result for leaf in _leaves(item)]
    return [np.asarray(result)]


def _rows(frameworks: list[Framework], hand: Callable, make: Callable[[Framework], Callable]) -> dict:
    """The hand-written row, then one row per framework."""
    return {"numpy": hand, **{fw.key: make(fw) for fw in frameworks}}


def _transform_rows(frameworks, hand, transform: str, f, args: tuple, constants: tuple = ()) -> dict:
    """Rows timing ``fw.<transform>(x -> f(fw.ns, x, *constants))`` at ``args``, per framework."""

    def make(fw):
        consts = [fw.asarray(c) for c in constants]
        run = getattr(fw, transform)(lambda t: f(fw.ns, t, *consts))
        arrays = [fw.asarray(a) for a in args]
        return lambda: run(*arrays)

    return _rows(frameworks, hand, make)


# -- W1, W2: the 600-op chain -----------------------------------------------------------------------
def chain(ns, y, steps: int):
    """``y = sin(y) * 1.01 + 0.1`` ``steps`` times; returns ``sum(y)``."""
    for _ in range(steps):
        y = ns.sin(y) * 1.01 + 0.1
    return ns.sum(y)


def chain_numpy(x0: np.ndarray, steps: int) -> tuple:
    """The chain's value and hand-derived gradient."""
    y, cosines = x0, []
    for _ in range(steps):
        cosines.append(np.cos(y))
        y = np.sin(y) * 1.01 + 0.1
    grad = np.ones_like(y)
    for c in reversed(cosines):
        grad = grad * 1.01 * c
    return np.sum(y), grad


def _chain_workload(key: str, title: str, frameworks, x0: np.ndarray, steps: int) -> Workload:
    hand = lambda: chain_numpy(x0, steps)
    rows = _transform_rows(frameworks, hand, "value_and_grad", lambda ns, t: chain(ns, t, steps), (x0,))
    return Workload(key, title, "µs/op", 1e6 / (3 * steps), rows, rtol=1e-10)


def w1(frameworks: list[Framework], n: int = 16, steps: int = 200) -> Workload:
    """W1, plus tapegrad's ``.backward()`` and forward-only rows (nothing tracked, ``tg.no_grad``)."""
    x0 = np.random.default_rng(1).standard_normal(n)
    work = _chain_workload("W1", f"chain of {3 * steps} ops, float64 ({n},)", frameworks, x0, steps)

    def backward():
        x = tg.tensor(x0, requires_grad=True)
        total = chain(TAPEGRAD_NS, x, steps)
        total.backward()
        return total, x.grad

    untracked, requires_grad = tg.constant(x0), tg.tensor(x0, requires_grad=True)

    def no_grad():
        with tg.no_grad():
            return chain(TAPEGRAD_NS, requires_grad, steps)

    forward = "hand NumPy, forward only"
    work.rows |= {
        "tapegrad .backward()": backward,
        forward: lambda: chain(NUMPY_NS, x0, steps),
        "tapegrad forward, nothing tracked": lambda: chain(TAPEGRAD_NS, untracked, steps),
        "tapegrad forward, under tg.no_grad()": no_grad,
    }
    work.baselines |= dict.fromkeys(list(work.rows)[-3:], forward)
    return work


def w2(frameworks: list[Framework], steps: int = 200) -> Workload:
    x0 = np.asarray(np.random.default_rng(2).standard_normal())
    return _chain_workload("W2", f"chain of {3 * steps} ops, float64 0-d", frameworks, x0, steps)


# -- W3: an MLP training step ---------------------------------------------------------------------
def mlp_loss(ns, params, x, labels):
    """Mean softmax cross-entropy of a ReLU MLP; ``params`` is ``[w1, b1, w2, b2, ...]``."""
    h = x
    for i in range(0, len(params) - 2, 2):
        h = ns.relu(h @ params[i] + params[i + 1])
    return ns.xent(h @ params[-2] + params[-1], labels)


def mlp_step_numpy(params: list, x: np.ndarray, labels: np.ndarray) -> tuple:
    """Forward, hand-derived backward and SGD update in place; returns the loss and the gradients."""
    activations = [x]
    for w, b in zip(params[0:-2:2], params[1:-2:2]):
        activations.append(np.maximum(activations[-1] @ w + b, 0))
    logits = activations[-1] @ params[-2] + params[-1]
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    d = exp / exp.sum(axis=1, keepdims=True)  # the probabilities, turned into d loss / d logits
    batch = np.arange(len(labels))
    loss = -np.log(d[batch, labels]).mean()
    d[batch, labels] -= 1
    d /= len(labels)
    grads = []
    for i in range(len(activations) - 1, -1, -1):
        grads[:0] = [activations[i].T @ d, d.sum(0)]
        if i:
            d = (d @ params[2 * i].T) * (activations[i] > 0)
    for p, g in zip(params, grads):
        p -= LR * g
    return loss, grads


def w3(frameworks: list[Framework], sizes: tuple = (784, 256, 256, 10), batch: int = 64) -> Workload:
    rng = np.random.default_rng(3)
    weights = []
    for n_in, n_out in itertools.pairwise(sizes):
        weights += [(rng.standard_normal((n_in, n_out)) * np.sqrt(2 / n_in)).astype(np.float32)]
        weights += [np.zeros(n_out, np.float32)]
    x = rng.standard_normal((batch, sizes[0])).astype(np.float32)
    labels = rng.integers(0, sizes[-1], batch)

    def make(fw):
        step = fw.sgd_step(lambda ps, xs, ls: mlp_loss(fw.ns, ps, xs, ls), weights, LR)
        xa, la = fw.asarray(x), fw.asarray(labels)
        return lambda: step(xa, la)

    params = [w.copy() for w in weights]
    rows = _rows(frameworks, lambda: mlp_step_numpy(params, x, labels), make)
    title = f"MLP {'-'.join(map(str, sizes))} SGD step, batch {batch}, float32"
    return Workload("W3", title, "ms", 1e3, rows, rtol=1e-4, atol=1e-6)


# -- W4: an element-wise function of 10^6 values --------------------------------------------------
def w4_function(ns, x):
    return ns.sum(ns.exp(ns.sin(x)) * x**2)


def w4_numpy(x: np.ndarray) -> tuple:
    e, x2 = np.exp(np.sin(x)), x**2
    return np.sum(e * x2), e * (np.cos(x) * x2 + 2 * x)


def w4(frameworks: list[Framework], n: int = 10**6) -> Workload:
    x = np.random.default_rng(4).standard_normal(n)
    rows = _transform_rows(frameworks, lambda: w4_numpy(x), "value_and_grad", w4_function, (x,))
    return Workload("W4", f"sum(exp(sin(x)) * x**2), value + gradient, x float64 ({n},)", "ms", 1e3, rows)


# -- W5, W6, W7: second-order and Jacobian transforms ---------------------------------------------
def rosenbrock(ns, x):
    return ns.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def rosenbrock_hessian(x: np.ndarray) -> np.ndarray:
    """The tridiagonal Hessian of :func:`rosenbrock`."""
    diagonal = np.zeros_like(x)
    diagonal[:-1] = 1200 * x[:-1] ** 2 - 400 * x[1:] + 2
    diagonal[1:] += 200
    off = -400 * x[:-1]
    return np.diag(diagonal) + np.diag(off, 1) + np.diag(off, -1)


def w5(frameworks: list[Framework], n: int = 100) -> Workload:
    x = np.random.default_rng(5).standard_normal(n)
    rows = _transform_rows(frameworks, lambda: rosenbrock_hessian(x), "hessian", rosenbrock, (x,))
    return Workload("W5", f"Hessian of Rosenbrock, {n}-dim", "ms", 1e3, rows, atol=1e-9)


def tanh_layer(ns, x, w):
    return ns.tanh(w @ x)


def w6(frameworks: list[Framework], n: int = 200) -> Workload:
    rng = np.random.default_rng(6)
    w, x = rng.standard_normal((n, n)) / np.sqrt(n), rng.standard_normal(n)
    hand = lambda: (1 - np.tanh(w @ x) ** 2)[:, None] * w
    rows = _transform_rows(frameworks, hand, "jacobian", tanh_layer, (x,), (w,))
    return Workload("W6", f"Jacobian of tanh(W x), W {n}x{n}", "ms", 1e3, rows, atol=1e-12)


def logistic_loss(ns, x, a):
    return ns.sum(ns.log1p(ns.exp(a @ x)))


def logistic_hvp_numpy(a: np.ndarray, x: np.ndarray, v: np.ndarray) -> np.ndarray:
    """H v for ``sum(log(1 + exp(A x)))``: ``Aᵀ (s (1 - s) ⊙ (A v))`` with ``s = sigmoid(A x)``."""
    s = 1 / (1 + np.exp(-(a @ x)))
    return a.T @ (s * (1 - s) * (a @ v))


def w7(frameworks: list[Framework], m: int = 2000, n: int = 500) -> Workload:
    rng = np.random.default_rng(7)
    a, x, v = rng.standard_normal((m, n)) / np.sqrt(n), rng.standard_normal(n), rng.standard_normal(n)
    rows = _transform_rows(frameworks, lambda: logistic_hvp_numpy(a, x, v), "hvp", logistic_loss, (x, v), (a,))
    return Workload("W7", f"Hessian-vector product of sum(log(1 + exp(A x))), A {m}x{n}", "ms", 1e3, rows)


BUILDERS: dict[str, Callable[..., Workload]] = {"W1": w1, "W2": w2, "W3": w3, "W4": w4, "W5": w5, "W6": w6, "W7": w7}
TINY: dict[str, dict] = {
    "W1": {"n": 3, "steps": 4},
    "W2": {"steps": 4},
    "W3": {"sizes": (6, 5, 4, 3), "batch": 4},
    "W4": {"n": 10},
    "W5": {"n": 5},
    "W6": {"n": 4},
    "W7": {"m": 7, "n": 3},
}
