"""RMSprop, optionally centered and with momentum."""

from __future__ import annotations

from ..checks import bounded
from ..ops import math_ops
from .optimizer import Optimizer

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """RMSprop (Hinton), Keras 3's formulation.

    Each variable keeps a slot ``"velocity"`` (the moving average of g², starting at 0),
    ``"average_gradient"`` when ``centered`` and ``"momentum"`` when ``momentum > 0``::

        velocity = rho * velocity + (1 - rho) * g**2
        average_gradient = rho * average_gradient + (1 - rho) * g                  # centered
        denominator = velocity - average_gradient**2 + epsilon   (centered)
                      velocity + epsilon                         (otherwise)
        increment = lr * g / sqrt(denominator)
        momentum_slot = momentum * momentum_slot + increment; var -= momentum_slot  # momentum > 0
        var -= increment                                                            # otherwise

    Note that ``epsilon`` is added inside the square root.

    Args:
        learning_rate: a float or a schedule (default 0.001).
        rho: discount of the moving averages.
        momentum: plain (not Nesterov) momentum; 0 keeps no slot.
        epsilon: added to the denominator, inside the square root.
        centered: divide by an estimate of the variance of g rather than of its second moment.
        weight_decay, clipnorm, clipvalue, global_clipnorm, name: see ``Optimizer``.
    """

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, name="RMSprop"):  # fmt: skip
        super().__init__(learning_rate, weight_decay, clipnorm, clipvalue, global_clipnorm, name)
        owner = type(self).__name__
        self.rho = bounded(owner, "rho", rho, 0.0, 1.0)
        self.momentum = bounded(owner, "momentum", momentum, 0.0, 1.0)
        self.epsilon = bounded(owner, "epsilon", epsilon, 0.0)
        self.centered = bool(centered)

    def _slot_specs(self) -> list:
        specs = [("velocity", 0.0)]
        if self.momentum > 0:
            specs.append(("momentum", 0.0))
        if self.centered:
            specs.append(("average_gradient", 0.0))
        return specs

    def update_step(self, gradient, variable, learning_rate: float) -> None:
        rho = self.rho
        velocity = self.get_slot(variable, "velocity")
        velocity.assign(velocity * rho + math_ops.square(gradient) * (1.0 - rho))
        if self.centered:
            average = self.get_slot(variable, "average_gradient")
            average.assign(average * rho + gradient * (1.0 - rho))
            denominator = velocity - math_ops.square(average) + self.epsilon
        else:
            denominator = velocity + self.epsilon
        increment = gradient * learning_rate / math_ops.sqrt(denominator)
        if self.momentum > 0:
            momentum = self.get_slot(variable, "momentum")
            momentum.assign(momentum * self.momentum + increment)
            self._assign_sub(variable, momentum)
        else:
            self._assign_sub(variable, increment)

    def _hyper_config(self) -> dict:
        return {"rho": self.rho, "momentum": self.momentum, "epsilon": self.epsilon, "centered": self.centered}
