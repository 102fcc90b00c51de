"""``custom_gradient``: a function whose gradient the user writes (TensorFlow's contract)."""

from __future__ import annotations

import functools
import inspect

from . import nest
from .engine.dispatch import record
from .engine.registry import OpDef, RegisterGradient
from .engine.state import set_grad_enabled, set_variable_reads, state
from .engine.tensor import Tensor, convert_to_tensor

_CUSTOM = OpDef("CustomGradient", None, (), builtin=True)


def custom_gradient(f):
    """Decorator: ``f(*x)`` returns ``(y, grad_fn)`` and ``grad_fn(*dy)`` returns dx.

    If ``f`` reads trainable variables, ``grad_fn`` must accept ``variables=`` and
    return ``(dx, dvariables)``. The ops inside ``f`` are not recorded; ``grad_fn``
    is built from tapegrad ops, so it can itself be differentiated.
    """

    if not callable(f):
        raise TypeError(f"custom_gradient: expected a function, got {type(f).__name__}")

    @functools.wraps(f)
    def wrapped(*args, **kwargs):
        inputs = [a if isinstance(a, Tensor) else convert_to_tensor(a) for a in args]
        prev_enabled, prev_reads = state.grad_enabled, state.variable_reads
        reads = []
        set_variable_reads(reads)
        set_grad_enabled(False)
        try:
            returned = f(*inputs, **kwargs)
        finally:
            set_variable_reads(prev_reads)
            set_grad_enabled(prev_enabled)
        if not isinstance(returned, tuple | list) or len(returned) != 2 or not callable(returned[1]):
            raise TypeError(
                f"custom_gradient: {f.__name__} must return a pair (outputs, grad_fn), got {type(returned).__name__}"
            )
        result, grad_fn = returned
        input_ids = {id(t) for t in inputs}
        variables = list({id(v): v for v in reads if id(v) not in input_ids}.values())
        if variables and "variables" not in inspect.signature(grad_fn).parameters:
            raise TypeError(
                f"custom_gradient: {f.__name__} uses variables, so its gradient function must accept "
                "a keyword argument 'variables' and return (input_gradients, variable_gradients)"
            )
        outputs = [convert_to_tensor(y) for y in nest.flatten(result)]
        attrs = {"grad_fn": grad_fn, "num_inputs": len(inputs), "variables": variables}
        recorded = record(_CUSTOM, tuple(inputs + variables), attrs, tuple(y._value for y in outputs), outputs)
        return nest.pack_as(result, recorded)

    return wrapped


@RegisterGradient("CustomGradient")
def _custom_gradient_grad(op, *grads):
    grad_fn = op.get_attr("grad_fn")
    variables = op.get_attr("variables")
    if variables:
        input_grads, variable_grads = grad_fn(*grads, variables=variables)
        variable_grads = list(variable_grads)
    else:
        input_grads, variable_grads = grad_fn(*grads), []
    input_grads = list(input_grads) if isinstance(input_grads, list | tuple) else [input_grads]
    if len(input_grads) != op.get_attr("num_inputs") or len(variable_grads) != len(variables):
        raise ValueError(
            f"custom_gradient: the gradient function returned {len(input_grads)} input gradient(s) and "
            f"{len(variable_grads)} variable gradient(s) for {op.get_attr('num_inputs')} input(s) and "
            f"{len(variables)} variable(s)"
        )
    return input_grads + variable_grads
