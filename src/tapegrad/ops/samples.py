"""Sample inputs for the op registry walk (float64, fixed seed)."""

from __future__ import annotations

import numpy as np

from ..engine.registry import Sample

_rng = np.random.default_rng(20261127)


def randn(*shape) -> np.ndarray:
    """Standard normal values."""
    return _rng.standard_normal(shape)


def positive(*shape, low: float = 0.5, high: float = 2.0) -> np.ndarray:
    """Values in [low, high): away from zero, for logs, roots and divisors."""
    return _rng.uniform(low, high, shape)


def unit(*shape) -> np.ndarray:
    """Values in (-0.9, 0.9): inside the domain of asin, acos, atanh."""
    return _rng.uniform(-0.9, 0.9, shape)


def away_from_integers(*shape) -> np.ndarray:
    """Values whose fractional part stays away from 0 and 1/2 (floor, round, mod)."""
    return _rng.integers(-3, 3, shape) + _rng.uniform(0.1, 0.4, shape)


def integers(*shape, low: int = 0, high: int = 3) -> np.ndarray:
    return _rng.integers(low, high, shape)


def unary(make=randn) -> list:
    """Shapes every element-wise unary op is checked on."""
    return [Sample(make(3, 4)), Sample(make()), Sample(make(2, 1, 3))]


def binary(make_x=randn, make_y=randn) -> list:
    """Shapes every element-wise binary op is checked on, broadcasting included."""
    return [
        Sample(make_x(3, 4), make_y(3, 4)),
        Sample(make_x(3, 4), make_y(4)),
        Sample(make_x(), make_y(2, 3)),
        Sample(make_x(2, 1, 3), make_y(4, 1)),
    ]
