"""The functional face: ``tg.grad``, ``tg.jacobian``, ``tg.hessian``, ``tg.vjp``, ``tg.jvp``...

Every transform is built from two primitives on the shared engine: ``vjp`` (a
GradientTape) and ``jvp`` (a ForwardAccumulator). Arguments may be tensors, NumPy
arrays, Python numbers, or nested lists/tuples/dicts of them. NumPy's dtype rules
hold here (a Python float is float64), and a transform given NumPy values returns
NumPy values (floats for scalars), so results go straight into SciPy; given
tensors, it returns tensors, so transforms compose (``grad(grad(f))``).
"""

from __future__ import annotations

import functools

from . import backend, nest
from .autodiff import ForwardAccumulator
from .checks import function, integer
from .creation import eye
from .engine.tensor import Tensor, make_tensor
from .ops.array_ops import reshape, zeros_like
from .ops.math_ops import add_n
from .ops.reduction_ops import reduce_sum
from .tape import GradientTape, one_hot_seeds

__all__ = [
    "grad", "value_and_grad", "elementwise_grad", "jacobian", "jacrev", "jacfwd", "hessian", "hvp",
    "vjp", "jvp", "check_grads",
]  # fmt: skip


# -- arguments and results ----------------------------------------------------------
_OUTPUT = "function's output"


def _to_tensor(value, name: str, role: str = "argument") -> Tensor:
    """A leaf as a tensor, by NumPy's rules (Python floats are float64).

    ``name`` (the transform) and ``role`` (argument, function's output, tangent...) name it in errors.
    """
    if isinstance(value, Tensor):
        return value
    try:
        array = backend.array_copy(value)
    except (TypeError, ValueError) as e:
        raise type(e)(f"{name}: cannot convert the {role} ({type(value).__name__}) to a tensor: {e}") from None
    if array.dtype.kind not in "biufc":
        raise TypeError(f"{name}: the {role} must be a tensor, an array or a number, got {type(value).__name__}")
    return make_tensor(array)


def _as_tensors(structure, name: str, role: str = "argument"):
    """``structure`` with its leaves as tensors, and whether the caller used NumPy values."""
    leaves = nest.flatten(structure)
    numpy_in = not any(isinstance(leaf, Tensor) for leaf in leaves)
    return nest.pack_as(structure, [_to_tensor(leaf, name, role) for leaf in leaves]), numpy_in


def _to_numpy(structure):
    """Tensors in ``structure`` as NumPy arrays, 0-d ones as Python numbers.

    A tensor that an enclosing transform is still tracking (a closure over its
    variable) stays a tensor, so that transform can differentiate through it.
    """

    def convert(leaf):
        if not isinstance(leaf, Tensor) or leaf._node is not None or leaf._tangents or leaf._rg:
            return leaf
        value = leaf.numpy()
        return value.item() if value.ndim == 0 else value

    return nest.pack_as(structure, [convert(leaf) for leaf in nest.flatten(structure)])


def _differentiable(leaves, argname: str) -> None:
    for leaf in leaves:
        if leaf.dtype.kind not in "fc":
            raise TypeError(
                f"{argname}: cannot differentiate with respect to an argument of dtype {leaf.dtype}; "
                "pass floats (3.0, not 3)"
            )


def _transform(name: str, fun, argnums) -> tuple:
    """Check a transform's arguments when it is created: ``(positions, single)`` for ``argnums``."""
    function(name, fun)
    single = not isinstance(argnums, list | tuple)
    nums = (argnums,) if single else argnums
    return tuple(integer(name, "argnums", n) for n in nums), single


def _prepare(args, nums: tuple, name: str):
    """Converted arguments and the flat leaves at the positions ``nums`` to differentiate."""
    args, numpy_in = _as_tensors(tuple(args), name)
    for n in nums:
        if not -len(args) <= n < len(args):
            raise ValueError(f"{name}: argnums {n} is out of range for {len(args)} positional arguments")
    leaves = [nest.flatten(args[n]) for n in nums]
    for group in leaves:
        _differentiable(group, name)
    return list(args), leaves, numpy_in


def _split_aux(result, has_aux: bool, name: str) -> tuple:
    """``(output, aux)``: with ``has_aux`` the function must have returned that pair."""
    if not has_aux:
        return result, None
    if not isinstance(result, tuple | list) or len(result) != 2:
        got = f"{type(result).__name__} of length {len(result)}" if isinstance(result, tuple | list) else None
        raise TypeError(
            f"{name}: with has_aux=True the function must return a pair (output, aux), "
            f"got {got or type(result).__name__}"
        )
    return result


