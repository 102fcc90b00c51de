"""Per-thread recording state: grad mode and the stack of active tapes.

A *record* is what tracks values: each ``GradientTape`` owns one (``TapeRecord``),
and the PyTorch face has the single ``AUTOGRAD`` record that follows
``requires_grad``. A recorded op remembers which records tracked it, and a backward
pass walks the ops of one record.
"""

from __future__ import annotations

import threading


class TapeRecord:
    """What one GradientTape tracks: watched tensors, by identity."""

    __slots__ = ("__weakref__", "recording", "watch_variables", "watched")

    def __init__(self, watch_variables: bool):
        self.watched: dict[int, object] = {}
        self.recording = False
        self.watch_variables = watch_variables

    def watches(self, t) -> bool:
        """Whether leaf ``t`` is a source of this record; auto-watches trainable variables."""
        if id(t) in self.watched:
            return True
        if self.watch_variables and t._trainable_var:
            self.watched[id(t)] = t
            return True
        return False


class _Autograd:
    """The PyTorch face's record: a leaf is tracked iff it ``requires_grad``."""

    __slots__ = ()
    recording = True

    @staticmethod
    def watches(t) -> bool:
        return t._rg

    def __repr__(self) -> str:
        return "AUTOGRAD"


AUTOGRAD = _Autograd()


class _All:
    """Every recorded op, whoever recorded it: ``tg.gradients`` over eager values."""

    __slots__ = ()
    recording = False

    @staticmethod
    def watches(t) -> bool:
        return True

    def __repr__(self) -> str:
        return "ALL"


ALL = _All()


class _State(threading.local):
    grad_enabled = True
    stack: tuple = ()  # every entered tape's record, innermost last
    active: tuple = ()  # the records in ``stack`` that are recording now
    variable_reads = None  # a list collecting variables read while grad is off (custom_gradient)
    anomaly = False  # detect_anomaly: remember where ops were created, check gradients for NaN
    forward: tuple = ()  # active forward-mode accumulators (set with set_forward)
    graph = None  # the graph being traced by tg.function, if any (set with set_graph)
    observed = False  # forward or graph: every op must be shown to them
    # What the per-op hot path reads, in one thread-local lookup: (active, grad_enabled,
    # observed, anomaly, variable_reads). Kept in step with the fields by the setters below.
    mode: tuple = ((), True, False, False, None)


state = _State()


def _refresh_mode() -> None:
    st = state
    st.mode = (st.active, st.grad_enabled, st.observed, st.anomaly, st.variable_reads)


def refresh_active() -> None:
    """Recompute which entered tapes are recording (after enter/exit/pause)."""
    state.active = tuple(r for r in state.stack if r.recording)
    _refresh_mode()


def set_grad_enabled(flag: bool) -> None:
    """Turn recording on or off in this thread."""
    state.grad_enabled = flag
    _refresh_mode()


def set_variable_reads(reads: list | None) -> None:
    """Collect the trainable variables ops read while grad is off into ``reads`` (None: stop)."""
    state.variable_reads = reads
    _refresh_mode()


def set_anomaly(flag: bool) -> None:
    """Turn anomaly detection on or off in this thread."""
    state.anomaly = flag
    _refresh_mode()


def push(record: TapeRecord) -> None:
    record.recording = True
    state.stack = state.stack + (record,)
    refresh_active()


def pop(record: TapeRecord) -> None:
    record.recording = False
    state.stack = tuple(r for r in state.stack if r is not record)
    refresh_active()


def set_forward(accumulators: tuple) -> None:
    """Make ``accumulators`` the active forward-mode accumulators of this thread."""
    state.forward = accumulators
    state.observed = bool(accumulators) or state.graph is not None
    _refresh_mode()


def set_graph(graph) -> None:
    """Make ``graph`` the graph this thread traces into (None: not tracing)."""
    state.graph = graph
    state.observed = bool(state.forward) or graph is not None
    _refresh_mode()
