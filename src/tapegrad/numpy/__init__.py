"""``tapegrad.numpy``: NumPy's API, differentiable.

``import tapegrad.numpy as np`` gives NumPy's functions under NumPy's names and
signatures. They return ``tg.Tensor`` values that ``GradientTape``,
``requires_grad``/``backward()`` and ``tg.autograd.grad`` differentiate::

    import tapegrad as tg
    import tapegrad.numpy as np

    x = tg.tensor(np.linspace(0.0, 1.0, 5), requires_grad=True)
    y = np.sum(np.sin(x) ** 2)
    y.backward()            # x.grad == sin(2x)

Dtype rules are NumPy's, not TensorFlow's: a Python float or a list of floats is
float64 (``numpy.asarray`` converts it), NumPy arrays keep their dtype, tensors pass
through unchanged, and a Python scalar beside an array or tensor does not upcast it
(``float32 * 2.5`` stays float32). ``np.asarray(t)`` of a tensor is the tensor itself,
``np.array(t)`` a copy that stays connected to it, and nested lists holding tensors are
stacked differentiably.

What is here
------------
* Element-wise math: ``add subtract multiply divide true_divide floor_divide mod
  remainder fmod divmod power pow float_power negative positive reciprocal``, ``exp
  exp2 expm1 log log2 log10 log1p logaddexp logaddexp2``, trigonometric and hyperbolic
  functions and their inverses (also NumPy 2's ``asin``... aliases), ``arctan2 hypot
  deg2rad rad2deg radians degrees sinc sqrt cbrt square abs absolute fabs sign
  copysign maximum minimum fmax fmin clip where nan_to_num``.
* Reductions and scans: ``sum prod mean var std`` (``ddof``/``correction``), ``max
  min amax amin ptp average`` (``weights``), the NaN-ignoring ``nansum nanprod
  nanmean nanvar nanstd nanmax nanmin``, ``median quantile percentile`` (linear),
  ``cumsum cumprod cumulative_sum cumulative_prod diff trapezoid``; with ``axis``,
  ``keepdims``, ``dtype``, ``initial`` and ``where`` where NumPy has them.
* Products: ``dot vdot inner outer matmul vecdot tensordot einsum kron cross trace
  diag diagonal tril triu``.
* Shapes: ``reshape ravel transpose permute_dims matrix_transpose moveaxis swapaxes
  expand_dims squeeze broadcast_to broadcast_arrays atleast_1d atleast_2d atleast_3d
  concatenate concat stack hstack vstack dstack column_stack append unstack split
  array_split hsplit vsplit dsplit tile repeat flip fliplr flipud rot90 roll pad
  meshgrid``; indexing and sorting: ``take take_along_axis sort``.
* Creation: ``array asarray asanyarray copy astype full full_like`` (differentiable in
  tensor inputs) and the constants ``zeros ones empty zeros_like ones_like empty_like
  eye identity arange linspace logspace geomspace tri``.
* Without a gradient (NumPy runs on the values; array results are tensors that no
  tape records): comparisons and logic, ``isnan isinf isfinite isclose allclose
  array_equal``, bitwise ops, ``floor ceil round around rint trunc fix heaviside``,
  ``argmax argmin argsort argwhere nonzero count_nonzero searchsorted digitize all any
  unique bincount histogram``, ``shape ndim size`` and dtype helpers.
* Constants ``pi e euler_gamma inf nan newaxis``, NumPy's scalar types (``float32``,
  ``int64``, ``bool_``...), ``dtype``; the submodules ``random`` (plain
  ``numpy.random``: it returns NumPy arrays, which any function here accepts),
  ``linalg`` and ``fft``.

Gradient conventions: ``abs``, ``hypot`` and ``std`` have a zero gradient at 0; ties in
``maximum``, ``minimum``, ``max`` and ``min`` share the gradient; ``sign`` and
``floor_divide`` have a zero gradient; ``sort``, ``median`` and ``quantile``
differentiate through the sorting permutation. Results may differ from NumPy's in the
last bit where a function is composed of several ops (``log2``, ``exp2``, ``var``...).

Deliberately left out
---------------------
* ``out=`` arguments and everything that writes into an array (``put``, ``place``,
  ``putmask``, ``copyto``, ``fill_diagonal``, in-place methods): tensors are
  immutable, so ``out=`` raises ``TypeError``; use the returned value.
* Ufunc methods (``np.add.reduce``, ``.accumulate``, ``.outer``, ``.at``): the
  functions here are plain functions; use ``sum``, ``cumsum``, ``outer``.
* Complex-number functions (``conj``, ``real``, ``imag``, ``angle``): tapegrad's
  gradients are real-only.
* Functions over Python callables (``vectorize``, ``frompyfunc``,
  ``apply_along_axis``, ``piecewise``), file I/O, printing options, ``ndarray``,
  ``matrix``, masked, structured and string arrays, datetimes: not numerical
  functions of array values.
* Not yet written (composable from the functions here): ``convolve``,
  ``correlate``, ``interp``, ``gradient``, ``cov``, ``corrcoef``, ``insert``,
  ``delete``, ``select``, ``choose``, ``compress``, ``partition``, ``nanmedian``,
  ``nanquantile``, ``polyval``/``polyfit``; the ``pad`` modes ``linear_ramp``,
  ``maximum``, ``minimum``, ``mean``, ``median``; ``quantile`` methods other than
  ``linear`` and weights; ``sort(order=)``; ``cross`` of 2-vectors; ``frexp``, ``modf``,
  ``ldexp``, ``nextafter``, ``spacing``.
"""

