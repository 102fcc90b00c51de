"""``gradcheck`` and ``gradgradcheck``: analytical Jacobians against finite differences."""

from __future__ import annotations

from ..backend import xp
from ..engine.tensor import Tensor, make_tensor
from .backprop import _as_tuple, grad


class GradcheckError(RuntimeError):
    """Raised by gradcheck when an analytical and a numerical Jacobian differ."""


def _outputs(fn, inputs) -> tuple:
    return tuple(o for o in _as_tuple(fn(*inputs)) if isinstance(o, Tensor) and o.dtype.kind in "fc")


def _numerical_jacobians(fn, inputs, index, eps) -> list:
    """d(each output)/d(input index) by central differences: (out.size, in.size) arrays."""
    x = inputs[index]
    base = x._value.astype(x.dtype, copy=True).reshape(-1)
    columns = []
    for j in range(base.size):
        shifted = []
        for step in (eps, -eps):
            value = base.copy()
            value[j] += step
            probe = make_tensor(value.reshape(x.shape))
            probe._rg = x._rg  # the function may differentiate internally (gradgradcheck)
            args = [probe if k == index else a for k, a in enumerate(inputs)]
            shifted.append([o._value.reshape(-1).astype(float) for o in _outputs(fn, args)])
        columns.append([(p - m) / (2 * eps) for p, m in zip(*shifted)])
    n_out = len(columns[0]) if columns else len(_outputs(fn, inputs))
    return [xp.stack([c[o] for c in columns], axis=1) if columns else None for o in range(n_out)]


def _analytical_jacobians(outputs, inputs, index) -> list:
    """d(each output)/d(input index) by the backward pass, one row per output element."""
    x = inputs[index]
    jacobians = []
    for out in outputs:
        rows = []
        for k in range(out.size):
            seed = xp.zeros(out.size, dtype=out.dtype)
            seed[k] = 1
            (g,) = grad(out, x, grad_outputs=make_tensor(seed.reshape(out.shape)), retain_graph=True,
                        allow_unused=True)  # fmt: skip
            rows.append(xp.zeros(x.size) if g is None else g._value.reshape(-1).astype(float))
        jacobians.append(xp.stack(rows) if rows else xp.zeros((0, x.size)))
    return jacobians


def gradcheck(func, inputs, *, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
              raise_exception: bool = True, **unused) -> bool:  # fmt: skip
    """Check the gradients of ``func`` at ``inputs`` against central differences.

    Every floating-point input that requires grad is checked, element by element,
    for every floating-point output: ``|analytical - numerical| <= atol + rtol *
    |numerical|``. Use float64 inputs. Returns True, or raises ``GradcheckError``
    (False with ``raise_exception=False``) describing where they differ.
    """
    inputs = _as_tuple(inputs)
    outputs = _outputs(func, inputs)
    for i, x in enumerate(inputs):
        if not (isinstance(x, Tensor) and x.requires_grad):
            continue
        numerical = _numerical_jacobians(func, inputs, i, eps)
        analytical = _analytical_jacobians(outputs, inputs, i)
        for o, (n, a) in enumerate(zip(numerical, analytical)):
            if n is None:
                continue
            if not xp.all(xp.abs(a - n) <= atol + rtol * xp.abs(n)):
                if not raise_exception:
                    return False
                worst = xp.unravel_index(xp.argmax(xp.abs(a - n)), n.shape)
                raise GradcheckError(
                    f"Jacobian mismatch for output {o} with respect to input {i}: at (output element "
                    f"{worst[0]}, input element {worst[1]}) numerical {n[worst]:.8g} vs analytical "
                    f"{a[worst]:.8g}\nnumerical:\n{n}\nanalytical:\n{a}"
                )
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps: float = 1e-6, atol: float = 1e-5,
                  rtol: float = 1e-3, raise_exception: bool = True, **unused) -> bool:  # fmt: skip
    """``gradcheck`` of the gradient of ``func``: second derivatives against finite differences.

    ``grad_outputs`` (random when not given) weight the outputs; they are checked too.
    """
    inputs = _as_tuple(inputs)
    outputs = _outputs(func, inputs)
    if grad_outputs is None:
        rng = xp.random.default_rng(0)
        grad_outputs = tuple(make_tensor(rng.standard_normal(o.shape).astype(o.dtype)) for o in outputs)
    grad_outputs = _as_tuple(grad_outputs)
    for g in grad_outputs:
        g.requires_grad_()
    differentiable = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    n = len(inputs)

    def first_derivatives(*args):
        xs, weights = args[:n], args[n:]
        outs = _outputs(func, xs)
        grads = grad(outs, [xs[i] for i in differentiable], grad_outputs=list(weights), create_graph=True,
                     allow_unused=True, materialize_grads=True)  # fmt: skip
        return grads

    return gradcheck(first_derivatives, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)  # fmt: skip