# -- the two primitives -----------------------------------------------------------
def _vjp_core(fun, args, leaves, kwargs, has_aux: bool, name: str):
    """Run ``fun`` on a persistent tape watching ``leaves``."""
    tape = GradientTape(persistent=True, watch_accessed_variables=False)
    with tape:
        for group in leaves:
            tape.watch(group)
        result = fun(*args, **kwargs)
    out, aux = _split_aux(result, has_aux, name)
    return tape, out, aux


def vjp(fun, *primals, has_aux: bool = False):
    """``(out, vjp_fn)``: ``vjp_fn(cotangent)`` is a tuple, the cotangent pulled back to each primal."""
    function("vjp", fun)
    args, numpy_in = _as_tensors(primals, "vjp")
    leaves = [nest.flatten(a) for a in args]
    for group in leaves:
        _differentiable(group, "vjp")
    tape, out, aux = _vjp_core(fun, list(args), leaves, {}, has_aux, "vjp")
    out_leaves = [_to_tensor(o, "vjp", _OUTPUT) for o in nest.flatten(out)]

    def vjp_fn(cotangent):
        cts = [_to_tensor(c, "vjp_fn", "cotangent") for c in nest.flatten(cotangent)]
        if len(cts) != len(out_leaves):
            raise ValueError(f"vjp_fn: expected {len(out_leaves)} cotangent(s), got {len(cts)}")
        cts = [c if c.dtype == o.dtype else _cast(c, o.dtype) for c, o in zip(cts, out_leaves)]
        flat = [leaf for group in leaves for leaf in group]
        grads = tape.gradient(out_leaves, flat, output_gradients=cts, unconnected_gradients="zero")
        it = iter(grads)
        result = tuple(nest.pack_as(a, [next(it) for _ in group]) for a, group in zip(args, leaves))
        return _to_numpy(result) if numpy_in else result

    out = _to_numpy(out) if numpy_in else out
    return (out, vjp_fn, aux) if has_aux else (out, vjp_fn)


def _cast(t, dtype):
    from .ops.math_ops import cast

    return cast(t, dtype)


def jvp(fun, primals, tangents, has_aux: bool = False):
    """``(out, tangent_out)``: the Jacobian of ``fun`` at ``primals`` times ``tangents``.

    ``primals`` and ``tangents`` are tuples or lists, one entry per argument of ``fun``,
    each tangent with the structure of its primal.
    """
    function("jvp", fun)
    if not isinstance(primals, tuple | list) or not isinstance(tangents, tuple | list):
        raise TypeError(
            f"jvp: primals and tangents must be tuples or lists, got {type(primals).__name__} "
            f"and {type(tangents).__name__}"
        )
    if len(primals) != len(tangents):
        raise ValueError(f"jvp: {len(primals)} primals but {len(tangents)} tangents")
    for i, (p, t) in enumerate(zip(primals, tangents)):
        if _skeleton(p) != _skeleton(t):
            raise ValueError(
                f"jvp: primal {i} and its tangent have different structures: {_skeleton(p)} vs {_skeleton(t)}"
            )
    primals, numpy_in = _as_tensors(tuple(primals), "jvp")
    tangents, _ = _as_tensors(tuple(tangents), "jvp", "tangent")
    flat_p, flat_t = nest.flatten(primals), nest.flatten(tangents)
    _differentiable(flat_p, "jvp")
    flat_t = [t if t.dtype == p.dtype else _cast(t, p.dtype) for p, t in zip(flat_p, flat_t)]
    with ForwardAccumulator(flat_p, flat_t) as acc:
        result = fun(*primals)
    out, aux = _split_aux(result, has_aux, "jvp")
    tangent_out = acc.jvp(out, unconnected_gradients="zero")
    if numpy_in:
        out, tangent_out = _to_numpy(out), _to_numpy(tangent_out)
    return (out, tangent_out, aux) if has_aux else (out, tangent_out)


def _skeleton(structure):
    """``structure`` with every leaf replaced by None, for comparing structures."""
    return nest.pack_as(structure, [None] * len(nest.flatten(structure)))


# -- transforms built on them --------------------------------------------------------
def value_and_grad(fun, argnums=0, has_aux: bool = False):
    """A function returning ``(fun(*args), gradient)`` (``((value, aux), gradient)`` with has_aux)."""
    return _value_and_grad(fun, argnums, has_aux, "value_and_grad")


