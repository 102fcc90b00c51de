"""Graph mode: ``tg.function`` traces Python into a graph of the same ops, optimises it,
and runs it as one generated Python function over the kernels."""

from .function import ConcreteFunction, Function, TensorSpec, function
from .graph import Graph, GraphOp, Symbol

__all__ = ["ConcreteFunction", "Function", "Graph", "GraphOp", "Symbol", "TensorSpec", "function"]
