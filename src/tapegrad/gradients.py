"""``tg.gradients``: TensorFlow's symbolic-style gradient function, over recorded values."""

from __future__ import annotations

from . import nest
from .engine.backward import backward
from .engine.state import ALL
from .engine.tensor import convert_to_tensor
from .ops.array_ops import ones_like, zeros_like
from .tape import UnconnectedGradients, _unconnected, flatten_targets_and_sources


def gradients(ys, xs, grad_ys=None, stop_gradients=None, unconnected_gradients="none", name=None) -> list:
    """The gradient of ``sum(ys)`` with respect to each of ``xs``, as a list.

    Works over values recorded by any tape or ``requires_grad`` tracking. ``grad_ys``
    weight the ``ys``; tensors in ``stop_gradients`` are treated as constants; a
    source that ``ys`` do not depend on gives None, or zeros with
    ``unconnected_gradients="zero"``. Gradients are recorded like any other op, so
    an enclosing tape can differentiate them again.
    """
    unconnected = _unconnected(unconnected_gradients)
    ys, xs = flatten_targets_and_sources(ys, xs, "gradients")
    if grad_ys is None:
        weights = [None] * len(ys)
    else:
        weights = nest.flatten(grad_ys)
        if len(weights) != len(ys):
            raise ValueError(f"gradients: {len(weights)} grad_ys for {len(ys)} ys")
    seeds = [ones_like(y) if w is None else convert_to_tensor(w, y.dtype) for y, w in zip(ys, weights)]
    for y, s in zip(ys, seeds):
        if s.shape != y.shape:
            raise ValueError(f"gradients: grad_ys shape {s.shape} does not match ys shape {y.shape}")
    stop = nest.flatten(stop_gradients) if stop_gradients is not None else ()
    grads = backward(ALL, ys, seeds, xs, retain=True, stop=stop)
    if unconnected is UnconnectedGradients.ZERO:
        grads = [zeros_like(x) if g is None else g for x, g in zip(xs, grads)]
    return grads
