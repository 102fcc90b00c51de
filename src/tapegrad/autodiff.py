"""``tg.autodiff``: TensorFlow's forward-mode ``ForwardAccumulator``."""

from __future__ import annotations

from . import nest
from .engine import forward as _forward
from .engine import state as _state
from .engine.tensor import Tensor, convert_to_tensor
from .tape import UnconnectedGradients, _unconnected

__all__ = ["ForwardAccumulator"]


class ForwardAccumulator:
    """Computes Jacobian-vector products by forward mode while it is active.

    >>> x = tg.constant([1.0, 2.0])
    >>> with tg.autodiff.ForwardAccumulator(x, tg.constant([1.0, 0.0])) as acc:
    ...     y = x * x
    >>> acc.jvp(y)  # J·v = [2, 0]

    ``primals`` and ``tangents`` are tensors (or variables), or matching nested
    structures of them. Nested accumulators and GradientTapes compose.
    """

    def __init__(self, primals, tangents):
        flat_primals = nest.flatten(primals)
        flat_tangents = nest.flatten(tangents)
        if len(flat_primals) != len(flat_tangents):
            raise ValueError(f"ForwardAccumulator: {len(flat_primals)} primals but {len(flat_tangents)} tangents")
        self._acc = _forward.Accumulator()
        for p, t in zip(flat_primals, flat_tangents):
            if not isinstance(p, Tensor):
                raise TypeError(f"ForwardAccumulator: primals must be tensors or variables, got {type(p).__name__}")
            t = convert_to_tensor(t, p.dtype) if not isinstance(t, Tensor) else t
            if t.shape != p.shape:
                raise ValueError(f"ForwardAccumulator: tangent shape {t.shape} does not match primal shape {p.shape}")
            _forward.set_tangent(p, self._acc, t)

    def __enter__(self) -> ForwardAccumulator:
        _state.set_forward((*_state.state.forward, self._acc))
        return self

    def __exit__(self, *exc) -> bool:
        _state.set_forward(tuple(a for a in _state.state.forward if a is not self._acc))
        return False

    def jvp(self, primals, unconnected_gradients=UnconnectedGradients.NONE):
        """The tangent of each tensor in ``primals`` (same structure); None if it has none."""
        zero = _unconnected(unconnected_gradients) is UnconnectedGradients.ZERO
        result = []
        for p in nest.flatten(primals):
            t = _forward.tangent_of(p, self._acc)
            if t is None and zero:
                from .ops.array_ops import zeros_like

                t = zeros_like(p)
            result.append(t)
        return nest.pack_as(primals, result)