def _value_and_grad(fun, argnums, has_aux: bool, name: str):
    nums, single = _transform(name, fun, argnums)

    @functools.wraps(fun)
    def value_and_grad_fun(*args, **kwargs):
        args, leaves, numpy_in = _prepare(args, nums, name)
        tape, out, aux = _vjp_core(fun, args, leaves, kwargs, has_aux, name)
        out = _to_tensor(out, name, _OUTPUT)
        if out.size != 1:
            raise TypeError(
                f"{name} requires a function with a scalar output, got shape {out.shape}; "
                "use jacobian, elementwise_grad or vjp for other outputs"
            )
        flat = [leaf for group in leaves for leaf in group]
        grads = iter(tape.gradient(out, flat, unconnected_gradients="zero"))
        per_arg = tuple(nest.pack_as(args[n], [next(grads) for _ in group]) for n, group in zip(nums, leaves))
        result_grad = per_arg[0] if single else per_arg
        value = (out, aux) if has_aux else out
        if numpy_in:
            return _to_numpy(value), _to_numpy(result_grad)
        return value, result_grad

    return value_and_grad_fun


def grad(fun, argnums=0, has_aux: bool = False):
    """The gradient of scalar-valued ``fun`` with respect to argument(s) ``argnums``.

    ``tg.grad(f)(1.1)`` works in float64 and returns a float; with ``has_aux=True``,
    ``fun`` returns ``(value, aux)`` and the result is ``(gradient, aux)``.
    """
    return _grad(fun, argnums, has_aux, "grad")


def _grad(fun, argnums, has_aux: bool, name: str):
    value_and_grad_fun = _value_and_grad(fun, argnums, has_aux, name)

    @functools.wraps(fun)
    def grad_fun(*args, **kwargs):
        value, g = value_and_grad_fun(*args, **kwargs)
        return (g, value[1]) if has_aux else g

    return grad_fun


def elementwise_grad(fun, argnum: int = 0):
    """The gradient of ``sum(fun(x))``: for element-wise ``fun``, the derivative at each element."""
    function("elementwise_grad", fun)

    @functools.wraps(fun)
    def summed(*args, **kwargs):
        return reduce_sum(_to_tensor(fun(*args, **kwargs), "elementwise_grad", _OUTPUT))

    return _grad(summed, argnum, False, "elementwise_grad")


def _empty(leaf) -> Tensor:
    """The Jacobian with respect to ``leaf`` when there is no row or column to compute."""
    return zeros_like(reshape(leaf, (-1,)))[:0]


def _per_arg(args, nums, leaves, jac, single, numpy_in):
    """Per-leaf Jacobians packed like the differentiated arguments."""
    it = iter(jac)
    per_arg = tuple(nest.pack_as(args[n], [next(it) for _ in group]) for n, group in zip(nums, leaves))
    result = per_arg[0] if single else per_arg
    return _to_numpy(result) if numpy_in else result


def jacrev(fun, argnums=0):
    """The Jacobian by reverse mode: ``out.shape + in.shape``, one backward pass over all the
    one-hot cotangents at once (``vmap``)."""
    return _jacrev(fun, argnums, "jacrev")


def _jacrev(fun, argnums, name: str):
    from .batching import vmap

    nums, single = _transform(name, fun, argnums)

    @functools.wraps(fun)
    def jacobian_fun(*args):
        args, leaves, numpy_in = _prepare(args, nums, name)
        tape, out, _ = _vjp_core(fun, args, leaves, {}, False, name)
        out = _to_tensor(out, name, _OUTPUT)
        flat = [leaf for group in leaves for leaf in group]

        def pull(cotangent):
            return tape.gradient(out, flat, output_gradients=cotangent, unconnected_gradients="zero")

        if out.size == 0:
            jac = [_empty(leaf) for leaf in flat]
        else:
            rows = vmap(pull)(one_hot_seeds(out.shape, out.shape, out.dtype))
            jac = [reshape(r, tuple(out.shape) + tuple(leaf.shape)) for r, leaf in zip(rows, flat)]
        return _per_arg(args, nums, leaves, jac, single, numpy_in)

    return jacobian_fun


jacobian = jacrev


def jacfwd(fun, argnums=0):
    """The Jacobian by forward mode: ``out.shape + in.shape``, one forward pass pushing every
    one-hot tangent at once (``vmap`` of a JVP)."""
    from .batching import moveaxis, vmap

    nums, single = _transform("jacfwd", fun, argnums)

    @functools.wraps(fun)
    def jacobian_fun(*args):
        args, leaves, numpy_in = _prepare(args, nums, "jacfwd")
        flat = [leaf for group in leaves for leaf in group]
        sizes = [leaf.size for leaf in flat]
        total = sum(sizes)
        if total == 0:
            return _per_arg(args, nums, leaves, [_empty(leaf) for leaf in flat], single, numpy_in)

        def push(direction):
            start, tangents = 0, []
            for leaf, n in zip(flat, sizes):
                tangent = reshape(direction[start : start + n], leaf.shape)
                tangents.append(tangent if tangent.dtype == leaf.dtype else _cast(tangent, leaf.dtype))
                start += n
            with ForwardAccumulator(flat, tangents) as acc:
                out = _to_tensor(fun(*args), "jacfwd", _OUTPUT)
            return acc.jvp(out, unconnected_gradients="zero")

        columns = moveaxis(vmap(push)(eye(total, dtype=flat[0].dtype)), 0, -1)  # out.shape + (total,)
        out_shape = tuple(columns.shape[:-1])
        jac, start = [], 0
        for leaf, n in zip(flat, sizes):
            jac.append(reshape(columns[..., start : start + n], out_shape + tuple(leaf.shape)))
            start += n
        return _per_arg(args, nums, leaves, jac, single, numpy_in)

    return jacobian_fun