from __future__ import annotations

import importlib as _importlib

import numpy as _np

from ._creation import (
    arange,
    array,
    asanyarray,
    asarray,
    astype,
    copy,
    empty,
    empty_like,
    eye,
    full,
    full_like,
    geomspace,
    identity,
    linspace,
    logspace,
    ones,
    ones_like,
    tri,
    zeros,
    zeros_like,
)
from ._elementwise import (
    abs,
    absolute,
    acos,
    acosh,
    add,
    arccos,
    arccosh,
    arcsin,
    arcsinh,
    arctan,
    arctan2,
    arctanh,
    asin,
    asinh,
    atan,
    atan2,
    atanh,
    cbrt,
    clip,
    copysign,
    cos,
    cosh,
    deg2rad,
    degrees,
    divide,
    divmod,
    exp,
    exp2,
    expm1,
    fabs,
    float_power,
    floor_divide,
    fmax,
    fmin,
    fmod,
    hypot,
    log,
    log1p,
    log2,
    log10,
    logaddexp,
    logaddexp2,
    maximum,
    minimum,
    mod,
    multiply,
    nan_to_num,
    negative,
    positive,
    pow,
    power,
    rad2deg,
    radians,
    reciprocal,
    remainder,
    sign,
    sin,
    sinc,
    sinh,
    sqrt,
    square,
    subtract,
    tan,
    tanh,
    true_divide,
    where,
)
from ._nondiff import FUNCTIONS as _NONDIFF
from ._products import (
    cross,
    diag,
    diagonal,
    dot,
    einsum,
    inner,
    kron,
    matmul,
    outer,
    tensordot,
    trace,
    tril,
    triu,
    vdot,
    vecdot,
)
from ._reductions import (
    amax,
    amin,
    average,
    cumprod,
    cumsum,
    cumulative_prod,
    cumulative_sum,
    max,
    mean,
    min,
    nanmax,
    nanmean,
    nanmin,
    nanprod,
    nanstd,
    nansum,
    nanvar,
    prod,
    ptp,
    std,
    sum,
    var,
)
from ._shapes import (
    append,
    array_split,
    atleast_1d,
    atleast_2d,
    atleast_3d,
    broadcast_arrays,
    broadcast_to,
    column_stack,
    concat,
    concatenate,
    diff,
    dsplit,
    dstack,
    expand_dims,
    flip,
    fliplr,
    flipud,
    hsplit,
    hstack,
    matrix_transpose,
    median,
    meshgrid,
    moveaxis,
    pad,
    percentile,
    permute_dims,
    quantile,
    ravel,
    repeat,
    reshape,
    roll,
    rot90,
    sort,
    split,
    squeeze,
    stack,
    swapaxes,
    take,
    take_along_axis,
    tile,
    transpose,
    trapezoid,
    unstack,
    vsplit,
    vstack,
)

