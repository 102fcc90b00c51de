"""Grad mode: ``no_grad``, ``enable_grad``, ``set_grad_enabled`` (thread-local)."""

from __future__ import annotations

import functools

from . import backend
from .engine.state import set_grad_enabled as _set
from .engine.state import state


def is_grad_enabled() -> bool:
    """Whether ops are being recorded in this thread."""
    return state.grad_enabled


class set_grad_enabled:
    """Turn recording on or off: at once, and as a context manager or decorator.

    ``mode`` must be a bool (or a NumPy bool); like PyTorch, other values (0, 1, None) are rejected.
    """

    def __init__(self, mode: bool):
        if not isinstance(mode, bool | backend.xp.bool_):
            raise TypeError(f"set_grad_enabled: mode must be a bool, got {type(mode).__name__}")
        self._prev = state.grad_enabled
        self._mode = bool(mode)
        _set(self._mode)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        _set(self._prev)
        return False

    def __call__(self, fn):
        _set(self._prev)  # as a decorator it changes nothing until called

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__(self._mode):
                return fn(*args, **kwargs)

        return wrapper

    def clone(self):
        return self.__class__(self._mode)


class _GradMode:
    _mode = True

    def __enter__(self):
        self._prev = state.grad_enabled
        _set(self._mode)
        return self

    def __exit__(self, *exc):
        _set(self._prev)
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__():
                return fn(*args, **kwargs)

        return wrapper


class no_grad(_GradMode):
    """Nothing inside is recorded: no tape, no ``requires_grad`` tracking."""

    _mode = False


class enable_grad(_GradMode):
    """Recording back on inside a ``no_grad`` block."""

    _mode = True
