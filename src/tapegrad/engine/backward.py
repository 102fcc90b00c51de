"""The backward pass: the chain rule applied op by op, in reverse order.

One function serves every front end: ``GradientTape.gradient``, ``backward()``,
``tg.autograd.grad``, ``tg.gradients``. It walks the ops one record tracked from the
targets back to the sources, calls each op type's registered gradient function
(itself built from tapegrad ops, so a recording tape sees the backward pass too),
and sums the gradients that reach each tensor.
"""

from __future__ import annotations

from .. import backend
from .registry import gradient_function
from .state import ALL, state
from .tensor import Tensor, convert_to_tensor, make_tensor


def key_of(t: Tensor, record):
    """What identifies ``t`` in ``record``'s graph: its op output, or itself as a leaf."""
    node = t._node
    if node is not None and (record is ALL or record in node.tapes):
        return (node, t._index)
    return id(t)


def backward(record, targets, seeds, sources, *, retain: bool, leaf_sink=None, stop=(), observer=None) -> list:
    """Propagate ``seeds`` (one per target) back to ``sources`` through ``record``'s ops.

    Returns one gradient (a Tensor, or None where unconnected) per source. When
    ``retain`` is false, the ops walked are released by ``record``. ``leaf_sink``, if
    given, is called as ``leaf_sink(tensor, grad)`` for every tracked leaf reached
    (the PyTorch face's accumulation into ``.grad``). Tensors in ``stop`` are
    treated as constants. Hooks registered on tensors see (and may replace) their
    gradient once it is complete. ``observer``, if given, is called after each op's
    gradient function as ``observer(op, fn, output_grads, input_grads)`` (``explain``).
    """
    walk = _Walk(record, sources, leaf_sink, stop)
    walk.observer = observer
    walk.drop = not retain and state.graph is None  # a trace reads shapes from the values
    return walk.run(targets, seeds, retain)


