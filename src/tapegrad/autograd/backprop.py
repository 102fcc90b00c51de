"""``backward()`` and ``tg.autograd.grad``: PyTorch's entry points into the backward pass."""

from __future__ import annotations

from collections.abc import Sequence

from ..engine.backward import backward as _backward
from ..engine.state import AUTOGRAD
from ..engine.tensor import Tensor, convert_to_tensor, make_tensor
from ..grad_mode import set_grad_enabled
from ..ops.array_ops import ones_like


def _as_tuple(tensors) -> tuple:
    if isinstance(tensors, Tensor):
        return (tensors,)
    if isinstance(tensors, Sequence) and not isinstance(tensors, str):
        return tuple(tensors)
    raise TypeError(f"expected a tensor or a sequence of tensors, got {type(tensors).__name__}")


def _tensors(tensors, who: str) -> tuple:
    """``tensors`` (a tensor or a sequence of them) as a tuple, checked to hold only tensors."""
    if not isinstance(tensors, Tensor | Sequence) or isinstance(tensors, str):
        raise TypeError(f"{who}: expected a tensor or a sequence of tensors, got {type(tensors).__name__}")
    result = _as_tuple(tensors)
    for t in result:
        if not isinstance(t, Tensor):
            raise TypeError(f"{who}: expected tensors, got {type(t).__name__}")
    return result


def _seeds(outputs: tuple, grad_outputs) -> list:
    """The gradient to start from for each output: given, or ones for a scalar."""
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    elif not isinstance(grad_outputs, list | tuple):  # one tensor or array for the one output
        grad_outputs = [grad_outputs]
    grad_outputs = list(grad_outputs)
    if len(grad_outputs) != len(outputs):
        raise RuntimeError(f"got {len(grad_outputs)} gradients for {len(outputs)} outputs")
    seeds = []
    for i, (out, g) in enumerate(zip(outputs, grad_outputs)):
        if not out.requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
        if g is None:
            if out.size != 1:
                raise RuntimeError(
                    f"grad can be implicitly created only for scalar outputs (output {i} has shape {out.shape}); "
                    "pass gradient= (or grad_outputs=) with the output's shape"
                )
            g = ones_like(out)
        g = g if isinstance(g, Tensor) else convert_to_tensor(g, out.dtype)
        if g.shape != out.shape:
            raise RuntimeError(f"gradient of shape {g.shape} given for output {i} of shape {out.shape}")
        seeds.append(g)
    return seeds


def _accumulate(create_graph: bool):
    """The sink that adds a leaf's gradient into its ``.grad``."""

    def sink(t: Tensor, g: Tensor) -> None:
        if t.grad is not None:
            g = t.grad + g  # recorded only under create_graph
        elif not create_graph:
            g = make_tensor(g._value)  # a tensor of its own (arrays are never written in place)
        t.grad = g

    return sink


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph: bool = False, inputs=None) -> None:
    """Accumulate d(tensors)/d(leaf) into ``leaf.grad`` for every leaf that requires grad.

    ``grad_tensors`` weight non-scalar outputs (a vector-Jacobian product). With
    ``inputs``, only those tensors accumulate. The graph is freed unless
    ``retain_graph`` (default: ``create_graph``); ``create_graph=True`` records the
    backward pass so that the gradients can be differentiated again.
    """
    outputs = _tensors(tensors, "backward")
    seeds = _seeds(outputs, grad_tensors)
    retain = create_graph if retain_graph is None else retain_graph
    sink = _accumulate(create_graph)
    with set_grad_enabled(create_graph):
        if inputs is None:
            _backward(AUTOGRAD, list(outputs), seeds, [], retain=retain, leaf_sink=sink)
            return
        inputs = _tensors(inputs, "backward(inputs=...)")
        for t in inputs:
            if not t.requires_grad:
                raise RuntimeError("backward(inputs=...): one of the inputs does not require grad")
        grads = _backward(AUTOGRAD, list(outputs), seeds, list(inputs), retain=retain)
        for t, g in zip(inputs, grads):
            if g is not None:
                sink(t, g)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph: bool = False,
         allow_unused: bool = False, materialize_grads: bool = False) -> tuple:  # fmt: skip
    """d(outputs)/d(inputs) as a tuple, one gradient per input (PyTorch's ``autograd.grad``).

    Nothing is accumulated into ``.grad``. An input the outputs do not depend on
    raises, unless ``allow_unused=True`` (then its gradient is None, or zeros with
    ``materialize_grads=True``).
    """
    outputs = _tensors(outputs, "autograd.grad: outputs")
    inputs = _tensors(inputs, "autograd.grad: inputs")
    for i, t in enumerate(inputs):
        if not isinstance(t, Tensor) or not t.requires_grad:
            raise RuntimeError(f"One of the differentiated Tensors (input {i}) does not require grad")
    seeds = _seeds(outputs, grad_outputs)
    retain = create_graph if retain_graph is None else retain_graph
    with set_grad_enabled(create_graph):
        grads = _backward(AUTOGRAD, list(outputs), seeds, list(inputs), retain=retain)
    result = []
    for i, (t, g) in enumerate(zip(inputs, grads)):
        if g is None:
            if not (allow_unused or materialize_grads):
                raise RuntimeError(
                    f"One of the differentiated Tensors (input {i}, shape {t.shape}) appears to not have been "
                    "used in the graph. Set allow_unused=True if this is the desired behavior."
                )
            if materialize_grads:
                from ..ops.array_ops import zeros_like

                g = zeros_like(t)
        result.append(g)
    return tuple(result)
