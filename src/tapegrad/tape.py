"""``GradientTape``: TensorFlow's way of recording ops and asking for gradients."""

from __future__ import annotations

import contextlib
import enum
import math
import warnings

from . import nest
from .dtypes import is_floating
from .engine import state as _state
from .engine.backward import backward
from .engine.tensor import Tensor, convert_to_tensor
from .variables import Variable


class UnconnectedGradients(enum.Enum):
    """What ``gradient`` returns for a source the target does not depend on."""

    NONE = "none"
    ZERO = "zero"


class GradientTape:
    """Records the ops run on watched tensors, then computes gradients by reverse mode.

    >>> x = tg.Variable(3.0)
    >>> with tg.GradientTape() as tape:
    ...     y = x * x
    >>> tape.gradient(y, x)
    <tg.Tensor: shape=(), dtype=float32, numpy=6.0>
    """

    def __init__(self, persistent: bool = False, watch_accessed_variables: bool = True):
        self._persistent = bool(persistent)
        self._watch_accessed_variables = bool(watch_accessed_variables)
        self._record = _state.TapeRecord(self._watch_accessed_variables)
        self._entered = False
        self._used = False

    # -- recording ------------------------------------------------------------
    def __enter__(self) -> GradientTape:
        if self._entered:
            raise RuntimeError("this GradientTape is already recording; tapes cannot be entered twice at once")
        self._entered = True
        _state.push(self._record)
        return self

    def __exit__(self, *exc) -> bool:
        self._entered = False
        _state.pop(self._record)
        return False

    def watch(self, tensor) -> None:
        """Track ``tensor`` (a tensor, variable, or a nested structure of them)."""
        for t in nest.flatten(tensor):
            if not isinstance(t, Tensor):
                raise ValueError(
                    f"GradientTape.watch: expected a tg.Tensor or tg.Variable, got {type(t).__name__}; "
                    "convert it with tg.constant first"
                )
            if not is_floating(t.dtype):
                warnings.warn(
                    f"GradientTape.watch: the watched tensor has dtype {t.dtype}; only floating-point "
                    "tensors get gradients",
                    stacklevel=2,
                )
            self._record.watched[id(t)] = t

    @contextlib.contextmanager
    def stop_recording(self):
        """Ops inside this block are not recorded by this tape."""
        if not self._record.recording:
            raise RuntimeError("GradientTape.stop_recording: the tape is not recording")
        self._record.recording = False
        _state.refresh_active()
        try:
            yield
        finally:
            self._record.recording = True
            _state.refresh_active()

    def reset(self) -> None:
        """Forget everything recorded so far, as if the tape were new (keeps recording)."""
        old = self._record
        self._record = _state.TapeRecord(self._watch_accessed_variables)
        if self._entered:
            _state.pop(old)
            _state.push(self._record)
        self._used = False

    def watched_variables(self) -> tuple:
        """The variables this tape watches, in the order first watched."""
        return tuple(t for t in self._record.watched.values() if isinstance(t, Variable))

    # -- gradients ------------------------------------------------------------
    def gradient(self, target, sources, output_gradients=None, unconnected_gradients=UnconnectedGradients.NONE):
        """d(target)/d(sources), with ``sources`` and the result in the same structure.

        A list of targets is summed; ``output_gradients`` weight the targets (a
        vector-Jacobian product). Sources the target does not depend on give None,
        or zeros with ``unconnected_gradients=tg.UnconnectedGradients.ZERO``.
        """
        unconnected = _unconnected(unconnected_gradients)
        targets, flat_sources = flatten_targets_and_sources(target, sources, "GradientTape.gradient")
        self._warn_unrecorded(targets, flat_sources, "GradientTape.gradient")
        seeds = _seeds(targets, output_gradients)
        floating = [is_floating(s.dtype) for s in flat_sources]
        for s, ok in zip(flat_sources, floating):
            if not ok:
                warnings.warn(
                    f"GradientTape.gradient: source of dtype {s.dtype} is not floating point; its gradient is None",
                    stacklevel=2,
                )
        grads = self._backward(targets, seeds, [s for s, ok in zip(flat_sources, floating) if ok])
        it = iter(grads)
        result = [next(it) if ok else None for ok in floating]
        if unconnected is UnconnectedGradients.ZERO:
            from .ops.array_ops import zeros_like

            result = [zeros_like(s) if g is None and ok else g for s, g, ok in zip(flat_sources, result, floating)]
        return nest.pack_as(sources, result)

    def _warn_unrecorded(self, targets, sources, who: str) -> None:
        """Warn about a target recorded by another tape, or by this one before ``reset()``: its gradients are None."""
        for t in targets:
            node = t._node
            if node is not None and self._record not in node.tapes and not any(t is s for s in sources):
                warnings.warn(
                    f"{who}: the target was not recorded by this tape (it was recorded by another tape, or "
                    "before reset()), so its gradients are None; compute the target inside this tape's `with` block",
                    stacklevel=3,
                )

    def _backward(self, targets, seeds, sources, retain=None):
        if self._used and not self._persistent:
            raise RuntimeError(
                "A non-persistent GradientTape can only be used to compute one set of gradients "
                "(or jacobians); create it with persistent=True to call gradient() more than once"
            )
        record = self._record
        was_recording = record.recording
        record.recording = False
        _state.refresh_active()
        quiet = not _state.state.active and _state.state.grad_enabled
        if quiet:  # no tape could record the gradient's ops: skip asking, op by op
            _state.set_grad_enabled(False)
        try:
            keep = self._persistent if retain is None else retain
            return backward(record, targets, seeds, sources, retain=keep)
        finally:
            record.recording = was_recording
            if quiet:
                _state.set_grad_enabled(True)
            _state.refresh_active()
            if retain is None and not self._persistent:
                self._used = True

    def jacobian(self, target, sources, unconnected_gradients=UnconnectedGradients.NONE,
                 parallel_iterations=None, experimental_use_pfor=True):  # fmt: skip
        """d(target)/d(source) of shape ``target.shape + source.shape`` for each source.

        With ``experimental_use_pfor`` (the default) one backward pass runs for every
        element of ``target`` at once (``tg.vmap``); otherwise one pass per element.
        """
        from .creation import zeros
        from .ops.array_ops import reshape

        target = convert_to_tensor(target)
        flat_sources = checked_sources(sources, "GradientTape.jacobian")
        self._warn_unrecorded([target], flat_sources, "GradientTape.jacobian")
        connected = []
        seeds = one_hot_seeds(target.shape, target.shape, target.dtype)
        rows = self._rows(target, flat_sources, seeds, experimental_use_pfor, connected)
        result = []
        for s, row, linked in zip(flat_sources, rows, connected):
            if not linked and _unconnected(unconnected_gradients) is UnconnectedGradients.NONE:
                result.append(None)
            else:
                result.append(reshape(row if linked else zeros((row.shape[0],) + s.shape, s.dtype),
                                      target.shape + s.shape))  # fmt: skip
        return nest.pack_as(sources, result)

    def _rows(self, target, sources, seeds, use_pfor: bool, connected: list) -> list:
        """For each source, the gradients for all ``seeds`` (stacked) stacked: ``(n,) + source.shape``.

        ``connected`` is filled with whether each source is connected to ``target``.
        One batched backward pass with ``use_pfor``, else one pass per seed.
        """
        from .batching import vmap
        from .creation import zeros
        from .ops.array_ops import stack, unstack

        retain = self._persistent
        connected.extend([False] * len(sources))

        def pull(seed, last: bool = True) -> list:
            grads = self._backward([target], [seed], sources, retain=retain or not last)
            connected[:] = [c or g is not None for c, g in zip(connected, grads)]
            return [zeros(s.shape, s.dtype) if g is None else g for s, g in zip(sources, grads)]

        n = seeds.shape[0]
        if not n:
            rows = [zeros((0,) + s.shape, s.dtype) for s in sources]
        elif use_pfor:
            rows = vmap(pull)(seeds)
        else:
            per_seed = [pull(seed, i == n - 1) for i, seed in enumerate(unstack(seeds, num=n))]
            rows = [stack([r[j] for r in per_seed]) for j in range(len(sources))]
        if not self._persistent:
            self._used = True
        return rows

    def batch_jacobian(self, target, source, unconnected_gradients=UnconnectedGradients.NONE,
                       parallel_iterations=None, experimental_use_pfor=True):  # fmt: skip
        """Per-example Jacobians: shape ``(batch,) + target.shape[1:] + source.shape[1:]``.

        Example ``i`` of ``target`` must depend only on example ``i`` of ``source``.
        """
        from .batching import moveaxis
        from .ops.array_ops import reshape

        target = convert_to_tensor(target)
        if not isinstance(source, Tensor):
            raise TypeError(
                f"GradientTape.batch_jacobian: source must be a tensor or variable, got {type(source).__name__}"
            )
        if target.ndim < 1 or source.ndim < 1 or target.shape[0] != source.shape[0]:
            raise ValueError(
                f"batch_jacobian: target {target.shape} and source {source.shape} need the same first (batch) dimension"
            )
        batch = target.shape[0]
        inner = target.shape[1:]
        seeds = one_hot_seeds(inner, target.shape, target.dtype)
        connected = []
        (rows,) = self._rows(target, [source], seeds, experimental_use_pfor, connected)
        if not connected[0] and _unconnected(unconnected_gradients) is UnconnectedGradients.NONE:
            return None
        # rows: (inner size, batch) + source.shape[1:]
        return reshape(moveaxis(rows, 0, 1), (batch,) + inner + source.shape[1:])

    def explain(self, target, sources, output_gradients=None, file=None) -> str:
        """Print (and return) the backward pass from ``target`` to ``sources`` step by step:
        each op, its registered gradient function, the gradient coming in and the
        gradients sent to each input. Does not use up a non-persistent tape."""
        from .explain import explain_backward

        was_recording = self._record.recording
        self._record.recording = False
        _state.refresh_active()
        try:
            return explain_backward(self._record, target, sources, output_gradients, file)
        finally:
            self._record.recording = was_recording
            _state.refresh_active()

    def __repr__(self) -> str:
        return f"<tg.GradientTape persistent={self._persistent} watched={len(self._record.watched)}>"


