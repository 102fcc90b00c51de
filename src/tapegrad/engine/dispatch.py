"""The hot path: run an op's kernel and record it where a record tracks an input.

``apply`` is called once per op the user runs; keep it lean.
"""

from __future__ import annotations

from .. import backend
from .node import Node
from .state import AUTOGRAD, state
from .tensor import Tensor, convert_to_tensor, make_tensor

_ndarray = backend.ndarray
_asarray = backend.asarray
_WEAK_SCALARS = (float, int, bool, complex)


def convert_inputs(args) -> tuple:
    """Op arguments as tensors; Python scalars take the dtype of the tensors beside them."""
    weak = False
    for a in args:
        if not isinstance(a, Tensor):
            break
    else:
        return args
    out = []
    dtypes = []
    for a in args:
        if isinstance(a, Tensor):
            dtypes.append(a._value.dtype)
        elif type(a) in _WEAK_SCALARS:
            weak = True
            out.append(a)
            continue
        else:
            a = convert_to_tensor(a)
            dtypes.append(a._value.dtype)
        out.append(a)
    if weak:
        out = [_weak_scalar(a, dtypes) if type(a) in _WEAK_SCALARS else a for a in out]
    return tuple(out)


def _weak_scalar(value, dtypes) -> Tensor:
    if not dtypes:
        return convert_to_tensor(value)
    return make_tensor(_asarray(value, backend.result_dtype(*dtypes, value)))


def recording_tapes(inputs) -> tuple:
    """The records that track any of ``inputs`` and are recording now."""
    st = state
    if not st.grad_enabled:
        if st.variable_reads is not None:
            st.variable_reads.extend(t for t in inputs if t._trainable_var)
        return ()
    active = st.active
    found = ()
    for t in inputs:
        node = t._node
        if node is not None:
            tapes = node.tapes
            if tapes is not found and tapes:
                found = _union(found, tapes)
        elif t._rg and AUTOGRAD not in found:
            found += (AUTOGRAD,)
        for r in active:
            if r not in found and r.watches(t):
                found += (r,)
    for r in found:
        if not r.recording:
            return tuple(r for r in found if r.recording)
    return found


def _union(a: tuple, b: tuple) -> tuple:
    if not a:
        return b
    extra = tuple(r for r in b if r not in a)
    return a + extra if extra else a


def apply(op, inputs: tuple, attrs: dict):
    """Run ``op`` on tensors ``inputs``; return its output tensor(s), recorded if tracked."""
    try:
        out = op.kernel(*[t._value for t in inputs], **attrs)
    except Exception as e:
        raise op_error(op.type, inputs, e) from None
    tapes = recording_tapes(inputs) if op.differentiable else ()
    if type(out) is tuple:
        values = tuple(v if type(v) is _ndarray else _asarray(v) for v in out)
        node = _record(op, inputs, attrs, values, tapes) if tapes else None
        return tuple(make_tensor(v, node, i) for i, v in enumerate(values))
    if type(out) is not _ndarray:
        out = _asarray(out)
    if tapes:
        return make_tensor(out, _record(op, inputs, attrs, (out,), tapes))
    return make_tensor(out)


def _record(op, inputs, attrs, values, tapes) -> Node:
    versions = None
    for t in inputs:
        if t._version:
            versions = tuple(t._version for t in inputs)
            break
    return Node(op, inputs, attrs, values, tapes, versions)


def record(op, inputs: tuple, attrs: dict, values: tuple) -> list:
    """Outputs for ``values`` already computed, recorded as an op with these inputs.

    Used by ``custom_gradient`` and ``autograd.Function``, whose forward pass ran
    outside the registry.
    """
    tapes = recording_tapes(inputs)
    node = _record(op, inputs, attrs, values, tapes) if tapes else None
    return [make_tensor(v, node, i) for i, v in enumerate(values)]


def describe(inputs) -> str:
    """``float32[2, 3], int64[]``: the dtypes and shapes of tensors, for messages."""
    return ", ".join(f"{t.dtype}{list(t.shape)}" for t in inputs)


def op_error(op_type: str, inputs, error: Exception) -> Exception:
    """``error`` from inside a kernel, restated to name the op and its inputs."""
    message = f"{op_type}: {error} (inputs: {describe(inputs)})"
    try:
        return type(error)(message)
    except Exception:
        return ValueError(message)
