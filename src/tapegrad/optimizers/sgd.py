"""Stochastic gradient descent, with optional (Nesterov) momentum."""

from __future__ import annotations

from ..checks import bounded
from .optimizer import Optimizer

__all__ = ["SGD"]


class SGD(Optimizer):
    """Gradient descent with momentum (Keras 3's formulation).

    Without momentum: ``var -= lr * g``. With momentum, each variable keeps a velocity
    slot ``"momentum"`` (starting at 0)::

        velocity = momentum * velocity - lr * g
        var += velocity                             # nesterov=False
        var += momentum * velocity - lr * g         # nesterov=True

    Args:
        learning_rate: a float or a schedule (default 0.01).
        momentum: in ``[0, 1]``; 0 keeps no slot.
        nesterov: use Nesterov momentum.
        weight_decay, clipnorm, clipvalue, global_clipnorm, name: see ``Optimizer``.
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, weight_decay=None, clipnorm=None,
                 clipvalue=None, global_clipnorm=None, name="SGD"):  # fmt: skip
        super().__init__(learning_rate, weight_decay, clipnorm, clipvalue, global_clipnorm, name)
        self.momentum = bounded(type(self).__name__, "momentum", momentum, 0.0, 1.0)
        self.nesterov = bool(nesterov)

    def _slot_specs(self) -> list:
        return [("momentum", 0.0)] if self.momentum != 0 else []

    def update_step(self, gradient, variable, learning_rate: float) -> None:
        if self.momentum == 0:
            self._assign_sub(variable, gradient * learning_rate)
            return
        velocity = self.get_slot(variable, "momentum")
        velocity.assign(velocity * self.momentum - gradient * learning_rate)
        if self.nesterov:
            self._assign_add(variable, velocity * self.momentum - gradient * learning_rate)
        else:
            self._assign_add(variable, velocity)

    def _hyper_config(self) -> dict:
        return {"momentum": self.momentum, "nesterov": self.nesterov}