def hessian(fun, argnums=0):
    """The Hessian of scalar-valued ``fun``: reverse mode over reverse mode, the second backward
    pass batched over every direction (faster here than forward over reverse)."""
    return _jacrev(_grad(fun, argnums, False, "hessian"), argnums, "hessian")


def hvp(fun, x, v):
    """The Hessian of scalar-valued ``fun`` at ``x`` times ``v``.

    Reverse over forward: the gradient of the directional derivative ⟨∇fun(x), v⟩.
    Unlike forward over reverse, it never computes the gradient ∇fun(x) itself.
    """
    function("hvp", fun)
    return _grad(lambda x: jvp(fun, (x,), (v,))[1], 0, False, "hvp")(x)


# -- checking ----------------------------------------------------------------------
def check_grads(fun, args, modes=("fwd", "rev"), order: int = 2, eps: float = 1e-6,
                rtol: float = 1e-5, atol: float = 1e-6) -> None:  # fmt: skip
    """Check ``fun``'s derivatives at ``args`` against central differences, up to ``order``.

    ``"fwd"`` checks Jacobian-vector products, ``"rev"`` vector-Jacobian products,
    along random directions; higher orders check the derivative functions in turn.
    Raises ``AssertionError`` describing the first mismatch. Use float64.
    """
    function("check_grads", fun)
    args = tuple(args) if isinstance(args, tuple | list) else (args,)
    args, _ = _as_tensors(args, "check_grads")
    for mode in modes:
        if mode not in ("fwd", "rev"):
            raise ValueError(f"check_grads: modes are 'fwd' and 'rev', got {mode!r}")
    rng = backend.xp.random.default_rng(0)
    _check(fun, args, modes, order, eps, rtol, atol, rng)


def _random_like(structure, rng):
    return nest.pack_as(
        structure, [make_tensor(rng.standard_normal(t.shape).astype(t.dtype)) for t in nest.flatten(structure)]
    )


def _inner(a, b) -> float:
    terms = [reduce_sum(x * y) for x, y in zip(nest.flatten(a), nest.flatten(b))]
    return float(add_n(terms)) if terms else 0.0


def _check(fun, args, modes, order, eps, rtol, atol, rng) -> None:
    directions = _random_like(args, rng)
    shifted = [
        fun(*[nest.pack_as(a, [x + step * d for x, d in zip(nest.flatten(a), nest.flatten(v))])
              for a, v in zip(args, directions)])
        for step in (eps, -eps)
    ]  # fmt: skip
    numeric = nest.pack_as(
        shifted[0], [(p - m) / (2 * eps) for p, m in zip(nest.flatten(shifted[0]), nest.flatten(shifted[1]))]
    )
    out = fun(*args)
    if "fwd" in modes:
        _, tangent = jvp(fun, args, directions)
        _assert_close(tangent, numeric, rtol, atol, "forward mode (JVP)")
    if "rev" in modes:
        cotangent = _random_like(out, rng)
        _, vjp_fn = vjp(fun, *args)
        pulled = vjp_fn(cotangent)
        lhs, rhs = _inner(pulled, directions), _inner(cotangent, numeric)
        if not abs(lhs - rhs) <= atol + rtol * abs(rhs):
            raise AssertionError(f"reverse mode (VJP) disagrees with finite differences: {lhs!r} vs {rhs!r}")
    if order > 1:
        if "rev" in modes:
            cotangent = _random_like(out, rng)
            _check(lambda *a: vjp(fun, *a)[1](cotangent), args, modes, order - 1, eps, rtol, atol, rng)
        if "fwd" in modes:
            _check(lambda *a: jvp(fun, a, directions)[1], args, modes, order - 1, eps, rtol, atol, rng)


def _assert_close(got, expected, rtol, atol, what) -> None:
    for g, e in zip(nest.flatten(got), nest.flatten(expected)):
        g, e = backend.to_numpy(g._value), backend.to_numpy(e._value)
        if not backend.xp.allclose(g, e, rtol=rtol, atol=atol):
            raise AssertionError(f"{what} disagrees with finite differences:\nanalytic {g}\nnumeric  {e}")
