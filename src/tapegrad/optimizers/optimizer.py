"""``Optimizer``: what every optimizer in ``tg.optimizers`` shares.

Keras 3's design: ``apply_gradients`` clips the gradients, applies decoupled weight
decay, calls ``update_step`` once per variable with the current learning rate, then
counts the step. The state (step count, learning rate, per-variable slots) lives in
non-trainable ``tg.Variable`` objects with deterministic names, listed in
``optimizer.variables`` so that it can be inspected and checkpointed.
"""

from __future__ import annotations

import re
import warnings
from typing import ClassVar

from ..checks import bounded
from ..clip_ops import clip_by_global_norm, clip_by_norm
from ..creation import zeros
from ..dtypes import float64, int64, is_floating
from ..engine.tensor import Tensor, convert_to_tensor
from ..grad_mode import no_grad
from ..ops import math_ops
from ..tape import GradientTape
from ..variables import Variable
from . import schedules

__all__ = ["Optimizer"]


class _VariableList(list):
    """A list that can also be called: ``opt.variables`` (Keras 3) and ``opt.variables()`` (TF 2) both work."""

    def __call__(self):
        return self


def _display_name(var) -> str:
    if isinstance(var, Variable):
        return var.name
    return f"<tensor shape={var.shape} dtype={var.dtype}>" if isinstance(var, Tensor) else repr(var)


def _non_negative(owner: str, arg: str, value):
    if value is None:
        return None
    return bounded(owner, arg, value, 0.0)


