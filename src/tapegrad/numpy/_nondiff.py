"""NumPy functions without a gradient: comparisons, tests, rounding, indices, counts, shapes.

Each runs NumPy itself on the values of its inputs, so it follows NumPy exactly;
array results come back as tensors that no tape records (their gradient is None).
"""

from __future__ import annotations

from ._core import passthrough

NAMES = (
    # comparisons and logic
    "equal", "not_equal", "less", "less_equal", "greater", "greater_equal",
    "logical_and", "logical_or", "logical_not", "logical_xor",
    "isnan", "isinf", "isfinite", "isposinf", "isneginf", "signbit", "isclose", "allclose",
    "array_equal", "array_equiv", "isin",
    # bitwise (integers)
    "bitwise_and", "bitwise_or", "bitwise_xor", "invert", "left_shift", "right_shift",
    # rounding and steps
    "floor", "ceil", "round", "around", "rint", "trunc", "fix", "heaviside",
    # indices, searching, counting
    "argmax", "argmin", "nanargmax", "nanargmin", "argsort", "argpartition", "argwhere", "nonzero",
    "flatnonzero", "count_nonzero", "searchsorted", "digitize", "all", "any", "unique", "bincount", "histogram",
    # shapes and dtypes
    "shape", "ndim", "size", "result_type", "promote_types", "can_cast", "issubdtype", "finfo", "iinfo",
)  # fmt: skip

FUNCTIONS = {name: passthrough(name) for name in NAMES}
