"""``tg.function``: trace once per input signature, then run the optimised, compiled graph."""

from __future__ import annotations

import collections
import contextlib
import functools
import inspect
import operator
import threading
import weakref

from .. import backend, nest
from ..checks import function as _callable
from ..checks import numeric_array
from ..dtypes import as_dtype
from ..engine import state as _state
from ..engine.dispatch import apply, record
from ..engine.registry import OpDef
from ..engine.tensor import Tensor, convert_to_tensor, make_tensor
from ..grad_mode import set_grad_enabled
from ..random import generator_kept
from .compile import compile_graph
from .graph import Graph
from .optimize import optimize


class TensorSpec:
    """The shape (``None`` for any size) and dtype a function argument must have."""

    def __init__(self, shape, dtype="float32", name: str | None = None):
        self.shape = None if shape is None else _spec_shape(shape)
        self.dtype = as_dtype(dtype)
        self.name = name

    def is_compatible_with(self, value) -> bool:
        shape = tuple(value.shape)
        if self.shape is None:
            return True
        return len(shape) == len(self.shape) and all(d is None or d == n for d, n in zip(self.shape, shape))

    def __repr__(self) -> str:
        return f"TensorSpec(shape={self.shape}, dtype={self.dtype}, name={self.name!r})"


def _spec_shape(shape) -> tuple:
    """A TensorSpec's shape: a list or tuple of non-negative ints and Nones."""
    if not isinstance(shape, list | tuple) or not all(
        d is None or (hasattr(d, "__index__") and not isinstance(d, bool)) for d in shape
    ):
        raise TypeError(f"TensorSpec: shape must be None or a list/tuple of ints and Nones, got {shape!r}")
    dims = tuple(None if d is None else operator.index(d) for d in shape)
    if any(d is not None and d < 0 for d in dims):
        raise ValueError(f"TensorSpec: dimensions must be non-negative or None, got {list(dims)}")
    return dims


def _input_signature(signature) -> list | None:
    """``signature`` (None, or a list/tuple of TensorSpec) as a list, checked."""
    if signature is None:
        return None
    if not isinstance(signature, list | tuple) or not all(isinstance(s, TensorSpec) for s in signature):
        raise TypeError(f"tg.function: input_signature must be a list of TensorSpec, got {signature!r}")
    return list(signature)


def _is_tensor_like(value) -> bool:
    return isinstance(value, Tensor | backend.ndarray)


def _signature(args, kwargs):
    """The cache key: structure, tensor shapes and dtypes, and Python values."""
    if _positional_leaves(args, kwargs):
        return len(args), tuple([_leaf_key(leaf) for leaf in args])
    flat = nest.flatten((args, kwargs))
    structure = repr(nest.pack_as((args, kwargs), [0] * len(flat)))
    return structure, tuple([_leaf_key(leaf) for leaf in flat])


def _positional_leaves(args, kwargs) -> bool:
    """Whether the call is only positional arguments, none of them a nest (the common call)."""
    return not kwargs and not any(isinstance(a, list | tuple | dict) for a in args)


def _leaf_key(leaf):
    if type(leaf) is Tensor:
        return ("tensor", leaf._value.shape, leaf._value.dtype)
    if getattr(leaf, "_is_variable", False):
        return ("variable", id(leaf))
    if _is_tensor_like(leaf):
        return ("tensor", tuple(leaf.shape), leaf.dtype)
    try:
        hash(leaf)
    except TypeError:
        return ("object", id(leaf))
    return ("python", type(leaf).__name__, leaf)


def _general_key(key, varying: dict):
    """``key`` with the sizes of the ``varying`` dimensions left out: only which of them are equal stays."""
    labels = {n: f"?{k}" for k, n in enumerate(dict.fromkeys(varying.values()))}
    leaves = list(key[1])
    for (i, axis), n in varying.items():
        kind, shape, dtype = leaves[i]
        leaves[i] = (kind, (*shape[:axis], labels[n], *shape[axis + 1 :]), dtype)
    return key[0], tuple(leaves)


