"""The engine: values, the op registry, recording and the backward pass."""
