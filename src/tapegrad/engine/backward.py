"""The backward pass: the chain rule applied op by op, in reverse order.

One function serves every front end: ``GradientTape.gradient``, ``backward()``,
``tg.autograd.grad``, ``tg.gradients``. It walks the ops one record tracked from the
targets back to the sources, calls each op type's registered gradient function
(itself built from tapegrad ops, so a recording tape sees the backward pass too),
and sums the gradients that reach each tensor.
"""

from __future__ import annotations

from .registry import gradient_function
from .tensor import Tensor, convert_to_tensor, make_tensor


def key_of(t: Tensor, record):
    """What identifies ``t`` in ``record``'s graph: its op output, or itself as a leaf."""
    node = t._node
    if node is not None and record in node.tapes:
        return (node, t._index)
    return id(t)


def backward(record, targets, seeds, sources, *, retain: bool, leaf_sink=None) -> list:
    """Propagate ``seeds`` (one per target) back to ``sources`` through ``record``'s ops.

    Returns one gradient (a Tensor, or None where unconnected) per source. When
    ``retain`` is false, the ops walked are released by ``record``. ``leaf_sink``, if
    given, is a function called as ``leaf_sink(tensor, grad)`` for every tracked
    leaf reached (the PyTorch face's accumulation into ``.grad``).
    """
    from ..ops.math_ops import add, cast

    keys = [key_of(s, record) for s in sources]
    wanted = set(keys)
    grads: dict = {}
    roots = []
    for t, g in zip(targets, seeds):
        k = key_of(t, record)
        if type(k) is tuple:
            roots.append(k[0])
        elif not record.watches(t):
            continue  # a leaf this record does not track: unconnected
        grads[k] = g if k not in grads else add(grads[k], g)
    order, needed = _toposort(roots, record, wanted, leaf_sink is not None)
    leaves: dict = {}
    try:
        for node in reversed(order):
            if not needed[node]:
                continue
            out_grads = _output_grads(node, grads, wanted)
            if out_grads is None:
                continue
            fn = gradient_function(node.type)
            if fn is None:
                continue
            _check_versions(node)
            in_keys = [_input_key(t, record, needed, wanted, leaf_sink) for t in node.inputs]
            node.needs_input_grad = tuple(k is not None for k in in_keys)
            in_grads = fn(node, *out_grads)
            if not isinstance(in_grads, list | tuple):
                in_grads = (in_grads,)
            if len(in_grads) != len(in_keys):
                raise ValueError(
                    f"the gradient function of {node.type} returned {len(in_grads)} gradient(s) "
                    f"for {len(in_keys)} input(s)"
                )
            for i, k in enumerate(in_keys):
                g = in_grads[i]
                if k is None or g is None:
                    continue
                t = node.inputs[i]
                g = _conform(g, t, node, i, cast)
                if type(k) is not tuple and k not in wanted:
                    leaves[k] = t
                previous = grads.get(k)
                grads[k] = g if previous is None else add(previous, g)
    finally:
        if not retain:
            for node in order:
                node.release(record)
    if leaf_sink is not None:
        for k, t in leaves.items():
            leaf_sink(t, grads[k])
    return [grads.get(k) for k in keys]


def _output_grads(node, grads, wanted):
    """The gradients reaching each output of ``node`` (zeros for unreached ones), or None."""
    n = len(node.values)
    if n == 1:
        k = (node, 0)
        g = grads.get(k) if k in wanted else grads.pop(k, None)
        return None if g is None else (g,)
    out = [(grads.get if (node, i) in wanted else grads.pop)((node, i), None) for i in range(n)]
    if all(g is None for g in out):
        return None
    return [make_tensor(_zeros_like(v)) if g is None else g for g, v in zip(out, node.values)]


def _input_key(t: Tensor, record, needed, wanted, leaf_sink):
    """The key a gradient for input ``t`` accumulates under, or None if nobody wants it."""
    if t._value.dtype.kind not in "fc":
        return None
    k = key_of(t, record)
    if type(k) is tuple:
        return k if k in wanted or needed.get(k[0]) else None
    if (k in wanted or leaf_sink is not None) and record.watches(t):
        return k
    return None


def _conform(g, t: Tensor, node, i: int, cast) -> Tensor:
    """Check a gradient's shape against its input and give it the input's dtype."""
    if not isinstance(g, Tensor):
        g = convert_to_tensor(g, t._value.dtype)
    if g._value.shape != t._value.shape:
        raise ValueError(
            f"the gradient function of {node.type} returned shape {g.shape} for input {i}, whose shape is {t.shape}"
        )
    if g._value.dtype != t._value.dtype:
        g = cast(g, t._value.dtype)
    return g


def _zeros_like(value):
    from .. import backend

    return backend.xp.zeros_like(value)


def _check_versions(node) -> None:
    saved = node.versions
    for i, t in enumerate(node.inputs):
        expected = saved[i] if saved else 0
        if t._version != expected:
            raise RuntimeError(
                f"one of the tensors needed by {node.type} (input {i}, shape {t.shape}) was modified "
                f"after it was recorded: its version is {t._version}, {node.type} saved version {expected}"
            )


def _toposort(roots, record, wanted, all_leaves: bool):
    """The ops reachable from ``roots`` in ``record``, producers first, and which lead to sources."""
    needed: dict = {}
    order = []
    for root in roots:
        if root in needed:
            continue
        _check_alive(root, record)
        needed[root] = False
        stack = [(root, iter(root.inputs))]
        while stack:
            node, inputs = stack[-1]
            for t in inputs:
                n = t._node
                if n is not None and record in n.tapes and n not in needed:
                    _check_alive(n, record)
                    needed[n] = False
                    stack.append((n, iter(n.inputs)))
                    break
            else:
                stack.pop()
                order.append(node)
                needed[node] = _leads_to_source(node, record, needed, wanted, all_leaves)
    return order, needed


def _leads_to_source(node, record, needed, wanted, all_leaves) -> bool:
    for t in node.inputs:
        k = key_of(t, record)
        if type(k) is tuple:
            if k in wanted or needed[k[0]]:
                return True
        elif (all_leaves or k in wanted) and record.watches(t):
            return True
    return False


def _check_alive(node, record) -> None:
    if node.inputs is None or record in node.released:
        raise RuntimeError(
            f"Trying to backward through the graph a second time (at op {node.type}): its saved "
            "values were freed by an earlier backward pass. Pass retain_graph=True (or use a "
            "persistent GradientTape) to backward through it more than once."
        )
