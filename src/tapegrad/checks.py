"""Argument checks shared by public constructors and functions.

Each turns a Python or NumPy scalar into a ``float`` or an ``int``, and raises
``TypeError`` naming the function and the argument for anything else (None, a
string, an array), instead of a bare message from ``float()`` or ``int()``.
"""

from __future__ import annotations

import math
import numbers
import operator

from . import backend


def real_number(who: str, arg: str, value) -> float:
    """``value`` (a real scalar or a one-element tensor) as a float."""
    if isinstance(value, numbers.Real) or (hasattr(value, "dtype") and getattr(value, "size", 0) == 1):
        try:
            return float(value)
        except (TypeError, ValueError):
            pass
    raise TypeError(f"{who}: {arg} must be a real number, got {value!r}")


def integer(who: str, arg: str, value) -> int:
    """``value`` (a Python or NumPy integer, not a float) as an int."""
    if isinstance(value, bool) or not hasattr(value, "__index__"):
        raise TypeError(f"{who}: {arg} must be an integer, got {value!r}")
    return operator.index(value)


def function(who: str, value) -> None:
    """Raise ``TypeError`` unless ``value`` is callable (a function to transform or register)."""
    if not callable(value):
        raise TypeError(f"{who}: expected a function, got {type(value).__name__}")


def bounded(who: str, arg: str, value, low: float, high: float = math.inf, *, open_high: bool = False) -> float:
    """``real_number`` checked to lie in ``[low, high]`` (``[low, high)`` with ``open_high``)."""
    number = real_number(who, arg, value)
    if not (low <= number and (number < high if open_high else number <= high)):
        limits = f">= {low}" if high == math.inf else f"in [{low}, {high}{')' if open_high else ']'}"
        raise ValueError(f"{who}: {arg} must be {limits}, got {number}")
    return number


def numeric_array(who: str, value):
    """``value`` as an array of numbers with NumPy's dtype (a Python float stays float64)."""
    try:
        array = backend.asarray(value)
    except (TypeError, ValueError) as e:
        raise type(e)(f"{who}: cannot convert {type(value).__name__}: {e}") from None
    if array.dtype.kind not in "biufc":
        raise TypeError(f"{who}: cannot convert {type(value).__name__} (dtype {array.dtype}) to a number")
    return array


def real_only(*arrays) -> None:
    """Reject complex arrays in an op kernel whose result depends on an ordering (or on ``abs``)."""
    for a in arrays:
        if a.dtype.kind == "c":
            raise TypeError(f"complex inputs are not supported (got {a.dtype}); use tg.real, tg.imag or tg.abs first")
