"""The op registry: each op type's kernel, samples and gradient function.

``primitive`` turns a NumPy function into an op; ``RegisterGradient`` and
``NotDifferentiable`` give an op type its gradient, as in TensorFlow. Built-in ops
are defined with these same public decorators.
"""

from __future__ import annotations

import functools
import inspect
import re

from .. import backend
from ..checks import function
from .dispatch import apply

_MISSING = object()
OPS: dict[str, OpDef] = {}
_GRADIENTS: dict[str, object] = {}

# TensorFlow's rule for op type names (op_def_util.cc, IsValidOpName): CamelCase, namespaces joined
# by '>'; names starting with '_' are internal (here too limited to letters, digits, '_' and '>').
_OP_TYPE = re.compile(r"[A-Z][A-Za-z0-9_]*(?:>[A-Z][A-Za-z0-9_]*)*|_[A-Za-z0-9_>]*")


def check_op_type(op_type, who: str) -> str:
    """``op_type`` if it is a valid op type name; otherwise a TypeError or a ValueError that gives the rule."""
    if not isinstance(op_type, str):
        raise TypeError(f"{who}: op_type must be a string, got {type(op_type).__name__}")
    if _OP_TYPE.fullmatch(op_type) is None:
        raise ValueError(
            f"{who}: invalid op type name {op_type!r}. As in TensorFlow, an op type name is CamelCase: an "
            "upper-case letter, then letters, digits and underscores ([A-Z][A-Za-z0-9_]*), with namespaces "
            "joined by '>' ('MyLib>MyOp'); a name starting with '_' is internal ('_' then [A-Za-z0-9_>]*)"
        )
    return op_type


class Sample:
    """Sample inputs of an op for the registry walk: arrays, then attributes."""

    __slots__ = ("args", "attrs")

    def __init__(self, *args, **attrs):
        self.args = args
        self.attrs = attrs

    def __repr__(self) -> str:
        shapes = ", ".join(str(getattr(a, "shape", a)) for a in self.args)
        return f"Sample({shapes}, {self.attrs})"


class OpDef:
    """An op type: its kernel, the public function that runs it, and samples."""

    __slots__ = ("builtin", "differentiable", "fn", "gradient", "kernel", "samples", "type")

    def __init__(self, op_type, kernel, samples, builtin):
        self.type = op_type
        self.kernel = kernel
        self.fn = None
        self.samples = list(samples or ())
        self.differentiable = _GRADIENTS.get(op_type, _MISSING) is not None
        self.builtin = builtin
        # the registry's gradient function of ``op_type``, or one of this OpDef alone
        # (autograd.Function, tg.function calls); None: look it up (raising if missing)
        self.gradient = _GRADIENTS.get(op_type)

    def __repr__(self) -> str:
        return f"<OpDef {self.type}>"


def gradient_function(op_type: str):
    """The registered gradient function of ``op_type`` (None if not differentiable)."""
    fn = _GRADIENTS.get(op_type, _MISSING)
    if fn is _MISSING:
        raise LookupError(
            f"No gradient defined for operation of type {op_type!r}; "
            f'register one with @tg.RegisterGradient("{op_type}")'
        )
    return fn


def _register_gradient(op_type: str, fn) -> None:
    if op_type in _GRADIENTS:
        raise KeyError(f"Registering two gradient with name '{op_type}'!")
    _GRADIENTS[op_type] = fn
    if op_type in OPS:
        OPS[op_type].differentiable = fn is not None
        OPS[op_type].gradient = fn


class RegisterGradient:
    """Decorator registering the gradient function of an op type.

    The function receives the recorded ``op`` and one gradient per output and
    returns one gradient (or None) per input, built from tapegrad ops::

        @tg.RegisterGradient("Square")
        def _square_grad(op, grad):
            return grad * 2.0 * op.inputs[0]
    """

    def __init__(self, op_type: str):
        self._op_type = check_op_type(op_type, "RegisterGradient")

    def __call__(self, fn):
        function(f"RegisterGradient({self._op_type!r})", fn)
        _register_gradient(self._op_type, fn)
        return fn


_JVPS: dict[str, object] = {}
LINEAR = "linear"  # the op is linear in its floating-point inputs: its JVP is the op on the tangents
ELEMENTWISE = "elementwise"  # one input, diagonal Jacobian: its JVP is its gradient applied to the tangent


def jvp_rule(op_type: str):
    """The forward-mode rule of ``op_type``: a function, LINEAR, ELEMENTWISE, or None (derived)."""
    return _JVPS.get(op_type)


