"""The PyTorch view of the recorded graph: ``grad_fn``, ``next_functions``, hook handles."""

from __future__ import annotations

from ..engine.state import AUTOGRAD

# PyTorch's names for the most common ops, where TensorFlow's differ.
_TORCH_NAMES = {"AddV2": "Add", "RealDiv": "Div", "Square": "Pow", "AddN": "Add"}


class GradFn:
    """``tensor.grad_fn``: the recorded op that produced a tensor, seen from PyTorch."""

    __slots__ = ("_node",)

    def __init__(self, node):
        self._node = node

    def name(self) -> str:
        """``MulBackward0`` for built-in ops, ``<Function>Backward`` for autograd.Functions."""
        op = self._node.op_def
        return f"{_TORCH_NAMES.get(op.type, op.type)}Backward0" if op.builtin else f"{op.type}Backward"

    @property
    def next_functions(self) -> tuple:
        """One ``(grad_fn, output_index)`` per input: a GradFn, an AccumulateGrad or None."""
        return tuple(_edge(t) for t in self._node.inputs or ())

    @property
    def metadata(self) -> dict:
        return self._node.__dict__.setdefault("metadata", {})

    def __eq__(self, other) -> bool:
        return isinstance(other, GradFn) and other._node is self._node

    def __hash__(self) -> int:
        return hash(self._node)

    def __repr__(self) -> str:
        return f"<{self.name()} object>"


class AccumulateGrad:
    """The end of a backward path: a leaf tensor that requires grad."""

    __slots__ = ("variable",)

    def __init__(self, variable):
        self.variable = variable

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"

    next_functions = ()

    def __eq__(self, other) -> bool:
        return isinstance(other, AccumulateGrad) and other.variable is self.variable

    def __hash__(self) -> int:
        return id(self.variable)

    def __repr__(self) -> str:
        return "<AccumulateGrad object>"


def grad_fn_of(t):
    """``t.grad_fn``: None for leaves (and tensors that do not require grad)."""
    node = t._node
    if node is None or AUTOGRAD not in node.tapes:
        return None
    return GradFn(node)


def _edge(t) -> tuple:
    fn = grad_fn_of(t)
    if fn is not None:
        return fn, t._index
    return (AccumulateGrad(t), 0) if t._rg else (None, 0)


class RemovableHandle:
    """Returned by ``register_hook``; ``remove()`` unregisters the hook."""

    __slots__ = ("_remove",)

    def __init__(self, remove):
        self._remove = remove

    def remove(self) -> None:
        if self._remove is not None:
            self._remove()
            self._remove = None

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc) -> None:
        self.remove()
