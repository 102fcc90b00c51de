"""The one door to the array library.

Op kernels compute with ``xp`` (NumPy today); the engine converts values with the
helpers below. Plugging in another array library (CuPy, Dask) means changing this
module, not the engine.
"""

from __future__ import annotations

import numpy as xp

ndarray = xp.ndarray
ndim_of = xp.ndim


# ``asarray(value, dtype=None)``: ``value`` as an array, without copying when it already
# is one. The per-op path calls it for every NumPy scalar a kernel returns: no wrapper.
asarray = xp.asarray


def array_copy(value, dtype=None) -> xp.ndarray:
    """``value`` as a fresh array that no caller can mutate behind our back."""
    return xp.array(value, dtype=dtype, copy=True, order="C")


def to_numpy(value) -> xp.ndarray:
    """A NumPy array for the user (identity for the NumPy backend)."""
    return value


def result_dtype(*args):
    """NumPy 2 promotion: Python scalars are weak and do not upcast arrays."""
    return xp.result_type(*args)


def special_function(name: str):
    """``scipy.special.<name>`` when SciPy is installed, else a vectorised ``math`` one."""
    try:
        from scipy import special

        return getattr(special, name)
    except ImportError:
        import math

        scalar = xp.vectorize(getattr(math, name), otypes=[float])
        return lambda x: scalar(x).astype(x.dtype if x.dtype.kind == "f" else float, copy=False)
