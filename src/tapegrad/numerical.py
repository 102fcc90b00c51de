"""Central finite differences: the reference every gradient is checked against."""

from __future__ import annotations

from . import backend
from .checks import numeric_array, real_number
from .engine.tensor import Tensor, make_tensor

_DEFAULT_EPS = {"float64": 1e-6, "float32": 1e-3, "float16": 1e-2}


def numerical_gradient(f, x, eps: float | None = None):
    """d f(x) / dx by central differences, ``(f(x + eps) - f(x - eps)) / (2 eps)`` per element.

    ``f`` must return a scalar. ``x`` may be a float, a NumPy array or a tensor; the
    result has the same kind and shape. ``eps`` defaults to 1e-6 in float64.
    """
    as_tensor = isinstance(x, Tensor)
    base = backend.array_copy(x._value if as_tensor else numeric_array("numerical_gradient", x))
    if base.dtype.kind not in "fc":
        base = base.astype(float)
    if eps is None:
        eps = _DEFAULT_EPS.get(base.dtype.name, 1e-6)
    elif not real_number("numerical_gradient", "eps", eps) > 0:
        raise ValueError(f"numerical_gradient: eps must be positive, got {eps}")
    wrap = make_tensor if as_tensor else (lambda a: a if a.ndim else a[()])
    flat = base.reshape(-1)
    grad = backend.xp.zeros_like(flat)
    for i in range(flat.size):
        saved = flat[i]
        flat[i] = saved + eps
        plus = float(f(wrap(base.copy())))
        flat[i] = saved - eps
        minus = float(f(wrap(base.copy())))
        flat[i] = saved
        grad[i] = (plus - minus) / (2 * eps)
    grad = grad.reshape(base.shape)
    if as_tensor:
        return make_tensor(grad)
    return grad if grad.ndim else float(grad)
