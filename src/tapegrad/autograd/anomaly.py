"""``detect_anomaly``: name the forward op behind a NaN gradient, and where it was created."""

from __future__ import annotations

import functools

from ..engine.state import set_anomaly, state


class detect_anomaly:
    """Inside, every recorded op remembers the user's line that created it, and a
    backward pass that produces NaN raises ``RuntimeError`` naming that op and line.
    Slower: use it to debug."""

    def __init__(self, check_nan: bool = True):
        self._mode = bool(check_nan)

    def __enter__(self):
        self._prev = state.anomaly
        set_anomaly(self._mode)
        return self

    def __exit__(self, *exc) -> bool:
        set_anomaly(self._prev)
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with detect_anomaly(self._mode):
                return fn(*args, **kwargs)

        return wrapper


def set_detect_anomaly(mode: bool) -> None:
    """Turn anomaly detection on or off for this thread."""
    set_anomaly(bool(mode))


def is_anomaly_enabled() -> bool:
    return state.anomaly
