"""``python -m tapegrad``: a short tour of what tapegrad does."""

from __future__ import annotations

import time

import tapegrad as tg


def seed_example() -> None:
    print("1. The gradient of y = x**2 at x = 3, recorded on a GradientTape:")
    x = tg.Variable(initial_value=3.0)
    with tg.GradientTape() as tape:
        y = tg.square(x)
    y_grad = tape.gradient(y, x)
    print("  ", [y, y_grad])


def second_derivative() -> None:
    print("\n2. Derivatives of sin(x) at x = 1 by nested tapes (the backward pass is recorded too):")
    x = tg.constant(1.0, dtype=tg.float64)
    with tg.GradientTape() as t2:
        t2.watch(x)
        with tg.GradientTape() as t1:
            t1.watch(x)
            y = tg.sin(x)
        dy = t1.gradient(y, x)
    d2y = t2.gradient(dy, x)
    print(f"   d/dx sin(x) = {float(dy):+.6f}  (cos 1 = {float(tg.cos(x)):+.6f})")
    print(f"   d2/dx2      = {float(d2y):+.6f}  (-sin 1 = {-float(y):+.6f})")


def fit_a_line() -> None:
    print("\n3. Fitting y = w*x + b to noisy data by gradient descent:")
    tg.random.set_seed(0)
    x = tg.linspace(-1.0, 1.0, 50)
    y_true = 2.5 * x - 0.7 + 0.05 * tg.random.normal((50,))
    w, b = tg.Variable(0.0), tg.Variable(0.0)
    start = time.perf_counter()
    for step in range(61):
        with tg.GradientTape() as tape:
            loss = tg.reduce_mean(tg.square(w * x + b - y_true))
        dw, db = tape.gradient(loss, [w, b])
        w.assign_sub(0.2 * dw)
        b.assign_sub(0.2 * db)
        if step in (0, 5, 10, 20, 40, 60):
            print(f"   step {step:3d}  loss {float(loss):.5f}  w {float(w):+.4f}  b {float(b):+.4f}")
    print(f"   fitted in {time.perf_counter() - start:.2f} s (true w = +2.5, b = -0.7)")


def pytorch_face() -> None:
    print("\n4. The same engine with PyTorch's interface:")
    x = tg.tensor(3.0, requires_grad=True)
    y = 3 * x**2 + 4 * x + 2
    y.backward()
    print(f"   y = 3x^2 + 4x + 2 at x = 3: dy/dx = {float(x.grad)} (6x + 4 = 22)")
    print(f"   y.grad_fn = {y.grad_fn.name()}, next: {[f.name() for f, _ in y.grad_fn.next_functions if f]}")


def main() -> None:
    seed_example()
    second_derivative()
    fit_a_line()
    pytorch_face()


if __name__ == "__main__":
    main()
