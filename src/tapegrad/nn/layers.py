"""Layers: ``Dense``, ``Sequential``, ``Dropout``, ``Activation``."""

from __future__ import annotations

from .. import random
from ..checks import bounded, integer
from ..dtypes import as_dtype, float32
from ..engine.tensor import convert_to_tensor
from ..ops.linalg_ops import matmul
from ..ops.math_ops import cast
from ..variables import Variable
from . import activations, initializers
from .module import Module


class Dense(Module):
    """``activation(inputs @ kernel + bias)``; the kernel's input size is taken from the first call."""

    def __init__(
        self,
        units: int,
        activation=None,
        use_bias: bool = True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        input_dim: int | None = None,
        dtype=float32,
        name: str | None = None,
    ):
        super().__init__(name)
        self.units = integer("Dense", "units", units)
        if self.units <= 0:
            raise ValueError(f"Dense: units must be positive, got {units}")
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.dtype = as_dtype(dtype)
        self.kernel = self.bias = None
        if input_dim is not None:
            self.build(integer("Dense", "input_dim", input_dim))

    def build(self, input_dim: int) -> None:
        """Create the kernel ``(input_dim, units)`` and the bias ``(units,)``."""
        shape = (input_dim, self.units)
        self.kernel = Variable(self.kernel_initializer(shape, self.dtype), name=f"{self.name}/kernel")
        if self.use_bias:
            self.bias = Variable(self.bias_initializer((self.units,), self.dtype), name=f"{self.name}/bias")

    def call(self, inputs):
        inputs = convert_to_tensor(inputs)
        if inputs.ndim < 1:
            raise ValueError(f"Dense {self.name!r}: expected inputs with a last (feature) axis, got shape ()")
        if self.kernel is None:
            self.build(inputs.shape[-1])
        elif inputs.shape[-1] != self.kernel.shape[0]:
            raise ValueError(
                f"Dense {self.name!r}: inputs have {inputs.shape[-1]} features (shape {inputs.shape}); "
                f"the kernel expects {self.kernel.shape[0]}"
            )
        if inputs.dtype != self.dtype:
            inputs = cast(inputs, self.dtype)
        outputs = matmul(inputs, self.kernel)
        if self.bias is not None:
            outputs = outputs + self.bias
        return self.activation(outputs)


class Activation(Module):
    """An activation function as a layer."""

    def __init__(self, activation, name: str | None = None):
        super().__init__(name)
        self.activation = activations.get(activation)

    def call(self, inputs):
        return self.activation(inputs)


class Dropout(Module):
    """Zeroes a fraction ``rate`` of the inputs while training, scaling the rest by ``1 / (1 - rate)``."""

    def __init__(self, rate: float, seed: int | None = None, name: str | None = None):
        super().__init__(name)
        self.rate = bounded("Dropout", "rate", rate, 0.0, 1.0, open_high=True)
        self.seed = seed
        self._calls = 0

    def call(self, inputs, training: bool = False):
        inputs = convert_to_tensor(inputs)
        if not training or self.rate == 0:
            return inputs
        self._calls += 1
        seed = None if self.seed is None else self.seed + self._calls
        keep = random.uniform(inputs.shape, dtype=inputs.dtype, seed=seed) >= self.rate
        return inputs * cast(keep, inputs.dtype) / (1.0 - self.rate)


class Sequential(Module):
    """Layers applied one after another."""

    def __init__(self, layers=None, name: str | None = None):
        super().__init__(name)
        if isinstance(layers, Module) or (layers is not None and not hasattr(layers, "__iter__")):
            raise TypeError(f"Sequential: layers must be a list of layers, got {type(layers).__name__}")
        self.layers = []
        for layer in layers or ():
            self.add(layer)

    def add(self, layer) -> None:
        """Append ``layer`` (a Module or any callable of one tensor)."""
        if not callable(layer):
            raise TypeError(f"Sequential: a layer must be a Module or a callable, got {type(layer).__name__}")
        self.layers.append(layer)

    def call(self, inputs, training: bool = False):
        x = inputs
        for layer in self.layers:
            x = layer(x, training=training) if isinstance(layer, Module) else layer(x)
        return x