def flatten_targets_and_sources(target, sources, who: str):
    """Targets as a flat list of tensors and sources as a flat list, checked to be tensors."""
    targets = [convert_to_tensor(t) for t in nest.flatten(target)]
    return targets, checked_sources(sources, who)


def checked_sources(sources, who: str) -> list:
    """``sources`` flattened, checked to be tensors."""
    flat_sources = nest.flatten(sources)
    for s in flat_sources:
        if not isinstance(s, Tensor):
            raise TypeError(f"{who}: sources must be tensors or variables, got {type(s).__name__}")
    return flat_sources


def one_hot_seeds(inner: tuple, shape: tuple, dtype):
    """For each element of ``inner`` (the trailing axes of ``shape``), the seed weighting that
    element of every example, stacked: ``(size of inner,) + shape``."""
    from .creation import eye
    from .ops.array_ops import broadcast_to, reshape

    n = math.prod(inner)
    lead = tuple(shape[: len(shape) - len(inner)])
    rows = reshape(eye(n, dtype=dtype), (n,) + (1,) * len(lead) + tuple(inner))
    return broadcast_to(rows, (n,) + tuple(shape)) if lead else rows


def _seeds(targets, output_gradients) -> list:
    from .ops.array_ops import ones_like

    if output_gradients is None:
        return [ones_like(t) for t in targets]
    weights = [convert_to_tensor(g) for g in nest.flatten(output_gradients)]
    if len(weights) != len(targets):
        raise ValueError(f"gradient: got {len(weights)} output_gradients for {len(targets)} targets")
    for t, w in zip(targets, weights):
        if w.shape != t.shape:
            raise ValueError(f"gradient: output_gradients shape {w.shape} does not match target shape {t.shape}")
    return weights


def _unconnected(value) -> UnconnectedGradients:
    try:
        return UnconnectedGradients(value.value if isinstance(value, UnconnectedGradients) else value)
    except ValueError:
        raise ValueError(f"unconnected_gradients must be 'none' or 'zero', got {value!r}") from None
