"""tapegrad against the same computations written by hand in NumPy, in one run.

1. The chain: x float64 of shape (16,), ``y = sin(y) * 1.01 + 0.1`` repeated 200 times
   (600 ops), gradient of ``sum(y)``: median microseconds per op, forward and backward.
2. A training step of a 784-256-256-10 MLP (batch 64, float32, ReLU, softmax
   cross-entropy, SGD, gradients of all six parameters): median milliseconds.

Each tapegrad figure is also given as a ratio to hand-written NumPy. Run with
``make bench`` (one thread).
"""

from __future__ import annotations

import itertools
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


_compiled_chain = None


def chain_function(x0: np.ndarray) -> np.ndarray:
    """The chain and its gradient inside one tg.function (traced once, then compiled)."""
    global _compiled_chain
    if _compiled_chain is None:

        def chain_and_gradient(x):
            with tg.GradientTape() as tape:
                tape.watch(x)
                y = x
                for _ in range(STEPS):
                    y = tg.sin(y) * 1.01 + 0.1
                total = tg.reduce_sum(y)
            return tape.gradient(total, x)

        _compiled_chain = tg.function(chain_and_gradient)
    return _compiled_chain(x0).numpy()


# -- the MLP training step --------------------------------------------------------
SIZES = (784, 256, 256, 10)
BATCH = 64
LR = 0.01


def mlp_data(seed: int = 0):
    rng = np.random.default_rng(seed)
    weights = []
    for n_in, n_out in itertools.pairwise(SIZES):
        weights.append((rng.standard_normal((n_in, n_out)) * np.sqrt(2 / n_in)).astype(np.float32))
        weights.append(np.zeros(n_out, np.float32))
    x = rng.standard_normal((BATCH, SIZES[0])).astype(np.float32)
    labels = rng.integers(0, SIZES[-1], BATCH)
    return weights, x, labels


def mlp_step_numpy(params, x, labels):
    """Forward, hand-derived backward and SGD update in NumPy; returns the loss."""
    w1, b1, w2, b2, w3, b3 = params
    h1 = np.maximum(x @ w1 + b1, 0)
    h2 = np.maximum(h1 @ w2 + b2, 0)
    logits = h2 @ w3 + b3
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    probs = exp / exp.sum(axis=1, keepdims=True)
    loss = -np.log(probs[np.arange(BATCH), labels]).mean()
    d = probs
    d[np.arange(BATCH), labels] -= 1
    d /= BATCH
    gw3, gb3 = h2.T @ d, d.sum(0)
    d = (d @ w3.T) * (h2 > 0)
    gw2, gb2 = h1.T @ d, d.sum(0)
    d = (d @ w2.T) * (h1 > 0)
    gw1, gb1 = x.T @ d, d.sum(0)
    for p, g in zip(params, (gw1, gb1, gw2, gb2, gw3, gb3)):
        p -= LR * g
    return loss


def mlp_step_tapegrad(variables, x, labels):
    """The same step with a GradientTape and Variable updates."""
    w1, b1, w2, b2, w3, b3 = variables
    with tg.GradientTape() as tape:
        h1 = tg.relu(x @ w1 + b1)
        h2 = tg.relu(h1 @ w2 + b2)
        logits = h2 @ w3 + b3
        loss = tg.reduce_mean(tg.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))
    grads = tape.gradient(loss, variables)
    for v, g in zip(variables, grads):
        v.assign_sub(LR * g)
    return loss


def mlp_rows(repeats: int):
    weights, x, labels = mlp_data()
    params = [w.copy() for w in weights]
    variables = [tg.Variable(w) for w in weights]
    compiled_vars = [tg.Variable(w) for w in weights]
    compiled = tg.function(lambda x, labels: mlp_step_tapegrad(compiled_vars, x, labels))
    x_t, labels_t = tg.constant(x), tg.constant(labels)
    np.testing.assert_allclose(
        float(mlp_step_tapegrad(variables, x_t, labels_t)), mlp_step_numpy(params, x, labels), rtol=1e-5
    )
    base = "MLP step, hand-written NumPy"
    return [
        (base, lambda _: mlp_step_numpy(params, x, labels), None),
        ("MLP step, tapegrad eager", lambda _: mlp_step_tapegrad(variables, x_t, labels_t), base),
        ("MLP step, tapegrad tg.function", lambda _: compiled(x_t, labels_t), base),
    ]


def median_seconds(rows, arg, repeats: int) -> dict:
    """Median seconds of each row's function, the rows run in turn (so drifts in machine
    speed affect them alike)."""
    times = {name: [] for name, _, _ in rows}
    for _, fn, _ in rows:
        fn(arg)  # warm up (and trace, for tg.function)
    for _ in range(repeats):
        for name, fn, _ in rows:
            start = time.perf_counter()
            fn(arg)
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def report(title: str, unit: str, scale: float, rows, arg, repeats: int) -> None:
    medians = median_seconds(rows, arg, repeats)
    print(f"\n{title}")
    print(f"{'workload':40s} {unit:>8s} {'ratio':>7s}")
    for name, _, base in rows:
        value = medians[name] * scale
        ratio = f"{medians[name] / medians[base]:6.2f}x" if base else ""
        print(f"{name:40s} {value:8.2f} {ratio:>7s}")


def main(repeats: int = 50) -> None:
    x0 = np.random.default_rng(0).standard_normal(16)
    for fn in (chain_tape, chain_backward, chain_function):
        np.testing.assert_allclose(fn(x0), chain_numpy(x0), rtol=1e-12)
    chain = [
        ("hand-written NumPy, fwd+bwd", chain_numpy, None),
        ("tapegrad GradientTape, fwd+bwd", chain_tape, "hand-written NumPy, fwd+bwd"),
        ("tapegrad requires_grad + backward()", chain_backward, "hand-written NumPy, fwd+bwd"),
        ("tapegrad tg.function, fwd+bwd", chain_function, "hand-written NumPy, fwd+bwd"),
        ("hand-written NumPy, forward only", chain_numpy_forward, None),
        ("tapegrad, no input requires grad", chain_untracked, "hand-written NumPy, forward only"),
        ("tapegrad under tg.no_grad()", chain_no_grad, "hand-written NumPy, forward only"),
    ]
    print(f"median of {repeats} runs, Python {sys.version.split()[0]}, NumPy {np.__version__}")
    report("600-op chain, x float64 (16,)", "us/op", 1e6 / OPS, chain, x0, repeats)
    report("MLP 784-256-256-10 training step, batch 64, float32", "ms", 1e3, mlp_rows(repeats), None, repeats)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