globals().update(_NONDIFF)

# Constants and NumPy's scalar types (``np.float32(1.5)`` is NumPy's scalar; any of
# them works as a ``dtype=``).
pi, e, euler_gamma, inf, nan, newaxis = _np.pi, _np.e, _np.euler_gamma, _np.inf, _np.nan, _np.newaxis
dtype = _np.dtype
float16, float32, float64 = _np.float16, _np.float32, _np.float64
int8, int16, int32, int64 = _np.int8, _np.int16, _np.int32, _np.int64
uint8, uint16, uint32, uint64 = _np.uint8, _np.uint16, _np.uint32, _np.uint64
complex64, complex128, intp, bool_, bool = _np.complex64, _np.complex128, _np.intp, _np.bool_, _np.bool_
generic, number, inexact, floating = _np.generic, _np.number, _np.inexact, _np.floating
integer, signedinteger, unsignedinteger, complexfloating = (
    _np.integer, _np.signedinteger, _np.unsignedinteger, _np.complexfloating
)  # fmt: skip

__all__ = [
    # differentiable: element-wise
    "add", "subtract", "multiply", "divide", "true_divide", "floor_divide", "mod", "remainder", "fmod", "divmod",
    "power", "pow", "float_power", "negative", "positive", "reciprocal", "square", "sqrt", "cbrt", "absolute",
    "abs", "fabs", "sign", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "logaddexp", "logaddexp2",
    "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh",
    "asin", "acos", "atan", "asinh", "acosh", "atanh", "arctan2", "atan2", "hypot", "deg2rad", "radians",
    "rad2deg", "degrees", "sinc", "maximum", "minimum", "fmax", "fmin", "copysign", "clip", "where", "nan_to_num",
    # differentiable: reductions and scans
    "sum", "prod", "mean", "var", "std", "max", "min", "amax", "amin", "ptp", "nansum", "nanprod", "nanmean",
    "nanvar", "nanstd", "nanmax", "nanmin", "cumsum", "cumprod", "cumulative_sum", "cumulative_prod", "average",
    "median", "quantile", "percentile", "diff", "trapezoid",
    # differentiable: products
    "dot", "vdot", "inner", "outer", "matmul", "vecdot", "tensordot", "einsum", "kron", "diagonal", "trace", "diag",
    "tril", "triu", "cross",
    # differentiable: shapes, joining, indexing
    "reshape", "ravel", "transpose", "permute_dims", "matrix_transpose", "moveaxis", "swapaxes", "expand_dims",
    "squeeze", "broadcast_to", "broadcast_arrays", "atleast_1d", "atleast_2d", "atleast_3d", "concatenate",
    "concat", "stack", "hstack", "vstack", "dstack", "column_stack", "append", "unstack", "split", "array_split",
    "hsplit", "vsplit", "dsplit", "tile", "repeat", "flip", "fliplr", "flipud", "rot90", "roll", "pad", "meshgrid",
    "take", "take_along_axis", "sort",
    # differentiable: creation from values
    "array", "asarray", "asanyarray", "copy", "astype", "full", "full_like",
    # constants
    "zeros", "ones", "empty", "zeros_like", "ones_like", "empty_like", "eye", "identity", "arange", "linspace",
    "logspace", "geomspace", "tri",
    "pi", "e", "euler_gamma", "inf", "nan", "newaxis",
    # types
    "dtype", "float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
    "uint64", "complex64", "complex128", "intp", "bool_", "bool", "generic", "number", "inexact", "floating",
    "integer", "signedinteger", "unsignedinteger", "complexfloating",
]  # fmt: skip
__all__ += sorted(_NONDIFF)  # not differentiable

# The submodules come last: they may import from this package. ``random`` is plain
# ``numpy.random``; ``linalg`` and ``fft`` are written separately and are optional.
for _name in ("random", "linalg", "fft"):
    try:
        globals()[_name] = _importlib.import_module(f"{__name__}.{_name}")
    except ModuleNotFoundError as _error:
        if _error.name != f"{__name__}.{_name}":
            raise
    else:
        __all__.append(_name)
del _name, _NONDIFF