def _shadow_input(value, varying: dict, position: int):
    """``value`` with each varying dimension of size n resized to 2n + 1 (its entries repeated in turn)."""
    for (i, axis), n in varying.items():
        if i == position:
            value = backend.xp.take(value, backend.xp.arange(2 * n + 1) % n, axis=axis)
    return value


_SPECIALISED = object()  # in the cache under a general key: its trace held for the example's shapes only


class ConcreteFunction:
    """One trace: ``.graph`` (as traced), ``.optimized_graph``, and the compiled runner."""

    def __init__(self, graph: Graph, structured_outputs, input_leaves):
        self.graph = graph
        self.optimized_graph = optimize(graph)
        self._run, self.source = compile_graph(self.optimized_graph)
        self._structured_outputs = structured_outputs
        self._input_leaves = input_leaves  # which flat argument positions are graph inputs
        self._op_def = OpDef(f"{graph.name}_call", None, (), builtin=False)
        self._op_def.gradient = self._gradient
        self._backward = None
        self.polymorphic = graph.shape_polymorphic  # runs for any size of the None dimensions

    @property
    def inputs(self) -> list:
        return self.graph.inputs

    @property
    def outputs(self) -> list:
        return self.graph.outputs

    @property
    def variables(self) -> list:
        return list(self.graph.variables)

    def __call__(self, *args, **kwargs):
        flat = nest.flatten((args, kwargs))
        return self._call_flat([convert_to_tensor(flat[i]) for i in self._input_leaves])

    def _call_flat(self, inputs: list):
        results = self._run(*[t._value for t in inputs])
        values = tuple([backend.asarray(r) for r in results])
        outputs = record(self._op_def, (*inputs, *self.graph.variables), {"function": self}, values)
        return nest.pack_as(self._structured_outputs, outputs)

    def pretty_printed_graph(self, optimized: bool = True) -> str:
        return str(self.optimized_graph if optimized else self.graph)

    # -- differentiating a call from outside ------------------------------------------
    def _gradient(self, op, *grads):
        """Gradients for the inputs and variables of one call, by the compiled gradient function."""
        n = len(self.graph.inputs)
        if self.graph.grad_outputs is not None or self.graph.grad_error is not None:
            if self._backward is None:
                self._backward = self._traced_backward()
            dys = [g for g, s in zip(grads, self.graph.outputs) if s.dtype.kind in "fc"]
            return list(self._backward._call_flat([*op.inputs[:n], *dys]))
        if self._backward is None:  # a graph without a traced gradient (itself a gradient): replay it
            self._backward = function(self._backward_python, name=f"{self.graph.name}_grad")
        return list(self._backward(list(op.inputs[:n]), list(grads)))

    def _traced_backward(self) -> ConcreteFunction:
        """The gradient graph traced with the function, compiled without its side effects."""
        g = self.graph
        if g.grad_error is not None:
            raise g.grad_error
        view = g.view(g.inputs + g.grad_inputs, g.grad_outputs, effects=False)
        view.name = f"{g.name}_grad"
        return ConcreteFunction(view, list(view.outputs), None)

    def _backward_python(self, inputs, output_grads):
        from ..tape import GradientTape

        variables = self.graph.variables
        with GradientTape(watch_accessed_variables=False) as tape:
            tape.watch(inputs)
            tape.watch(variables)
            outputs = replay(self.optimized_graph, inputs)
        grads = tape.gradient(outputs, list(inputs) + list(variables), output_gradients=output_grads,
                              unconnected_gradients="zero")  # fmt: skip
        return grads


