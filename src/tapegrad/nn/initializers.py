"""Keras-like initializers: callables ``init(shape, dtype)`` returning a tensor."""

from __future__ import annotations

import math

from .. import random
from ..checks import bounded, integer, real_number
from ..creation import ones, zeros
from ..dtypes import as_dtype, float32
from ..ops.array_ops import as_dims


def _fans(shape: tuple) -> tuple:
    """(fan_in, fan_out) of a weight of ``shape`` (receptive field for more than 2 dims)."""
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


def _seed(who: str, seed) -> int | None:
    return None if seed is None else integer(who, "seed", seed)


class Initializer:
    """Base class: ``initializer(shape, dtype=tg.float32)`` returns a new tensor."""

    def __call__(self, shape, dtype=float32):
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Zeros(Initializer):
    def __call__(self, shape, dtype=float32):
        return zeros(shape, dtype)


class Ones(Initializer):
    def __call__(self, shape, dtype=float32):
        return ones(shape, dtype)


class RandomNormal(Initializer):
    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: int | None = None):
        self.mean = real_number("RandomNormal", "mean", mean)
        self.stddev = bounded("RandomNormal", "stddev", stddev, 0.0)
        self.seed = _seed("RandomNormal", seed)

    def __call__(self, shape, dtype=float32):
        return random.normal(shape, self.mean, self.stddev, as_dtype(dtype), self.seed)


class RandomUniform(Initializer):
    def __init__(self, minval: float = -0.05, maxval: float = 0.05, seed: int | None = None):
        self.minval = real_number("RandomUniform", "minval", minval)
        self.maxval = real_number("RandomUniform", "maxval", maxval)
        self.seed = _seed("RandomUniform", seed)

    def __call__(self, shape, dtype=float32):
        return random.uniform(shape, self.minval, self.maxval, as_dtype(dtype), self.seed)


class VarianceScaling(Initializer):
    """Samples scaled by the weight's fan: the base of the Glorot and He initializers."""

    def __init__(self, scale: float = 1.0, mode: str = "fan_in", distribution: str = "truncated_normal",
                 seed: int | None = None):  # fmt: skip
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(f"VarianceScaling: mode must be fan_in, fan_out or fan_avg, got {mode!r}")
        if distribution not in ("truncated_normal", "untruncated_normal", "uniform"):
            raise ValueError(f"VarianceScaling: unknown distribution {distribution!r}")
        if real_number("VarianceScaling", "scale", scale) <= 0:
            raise ValueError(f"VarianceScaling: scale must be positive, got {scale}")
        self.scale, self.mode, self.distribution = scale, mode, distribution
        self.seed = _seed(type(self).__name__, seed)

    def __call__(self, shape, dtype=float32):
        fan_in, fan_out = _fans(as_dims(shape, type(self).__name__))
        fan = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[self.mode]
        variance = self.scale / max(1.0, fan)
        dtype = as_dtype(dtype)
        if self.distribution == "uniform":
            limit = math.sqrt(3.0 * variance)
            return random.uniform(shape, -limit, limit, dtype, self.seed)
        if self.distribution == "untruncated_normal":
            return random.normal(shape, 0.0, math.sqrt(variance), dtype, self.seed)
        # a normal truncated at two standard deviations has 0.8796... of the variance
        return random.truncated_normal(shape, 0.0, math.sqrt(variance) / 0.87962566103423978, dtype, self.seed)


class GlorotUniform(VarianceScaling):
    def __init__(self, seed: int | None = None):
        super().__init__(1.0, "fan_avg", "uniform", seed)


class GlorotNormal(VarianceScaling):
    def __init__(self, seed: int | None = None):
        super().__init__(1.0, "fan_avg", "truncated_normal", seed)


class HeUniform(VarianceScaling):
    def __init__(self, seed: int | None = None):
        super().__init__(2.0, "fan_in", "uniform", seed)


class HeNormal(VarianceScaling):
    def __init__(self, seed: int | None = None):
        super().__init__(2.0, "fan_in", "truncated_normal", seed)


_BY_NAME = {
    "zeros": Zeros, "ones": Ones, "random_normal": RandomNormal, "random_uniform": RandomUniform,
    "glorot_uniform": GlorotUniform, "glorot_normal": GlorotNormal, "he_uniform": HeUniform, "he_normal": HeNormal,
}  # fmt: skip


def get(identifier) -> Initializer:
    """An initializer from a name (``"glorot_uniform"``), an instance or a callable."""
    if isinstance(identifier, str):
        try:
            return _BY_NAME[identifier]()
        except KeyError:
            raise ValueError(f"unknown initializer {identifier!r}; known: {', '.join(sorted(_BY_NAME))}") from None
    if callable(identifier):
        return identifier
    raise TypeError(f"an initializer must be a name or a callable, got {type(identifier).__name__}")
