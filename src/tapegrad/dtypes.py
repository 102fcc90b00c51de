"""Data types: NumPy's dtype objects under TensorFlow's names."""

from __future__ import annotations

import numpy as _np

float16 = _np.dtype("float16")
float32 = _np.dtype("float32")
float64 = _np.dtype("float64")
int8 = _np.dtype("int8")
int16 = _np.dtype("int16")
int32 = _np.dtype("int32")
int64 = _np.dtype("int64")
uint8 = _np.dtype("uint8")
bool_ = _np.dtype("bool")
complex64 = _np.dtype("complex64")
complex128 = _np.dtype("complex128")

half, double = float16, float64


def as_dtype(dtype) -> _np.dtype:
    """``dtype`` (a tg/NumPy dtype, a type or a name) as a NumPy dtype object."""
    try:
        return _np.dtype(dtype)
    except TypeError:
        raise TypeError(f"not a data type: {dtype!r}") from None


def is_floating(dtype) -> bool:
    """True for real and complex floating-point dtypes (the differentiable ones)."""
    return _np.dtype(dtype).kind in "fc"
