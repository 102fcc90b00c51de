"""``explain``: the backward pass told step by step, for people learning how autodiff works."""

from __future__ import annotations

from . import backend, nest
from .engine.backward import backward
from .engine.tensor import Tensor, convert_to_tensor


def _value(t) -> str:
    """A tensor's dtype, shape and (small) values, on one line."""
    if t is None:
        return "none"
    value = backend.to_numpy(t._value)
    text = f"{value.dtype}{list(value.shape)}"
    if value.size <= 6:
        return f"{text} {backend.xp.array2string(value, precision=4, separator=', ')}"
    return f"{text} mean {value.mean():.4g}, min {value.min():.4g}, max {value.max():.4g}"


def _producer(t) -> str:
    return t._node.type if t._node is not None else ("variable " + t.name if hasattr(t, "trainable") else "input")


def explain_backward(record, target, sources, output_gradients=None, file=None) -> str:
    """Run a backward pass of ``record`` (keeping its graph) and describe each step."""
    target = convert_to_tensor(target)
    flat_sources = nest.flatten(sources)
    seed = output_gradients if output_gradients is not None else _ones_like(target)
    lines = [f"Backward pass from {_producer(target)} output {_value(target)}, seeded with {_value(seed)}"]
    steps = iter(range(1, 1 << 30))

    def observe(op, fn, output_grads, input_grads):
        where = f"{fn.__module__}.{fn.__qualname__}" if hasattr(fn, "__qualname__") else repr(fn)
        lines.append(f"step {next(steps)}: {op.type}  (gradient function {where})")
        for i, g in enumerate(output_grads):
            lines.append(f"    gradient in, output {i}: {_value(g)}")
        for i, (t, g) in enumerate(zip(op.inputs, input_grads)):
            sent = "not needed" if g is None else _value(convert_to_tensor(g))
            lines.append(f"    -> input {i} (from {_producer(t)}, {t.dtype}{list(t.shape)}): {sent}")

    grads = backward(record, [target], [seed], flat_sources, retain=True, observer=observe)
    for i, (s, g) in enumerate(zip(flat_sources, grads)):
        lines.append(f"gradient for source {i} ({_producer(s)}, {s.dtype}{list(s.shape)}): {_value(g)}")
    text = "\n".join(lines)
    print(text, file=file)
    return text


def _ones_like(t: Tensor):
    from .ops.array_ops import ones_like

    return ones_like(t)
