"""Learning-rate schedules: callables from the optimizer's step count to a learning rate.

Keras 3's semantics: a schedule is called with the number of steps applied so far
(``optimizer.iterations``, 0 for the first step) and returns the learning rate for
the next step. Here they return Python floats and accept ints, floats or scalar
tensors as the step.
"""

from __future__ import annotations

import itertools
import math

from ..checks import bounded, real_number

__all__ = [
    "LearningRateSchedule",
    "ExponentialDecay",
    "CosineDecay",
    "PiecewiseConstantDecay",
    "serialize",
    "deserialize",
]


def _step(step) -> float:
    try:
        return float(step)
    except (TypeError, ValueError) as e:
        raise TypeError(f"a learning-rate schedule takes a scalar step, got {type(step).__name__}: {e}") from None


class LearningRateSchedule:
    """Base class: subclasses define ``__call__(step) -> float`` and ``get_config()``."""

    def __call__(self, step) -> float:
        raise NotImplementedError(f"{type(self).__name__} must implement __call__(step)")

    def get_config(self) -> dict:
        raise NotImplementedError(f"{type(self).__name__} must implement get_config()")

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class ExponentialDecay(LearningRateSchedule):
    """``initial_learning_rate * decay_rate ** (step / decay_steps)``.

    With ``staircase=True`` the exponent is ``floor(step / decay_steps)``, so the rate
    drops in steps every ``decay_steps`` steps.
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase: bool = False, name=None):
        if real_number("ExponentialDecay", "decay_steps", decay_steps) <= 0:
            raise ValueError(f"ExponentialDecay: decay_steps must be > 0, got {decay_steps}")
        self.initial_learning_rate = real_number("ExponentialDecay", "initial_learning_rate", initial_learning_rate)
        self.decay_steps = decay_steps
        self.decay_rate = real_number("ExponentialDecay", "decay_rate", decay_rate)
        self.staircase = bool(staircase)
        self.name = name or "ExponentialDecay"

    def __call__(self, step) -> float:
        p = _step(step) / self.decay_steps
        if self.staircase:
            p = math.floor(p)
        return self.initial_learning_rate * self.decay_rate**p

    def get_config(self) -> dict:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


class CosineDecay(LearningRateSchedule):
    """Cosine decay, after an optional linear warmup (Loshchilov & Hutter's SGDR without restarts).

    Without warmup (``warmup_target=None``)::

        lr(step) = initial_learning_rate * ((1 - alpha) * 0.5 * (1 + cos(pi * s / decay_steps)) + alpha)

    with ``s = min(step, decay_steps)``: the rate falls from ``initial_learning_rate`` to
    ``alpha * initial_learning_rate`` and stays there. With ``warmup_target``, the rate first
    rises linearly from ``initial_learning_rate`` to ``warmup_target`` over ``warmup_steps``
    steps, then decays as above from ``warmup_target`` over the next ``decay_steps`` steps.
    """

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, *, warmup_target=None, warmup_steps=0,
                 name=None):  # fmt: skip
        if real_number("CosineDecay", "decay_steps", decay_steps) <= 0:
            raise ValueError(f"CosineDecay: decay_steps must be > 0, got {decay_steps}")
        bounded("CosineDecay", "warmup_steps", warmup_steps, 0.0)
        self.initial_learning_rate = real_number("CosineDecay", "initial_learning_rate", initial_learning_rate)
        self.decay_steps = decay_steps
        self.alpha = float(alpha)
        self.warmup_target = None if warmup_target is None else float(warmup_target)
        self.warmup_steps = warmup_steps
        self.name = name or "CosineDecay"

    def _decay(self, s: float, start: float) -> float:
        cosine = 0.5 * (1.0 + math.cos(math.pi * min(s, self.decay_steps) / self.decay_steps))
        return start * ((1.0 - self.alpha) * cosine + self.alpha)

    def __call__(self, step) -> float:
        s = _step(step)
        if self.warmup_target is None:
            return self._decay(s, self.initial_learning_rate)
        if s < self.warmup_steps:
            fraction = s / self.warmup_steps
            return self.initial_learning_rate + (self.warmup_target - self.initial_learning_rate) * fraction
        return self._decay(s - self.warmup_steps, self.warmup_target)

    def get_config(self) -> dict:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "alpha": self.alpha,
            "warmup_target": self.warmup_target,
            "warmup_steps": self.warmup_steps,
            "name": self.name,
        }


class PiecewiseConstantDecay(LearningRateSchedule):
    """``values[0]`` while ``step <= boundaries[0]``, ``values[i]`` while
    ``boundaries[i-1] < step <= boundaries[i]``, and ``values[-1]`` after the last boundary."""

    def __init__(self, boundaries, values, name=None):
        boundaries, values = list(boundaries), [float(v) for v in values]
        if len(values) != len(boundaries) + 1:
            raise ValueError(
                "PiecewiseConstantDecay: values must have one more entry than boundaries, got "
                f"{len(boundaries)} boundaries and {len(values)} values"
            )
        if any(b >= c for b, c in itertools.pairwise(boundaries)):
            raise ValueError(f"PiecewiseConstantDecay: boundaries must be strictly increasing, got {boundaries}")
        self.boundaries = boundaries
        self.values = values
        self.name = name or "PiecewiseConstant"

    def __call__(self, step) -> float:
        s = _step(step)
        for boundary, value in zip(self.boundaries, self.values):
            if s <= boundary:
                return value
        return self.values[-1]

    def get_config(self) -> dict:
        return {"boundaries": list(self.boundaries), "values": list(self.values), "name": self.name}


_SCHEDULES = {cls.__name__: cls for cls in (ExponentialDecay, CosineDecay, PiecewiseConstantDecay)}


def serialize(schedule: LearningRateSchedule) -> dict:
    """``{"class_name": ..., "config": ...}`` for a built-in schedule."""
    if not isinstance(schedule, LearningRateSchedule):
        raise TypeError(f"serialize: expected a LearningRateSchedule, got {type(schedule).__name__}")
    return {"class_name": type(schedule).__name__, "config": schedule.get_config()}


def deserialize(config: dict) -> LearningRateSchedule:
    """The schedule ``serialize`` described."""
    if not isinstance(config, dict) or not isinstance(config.get("config"), dict):
        raise TypeError(f"deserialize: expected a dict like serialize() returns, got {config!r}")
    name = config.get("class_name")
    if name not in _SCHEDULES:
        raise ValueError(f"deserialize: unknown learning-rate schedule {name!r}; known: {sorted(_SCHEDULES)}")
    return _SCHEDULES[name].from_config(config["config"])