class RegisterJVP:
    """Decorator registering the forward-mode (JVP) rule of an op type.

    The rule receives the ``op`` and one tangent (or None for zero) per input, and
    returns one tangent per output, built from tapegrad ops. ``LINEAR`` and
    ``ELEMENTWISE`` may be registered instead of a function. Ops without a rule get
    one derived from their gradient: J·v = d/du ⟨VJP(u), v⟩.
    """

    def __init__(self, op_type: str):
        self._op_type = check_op_type(op_type, "RegisterJVP")

    def __call__(self, rule):
        if self._op_type in _JVPS:
            raise KeyError(f"Registering two JVP rules for {self._op_type!r}")
        _JVPS[self._op_type] = rule
        return rule


def NotDifferentiable(op_type: str) -> None:
    """Declare that ops of ``op_type`` have no gradient (they are never recorded)."""
    _register_gradient(check_op_type(op_type, "NotDifferentiable"), None)


def primitive(op_type: str, samples=None):
    """Decorator turning a function of NumPy arrays into a tapegrad op of type ``op_type``.

    ``op_type`` follows TensorFlow's rule for op type names: CamelCase (``"MyOp"``,
    ``"MyLib>MyOp"``); anything else raises ValueError.
    The function's leading parameters without defaults are the op's tensor inputs
    (a ``*args`` parameter makes it variadic); parameters with defaults are
    attributes, available to the gradient as ``op.get_attr(name)``. The function
    returns an array, or a tuple of arrays for several outputs. ``samples`` (a list
    of ``Sample``) are inputs on which the test suite checks the op's derivatives.
    """
    check_op_type(op_type, "primitive")

    def decorate(kernel):
        function(f"primitive({op_type!r})", kernel)
        if op_type in OPS:
            raise KeyError(f"an op of type {op_type!r} is already defined")
        builtin = getattr(kernel, "__module__", "").startswith("tapegrad.")
        op = OpDef(op_type, kernel if builtin else _checked_kernel(kernel), samples, builtin)
        fn = _op_function(op, kernel)
        op.fn = fn
        OPS[op_type] = op
        return fn

    return decorate


def _checked_kernel(kernel):
    """A user's kernel whose outputs are checked to be numeric arrays (built-in kernels are trusted,
    so the dispatcher's hot path checks nothing)."""

    @functools.wraps(kernel)
    def checked(*args, **kwargs):
        out = kernel(*args, **kwargs)
        return tuple(_numeric(v) for v in out) if type(out) is tuple else _numeric(out)

    return checked


def _numeric(value):
    array = backend.asarray(value)
    if array.dtype.kind not in "biufc":
        raise TypeError(
            f"the kernel returned {type(value).__name__} of dtype {array.dtype}; an op's kernel must return "
            "numeric arrays"
        )
    return array


def _op_function(op: OpDef, kernel):
    params = list(inspect.signature(kernel).parameters.values())
    variadic = any(p.kind is p.VAR_POSITIONAL for p in params)
    n_inputs = 0
    while n_inputs < len(params) and params[n_inputs].kind is params[n_inputs].POSITIONAL_OR_KEYWORD:
        if params[n_inputs].default is not params[n_inputs].empty:
            break
        n_inputs += 1
    attr_params = [p for p in params[n_inputs:] if p.kind is not p.VAR_POSITIONAL]
    attr_names = tuple(p.name for p in attr_params)
    defaults = {p.name: p.default for p in attr_params if p.default is not p.empty}
    required = tuple(n for n in attr_names if n not in defaults)

    def bind(args, kwargs):
        kwargs.pop("name", None)
        if variadic:
            inputs, extra = args, ()
        else:
            if len(args) < n_inputs:
                raise TypeError(f"{op.type}: expected {n_inputs} input(s), got {len(args)}")
            inputs, extra = args[:n_inputs], args[n_inputs:]
        if len(extra) > len(attr_names):
            raise TypeError(f"{op.type}: too many arguments ({len(args)})")
        attrs = dict(defaults)
        attrs.update(zip(attr_names, extra))
        for key, value in kwargs.items():
            if key not in attr_names:
                raise TypeError(f"{op.type}: unexpected argument {key!r}")
            attrs[key] = value
        missing = [n for n in required if n not in attrs]
        if missing:
            raise TypeError(f"{op.type}: missing argument(s) {', '.join(missing)}")
        return inputs, attrs

    @functools.wraps(kernel)
    def op_fn(*args, **kwargs):
        if kwargs or len(args) != n_inputs or variadic:
            args, attrs = bind(args, kwargs)
        else:
            attrs = defaults
        return apply(op, args, attrs)

    op_fn.op_type = op.type
    return op_fn
