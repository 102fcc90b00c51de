"""The PyTorch face of ``Tensor``: requires_grad, backward, grad_fn, hooks, detach."""

from __future__ import annotations

import weakref

from ..engine.state import AUTOGRAD
from ..engine.tensor import Tensor, make_tensor
from . import inplace as _inplace  # noqa: F401 (attaches the in-place methods)
from .backprop import backward as _backward
from .graph import RemovableHandle, grad_fn_of


def _get_requires_grad(self) -> bool:
    node = self._node
    if node is not None and AUTOGRAD in node.tapes:
        return True
    return self._rg


def _set_requires_grad(self, flag: bool) -> None:
    if not self.is_leaf:
        if not flag:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf tensors; use tensor.detach() to get a "
                "tensor that does not require grad"
            )
        return
    if flag and self.dtype.kind not in "fc":
        raise RuntimeError(f"only tensors of floating point dtype can require gradients, got {self.dtype}")
    self._rg = bool(flag)


def requires_grad_(self, requires_grad: bool = True) -> Tensor:
    """Set ``requires_grad`` on a leaf and return the tensor."""
    _set_requires_grad(self, requires_grad)
    return self


def is_leaf(self) -> bool:
    """True unless an op that tracks ``requires_grad`` produced this tensor."""
    node = self._node
    return node is None or AUTOGRAD not in node.tapes


def backward(self, gradient=None, retain_graph=None, create_graph: bool = False, inputs=None) -> None:
    """Accumulate the gradient of this tensor into ``.grad`` of the leaves that require grad."""
    _backward(self, gradient, retain_graph=retain_graph, create_graph=create_graph, inputs=inputs)


def detach(self) -> Tensor:
    """The same value, cut from the graph (does not require grad)."""
    return make_tensor(self._value)


def detach_(self) -> Tensor:
    """Cut this tensor from the graph in place: it becomes a leaf that does not require grad."""
    self._node = None
    self._rg = False
    return self


def _get_data(self) -> Tensor:
    data = make_tensor(self._value)
    data._data_owner = self  # in-place changes of ``x.data`` change x, untracked
    return data


def _set_data(self, value) -> None:
    self._value = value._value if isinstance(value, Tensor) else make_tensor(value)._value


def retain_grad(self) -> None:
    """Keep the gradient of this non-leaf tensor in ``.grad`` after backward."""
    if self.is_leaf or self.__dict__.get("_retains_grad"):
        return
    ref = weakref.ref(self)

    def keep(grad):
        t = ref()
        if t is not None:
            t.grad = make_tensor(grad._value) if t.grad is None else t.grad + grad

    self._node.add_hook(self._index, keep)
    self._retains_grad = True


def register_hook(self, hook) -> RemovableHandle:
    """Call ``hook(grad)`` when this tensor's gradient is computed; a returned tensor replaces it."""
    if not callable(hook):
        raise TypeError(f"register_hook: hook must be callable, got {type(hook).__name__}")
    if not self.requires_grad:
        raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
    if self.is_leaf:
        self._hooks = (*self._hooks, hook)

        def remove():
            self._hooks = tuple(h for h in self._hooks if h is not hook)

        return RemovableHandle(remove)
    node, index = self._node, self._index
    node.add_hook(index, hook)
    return RemovableHandle(lambda: node.remove_hook(index, hook))


def explain(self, sources, output_gradients=None, file=None) -> str:
    """Print (and return) the backward pass from this recorded tensor to ``sources``, step by step."""
    from ..engine.state import ALL
    from ..explain import explain_backward

    return explain_backward(ALL, self, sources, output_gradients, file)


Tensor.requires_grad = property(_get_requires_grad, _set_requires_grad)
Tensor.explain = explain
Tensor.requires_grad_ = requires_grad_
Tensor.is_leaf = property(is_leaf)
Tensor.grad_fn = property(grad_fn_of)
Tensor.backward = backward
Tensor.detach = detach
Tensor.detach_ = detach_
Tensor.data = property(_get_data, _set_data)
Tensor.retain_grad = retain_grad
Tensor.register_hook = register_hook