def _trace_gradient(graph: Graph, record, inputs: list, outputs: list) -> None:
    """Trace, into ``graph``, the gradient of the outputs with respect to inputs and variables.

    It is built now, from the ops just recorded, so that custom gradients and
    ``autograd.Function``s keep their rules when a call is differentiated from outside.
    A failure is kept and raised only if that gradient is ever asked for.
    """
    from ..engine.backward import backward
    from ..ops.array_ops import zeros_like

    floating = [o for o in outputs if o.dtype.kind in "fc"]
    sources = list(inputs) + list(graph.variables)
    if not floating or not sources:
        return
    seeds = []
    for o in floating:
        seed = make_tensor(backend.xp.zeros_like(o._value))
        graph.placeholder(seed, gradient=True, shadow=backend.xp.zeros_like(graph.shadow_of(o)))
        seeds.append(seed)
    try:
        grads = backward(record, floating, seeds, sources, retain=True)
        grads = [zeros_like(s) if g is None else g for s, g in zip(sources, grads)]
        graph.grad_outputs = [graph.symbol_of(g) for g in grads]
    except Exception as e:  # kept, and raised when the gradient is asked for
        graph.grad_error = e


def _as_input(value) -> Tensor:
    return value if isinstance(value, Tensor) else convert_to_tensor(value)


def replay(graph: Graph, inputs) -> list:
    """Run ``graph``'s ops through the eager dispatcher (so tapes record them); effects are skipped."""
    env = {id(s): t for s, t in zip(graph.inputs, inputs)}
    for op in graph.operations:
        if op.type == "Placeholder" or op.type == "AssignVariableOp":
            continue
        if op.type == "Const":
            env[id(op.outputs[0])] = make_tensor(op.attrs["value"])
        elif op.type == "ReadVariableOp":
            env[id(op.outputs[0])] = op.attrs["variable"]
        else:
            result = apply(op.op_def, tuple(env[id(s)] for s in op.inputs), op.attrs)
            results = result if isinstance(result, tuple) else (result,)
            env.update((id(s), t) for s, t in zip(op.outputs, results))
    return [env[id(s)] for s in graph.outputs]


