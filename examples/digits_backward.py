"""The digits MLP trained with tapegrad's PyTorch face: requires_grad, backward(), .grad.

Run: ``python examples/digits_backward.py`` (needs ``pip install -e '.[examples]'``).
"""

from __future__ import annotations

import numpy as np
from digits import accuracy, batches, build_model, load_split

import tapegrad as tg


def main(epochs: int = 25, batch_size: int = 64) -> float:
    tg.random.set_seed(0)
    x_train, x_test, y_train, y_test = load_split()
    model = build_model()
    model(x_train[:1])  # create the parameters
    params = model.parameters()
    for p in params:
        p.requires_grad_()
    optimizer = tg.optimizers.Adam(learning_rate=3e-3, global_clipnorm=1.0)
    loss_fn = tg.nn.SparseCategoricalCrossentropy(from_logits=True)
    rng = np.random.default_rng(0)
    for epoch in range(epochs):
        for index in batches(len(x_train), batch_size, rng):
            loss = loss_fn(y_train[index], model(x_train[index], training=True))
            loss.backward()
            optimizer.apply_gradients((p.grad, p) for p in params)
            for p in params:
                p.grad = None
        if epoch % 5 == 4:
            print(f"epoch {epoch + 1:2d}  loss {float(loss):.4f}")
    acc = accuracy(model, x_test, y_test)
    print(f"held-out accuracy {acc:.2%}")
    return acc


if __name__ == "__main__":
    main()
