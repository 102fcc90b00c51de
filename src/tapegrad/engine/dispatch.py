"""The hot path: run an op's kernel and record it where a record tracks an input.

``apply`` is called once per op the user runs; keep it lean.
"""

from __future__ import annotations

import traceback
from math import copysign as _copysign

from .. import backend
from .forward import push_tangents
from .node import Node
from .state import AUTOGRAD, state
from .tensor import Tensor, convert_to_tensor, make_tensor

_new = object.__new__

_ndarray = backend.ndarray
_float64 = backend.xp.dtype("float64")
_int64 = backend.xp.dtype("int64")
_asarray = backend.asarray
_WEAK_SCALARS = (float, int, bool, complex)


def convert_inputs(args) -> tuple:
    """Op arguments as tensors; Python scalars take the dtype of the tensors beside them."""
    if len(args) == 2:  # the common binary-operator case, kept fast
        a, b = args
        if type(a) is Tensor:
            if type(b) is Tensor:
                return args
            if type(b) in _WEAK_SCALARS:
                return a, weak_scalar(b, a._value.dtype)
        elif type(b) is Tensor and type(a) in _WEAK_SCALARS:
            return weak_scalar(a, b._value.dtype), b
    for a in args:
        if not isinstance(a, Tensor):
            break
    else:
        return args
    converted = [a if isinstance(a, Tensor) or type(a) in _WEAK_SCALARS else convert_to_tensor(a) for a in args]
    dtypes = {a._value.dtype for a in converted if isinstance(a, Tensor)}
    dtype = None
    if len(dtypes) == 1:
        (dtype,) = dtypes
    elif dtypes:
        dtype = backend.result_dtype(*dtypes)
    return tuple(a if isinstance(a, Tensor) else weak_scalar(a, dtype) for a in converted)


_scalar_cache: dict = {}


def weak_scalar(value, dtype) -> Tensor:
    """A Python scalar as a 0-d tensor that does not upcast ``dtype`` (NumPy 2's rule)."""
    if dtype is None:
        return convert_to_tensor(value)
    key = (type(value), value, dtype)
    cached = _scalar_cache.get(key)
    if cached is not None:
        return cached
    kind = dtype.kind
    kind_of_value = type(value)
    if kind_of_value is float:
        target = dtype if kind in "fc" else _float64
    elif kind_of_value is int:
        target = dtype if kind in "iufc" else _int64
    elif kind_of_value is bool:
        target = dtype
    else:
        target = backend.result_dtype(dtype, value)
    t = make_tensor(_asarray(value, target))
    if value or kind_of_value is not float or _copysign(1.0, value) > 0:
        if len(_scalar_cache) > 1024:
            _scalar_cache.clear()
        _scalar_cache[key] = t
    return t


def recording_tapes(inputs) -> tuple:
    """The records that track any of ``inputs`` and are recording now."""
    active, enabled, _, _, reads = state.mode
    if enabled:
        return _tracking(inputs, active)
    if reads is not None:
        _read_while_off(inputs, reads)
    return ()


def _read_while_off(inputs, reads: list) -> None:
    """Grad is off: nothing records, but ``custom_gradient`` collects the variables read."""
    reads.extend(t for t in inputs if t._trainable_var)


def _tracking(inputs, active) -> tuple:
    found = ()
    for t in inputs:
        node = t._node
        if node is not None:
            tapes = node.tapes
            if not found:
                found = tapes
            elif tapes is not found:
                found = _union(found, tapes)
        if t._rg and AUTOGRAD not in found:
            found += (AUTOGRAD,)
        for r in active:
            if r not in found and r.watches(t):
                found += (r,)
    for r in found:
        if not r.recording:  # a tape that has stopped (or paused for its backward pass)
            return tuple([r for r in found if r.recording]) if len(found) > 1 else ()
    return found


def _union(a: tuple, b: tuple) -> tuple:
    extra = tuple(r for r in b if r not in a)
    return a + extra if extra else a


def apply(op, inputs: tuple, attrs: dict):
    """Run ``op`` on ``inputs``; return its output tensor(s), recorded if tracked.

    This runs once per op the user calls: the common case (tensors in, one array
    out) takes no detours, and reads the thread's recording mode once.
    """
    for t in inputs:
        if type(t) is not Tensor:
            try:
                inputs = convert_inputs(inputs)
            except (TypeError, ValueError) as e:
                raise type(e)(f"{op.type}: {e}") from None
            break
    try:
        n = len(inputs)
        if n == 1:
            out = op.kernel(inputs[0]._value, **attrs) if attrs else op.kernel(inputs[0]._value)
        elif n == 2:
            a, b = inputs
            out = op.kernel(a._value, b._value, **attrs) if attrs else op.kernel(a._value, b._value)
        else:
            out = op.kernel(*[t._value for t in inputs], **attrs)
    except Exception as e:
        raise op_error(op.type, inputs, e) from None
    active, enabled, observed, anomaly, reads = state.mode
    tapes = ()
    if op.differentiable:
        if not enabled:
            if reads is not None:
                _read_while_off(inputs, reads)
        elif active:
            tapes = _tracking(inputs, active)
        else:
            for t in inputs:
                if t._node is not None or t._rg:
                    tapes = _tracking(inputs, active)
                    break
    if type(out) is tuple:
        values = tuple(v if type(v) is _ndarray else _asarray(v) for v in out)
        node = _record(op, inputs, attrs, values, tapes, anomaly) if tapes else None
        outputs = tuple(make_tensor(v, node, i) for i, v in enumerate(values))
        if observed:
            _observe(op, inputs, attrs, values, node, outputs, True)
        return outputs
    if type(out) is not _ndarray:
        out = _asarray(out)
    t = _new(Tensor)
    t._value = out
    if tapes:
        t._node = _record(op, inputs, attrs, (out,), tapes, anomaly)
        if observed:
            _observe(op, inputs, attrs, (out,), t._node, (t,), False)
        return t
    t._node = None
    if observed:
        _observe(op, inputs, attrs, (out,), None, (t,), False)
    return t


def _observe(op, inputs, attrs, values, node, outputs, multiple: bool) -> None:
    """Forward-mode accumulators and a tracing tg.function see every op."""
    if state.forward and op.differentiable:
        push_tangents(op, inputs, attrs, values, node, outputs)
    if state.graph is not None:
        state.graph.add(op, inputs, attrs, outputs, multiple)


def _record(op, inputs, attrs, values, tapes, anomaly: bool) -> Node:
    node = Node(op, inputs, attrs, values, tapes)
    for t in inputs:
        if t._version:
            node.versions = tuple(t._version for t in inputs)
            break
    if anomaly:
        node.stack = traceback.extract_stack()[:-3]
    return node


def record(op, inputs: tuple, attrs: dict, values: tuple, sources=None) -> list:
    """Outputs for ``values`` already computed, recorded as an op with these inputs.

    Used by ``custom_gradient``, ``autograd.Function`` and calls of a ``tg.function``,
    whose forward pass ran outside the registry. While a graph is traced, the outputs
    stand for the tensors ``sources`` computed.
    """
    tapes = recording_tapes(inputs)
    node = _record(op, inputs, attrs, values, tapes, state.anomaly) if tapes else None
    outputs = [make_tensor(v, node, i) for i, v in enumerate(values)]
    if state.forward:
        push_tangents(op, inputs, attrs, values, node, outputs)
    if state.graph is not None and sources is not None:
        for out, source in zip(outputs, sources):
            state.graph.alias(out, source)
    return outputs


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