class Function:
    """A Python function compiled to graphs: one per input signature, traced on first use.

    The traced functions are kept in a least-recently-used cache of at most
    ``MAX_CONCRETE_FUNCTIONS`` (64) signatures: calling with ever new Python values
    (each a new signature) retraces, but memory stays bounded. A Function may be called
    from several threads at once; a signature is traced once, by the first thread to
    need it, while the others wait for that trace.
    """

    MAX_CONCRETE_FUNCTIONS = 64

    def __init__(self, python_function, input_signature=None, name: str | None = None):
        _callable("tg.function", python_function)
        self.python_function = python_function
        self.input_signature = _input_signature(input_signature)
        self.name = name or getattr(python_function, "__name__", "function")
        self._cache: collections.OrderedDict = collections.OrderedDict()  # signature -> ConcreteFunction
        self._lock = threading.RLock()  # held while tracing (the same thread may trace again inside)
        self._tracing_count = 0
        functools.update_wrapper(self, python_function)

    def __call__(self, *args, **kwargs):
        if _state.state.graph is not None:  # called while tracing another function: inline
            return self.python_function(*args, **kwargs)
        concrete, args = self._concrete(args, kwargs)
        flat = args if _positional_leaves(args, kwargs) else nest.flatten((args, kwargs))
        inputs = [_as_input(flat[i]) for i in concrete._input_leaves]
        return concrete._call_flat(inputs)

    def __get__(self, instance, owner):
        """``instance.method``: the instance's own Function (traced for it, kept while it lives)."""
        if instance is None:
            return self
        bound = self.__dict__.setdefault("_bound", {})
        key = id(instance)
        entry = bound.get(key)
        if entry is None or entry[0]() is not instance:
            with self._lock:  # one Function per instance, also when threads bind it at once
                entry = bound.get(key)
                if entry is None or entry[0]() is not instance:
                    entry = bound[key] = self._bind(instance, owner, bound, key)
        return entry[1] if entry[2] else _BoundFunction(entry[1], instance)

    def _bind(self, instance, owner, bound: dict, key: int) -> tuple:
        """``(ref, function, strong)``: a Function of the method that refers to ``instance`` weakly where it can,
        so that this cache keeps neither a dropped instance nor its variables alive."""

        def forget(ref):
            if bound.get(key, (None,))[0] is ref:
                del bound[key]

        method = self.python_function
        try:
            ref = weakref.ref(instance, forget)
        except TypeError:  # no weak references (__slots__ without __weakref__): kept for good
            fn = Function(method.__get__(instance, owner), self.input_signature, self.name)
            return (lambda: instance), fn, True

        def call(*args, **kwargs):
            return method(ref(), *args, **kwargs)

        functools.update_wrapper(call, method)
        del call.__wrapped__  # (it would hold nothing of the instance, but would show ``self`` in the signature)
        with contextlib.suppress(TypeError, ValueError):
            call.__signature__ = inspect.signature(method.__get__(instance, owner))
        return ref, Function(call, self.input_signature, self.name), False

    def experimental_get_tracing_count(self) -> int:
        """How many times the Python function has been traced."""
        return self._tracing_count

    def __getstate__(self) -> dict:  # (copy.deepcopy: a lock is not copied, but made anew)
        state = dict(self.__dict__)
        del state["_lock"]
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._lock = threading.RLock()

    def _check_signature(self, args, kwargs) -> tuple:
        """``args`` checked against the input_signature, as tensors of its dtypes.

        As in TensorFlow, a tensor must have the spec's dtype already; other values
        (Python numbers, NumPy arrays) are converted to it where the cast keeps their kind.
        """
        if self.input_signature is None:
            return args
        if kwargs or len(args) != len(self.input_signature):
            raise TypeError(
                f"tg.function {self.name}: called with {len(args)} positional argument(s) and {len(kwargs)} "
                f"keyword argument(s); its input_signature has {len(self.input_signature)} tensors"
            )
        return tuple(
            self._check_argument(i, arg, spec) for i, (arg, spec) in enumerate(zip(args, self.input_signature))
        )

    def _check_argument(self, i: int, arg, spec: TensorSpec) -> Tensor:
        who = f"tg.function {self.name}: argument {i}"
        if isinstance(arg, Tensor):
            if arg.dtype != spec.dtype:
                raise TypeError(f"{who} has dtype {arg.dtype}, but the input_signature says {spec.dtype}")
        else:
            array = numeric_array(who, arg)
            if not backend.xp.can_cast(array.dtype, spec.dtype, "same_kind"):
                raise TypeError(f"{who}: cannot convert a value of dtype {array.dtype} to {spec.dtype}")
            arg = make_tensor(array.astype(spec.dtype, copy=False))
        if not spec.is_compatible_with(arg):
            raise ValueError(f"{who} has shape {arg.shape}, not {spec.shape}")
        return arg

    def get_concrete_function(self, *args, **kwargs) -> ConcreteFunction:
        """The traced function for these arguments (tracing it if needed).

        Where the input_signature leaves dimensions None, one trace serves every size of
        them (as long as the same ones are equal), unless that trace turned out to depend
        on the sizes: then each shape is traced on its own.
        """
        return self._concrete(args, kwargs)[0]

    def _concrete(self, args, kwargs) -> tuple:
        """``(concrete function, args)``: args converted as the input_signature says."""
        args = self._check_signature(args, kwargs)
        key = _signature(args, kwargs)
        varying = self._varying_dimensions(args, kwargs)
        if varying:
            general = _general_key(key, varying)
            if self._cache.get(general) is not _SPECIALISED:
                key = general
            else:
                varying = None
        cache = self._cache
        concrete = cache.get(key)
        if concrete is not None and concrete is not _SPECIALISED:
            with contextlib.suppress(KeyError):  # (evicted by another thread meanwhile)
                cache.move_to_end(key)
            return concrete, args
        with self._lock:
            concrete = cache.get(key)  # traced by another thread while this one waited
            if concrete is None or concrete is _SPECIALISED:
                concrete = self._trace(args, kwargs, varying)
                if varying and not concrete.polymorphic:
                    cache[key] = _SPECIALISED
                    key = _signature(args, kwargs)
                cache[key] = concrete
                while len(cache) > self.MAX_CONCRETE_FUNCTIONS:
                    cache.popitem(last=False)
        return concrete, args

    def _varying_dimensions(self, args, kwargs) -> dict | None:
        """``{(argument, axis): size}`` for the dimensions the input_signature leaves None, when a
        trace can serve all their sizes (there are some, all at least 2); else None."""
        if self.input_signature is None or kwargs:
            return None
        varying = {}
        for i, (arg, spec) in enumerate(zip(args, self.input_signature)):
            if spec.shape is None or not _is_tensor_like(arg) or getattr(arg, "_is_variable", False):
                continue
            for axis, (d, n) in enumerate(zip(spec.shape, arg.shape)):
                if d is None:
                    if n < 2:
                        return None
                    varying[(i, axis)] = n
        return varying or None

    def _trace(self, args, kwargs, varying: dict | None = None) -> ConcreteFunction:
        self._tracing_count += 1
        graph = Graph(self.name, polymorphic=bool(varying))
        flat = nest.flatten((args, kwargs))
        traced, positions = [], []
        for i, leaf in enumerate(flat):
            if _is_tensor_like(leaf) and not getattr(leaf, "_is_variable", False):
                example = make_tensor(backend.array_copy(_as_input(leaf)._value))
                graph.placeholder(example, shadow=_shadow_input(example._value, varying, i) if varying else None)
                traced.append(example)
                positions.append(i)
            else:
                traced.append(leaf)
        t_args, t_kwargs = nest.pack_as((args, kwargs), traced)
        record = _state.TapeRecord(watch_variables=True)  # records every op, for gradients
        for i in positions:
            record.watched[id(traced[i])] = traced[i]
        previous = _state.state.graph
        _state.set_graph(graph)
        _state.push(record)
        try:
            with set_grad_enabled(True), generator_kept():  # (the caller's grad mode and random state stay out)
                result = self.python_function(*t_args, **t_kwargs)
                outputs = [convert_to_tensor(o) for o in nest.flatten(result)]
                _trace_gradient(graph, record, [traced[i] for i in positions], outputs)
        finally:
            _state.pop(record)
            _state.set_graph(previous)
        graph.finish(outputs)
        return ConcreteFunction(graph, result, positions)

    def __repr__(self) -> str:
        return f"<tg.function {self.name} traces={self._tracing_count}>"


class _BoundFunction:
    # A ``tg.function`` method of one instance: calls (and attributes) go to the instance's
    # Function; holding the instance here keeps it alive as long as this object is.

    __slots__ = ("__self__", "_function")

    def __init__(self, function: Function, instance):
        self._function = function
        self.__self__ = instance

    def __call__(self, *args, **kwargs):
        return self._function(*args, **kwargs)

    def __getattr__(self, name: str):
        if name == "_function":  # (not set yet: being copied)
            raise AttributeError(name)
        return getattr(self._function, name)

    @property
    def __doc__(self):
        return self._function.__doc__

    def __eq__(self, other) -> bool:
        return isinstance(other, _BoundFunction) and other._function is self._function

    def __hash__(self) -> int:
        return hash(self._function)

    def __repr__(self) -> str:
        return repr(self._function)


def function(func=None, input_signature=None, name: str | None = None, **unused):
    """Compile ``func`` to a graph: ``@tg.function`` or ``tg.function(f, input_signature=...)``."""
    input_signature = _input_signature(input_signature)
    if func is None:
        return lambda f: Function(f, input_signature, name)
    return Function(func, input_signature, name)
