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


state = _State()


def refresh_active() -> None:
    """Recompute which entered tapes are recording (after enter/exit/pause)."""
    state.active = tuple(r for r in state.stack if r.recording)


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


def set_graph(graph) -> None:
    """Make ``graph`` the graph this thread traces into (None: not tracing)."""
    state.graph = graph
    state.observed = bool(state.forward) or graph is not None
