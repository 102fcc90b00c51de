"""Train a small MLP on scikit-learn's handwritten digits with tapegrad.

GradientTape for the gradients, Adam with global-norm clipping for the updates, a
tqdm progress bar, a held-out accuracy, a checkpoint saved and restored into a fresh
model, a loss-curve PNG and a picture of the model's graph. Run: ``make demo`` or
``python examples/digits.py`` (needs ``pip install -e '.[examples]'``).
"""

from __future__ import annotations

import os
import time

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from tqdm import tqdm

import tapegrad as tg

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build", "demo")


def load_split(seed: int = 0):
    """Digits as float32 features in [0, 1] and int64 labels, split 80/20 (stratified)."""
    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)
    return train_test_split(x, digits.target.astype(np.int64), test_size=0.2, random_state=seed, stratify=digits.target)


def build_model() -> tg.nn.Sequential:
    return tg.nn.Sequential([
        tg.nn.Dense(128, activation="relu"),
        tg.nn.Dropout(0.1, seed=1),
        tg.nn.Dense(64, activation="relu"),
        tg.nn.Dense(10),
    ])  # fmt: skip


def accuracy(model, x, y) -> float:
    predictions = tg.argmax(model(x), axis=1).numpy()
    return float(np.mean(predictions == y))


def batches(n: int, size: int, rng):
    order = rng.permutation(n)
    for start in range(0, n, size):
        yield order[start : start + size]


def train(model, x, y, epochs: int = 25, batch_size: int = 64, seed: int = 0) -> list:
    """Minibatch training with GradientTape; returns the loss of every step."""
    loss_fn = tg.nn.SparseCategoricalCrossentropy(from_logits=True)
    optimizer = tg.optimizers.Adam(learning_rate=3e-3, global_clipnorm=1.0)
    rng = np.random.default_rng(seed)
    losses = []
    steps = epochs * -(-len(x) // batch_size)
    with tqdm(total=steps, desc="training", unit="step") as bar:
        for _ in range(epochs):
            for index in batches(len(x), batch_size, rng):
                with tg.GradientTape() as tape:
                    loss = loss_fn(y[index], model(x[index], training=True))
                grads = tape.gradient(loss, model.trainable_variables)
                optimizer.apply_gradients(zip(grads, model.trainable_variables))
                losses.append(float(loss))
                bar.set_postfix(loss=f"{losses[-1]:.4f}")
                bar.update()
    return losses


def save_loss_curve(losses: list, path: str) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(losses, linewidth=1)
    ax.set(xlabel="step", ylabel="cross-entropy", yscale="log", title="tapegrad MLP on digits")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def save_graph_picture(model, x, y, directory: str) -> str:
    """The graph of one loss evaluation: SVG when Graphviz's dot exists, else DOT source."""
    with tg.GradientTape():
        loss = tg.nn.SparseCategoricalCrossentropy(from_logits=True)(y[:8], model(x[:8]))
    extension = "svg" if tg.utils.dot_program() else "dot"
    return tg.utils.plot(loss, os.path.join(directory, f"digits_graph.{extension}"))


def main() -> None:
    os.makedirs(OUT, exist_ok=True)
    tg.random.set_seed(0)
    x_train, x_test, y_train, y_test = load_split()
    model = build_model()
    start = time.perf_counter()
    losses = train(model, x_train, y_train)
    seconds = time.perf_counter() - start
    acc = accuracy(model, x_test, y_test)
    print(f"held-out accuracy {acc:.2%} after {len(losses)} steps in {seconds:.1f} s")

    path = tg.train.Checkpoint(model=model).save(os.path.join(OUT, "digits"))
    fresh = build_model()
    fresh(x_test[:1])  # build the layers before restoring into them
    tg.train.Checkpoint(model=fresh).restore(path)
    restored = accuracy(fresh, x_test, y_test)
    print(f"checkpoint {os.path.relpath(path)} restored into a fresh model: accuracy {restored:.2%}")
    assert restored == acc, "the restored model must predict exactly as the trained one"

    print(f"loss curve: {os.path.relpath(save_loss_curve(losses, os.path.join(OUT, 'digits_loss.png')))}")
    print(f"model graph: {os.path.relpath(save_graph_picture(model, x_test, y_test, OUT))}")


if __name__ == "__main__":
    main()
