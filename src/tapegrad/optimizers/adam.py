"""Adam, AMSGrad and AdamW."""

from __future__ import annotations

import math
from typing import ClassVar

from ..checks import bounded
from ..ops import math_ops
from .optimizer import Optimizer

__all__ = ["Adam", "AdamW"]


class Adam(Optimizer):
    """Adam (Kingma & Ba), with Keras 3's formulation of the bias correction.

    Each variable keeps slots ``"m"`` and ``"v"`` (and ``"vhat"`` with ``amsgrad``), all
    starting at 0. At step ``t = iterations + 1``::

        alpha = lr * sqrt(1 - beta_2**t) / (1 - beta_1**t)
        m += (g - m) * (1 - beta_1)
        v += (g**2 - v) * (1 - beta_2)
        vhat = max(vhat, v)                        # amsgrad only; then vhat replaces v below
        var -= alpha * m / (sqrt(v) + epsilon)

    ``epsilon`` is the "epsilon hat" of the paper (added after the bias correction of v).
    ``get_slot`` also accepts Keras 3's slot names ``"momentum"``, ``"velocity"`` and
    ``"velocity_hat"``.

    Args:
        learning_rate: a float or a schedule (default 0.001).
        beta_1, beta_2: decay rates of the first and second moment estimates, in ``[0, 1)``.
        epsilon: added to the denominator.
        amsgrad: use the AMSGrad variant (the running maximum of v).
        weight_decay, clipnorm, clipvalue, global_clipnorm, name: see ``Optimizer``.
    """

    _slot_aliases: ClassVar[dict] = {"momentum": "m", "velocity": "v", "velocity_hat": "vhat"}

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None, name="Adam"):  # fmt: skip
        super().__init__(learning_rate, weight_decay, clipnorm, clipvalue, global_clipnorm, name)
        owner = type(self).__name__
        self.beta_1 = bounded(owner, "beta_1", beta_1, 0.0, 1.0, open_high=True)
        self.beta_2 = bounded(owner, "beta_2", beta_2, 0.0, 1.0, open_high=True)
        self.epsilon = bounded(owner, "epsilon", epsilon, 0.0)
        self.amsgrad = bool(amsgrad)

    def _slot_specs(self) -> list:
        specs = [("m", 0.0), ("v", 0.0)]
        return [*specs, ("vhat", 0.0)] if self.amsgrad else specs

    def update_step(self, gradient, variable, learning_rate: float) -> None:
        t = self.iterations + 1
        alpha = learning_rate * math.sqrt(1.0 - self.beta_2**t) / (1.0 - self.beta_1**t)
        m = self.get_slot(variable, "m")
        v = self.get_slot(variable, "v")
        m.assign_add((gradient - m) * (1.0 - self.beta_1))
        v.assign_add((math_ops.square(gradient) - v) * (1.0 - self.beta_2))
        if self.amsgrad:
            vhat = self.get_slot(variable, "vhat")
            vhat.assign(math_ops.maximum(vhat, v))
            v = vhat
        self._assign_sub(variable, m * alpha / (math_ops.sqrt(v) + self.epsilon))

    def _hyper_config(self) -> dict:
        return {"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon, "amsgrad": self.amsgrad}


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter).

    Each step first shrinks every variable, ``var -= lr * weight_decay * var``, then takes
    the Adam step (see ``Adam``). ``exclude_from_weight_decay`` leaves variables out of the
    decay (e.g. biases).
    """

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, clipnorm=None, clipvalue=None, global_clipnorm=None, name="AdamW"):  # fmt: skip
        if weight_decay is None:
            raise ValueError("AdamW: weight_decay must be a float, got None")
        super().__init__(learning_rate, beta_1, beta_2, epsilon, amsgrad, weight_decay, clipnorm, clipvalue,
                         global_clipnorm, name)  # fmt: skip