class _Walk:
    """One backward pass: the state shared by its steps."""

    def __init__(self, record, sources, leaf_sink, stop):
        from ..ops.math_ops import add, cast

        self.add, self.cast = add, cast
        self.record = record
        self.sources = sources
        self.keys = [key_of(s, record) for s in sources]
        self.wanted = set(self.keys)
        self.leaf_sink = leaf_sink
        self.stop = {key_of(s, record) for s in stop}
        self.grads: dict = {}
        self.in_keys: dict = {}  # node -> the key each input's gradient goes to (None: unwanted)
        self.hooked: set = set()
        self.anomaly = state.anomaly

    def run(self, targets, seeds, retain: bool) -> list:
        record, grads = self.record, self.grads
        roots = []
        for t, g in zip(targets, seeds):
            k = key_of(t, record)
            if type(k) is tuple:
                roots.append(k[0])
            elif not record.watches(t) or k in self.stop:
                continue  # a leaf this record does not track: unconnected
            grads[k] = g if k not in grads else self.add(grads[k], g)
        order = self._order(roots)
        leaves: dict = {}
        step = self._step
        try:
            for node in order:
                if True in node.needs_input_grad:
                    step(node, leaves)
                if not retain:  # free its saved values as soon as its gradient is done
                    node.release(record)
        except BaseException:
            if not retain:
                for node in order:
                    node.release(record)
            raise
        for k, t in leaves.items():
            grads[k] = self._hooked(k, t._hooks, grads[k])
            if self.leaf_sink is not None:
                self.leaf_sink(t, grads[k])
        return [self._final(k, s) for k, s in zip(self.keys, self.sources)]

    def _final(self, k, source: Tensor):
        """A source's gradient, after the hooks registered on it."""
        g = self.grads.get(k)
        if g is None or k in self.hooked:
            return g
        return self._hooked(k, k[0].hooks_for(k[1]) if type(k) is tuple else source._hooks, g)

    def _hooked(self, k, hooks, g):
        self.hooked.add(k)
        for hook in hooks:
            replaced = hook(g)
            if replaced is not None:
                g = replaced if isinstance(replaced, Tensor) else convert_to_tensor(replaced)
        return g

    def _step(self, node, leaves) -> None:
        grads, wanted, stop = self.grads, self.wanted, self.stop
        if node.hooks is None and len(node.values) == 1:  # the common case, kept short
            k = (node, 0)
            g = grads.get(k) if k in wanted else grads.pop(k, None)
            if g is None or (stop and k in stop):
                return
            out_grads = (g,)
        else:
            out_grads = self._output_grads(node)
            if out_grads is None:
                return
        fn = node.op_def.gradient or gradient_function(node.type)
        if fn is None:
            return
        inputs = node.inputs
        if node.versions is not None:
            _check_versions(node)
        else:
            for t in inputs:
                if t._version:
                    _check_versions(node)
                    break
        in_keys = self.in_keys[node]
        in_grads = fn(node, *out_grads)
        if type(in_grads) not in (list, tuple):
            in_grads = (in_grads,)
        if len(in_grads) != len(in_keys):
            raise ValueError(
                f"the gradient function of {node.type} returned {len(in_grads)} gradient(s) for {len(in_keys)} input(s)"
            )
        if self.observer is not None:
            self.observer(node, fn, out_grads, [g if k is not None else None for g, k in zip(in_grads, in_keys)])
        for i, k in enumerate(in_keys):
            g = in_grads[i]
            if k is None or g is None:
                continue
            t = inputs[i]
            if type(g) is not Tensor or g._value.dtype is not t._value.dtype or g._value.shape != t._value.shape:
                g = _conform(g, t, node, i, self.cast)
            if self.anomaly:
                _check_finite(node, i, g)
            if type(k) is not tuple and k not in wanted:
                leaves[k] = t
            previous = grads.get(k)
            grads[k] = g if previous is None else self.add(previous, g)

    def _output_grads(self, node):
        """The complete gradients of ``node``'s outputs (zeros for unreached ones), or None."""
        grads, wanted = self.grads, self.wanted
        out = []
        for i in range(len(node.values)):
            k = (node, i)
            g = grads.get(k) if k in wanted else grads.pop(k, None)
            if g is not None and node.hooks is not None:
                g = self._hooked(k, node.hooks_for(i), g)
                if k in wanted:
                    grads[k] = g
            out.append(None if k in self.stop else g)
        if all(g is None for g in out):
            return None
        if len(out) == 1:
            return out
        return [_symbolic_zero(v) if g is None else g for g, v in zip(out, node.values)]

    def _order(self, roots) -> list:
        """The ops reachable from ``roots``, consumers first, each told which inputs' gradients
        are wanted (``needs_input_grad``); ops that lead to no source want none."""
        record, in_keys = self.record, self.in_keys
        reached = []
        for root in roots:
            if root in in_keys:
                continue
            _check_alive(root, record)
            in_keys[root] = None
            stack = [root]
            while stack:
                node = stack.pop()
                node.needs_input_grad = None
                reached.append(node)
                for t in node.inputs:
                    n = t._node
                    if n is not None and n not in in_keys and (record is ALL or record in n.tapes):
                        _check_alive(n, record)
                        in_keys[n] = None
                        stack.append(n)
        reached.sort(key=_sequence_number)  # an op is created after the ops that made its inputs
        wanted, stop, sink = self.wanted, self.stop, self.leaf_sink is not None
        for node in reached:
            keys, needs = [], []
            for t in node.inputs:
                n = t._node
                if n is not None and (record is ALL or record in n.tapes):
                    k = (n, t._index)
                    used = n.needs_input_grad  # None: made after ``t`` (rebound by an in-place op)
                    keep = used is None or True in used or k in wanted
                else:
                    k = id(t)
                    keep = (sink or k in wanted) and record.watches(t)
                if keep and stop and k in stop:
                    keep = k in wanted
                keep = keep and t._value.dtype.kind in "fc"
                keys.append(k if keep else None)
                needs.append(keep)
            in_keys[node] = keys
            node.needs_input_grad = tuple(needs)
            if self.drop:
                node.drop_unread()
        reached.reverse()
        return reached


def _sequence_number(node) -> int:
    return node.sequence


def _symbolic_zero(value) -> Tensor:
    """Zeros for an output no gradient reached, marked so gradient functions can skip them."""
    zero = make_tensor(backend.xp.zeros_like(value))
    zero._symbolic_zero = True
    return zero


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


def _check_versions(node) -> None:
    saved = node.versions
    for i, t in enumerate(node.inputs):
        expected = saved[i] if saved else 0
        if t._version != expected:
            raise RuntimeError(
                f"one of the tensors needed by {node.type} (input {i}, shape {t.shape}) was modified by an "
                f"in-place operation after it was recorded: it is at version {t._version}; {node.type} "
                f"saved version {expected}"
            )


def _check_finite(node, i: int, g: Tensor) -> None:
    """Anomaly mode: a NaN gradient names the op and where the user created it."""
    if backend.xp.isnan(g._value).any():
        where = node.creation_site()
        raise RuntimeError(
            f"Function '{node.type}Backward' returned nan values in its {i}th output."
            + (f" The forward op {node.type} was created at:\n{where}" if where else "")
        )


def _check_alive(node, record) -> None:
    if node.values is None or record in node.released:
        raise RuntimeError(
            f"Trying to backward through the graph a second time (at op {node.type}): its saved "
            "values were freed by an earlier backward pass. Pass retain_graph=True (or use a "
            "persistent GradientTape) to backward through it more than once."
        )
