"""``Module``: a callable with state, tracking the variables of its attributes."""

from __future__ import annotations

import collections
import inspect
import itertools
import re

from ..engine.tensor import Tensor
from ..variables import Variable

_counters: dict = collections.defaultdict(itertools.count)


def _default_name(cls) -> str:
    base = re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__).lower()
    n = next(_counters[base])
    return base if n == 0 else f"{base}_{n}"


class Module:
    """Base class for layers and models (Keras' Layer, PyTorch's nn.Module).

    Variables, modules, and lists/tuples/dicts of them assigned as attributes are
    tracked: ``variables``, ``trainable_variables`` and ``submodules`` find them, in
    the order they were assigned. Subclasses implement ``call(inputs, ...)``;
    calling the module runs ``call`` (passing ``training`` on when ``call`` takes it).
    """

    def __init__(self, name: str | None = None):
        self.name = name or _default_name(type(self))

    def call(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must implement call()")

    def __call__(self, *args, training: bool | None = None, **kwargs):
        if training is not None and _accepts(self.call, "training"):
            kwargs["training"] = training
        return self.call(*args, **kwargs)

    def _children(self):
        for value in vars(self).values():
            yield from _walk(value)

    @property
    def variables(self) -> list:
        """Every variable of this module and its submodules (each once)."""
        seen, out = set(), []
        for item in self._children():
            items = item.variables if isinstance(item, Module) else [item]
            for v in items:
                if id(v) not in seen:
                    seen.add(id(v))
                    out.append(v)
        return out

    @property
    def trainable_variables(self) -> list:
        return [v for v in self.variables if v.trainable]

    @property
    def non_trainable_variables(self) -> list:
        return [v for v in self.variables if not v.trainable]

    @property
    def submodules(self) -> list:
        """Every module below this one (each once), depth first."""
        out = []
        for item in self._children():
            if isinstance(item, Module):
                out.extend(m for m in (item, *item.submodules) if all(m is not o for o in out))
        return out

    def parameters(self) -> list:
        """PyTorch's name for ``trainable_variables``."""
        return self.trainable_variables

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r} variables={len(self.variables)}>"


def _walk(value):
    """The variables and modules inside an attribute value."""
    if isinstance(value, Module) or (isinstance(value, Variable) or (isinstance(value, Tensor) and value._rg)):
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _walk(item)
    elif isinstance(value, dict):
        for key in sorted(value, key=str):
            yield from _walk(value[key])


def _accepts(fn, name: str) -> bool:
    try:
        return name in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
