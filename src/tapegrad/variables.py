"""``Variable``: mutable state that trainable code reads and optimizers update."""

from __future__ import annotations

import itertools

from . import backend
from .checks import numeric_array
from .dtypes import as_dtype
from .engine.state import state
from .engine.tensor import Tensor, _numpy_repr, infer_array, make_tensor

_names = itertools.count()


class Variable(Tensor):
    """A tensor whose value can be replaced with ``assign``; trainable ones are watched
    by every recording ``GradientTape`` that reads them. Inside a ``tg.function``,
    reads and assignments happen when the graph runs, in program order."""

    _is_variable = True

    def __init__(self, initial_value=None, trainable: bool = True, name: str | None = None, dtype=None):
        if initial_value is None:
            raise ValueError("Variable: initial_value must be given")
        if callable(initial_value):
            initial_value = initial_value()
        super().__init__(infer_array(initial_value, None if dtype is None else as_dtype(dtype)))
        self._trainable = bool(trainable)
        self._trainable_var = self._trainable
        index = next(_names)
        self._name = name if name is not None else ("Variable" if index == 0 else f"Variable_{index}")

    @property
    def name(self) -> str:
        return f"{self._name}:0"

    @property
    def trainable(self) -> bool:
        return self._trainable

    def value(self) -> Tensor:
        """The current value as a tensor that later assignments do not change."""
        return make_tensor(self._value)

    read_value = value

    def assign(self, value, read_value: bool = True):
        """Replace the value (same shape, a dtype that casts safely)."""
        new = self._converted(value, "assign")
        graph = state.graph
        if graph is not None:  # traced: the graph assigns when it runs
            graph.assign(self, value if isinstance(value, Tensor) else make_tensor(new))
            return self if read_value else None
        return self._set(new, read_value)

    def assign_add(self, delta, read_value: bool = True):
        """Add ``delta`` to the value."""
        if state.graph is not None:
            return self.assign(self + delta, read_value)
        return self._set(self._value + self._converted(delta, "assign_add"), read_value)

    def assign_sub(self, delta, read_value: bool = True):
        """Subtract ``delta`` from the value."""
        if state.graph is not None:
            return self.assign(self - delta, read_value)
        return self._set(self._value - self._converted(delta, "assign_sub"), read_value)

    def _set(self, new, read_value: bool):
        """Take ``new`` (an array of the variable's dtype and shape that nothing else holds) as the value."""
        self._value = new
        self._version += 1
        return self if read_value else None

    def _converted(self, value, method: str):
        array = value._value if isinstance(value, Tensor) else numeric_array(f"Variable {self._name}.{method}", value)
        dtype = self._value.dtype
        if array.dtype != dtype:
            if not backend.xp.can_cast(array.dtype, dtype, "same_kind"):
                raise TypeError(f"Variable {self._name}.{method}: cannot assign dtype {array.dtype} to dtype {dtype}")
            array = array.astype(dtype)
        if array.shape != self._value.shape:
            raise ValueError(
                f"Variable {self._name}.{method}: shape {array.shape} does not match the variable's shape "
                f"{self._value.shape}"
            )
        return backend.array_copy(array) if array is value else array

    def __repr__(self) -> str:
        return f"<tg.Variable '{self.name}' shape={self.shape} dtype={self.dtype}, numpy={_numpy_repr(self._value)}>"
