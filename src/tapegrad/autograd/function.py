"""``tg.autograd.Function``: an op defined by its forward and backward, PyTorch style."""

from __future__ import annotations

from .. import nest
from ..engine.dispatch import record
from ..engine.registry import OpDef
from ..engine.tensor import Tensor, convert_to_tensor
from ..grad_mode import no_grad


class FunctionCtx:
    """The ``ctx`` a Function's forward and backward share."""

    def __init__(self, needs_input_grad: tuple):
        self.needs_input_grad = needs_input_grad
        self._saved: tuple = ()
        self._versions: tuple = ()
        self._non_differentiable: set = set()
        self.materialize_grads = True

    def save_for_backward(self, *tensors) -> None:
        """Keep tensors for backward; modifying them in place afterwards is an error."""
        self._saved = tensors
        self._versions = tuple(getattr(t, "_version", None) for t in tensors)

    @property
    def saved_tensors(self) -> tuple:
        for i, (t, version) in enumerate(zip(self._saved, self._versions)):
            if isinstance(t, Tensor) and t._version != version:
                raise RuntimeError(
                    f"saved tensor {i} (shape {t.shape}) was modified by an in-place operation after "
                    f"save_for_backward: it is at version {t._version}; it was saved at version {version}"
                )
        return self._saved

    def mark_non_differentiable(self, *outputs) -> None:
        """These outputs get no gradient (integer indices, masks)."""
        self._non_differentiable.update(id(t) for t in outputs)

    def set_materialize_grads(self, value: bool) -> None:
        """With False, backward receives None (not zeros) for outputs that got no gradient."""
        self.materialize_grads = bool(value)


class Function:
    """Subclass with static ``forward(ctx, *args)`` and ``backward(ctx, *grads)``; call ``.apply``.

    ``forward`` runs with recording off; ``backward`` returns one gradient (or None)
    per argument of ``forward``. Written with tapegrad ops, backward is itself
    differentiable (``create_graph=True``).
    """

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("a Function subclass must define forward(ctx, *args)")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("a Function subclass must define backward(ctx, *grad_outputs)")

    @classmethod
    def apply(cls, *args, **kwargs):
        ctx = FunctionCtx(tuple(isinstance(a, Tensor) and a.requires_grad for a in args))
        with no_grad():
            result = cls.forward(ctx, *args, **kwargs)
        outputs = [convert_to_tensor(y) for y in nest.flatten(result)]
        positions = tuple(i for i, a in enumerate(args) if isinstance(a, Tensor))
        attrs = {"ctx": ctx, "positions": positions, "num_args": len(args), "non_differentiable": []}
        values = tuple(y._value for y in outputs)
        recorded = record(cls._op_def(), tuple(args[i] for i in positions), attrs, values, outputs)
        for i, (y, r) in enumerate(zip(outputs, recorded)):
            if id(y) in ctx._non_differentiable:
                r._node = None
                attrs["non_differentiable"].append(i)
        return nest.pack_as(result, recorded)

    @classmethod
    def _op_def(cls) -> OpDef:
        op = cls.__dict__.get("_tapegrad_op")
        if op is None:
            op = OpDef(cls.__name__, None, (), builtin=False)
            op.gradient = _function_gradient(cls)
            cls._tapegrad_op = op
        return op


def _function_gradient(cls):
    def gradient(op, *grads):
        ctx = op.get_attr("ctx")
        if not ctx.materialize_grads:
            grads = [None if i in op.get_attr("non_differentiable") else g for i, g in enumerate(grads)]
        result = cls.backward(ctx, *grads)
        result = tuple(result) if isinstance(result, tuple | list) else (result,)
        positions, num_args = op.get_attr("positions"), op.get_attr("num_args")
        if len(result) < num_args or any(g is not None for g in result[num_args:]):
            raise RuntimeError(
                f"function {cls.__name__}Backward returned an incorrect number of gradients (expected {num_args}, "
                f"got {len(result)}): forward took {num_args} arguments"
            )
        return [result[i] for i in positions]

    return gradient
