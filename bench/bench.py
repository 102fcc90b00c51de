"""Per-op overhead of tapegrad against the same computation written by hand in NumPy.

The chain: x float64 of shape (16,), ``y = sin(y) * 1.01 + 0.1`` repeated 200 times
(600 ops), gradient of ``sum(y)``. Prints median microseconds per op, forward and
backward, for each, and their ratio. Run with ``make bench`` (one thread).
"""

from __future__ import annotations

import statistics
import sys
import time

import numpy as np

import tapegrad as tg

STEPS = 200
OPS = 3 * STEPS


def chain_numpy(x0: np.ndarray) -> np.ndarray:
    """Forward and hand-derived backward of the chain in plain NumPy."""
    y = x0
    cosines = []
    for _ in range(STEPS):
        cosines.append(np.cos(y))
        y = np.sin(y) * 1.01 + 0.1
    grad = np.ones_like(y)
    for c in reversed(cosines):
        grad = grad * 1.01 * c
    return grad


def chain_tape(x0: np.ndarray) -> np.ndarray:
    """The same chain through tapegrad's GradientTape."""
    x = tg.constant(x0)
    with tg.GradientTape() as tape:
        tape.watch(x)
        y = x
        for _ in range(STEPS):
            y = tg.sin(y) * 1.01 + 0.1
        total = tg.reduce_sum(y)
    return tape.gradient(total, x).numpy()


def chain_backward(x0: np.ndarray) -> np.ndarray:
    """The same chain through the PyTorch face: requires_grad and backward()."""
    x = tg.tensor(x0, requires_grad=True)
    y = x
    for _ in range(STEPS):
        y = tg.sin(y) * 1.01 + 0.1
    tg.reduce_sum(y).backward()
    return x.grad.numpy()


def chain_untracked(x0: np.ndarray) -> np.ndarray:
    """The forward chain through tapegrad ops when no input requires grad."""
    y = tg.constant(x0)
    for _ in range(STEPS):
        y = tg.sin(y) * 1.01 + 0.1
    return y.numpy()


def chain_no_grad(x0: np.ndarray) -> np.ndarray:
    """The forward chain with autodiff switched off (``tg.no_grad``), on a tensor that requires grad."""
    y = tg.tensor(x0, requires_grad=True)
    with tg.no_grad():
        for _ in range(STEPS):
            y = tg.sin(y) * 1.01 + 0.1
    return y.numpy()


def chain_numpy_forward(x0: np.ndarray) -> np.ndarray:
    y = x0
    for _ in range(STEPS):
        y = np.sin(y) * 1.01 + 0.1
    return y


def median_seconds(fn, arg, repeats: int) -> float:
    fn(arg)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn(arg)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(repeats: int = 50) -> None:
    x0 = np.random.default_rng(0).standard_normal(16)
    np.testing.assert_allclose(chain_tape(x0), chain_numpy(x0), rtol=1e-12)
    np.testing.assert_allclose(chain_backward(x0), chain_numpy(x0), rtol=1e-12)
    rows = [
        ("hand-written NumPy, fwd+bwd", chain_numpy, None),
        ("tapegrad GradientTape, fwd+bwd", chain_tape, "hand-written NumPy, fwd+bwd"),
        ("tapegrad requires_grad + backward()", chain_backward, "hand-written NumPy, fwd+bwd"),
        ("hand-written NumPy, forward only", chain_numpy_forward, None),
        ("tapegrad, no input requires grad", chain_untracked, "hand-written NumPy, forward only"),
        ("tapegrad under tg.no_grad()", chain_no_grad, "hand-written NumPy, forward only"),
    ]
    results = {}
    print(f"600-op chain, x float64 (16,), median of {repeats} runs, Python {sys.version.split()[0]}")
    print(f"{'workload':40s} {'us/op':>8s} {'ratio':>7s}")
    for name, fn, base in rows:
        per_op = median_seconds(fn, x0, repeats) / OPS * 1e6
        results[name] = per_op
        ratio = f"{per_op / results[base]:6.2f}x" if base else ""
        print(f"{name:40s} {per_op:8.2f} {ratio:>7s}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
