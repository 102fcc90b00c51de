"""Adagrad."""

from __future__ import annotations

from ..checks import bounded
from ..ops import math_ops
from .optimizer import Optimizer

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    """Adagrad (Duchi et al.), Keras 3's formulation.

    Each variable keeps a slot ``"accumulator"`` of summed squared gradients, starting at
    ``initial_accumulator_value``::

        accumulator += g**2
        var -= lr * g / sqrt(accumulator + epsilon)

    Args:
        learning_rate: a float or a schedule (default 0.001).
        initial_accumulator_value: the accumulators' starting value, >= 0.
        epsilon: added to the accumulator, inside the square root.
        weight_decay, clipnorm, clipvalue, global_clipnorm, name: see ``Optimizer``.
    """

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, name="Adagrad"):  # fmt: skip
        super().__init__(learning_rate, weight_decay, clipnorm, clipvalue, global_clipnorm, name)
        owner = type(self).__name__
        self.initial_accumulator_value = bounded(owner, "initial_accumulator_value", initial_accumulator_value, 0.0)
        self.epsilon = bounded(owner, "epsilon", epsilon, 0.0)

    def _slot_specs(self) -> list:
        return [("accumulator", self.initial_accumulator_value)]

    def update_step(self, gradient, variable, learning_rate: float) -> None:
        accumulator = self.get_slot(variable, "accumulator")
        accumulator.assign_add(math_ops.square(gradient))
        self._assign_sub(variable, gradient * learning_rate / math_ops.sqrt(accumulator + self.epsilon))

    def _hyper_config(self) -> dict:
        return {"initial_accumulator_value": self.initial_accumulator_value, "epsilon": self.epsilon}