class Optimizer:
    """Base class of the optimizers.

    Subclasses define ``_slot_specs()`` (the ``(slot name, initial value)`` pairs each
    variable gets) and ``update_step(gradient, variable, learning_rate)``, and use
    ``self._assign``, ``self._assign_add`` and ``self._assign_sub`` to change a
    variable, so that both ``tg.Variable`` objects and PyTorch-style leaf tensors
    (``tg.tensor(..., requires_grad=True)``) can be optimized.

    Args:
        learning_rate: a float, or a schedule: a callable taking the step count
            (``optimizer.iterations``) and returning the learning rate, such as a
            ``tg.optimizers.schedules.LearningRateSchedule``.
        weight_decay: if set, each step first does ``var -= learning_rate * weight_decay * var``.
        clipnorm: clip each gradient to this L2 norm (``tg.clip_by_norm``).
        clipvalue: clip each gradient element to ``[-clipvalue, clipvalue]``.
        global_clipnorm: clip the gradients together to this global norm
            (``tg.clip_by_global_norm``); at most one of ``clipnorm`` and ``global_clipnorm``.
        name: the prefix of the optimizer's variable names; the class name by default.
    """

    # Other names ``get_slot`` accepts for a slot (e.g. Keras 3's names).
    _slot_aliases: ClassVar[dict] = {}

    def __init__(self, learning_rate, weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 name=None):  # fmt: skip
        owner = type(self).__name__
        if clipnorm is not None and global_clipnorm is not None:
            raise ValueError(
                f"{owner}: only one of clipnorm and global_clipnorm can be set, got clipnorm={clipnorm} "
                f"and global_clipnorm={global_clipnorm}"
            )
        self.name = name or owner
        self.weight_decay = _non_negative(owner, "weight_decay", weight_decay)
        self.clipnorm = _non_negative(owner, "clipnorm", clipnorm)
        self.clipvalue = _non_negative(owner, "clipvalue", clipvalue)
        self.global_clipnorm = _non_negative(owner, "global_clipnorm", global_clipnorm)
        self._iterations = Variable(0, trainable=False, dtype=int64, name=f"{self.name}/iterations")
        self._learning_rate = Variable(0.0, trainable=False, dtype=float64, name=f"{self.name}/learning_rate")
        self._schedule = None
        self.learning_rate = learning_rate
        self._slots: dict = {}  # id(var) -> (var, {slot name: Variable}, base name)
        self._slot_variables: list = []
        self._used_names: set = set()
        self._unnamed = 0
        self._exclude_ids: set = set()
        self._exclude_patterns: list = []

    # -- state ----------------------------------------------------------------
    @property
    def iterations(self) -> int:
        """How many steps have been applied."""
        return int(self._iterations.numpy())

    @property
    def learning_rate(self) -> float:
        """The learning rate the next step will use (a schedule is evaluated at ``iterations``)."""
        if self._schedule is not None:
            return float(self._schedule(self.iterations))
        return float(self._learning_rate.numpy())

    @learning_rate.setter
    def learning_rate(self, value):
        if callable(value):
            self._schedule = value
            self._learning_rate.assign(float(value(self.iterations)))
            return
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise TypeError(
                f"{type(self).__name__}: learning_rate must be a float or a schedule (a callable of the step), "
                f"got {type(value).__name__}"
            ) from None
        if not value >= 0:
            raise ValueError(f"{type(self).__name__}: learning_rate must be >= 0, got {value}")
        self._schedule = None
        self._learning_rate.assign(value)

    @property
    def variables(self) -> list:
        """The optimizer's state: the step count, the learning rate, then every slot in creation order.

        With a schedule, the learning-rate variable holds the rate of the latest step.
        """
        return _VariableList([self._iterations, self._learning_rate, *self._slot_variables])

    def get_slot_names(self) -> list:
        """The names of the slots each variable gets."""
        return [name for name, _ in self._slot_specs()]

    def get_slot(self, var, slot_name: str) -> Variable:
        """The slot ``slot_name`` (e.g. ``"m"``) kept for ``var``."""
        entry = self._slots.get(id(var))
        if entry is None or entry[0] is not var:
            raise KeyError(
                f"{self.name}: no slots for variable {_display_name(var)}; slots are created by the first "
                "apply_gradients/minimize that updates it, or by build(var_list)"
            )
        slots = entry[1]
        key = self._slot_aliases.get(slot_name, slot_name)
        if key not in slots:
            raise KeyError(f"{self.name}: no slot {slot_name!r}; this optimizer's slots are {list(slots)}")
        return slots[key]

    def build(self, var_list) -> None:
        """Create the slots of the variables in ``var_list`` that have none yet (e.g. before restoring them)."""
        for var in var_list:
            self._track(var)

    def _slot_specs(self) -> list:
        """``(slot name, initial value)`` for each slot a variable gets."""
        return []

    def _track(self, var) -> dict:
        entry = self._slots.get(id(var))
        if entry is not None:
            return entry[1]
        self._check_variable(var)
        slots: dict = {}
        self._slots[id(var)] = (var, slots, self._base_name(var))
        for slot_name, initial_value in self._slot_specs():
            self.add_slot(var, slot_name, initial_value)
        return slots

    def _base_name(self, var) -> str:
        if isinstance(var, Variable):
            base = re.sub(r":\d+$", "", var.name)
        else:
            base = f"param_{self._unnamed}"
            self._unnamed += 1
        name, i = base, 0
        while name in self._used_names:
            i += 1
            name = f"{base}_{i}"
        self._used_names.add(name)
        return name

    def add_slot(self, var, slot_name: str, initial_value=0.0) -> Variable:
        """A new slot variable for ``var``: its shape and dtype, named ``<optimizer>/<slot>/<variable>``."""
        if id(var) not in self._slots:
            self._track(var)
        _, slots, base = self._slots[id(var)]
        if slot_name in slots:
            raise ValueError(f"{self.name}: variable {_display_name(var)} already has a slot {slot_name!r}")
        slot = Variable(
            zeros(var.shape, var.dtype) + initial_value, trainable=False, name=f"{self.name}/{slot_name}/{base}"
        )
        slots[slot_name] = slot
        self._slot_variables.append(slot)
        return slot

    def _check_variable(self, var) -> None:
        if not isinstance(var, Tensor):
            raise TypeError(
                f"{self.name}: can only update tg.Variable objects or leaf tensors, got {type(var).__name__}"
            )
        if not is_floating(var.dtype):
            raise ValueError(
                f"{self.name}: variable {_display_name(var)} has dtype {var.dtype}; only floating-point variables "
                "can be optimized"
            )
        if not isinstance(var, Variable) and not var.requires_grad:
            raise ValueError(
                f"{self.name}: {_display_name(var)} is neither a tg.Variable nor a tensor that requires grad; "
                "optimize tg.Variable(...) or tg.tensor(..., requires_grad=True)"
            )
        if not isinstance(var, Variable) and not var.is_leaf:
            raise ValueError(
                f"{self.name}: {_display_name(var)} is not a leaf tensor; only tg.Variable objects and leaf tensors "
                "can be optimized"
            )

    # -- weight decay ---------------------------------------------------------
    def exclude_from_weight_decay(self, var_list=None, var_names=None) -> None:
        """Leave these variables out of weight decay: those in ``var_list``, and those whose name
        contains a match of one of the regular expressions in ``var_names``."""
        self._exclude_ids.update(id(v) for v in var_list or ())
        self._exclude_patterns.extend(re.compile(p) for p in var_names or ())

    def _use_weight_decay(self, var) -> bool:
        if id(var) in self._exclude_ids:
            return False
        name = var.name if isinstance(var, Variable) else ""
        return not any(p.search(name) for p in self._exclude_patterns)

    def _apply_weight_decay(self, variables, learning_rate: float) -> None:
        if not self.weight_decay:
            return
        factor = learning_rate * self.weight_decay
        for var in variables:
            if self._use_weight_decay(var):
                self._assign_sub(var, var * factor)

    # -- applying gradients ---------------------------------------------------
    def apply_gradients(self, grads_and_vars) -> int:
        """Apply one step: ``grads_and_vars`` is an iterable of ``(gradient, variable)`` pairs.

        Pairs whose gradient is None are skipped with a warning naming the variables. Returns
        the step count after the step.
        """
        if isinstance(grads_and_vars, str | Tensor) or not hasattr(grads_and_vars, "__iter__"):
            raise TypeError(
                f"{self.name}.apply_gradients: expected an iterable of (gradient, variable) pairs, "
                f"got {type(grads_and_vars).__name__}"
            )
        pairs = []
        for item in grads_and_vars:
            if not isinstance(item, tuple | list) or len(item) != 2:
                raise TypeError(f"{self.name}.apply_gradients: expected (gradient, variable) pairs, got {item!r}")
            pairs.append(tuple(item))
        if not pairs:
            return self.iterations
        seen = set()
        for _, var in pairs:
            self._check_variable(var)
            if id(var) in seen:
                raise ValueError(f"{self.name}.apply_gradients: variable {_display_name(var)} appears more than once")
            seen.add(id(var))
        missing = [_display_name(v) for g, v in pairs if g is None]
        pairs = [(g, v) for g, v in pairs if g is not None]
        if not pairs:
            raise ValueError(f"{self.name}.apply_gradients: no gradients provided for any variable: {missing}")
        if missing:
            warnings.warn(
                f"{self.name}: gradients do not exist for variables {missing}; they are not updated",
                stacklevel=2,
            )
        with no_grad():
            grads = [self._prepare_gradient(g, v) for g, v in pairs]
            grads = self._clip_gradients(grads)
            variables = [v for _, v in pairs]
            self.build(variables)
            learning_rate = self.learning_rate
            if self._schedule is not None:
                self._learning_rate.assign(learning_rate)
            self._apply_weight_decay(variables, learning_rate)
            for grad, var in zip(grads, variables):
                self.update_step(grad, var, learning_rate)
            self._iterations.assign_add(1)
        return self.iterations

    def _prepare_gradient(self, grad, var) -> Tensor:
        grad = convert_to_tensor(grad)
        if grad.shape != var.shape:
            raise ValueError(
                f"{self.name}: the gradient of shape {grad.shape} does not match the shape {var.shape} of variable "
                f"{_display_name(var)}"
            )
        if grad.dtype != var.dtype:
            grad = math_ops.cast(grad, var.dtype)
        return grad

    def _clip_gradients(self, grads: list) -> list:
        if self.clipvalue is not None:
            c = self.clipvalue
            grads = [
                math_ops.clip_by_value(g, convert_to_tensor(-c, g.dtype), convert_to_tensor(c, g.dtype)) for g in grads
            ]
        if self.clipnorm is not None:
            grads = [clip_by_norm(g, convert_to_tensor(self.clipnorm, g.dtype)) for g in grads]
        elif self.global_clipnorm is not None:
            grads, _ = clip_by_global_norm(grads, convert_to_tensor(self.global_clipnorm, float64))
        return grads

    def update_step(self, gradient: Tensor, variable, learning_rate: float) -> None:
        """Update ``variable`` given its (clipped) ``gradient``; runs under ``tg.no_grad()``."""
        raise NotImplementedError(f"{type(self).__name__} must implement update_step")

    def compute_gradients(self, loss, var_list, tape=None) -> list:
        """``[(gradient, variable), ...]`` of ``loss`` (a callable with no arguments, or a tensor
        recorded by ``tape``) with respect to ``var_list`` (a list, or a callable returning one)."""
        if callable(loss):
            if tape is None:
                tape = GradientTape()
            with tape:
                if not callable(var_list):
                    tape.watch(list(var_list))
                loss_value = loss()
        elif tape is None:
            raise ValueError(f"{self.name}: a tape is required when the loss is a tensor rather than a callable")
        else:
            loss_value = loss
        if callable(var_list):
            var_list = var_list()
        var_list = list(var_list)
        grads = tape.gradient(loss_value, var_list)
        return list(zip(grads, var_list))

    def minimize(self, loss, var_list, tape=None) -> int:
        """Compute the gradients of ``loss`` with a ``tg.GradientTape`` and apply them (one step).

        ``loss`` is a callable with no arguments (or a tensor recorded by ``tape``). Returns the
        step count after the step.
        """
        return self.apply_gradients(self.compute_gradients(loss, var_list, tape))

    # -- updating variables (tg.Variable or a leaf tensor) ------------------------
    @staticmethod
    def _assign(var, value) -> None:
        if isinstance(var, Variable):
            var.assign(value)
        else:
            var.copy_(value)

    @staticmethod
    def _assign_add(var, delta) -> None:
        if isinstance(var, Variable):
            var.assign_add(delta)
        else:
            var.add_(delta)

    @staticmethod
    def _assign_sub(var, delta) -> None:
        if isinstance(var, Variable):
            var.assign_sub(delta)
        else:
            var.sub_(delta)

    # -- configuration --------------------------------------------------------
    def _hyper_config(self) -> dict:
        return {}

    def get_config(self) -> dict:
        """The constructor arguments; ``from_config`` makes an equivalent optimizer (without state)."""
        if self._schedule is None:
            learning_rate = float(self._learning_rate.numpy())
        elif isinstance(self._schedule, schedules.LearningRateSchedule):
            learning_rate = schedules.serialize(self._schedule)
        else:
            learning_rate = self._schedule
        return {
            "name": self.name,
            "learning_rate": learning_rate,
            **self._hyper_config(),
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "clipvalue": self.clipvalue,
            "global_clipnorm": self.global_clipnorm,
        }

    @classmethod
    def from_config(cls, config: dict):
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = schedules.deserialize(config["learning_rate"])
        return cls(**config)

    def __repr__(self) -> str:
        return f"<tg.optimizers.{type(self).__name__} name={self.name!r} iterations={self.iterations}>"
