"""``tapegrad.numpy.random``: NumPy's ``numpy.random``, passed through unchanged.

Random draws are constants, so they need no gradient: every function here is
NumPy's own and returns plain NumPy arrays (or scalars), which every function of
``tapegrad.numpy`` accepts (``np.sin(np.random.randn(3))`` is a float64 tensor).
``np.random.default_rng(seed)`` gives NumPy's ``Generator``.
"""

from __future__ import annotations

import numpy.random as _random
from numpy.random import *  # noqa: F403

__all__ = list(_random.__all__)


def __getattr__(name: str):
    """Anything else ``numpy.random`` has (its submodules, for instance)."""
    return getattr(_random, name)
