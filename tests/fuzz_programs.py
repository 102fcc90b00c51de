"""Random small programs over the op registry, and the properties every program must have.

A *program* is a few float inputs (random shapes: 0-d, size-1 and zero-size dimensions,
broadcast-compatible shapes; float32 or float64; contiguous, Fortran-ordered, transposed,
strided, reversed or broadcast views, some read-only) followed by 1-6 steps, each one
registered differentiable op. A step is built from one of the op's own samples (or a
variant of it with other dimension sizes or a boolean attribute flipped, kept when the op
accepts it), so its arguments are always valid; each float argument of the sample is then

* ``input``: a new program input, the sample's value plus small noise, fed to the op as is;
* ``raw``: an earlier value itself (broadcast to the sample's shape), where the op accepts it;
* ``chain``: ``base + alpha * squash(fit(earlier value))``, where ``fit`` broadcasts,
  reshapes or averages the earlier value into the sample's shape and ``squash`` is tanh or
  sin, so the argument stays within ``alpha`` of the sample (inside the op's domain);
* ``const``: the sample's value, a constant.

While a program is generated it is evaluated in float64; an argument that comes closer
than a margin to a kink or to the edge of its op's domain (``CONSTRAINTS``), or a step
whose values are not finite and moderate, is pulled back towards the sample (``alpha`` is
cut), so that central differences are meaningful at every generated program.

The checkers (``check_program`` runs them all):

(a) the reverse-mode gradient of a random projection of every step's outputs against
    central differences, in float64;
(b) forward mode against reverse mode: ``<J v, u> == <v, J^T u>``;
(c) eager against ``tg.function``: values and gradients (``tg.gradients`` inside the traced
    function, and a tape around a call of it), on a second call with other input values
    too;
(d) gradient dtypes equal source dtypes (float32 stays float32, at every recorded op of a
    float32 program), tangents have their outputs' dtypes;
(e) Hessian-vector products of the projection, reverse over reverse against forward over
    reverse and against central differences of the gradient, in float64;

and, along the way, that input arrays are never written to and that strided, transposed
and broadcast inputs give the values their contiguous copies give.
"""

from __future__ import annotations

import inspect
import math
import warnings
from dataclasses import dataclass, field

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st

import tapegrad as tg
from tapegrad.engine import backward as engine_backward
from tapegrad.engine.registry import OPS

KINK = 1e-3  # the closest an argument may come to a kink (abs at 0, ties of max, floor at integers, ...)
DOMAIN = 0.05  # ... and to a pole or the edge of a domain, unless its sample is closer still
MAX_ABS = 1e3  # every value of a generated program stays below this
EPS = 1e-6  # central differences
ALPHAS = (0.5, 0.2, 0.05, 0.01)

# Ops the fuzzer does not pick (the reason is given).
SKIPPED = {
    "StopGradient": "not differentiable by design",
}


def _f(op_type):
    return OPS[op_type].fn


# -- where arguments must not go: kinks and domain edges ------------------------------------------
INF = math.inf


def _amin(x) -> float:
    x = np.asarray(x, dtype=np.float64)
    return float(np.min(x)) if x.size else INF


def _near_int(x):
    return np.abs(x - np.round(x))


def _bcast(*xs):
    return np.broadcast_arrays(*[np.asarray(x, dtype=np.float64) for x in xs])


def _reduced_rows(x, axis):
    """``x`` as rows whose entries are reduced together by a reduction over ``axis``."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim == 0:
        return x.reshape(1, 1)
    axes = tuple(range(x.ndim)) if axis is None else tuple(int(a) % x.ndim for a in np.atleast_1d(axis))
    moved = np.moveaxis(x, axes, list(range(x.ndim - len(axes), x.ndim)))
    k = math.prod(x.shape[a] for a in axes)
    return moved.reshape(-1, k) if moved.size else np.zeros((0, k))


def _top_gap(x, axis, largest=True) -> float:
    rows = _reduced_rows(x, axis)
    if rows.shape[1] < 2 or rows.shape[0] == 0:
        return INF
    s = np.sort(rows, axis=1)
    return _amin(s[:, -1] - s[:, -2] if largest else s[:, 1] - s[:, 0])


def _matrices(a):
    a = np.asarray(a, dtype=np.float64)
    if a.ndim < 2:
        return np.zeros((0, 0, 0))
    return a.reshape((math.prod(a.shape[:-2]), *a.shape[-2:]))


def _singular_values(a):
    m = _matrices(a)
    if m.size == 0:
        return np.zeros((0, 0))
    return np.linalg.svd(m, compute_uv=False)


def _gaps(values):
    """Smallest gap between consecutive sorted values in each row (inf for rows of < 2)."""
    if values.ndim < 2 or values.shape[-1] < 2 or values.shape[0] == 0:
        return INF
    s = np.sort(values, axis=-1)
    return _amin(np.diff(s, axis=-1))


def _sign_gap(vectors):
    """How far each column of ``vectors`` is from a tie for its largest-magnitude component."""
    if vectors.size == 0 or vectors.shape[-2] < 2:
        return INF
    s = np.sort(np.abs(vectors), axis=-2)
    return _amin(s[..., -1, :] - s[..., -2, :])


def _sym(a):
    a = _matrices(a)
    return 0.5 * (a + np.swapaxes(a, -1, -2))


def _eigh_constraint(args, attrs):
    s = _sym(args[0])
    if s.size == 0:
        return INF, INF
    e, v = np.linalg.eigh(s)
    kink = _gaps(e)
    if attrs.get("compute_v", True):
        kink = min(kink, _sign_gap(v))
    return kink, INF


def _svd_constraint(args, attrs):
    m = _matrices(args[0])
    if m.size == 0:
        return INF, INF
    if attrs.get("full_matrices", False) and m.shape[-1] != m.shape[-2]:
        return -1.0, INF  # the extra columns are an arbitrary basis (documented)
    u, s, _ = np.linalg.svd(m, full_matrices=False)
    kink = min(_gaps(s), _amin(s))
    if attrs.get("compute_uv", True):
        kink = min(kink, _sign_gap(u))
    return kink, INF


def _qr_constraint(args, attrs):
    m = _matrices(args[0])
    rows, cols = m.shape[-2:]
    if rows < cols or (attrs.get("full_matrices", False) and rows != cols):
        return -1.0, INF  # wide inputs are split by tg.linalg.qr; complete Q is an arbitrary basis
    return INF, _amin(_singular_values(m)[..., -1:]) if m.size else INF


def _invertible(args, attrs):
    s = _singular_values(args[0])
    return INF, _amin(s[..., -1:]) if s.size else INF


def _triangular(args, attrs):
    d = np.diagonal(_matrices(args[0]), axis1=-2, axis2=-1)
    return INF, _amin(np.abs(d))


def _cholesky(args, attrs):
    s = _sym(args[0])
    return INF, _amin(np.linalg.eigvalsh(s)) if s.size else INF


def _mod_constraint(args, attrs):
    x, y = _bcast(args[0], args[1])
    q = x / np.where(y == 0, np.nan, y)
    return _amin(np.nan_to_num(_near_int(q) * np.abs(y))), _amin(np.abs(y))


def _atan2_constraint(args, attrs):
    y, x = _bcast(args[0], args[1])
    cut = np.where(x < 0, np.abs(y), INF)
    return _amin(cut), _amin(np.hypot(x, y))


def _vector_norm(args, attrs):
    x = np.asarray(args[0], dtype=np.float64)
    kink = _amin(np.abs(x))
    if attrs.get("ord", 2.0) == INF:
        kink = min(kink, _top_gap(np.abs(x), attrs.get("axis")))
    return kink, INF


def _clip(args, attrs):
    x, lo, hi = _bcast(*args)
    return _amin(np.minimum(np.abs(x - lo), np.abs(x - hi))), _amin(hi - lo)


def _gamma_poles(x):
    x = np.asarray(x, dtype=np.float64)
    return _amin(np.where(x > 0.5, x, _near_int(x)))


def _unary_kink(fn):
    return lambda args, attrs: (_amin(fn(np.asarray(args[0], dtype=np.float64))), INF)


def _unary_domain(fn):
    return lambda args, attrs: (INF, _amin(fn(np.asarray(args[0], dtype=np.float64))))


# op type -> fn(args, attrs) -> (distance to a kink, distance to a pole or domain edge), in input units
CONSTRAINTS = {
    "Abs": _unary_kink(np.abs),
    "Relu": _unary_kink(np.abs),
    "LeakyRelu": _unary_kink(np.abs),
    "Selu": _unary_kink(np.abs),
    "Sign": _unary_kink(np.abs),
    "ComplexAbs": _unary_kink(np.abs),
    "Angle": _unary_kink(np.abs),
    "Relu6": _unary_kink(lambda x: np.minimum(np.abs(x), np.abs(x - 6))),
    "Floor": _unary_kink(_near_int),
    "Ceil": _unary_kink(_near_int),
    "Round": _unary_kink(lambda x: np.minimum(_near_int(x), _near_int(x - 0.5))),
    "FloorDiv": _mod_constraint,
    "FloorMod": _mod_constraint,
    "TruncateMod": _mod_constraint,
    "Maximum": lambda a, k: (_amin(np.abs(np.subtract(*_bcast(a[0], a[1])))), INF),
    "Minimum": lambda a, k: (_amin(np.abs(np.subtract(*_bcast(a[0], a[1])))), INF),
    "ClipByValue": _clip,
    "Max": lambda a, k: (_top_gap(a[0], k.get("axis"), True), INF),
    "Min": lambda a, k: (_top_gap(a[0], k.get("axis"), False), INF),
    "VectorNorm": _vector_norm,
    "Hypot": lambda a, k: (INF, _amin(np.hypot(*_bcast(a[0], a[1])))),
    "Atan2": _atan2_constraint,
    "Cbrt": _unary_domain(np.abs),
    "Sqrt": _unary_domain(lambda x: x),
    "Rsqrt": _unary_domain(lambda x: x),
    "Log": _unary_domain(lambda x: x),
    "Log1p": _unary_domain(lambda x: x + 1),
    "Acos": _unary_domain(lambda x: 1 - np.abs(x)),
    "Asin": _unary_domain(lambda x: 1 - np.abs(x)),
    "Atanh": _unary_domain(lambda x: 1 - np.abs(x)),
    "Acosh": _unary_domain(lambda x: x - 1),
    "Reciprocal": _unary_domain(np.abs),
    "RealDiv": lambda a, k: (INF, _amin(np.abs(np.asarray(a[1], dtype=np.float64)))),
    "Ndtri": _unary_domain(lambda p: np.minimum(p, 1 - p)),
    "Tan": _unary_domain(lambda x: np.abs(np.cos(x))),
    "Digamma": lambda a, k: (INF, _gamma_poles(a[0])),
    "Lgamma": lambda a, k: (INF, _gamma_poles(a[0])),
    "Polygamma": lambda a, k: (INF, _gamma_poles(a[1])),
    "Pow": lambda a, k: (INF, _amin(a[0])),
    "Xlogy": lambda a, k: (INF, _amin(a[1])),
    "Xlog1py": lambda a, k: (INF, _amin(np.asarray(a[1], dtype=np.float64) + 1)),
    "Cholesky": _cholesky,
    "SelfAdjointEigV2": _eigh_constraint,
    "Svd": _svd_constraint,
    "Qr": _qr_constraint,
    "MatrixInverse": _invertible,
    "MatrixSolve": _invertible,
    "MatrixDeterminant": _invertible,
    "LogMatrixDeterminant": _invertible,
    "MatrixAdjugate": _invertible,
    "MatrixPinv": _invertible,
    "MatrixTriangularSolve": _triangular,
}


def distances(op_type, arrays, attrs):
    """(kink, domain) distances of float64 ``arrays`` as ``op_type``'s arguments."""
    rule = CONSTRAINTS.get(op_type)
    if rule is None:
        return INF, INF
    with np.errstate(all="ignore"):
        kink, domain = rule(arrays, attrs)
    return (-1.0 if np.isnan(kink) else kink), (-1.0 if np.isnan(domain) else domain)


def acceptable(op_type, arrays, attrs, base=(INF, INF)) -> bool:
    """Whether ``arrays`` keep the margins, or half the distances of the sample (``base``) if those are less."""
    kink, domain = distances(op_type, arrays, attrs)
    return kink > min(KINK, 0.5 * base[0]) and domain > min(DOMAIN, 0.5 * base[1])


def _moderate(arrays) -> bool:
    for a in arrays:
        if a.dtype.kind in "fc" and a.size and not (np.all(np.isfinite(a)) and np.max(np.abs(a)) <= MAX_ABS):
            return False
    return True


# -- the ops and their sample variants ------------------------------------------------------------
def fuzzable_ops() -> list:
    return sorted(
        name
        for name, op in OPS.items()
        if op.builtin and op.differentiable and op.samples and name not in SKIPPED and _has_float_arg(op)
    )


def _is_float(a) -> bool:
    return np.asarray(a).dtype.kind == "f"


def _has_float_arg(op) -> bool:
    return any(_is_float(a) for s in op.samples for a in s.args)


def _run_numpy(op_type, arrays, attrs):
    out = _f(op_type)(*[tg.convert_to_tensor(a) for a in arrays], **attrs)
    return [o.numpy() for o in (out if isinstance(out, tuple | list) else [out])]


def _try(op_type, arrays, attrs):
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _run_numpy(op_type, arrays, attrs)
    except Exception:  # the variant is not valid for this op
        return None


_VARIANTS: dict = {}


def variants(op_type: str, index: int) -> list:
    """``(arrays, attrs)``: the sample's, then versions with other shapes or attributes that the op accepts.

    Shapes: a size that occurs in the argument shapes is replaced by 0, 1 or 2 everywhere
    it occurs, or one dimension of one argument becomes 1; the values are the sample's,
    cycled (``np.resize``). Attributes: each boolean attribute of the kernel is flipped.
    (Axes stay as the samples give them, normalised tuples: the public functions normalise
    ``axis`` before calling a kernel, and the gradients rely on it.) A variant is kept when
    the op runs on it, its values are finite and its arguments are as far from kinks and
    domain edges as the margins ask.
    """
    key = (op_type, index)
    if key in _VARIANTS:
        return _VARIANTS[key]
    sample = OPS[op_type].samples[index]
    base, attrs = [np.asarray(a) for a in sample.args], dict(sample.attrs)
    found = [(base, attrs)]
    margins = distances(op_type, base, attrs)

    def keep(arrays, new_attrs) -> None:
        outs = _try(op_type, arrays, new_attrs)
        if outs is not None and _moderate(outs) and acceptable(op_type, arrays, new_attrs, margins):
            found.append((arrays, new_attrs))

    seen = {tuple(a.shape for a in base)}
    candidates = []
    for k in sorted({n for a in base for n in a.shape}):
        for m in (0, 1, 2):
            if m != k:
                candidates.append([tuple(m if n == k else n for n in a.shape) for a in base])
    for i, a in enumerate(base):
        for d, n in enumerate(a.shape):
            if n > 1:
                shapes = [b.shape for b in base]
                shapes[i] = a.shape[:d] + (1,) + a.shape[d + 1 :]
                candidates.append(shapes)
    for shapes in candidates:
        if tuple(shapes) not in seen:
            seen.add(tuple(shapes))
            keep([np.resize(a, s) if a.shape != s else a for a, s in zip(base, shapes)], attrs)

    for name, default in _bool_attrs(op_type).items():
        keep(base, {**attrs, name: not attrs.get(name, default)})
    _VARIANTS[key] = found
    return found


# Boolean attributes left as the samples give them (the reason is given).
FIXED_ATTRS = {
    ("MatrixPinv", "hermitian"): "assumes a symmetric input (tg.linalg.pinv never sets it)",
}


def _bool_attrs(op_type) -> dict:
    params = inspect.signature(OPS[op_type].kernel).parameters.values()
    return {p.name: p.default for p in params if isinstance(p.default, bool) and (op_type, p.name) not in FIXED_ATTRS}


# -- programs -------------------------------------------------------------------------------------
LAYOUTS = ("contiguous", "fortran", "transposed", "strided", "reversed", "broadcast")


@dataclass
class Input:
    values: np.ndarray  # float64, C-contiguous; constant along ``axis`` for the broadcast layout
    dtype: str
    layout: str = "contiguous"
    readonly: bool = False
    axis: int = 0  # the broadcast layout's zero-stride axis

    def array(self, float64: bool = False) -> np.ndarray:
        """The input as the program receives it: its dtype (float64 if asked) and memory layout."""
        a = self.values if float64 else self.values.astype(self.dtype)
        layout = self.layout if a.ndim else "contiguous"
        if layout == "fortran":
            out = np.asfortranarray(a)
        elif layout == "transposed" and a.ndim >= 2:
            out = np.ascontiguousarray(np.swapaxes(a, -1, -2)).swapaxes(-1, -2)
        elif layout == "strided":
            buffer = np.full((*a.shape[:-1], 2 * a.shape[-1] + 1), np.nan, dtype=a.dtype)
            out = buffer[..., 1::2]
            out[...] = a
        elif layout == "reversed":
            out = np.ascontiguousarray(a[..., ::-1])[..., ::-1]
        elif layout == "broadcast":
            return np.broadcast_to(a.take([0], axis=self.axis), a.shape)  # read-only, zero strides
        else:
            out = a.copy()
        if self.readonly:
            out.flags.writeable = False
        return out

    def __repr__(self) -> str:
        flags = " readonly" if self.readonly and self.layout != "broadcast" else ""
        return f"Input({self.values.shape}, {self.dtype}, {self.layout}{flags})"


@dataclass
class Arg:
    kind: str  # input | raw | chain | const | other (an integer or boolean argument)
    base: np.ndarray  # the sample's value (the variant's), for chain and const
    source: int = -1  # the slot read by input, raw and chain
    fit: str = "same"  # same | broadcast | reshape | reduce
    squash: str = "Tanh"
    alpha: float = 0.0
    dtype: str = "float64"  # of a const in the program's own dtypes

    def build(self, slots, float64: bool):
        if self.kind == "other":
            return tg.constant(self.base)
        if self.kind == "const":
            return tg.constant(self.base, dtype="float64" if float64 else self.dtype)
        v = slots[self.source]
        if self.kind == "input":
            return v
        if v.dtype.kind == "c":
            v = _f("Real")(v)
        v = fit(v, self.base.shape, self.fit)
        if self.kind == "raw":
            return v
        h = _f(self.squash)(v)
        return _f("AddV2")(tg.constant(self.base, dtype=h.dtype), _f("Mul")(h, self.alpha))

    def __repr__(self) -> str:
        shape = tuple(self.base.shape)
        if self.kind in ("other", "const"):
            return f"{self.kind}{shape}"
        if self.kind == "input":
            return f"s{self.source}"
        if self.kind == "raw":
            return f"{self.fit}(s{self.source}->{shape})"
        return f"base{shape}+{self.alpha}*{self.squash.lower()}({self.fit}(s{self.source}))"


def fit(v, shape, how):
    """An earlier value made into an argument's shape."""
    shape = tuple(shape)
    if how == "same":
        return v
    if how == "broadcast":
        return _f("BroadcastTo")(v, shape=shape)
    if how == "reshape":
        return _f("Reshape")(v, shape=shape)
    r = _f("Mean")(v) if v.size else _f("Sum")(v)
    return r if shape == () else _f("BroadcastTo")(r, shape=shape)


def fits(from_shape, to_shape) -> list:
    from_shape, to_shape = tuple(from_shape), tuple(to_shape)
    out = []
    if from_shape == to_shape:
        out.append("same")
    else:
        try:
            if np.broadcast_shapes(from_shape, to_shape) == to_shape:
                out.append("broadcast")
        except ValueError:
            pass
        if math.prod(from_shape) == math.prod(to_shape) and math.prod(to_shape) > 0:
            out.append("reshape")
    out.append("reduce")
    return out


@dataclass
class Step:
    op: str
    sample: int
    variant: int
    args: list
    attrs: dict
    n_outputs: int = 1

    def apply(self, slots, float64: bool) -> list:
        args = [a.build(slots, float64) for a in self.args]
        out = _f(self.op)(*args, **self.attrs)
        return list(out) if isinstance(out, tuple | list) else [out]

    def __repr__(self) -> str:
        variant = f" variant {self.variant}" if self.variant else ""
        attrs = f", {self.attrs}" if self.attrs else ""
        return f"{self.op}[sample {self.sample}{variant}]({', '.join(map(repr, self.args))}{attrs})"


@dataclass
class Program:
    items: list = field(default_factory=list)  # Inputs and Steps, in order; each fills slots
    weights: dict = field(default_factory=dict)  # slot -> (real weights, imaginary weights or None)
    tangents: list = field(default_factory=list)  # one direction per input, float64
    dtype_mode: str = "float64"  # of inputs and constants: float64, float32 or mixed

    @property
    def inputs(self) -> list:
        return [item for item in self.items if isinstance(item, Input)]

    @property
    def steps(self) -> list:
        return [item for item in self.items if isinstance(item, Step)]

    @property
    def output_slots(self) -> list:
        out, n = [], 0
        for item in self.items:
            k = 1 if isinstance(item, Input) else item.n_outputs
            if isinstance(item, Step):
                out.extend(range(n, n + k))
            n += k
        return out

    def arrays(self, float64: bool = False) -> list:
        return [inp.array(float64) for inp in self.inputs]

    def run(self, inputs, float64: bool = False) -> list:
        """Every slot's value: the inputs and each step's outputs, in order."""
        slots, it = [], iter(inputs)
        for item in self.items:
            if isinstance(item, Input):
                slots.append(next(it))
            else:
                slots.extend(item.apply(slots, float64))
        return slots

    def outputs(self, inputs, float64: bool = False) -> list:
        slots = self.run(inputs, float64)
        return [slots[i] for i in self.output_slots]

    def project(self, outputs):
        """The random projection ``<u, outputs>`` as a tapegrad scalar (None if nothing is weighted)."""
        total = None
        for i, o in zip(self.output_slots, outputs):
            if i not in self.weights:
                continue
            w, wi = self.weights[i]
            if o.dtype.kind == "c":
                real = _f("Real")(o)
                term = _f("Sum")(real * tg.constant(w, dtype=real.dtype))
                term = term + _f("Sum")(_f("Imag")(o) * tg.constant(wi, dtype=real.dtype))
            else:
                term = _f("Sum")(o * tg.constant(w, dtype=o.dtype))
            total = term if total is None else total + term
        return total

    def project_numpy(self, outputs) -> float:
        total = 0.0
        for i, o in zip(self.output_slots, outputs):
            if i in self.weights and o is not None:
                w, wi = self.weights[i]
                o = np.asarray(o)
                total += float(np.sum(o.real * w)) + (float(np.sum(o.imag * wi)) if wi is not None else 0.0)
        return total

    @property
    def pure_float32(self) -> bool:
        """Float32 inputs and constants and no op that picks a dtype: every float value should be float32."""
        return self.dtype_mode == "float32" and not any(s.op == "Cast" for s in self.steps)

    def __repr__(self) -> str:
        lines, n = ["Program("], 0
        for item in self.items:
            k = 1 if isinstance(item, Input) else item.n_outputs
            names = ", ".join(f"s{j}" for j in range(n, n + k))
            lines.append(f"  {names} = {item!r}")
            n += k
        lines.append(")")
        return "\n".join(lines)


# -- generation -----------------------------------------------------------------------------------
OPS_TO_FUZZ = None


def _ops():
    global OPS_TO_FUZZ
    if OPS_TO_FUZZ is None:
        OPS_TO_FUZZ = fuzzable_ops()
    return OPS_TO_FUZZ


_DIMS = (1, 2, 3, 4, 0, 2, 3, 1)


@st.composite
def free_shapes(draw):
    """One to three broadcast-compatible shapes (0-d, size-1 and zero-size dimensions included)."""
    ndim = draw(st.integers(0, 3))
    first = tuple(draw(st.sampled_from(_DIMS)) for _ in range(ndim))
    shapes = [first]
    for _ in range(draw(st.integers(0, 2))):
        keep = draw(st.integers(0, ndim))
        tail = first[ndim - keep :]
        shapes.append(tuple(1 if draw(st.booleans()) and draw(st.booleans()) else n for n in tail))
    return shapes


def _make_input(draw, rng, values, dtype_mode, allow_broadcast=False) -> Input:
    dtype = draw(st.sampled_from(("float32", "float64"))) if dtype_mode == "mixed" else dtype_mode
    layouts = LAYOUTS if allow_broadcast and values.ndim and values.size else LAYOUTS[:-1]
    layout = draw(st.sampled_from(layouts))
    axis = 0
    if layout == "broadcast":
        axis = draw(st.integers(0, values.ndim - 1))
        values = np.ascontiguousarray(np.broadcast_to(values.take([0], axis=axis), values.shape))
    readonly = draw(st.booleans())
    return Input(np.array(values, dtype=np.float64, order="C"), dtype, layout, readonly, axis)


class _Builder:
    """A program under construction, with its slots evaluated in float64."""

    def __init__(self, dtype_mode):
        self.program = Program(dtype_mode=dtype_mode)
        self.dtype_mode = dtype_mode
        self.slots = []  # float64 tensors

    def add_input(self, inp: Input):
        self.program.items.append(inp)
        self.slots.append(tg.convert_to_tensor(inp.values.copy()))

    def float_slots(self) -> list:
        return [i for i, s in enumerate(self.slots) if s.dtype.kind in "fc"]


ARG_KINDS = ("input", "raw", "chain", "chain", "const")  # chain twice: the most common


def _draw_step(draw, rng, b: _Builder) -> None:
    ops = _ops()
    op_type = draw(st.sampled_from(ops))
    op = OPS[op_type]
    index = draw(st.integers(0, len(op.samples) - 1))
    found = variants(op_type, index)
    variant = draw(st.integers(1, len(found) - 1)) if len(found) > 1 and draw(st.booleans()) else 0
    bases, attrs = found[variant]
    margins = distances(op_type, bases, attrs)
    available = b.float_slots()

    plans = []  # per argument: (kind, source, fit, squash, alpha, noise)
    for a in bases:
        if not _is_float(a):
            plans.append(("other", -1, "same", "Tanh", 0.0, None))
            continue
        kind = draw(st.sampled_from(ARG_KINDS))
        if kind in ("raw", "chain") and not available:
            kind = "input"
        source, how = -1, "same"
        if kind in ("raw", "chain"):
            source = draw(st.sampled_from(available))
            options = fits(b.slots[source].shape, a.shape)
            if kind == "raw":
                options = [o for o in options if o in ("same", "broadcast")]
                if not options or b.slots[source].dtype.kind == "c":
                    kind, options = "chain", fits(b.slots[source].shape, a.shape)
            how = draw(st.sampled_from(options))
        squash = draw(st.sampled_from(("Tanh", "Sin")))
        alpha = draw(st.sampled_from(ALPHAS))
        noise = rng.uniform(-1.0, 1.0, a.shape) if kind == "input" else None
        plans.append((kind, source, how, squash, alpha, noise))
    const_dtype = draw(st.sampled_from(("float32", "float64"))) if b.dtype_mode == "mixed" else b.dtype_mode

    # Cut alpha (and give up raw arguments) until the arguments are valid; then fall back to the sample.
    for attempt in range(len(ALPHAS) + 2):
        scale = 0.25**attempt if attempt <= len(ALPHAS) else 0.0
        args, new_inputs = [], []
        for a, (kind, source, how, squash, alpha, noise) in zip(bases, plans):
            if kind == "raw" and attempt > 0:
                kind = "chain"
            if kind in ("raw", "chain") and scale == 0.0:
                kind = "const"
            if kind == "input":
                new_inputs.append((len(args), np.asarray(a, dtype=np.float64) + alpha * scale * noise))
                args.append(Arg("input", np.asarray(a), source=-1))
            else:
                args.append(Arg(kind, np.asarray(a), source, how, squash, alpha * scale, const_dtype))
        arrays = _evaluate_args(b, args, new_inputs)
        if arrays is None:
            continue
        if not acceptable(op_type, arrays, attrs, margins):
            continue
        outs = _try(op_type, arrays, attrs)
        if outs is None or not _moderate(outs):
            continue
        break
    else:
        return  # not even the sample itself: leave the op out of this program
    for position, values in new_inputs:
        args[position].source = len(b.slots)
        b.add_input(_make_input(draw, rng, values, b.dtype_mode))
    step = Step(op_type, index, variant, args, attrs, n_outputs=len(outs))
    b.program.items.append(step)
    b.slots.extend(step.apply(b.slots, float64=True))


def _evaluate_args(b, args, new_inputs):
    pending = dict(new_inputs)
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            arrays = []
            for i, arg in enumerate(args):
                if i in pending:
                    arrays.append(pending[i])
                else:
                    arrays.append(arg.build(b.slots, float64=True).numpy())
    except Exception:
        return None
    return arrays


@st.composite
def programs(draw, max_steps: int = 6):
    """A random program (see the module docstring); every step's values are finite and moderate."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    dtype_mode = draw(st.sampled_from(("float64", "float32", "float64", "float32", "mixed")))
    b = _Builder(dtype_mode)
    for shape in draw(free_shapes()) if draw(st.booleans()) else []:
        b.add_input(_make_input(draw, rng, rng.standard_normal(shape), dtype_mode, allow_broadcast=True))
    for _ in range(draw(st.integers(1, max_steps))):
        _draw_step(draw, rng, b)
    program = b.program
    assume(program.steps)  # every op drawn was left out (rare)
    for i in program.output_slots:
        v = b.slots[i]
        if v.dtype.kind in "fc":
            w = rng.standard_normal(v.shape)
            program.weights[i] = (w, rng.standard_normal(v.shape) if v.dtype.kind == "c" else None)
    program.tangents = [rng.standard_normal(inp.values.shape) for inp in program.inputs]
    return program


# -- checkers -------------------------------------------------------------------------------------
class FuzzError(AssertionError):
    pass


def _fail(check, program, message):
    raise FuzzError(f"[{check}] {message}\n{program!r}")


def _tensors(arrays):
    return [tg.convert_to_tensor(a) for a in arrays]


def _close(got, want, rtol, scale) -> bool:
    got, want = np.asarray(got), np.asarray(want)
    if got.shape != want.shape:
        return False
    return bool(np.all(np.abs(got - want) <= rtol * (np.abs(want) + scale)))


def _scale(arrays) -> float:
    m = [float(np.max(np.abs(a))) for a in arrays if a is not None and np.size(a)]
    return max([1.0, *m])


def _eager(program, arrays, float64):
    tensors = _tensors(arrays)
    with tg.GradientTape() as tape:
        tape.watch(tensors)
        outs = program.outputs(tensors, float64)
        y = program.project(outs)
    grads = [None] * len(tensors) if y is None else tape.gradient(y, tensors, unconnected_gradients="zero")
    return outs, y, grads


def check_gradients(program) -> None:
    """(a) the reverse-mode gradient of the projection against central differences, in float64."""
    arrays = program.arrays(float64=True)
    outs, y, grads = _eager(program, arrays, True)
    if y is None:
        return
    base = [inp.values.copy() for inp in program.inputs]

    def f(xs):
        return float(program.project(program.outputs(_tensors(xs), True)))

    # the same values from contiguous copies of the inputs (strided/transposed/broadcast views)
    contiguous = program.outputs(_tensors(base), True)
    for o, c in zip(outs, contiguous):
        if not _close(o.numpy(), c.numpy(), 1e-12, _scale([c.numpy()])):
            _fail("layout", program, f"values differ between strided/broadcast inputs and contiguous copies: {o!r}")
    magnitude = sum(
        float(np.sum(np.abs(o.numpy()))) * float(np.max(np.abs(program.weights[i][0])))
        for i, o in zip(program.output_slots, outs)
        if i in program.weights and o.size
    )
    for k, (x, g) in enumerate(zip(base, grads)):
        if g.shape != x.shape:
            _fail("gradient", program, f"gradient of input {k} has shape {g.shape}, not {x.shape}")
        numeric = np.zeros_like(x)
        flat, nflat = x.reshape(-1), numeric.reshape(-1)
        for j in range(flat.size):
            saved = flat[j]
            flat[j] = saved + EPS
            plus = f(base)
            flat[j] = saved - EPS
            minus = f(base)
            flat[j] = saved
            nflat[j] = (plus - minus) / (2 * EPS)
        got = g.numpy()
        scale = 1e-2 * _scale([numeric]) + 1e-5 * magnitude
        if not _close(got, numeric, 1e-4, scale):
            worst = np.unravel_index(np.argmax(np.abs(got - numeric)), got.shape) if got.size else ()
            _fail(
                "gradient",
                program,
                f"input {k}: reverse mode {got[worst]} at {worst}, central differences {numeric[worst]}\n"
                f"reverse:\n{got}\nnumeric:\n{numeric}",
            )


def check_forward_reverse(program) -> None:
    """(b) ``<J v, u> == <v, J^T u>``: forward-mode tangents against the reverse-mode gradient, float64."""
    arrays = program.arrays(float64=True)
    _, y, grads = _eager(program, arrays, True)
    if y is None:
        return
    tensors = _tensors(arrays)
    with tg.autodiff.ForwardAccumulator(tensors, [tg.constant(v) for v in program.tangents]) as acc:
        outs = program.outputs(tensors, True)
    jvps = [acc.jvp(o, unconnected_gradients="zero") if o.dtype.kind in "fc" else None for o in outs]
    for o, t in zip(outs, jvps):
        if t is not None and (t.shape != o.shape or t.dtype != o.dtype):
            _fail("forward", program, f"tangent {t.shape} {t.dtype} for an output {o.shape} {o.dtype}")
    jv_u = program.project_numpy([None if t is None else t.numpy() for t in jvps])
    v_jtu = sum(float(np.sum(v * g.numpy())) for v, g in zip(program.tangents, grads))
    scale = sum(float(np.sum(np.abs(v * g.numpy()))) for v, g in zip(program.tangents, grads))
    scale += abs(program.project_numpy([None if t is None else np.abs(t.numpy()) for t in jvps]))
    if not abs(jv_u - v_jtu) <= 1e-7 * scale + 1e-12:
        _fail("forward", program, f"<J v, u> = {jv_u!r} but <v, J^T u> = {v_jtu!r}")


def check_second_order(program) -> None:
    """(e) Hessian-vector products two ways: reverse over reverse and forward over reverse, float64."""
    arrays = program.arrays(float64=True)
    v = [tg.constant(t) for t in program.tangents]
    xs = _tensors(arrays)
    with tg.GradientTape() as outer:
        outer.watch(xs)
        with tg.GradientTape() as inner:
            inner.watch(xs)
            y = program.project(program.outputs(xs, True))
        if y is None:
            return
        grads = inner.gradient(y, xs, unconnected_gradients="zero")
        gv = None
        for g, t in zip(grads, v):
            term = _f("Sum")(g * t)
            gv = term if gv is None else gv + term
    if gv is None:
        return
    reverse = outer.gradient(gv, xs, unconnected_gradients="zero")
    xs = _tensors(arrays)
    with tg.autodiff.ForwardAccumulator(xs, v) as acc:
        with tg.GradientTape() as tape:
            tape.watch(xs)
            y = program.project(program.outputs(xs, True))
        grads = tape.gradient(y, xs, unconnected_gradients="zero")
    forward = [acc.jvp(g, unconnected_gradients="zero") for g in grads]
    scale = _scale([r.numpy() for r in reverse] + [f.numpy() for f in forward])
    for k, (r, f) in enumerate(zip(reverse, forward)):
        if f.shape != r.shape or not _close(f.numpy(), r.numpy(), 1e-6, 1e-2 * scale):
            _fail("second order", program, f"input {k}: reverse over reverse {r!r}, forward over reverse {f!r}")
    # and central differences of the gradient along v
    numeric, magnitude = _gradient_differences(program, arrays, EPS)
    for k, r in enumerate(reverse):
        if not _close(r.numpy(), numeric[k], 1e-4, 1e-2 * _scale([numeric[k]]) + 1e-5 * magnitude):
            # far in a tail the gradient's own rounding, divided by the step, can swamp the
            # differences: then they disagree with themselves at twice the step, and prove nothing
            twice = _gradient_differences(program, arrays, 2 * EPS)[0][k]
            if _close(twice, numeric[k], 1e-4, 1e-2 * _scale([numeric[k]]) + 1e-5 * magnitude):
                message = f"input {k}: reverse over reverse {r!r}, central differences {numeric[k]!r}"
                _fail("second order", program, message)


def _gradient_differences(program, arrays, step: float) -> tuple:
    """Central differences of the gradient along the program's tangents, and the gradient's scale."""
    moved = [[a + s * t for a, t in zip(arrays, program.tangents)] for s in (step, -step)]
    plus, minus = (_eager(program, m, True)[2] for m in moved)
    return [(p.numpy() - m.numpy()) / (2 * step) for p, m in zip(plus, minus)], _scale([g.numpy() for g in plus])


def _perturbed(program, float64):
    moved = []
    for inp, t in zip(program.inputs, program.tangents):
        values = np.asarray(inp.values + 1e-5 * t)
        if inp.layout == "broadcast":
            values = np.array(np.broadcast_to(values.take([0], axis=inp.axis), values.shape))
        clone = Input(values, inp.dtype, inp.layout, inp.readonly, inp.axis)
        moved.append(clone.array(float64))
    return moved


def check_graph(program, float64: bool = True) -> None:
    """(c) eager against tg.function: values and gradients, on two calls with different inputs."""
    if not program.weights:
        return
    rtol = 1e-9 if float64 else 2e-4

    @tg.function
    def traced(*xs):
        outs = program.outputs(list(xs), float64)
        y = program.project(outs)
        grads = [None] * len(xs) if y is None else tg.gradients(y, list(xs), unconnected_gradients="zero")
        return outs, grads

    @tg.function
    def values_only(*xs):
        return program.outputs(list(xs), float64)

    for call, arrays in enumerate((program.arrays(float64), _perturbed(program, float64))):
        eager_outs, y, eager_grads = _eager(program, arrays, float64)
        outs, grads = traced(*_tensors(arrays))
        for k, (o, e) in enumerate(zip(outs, eager_outs)):
            if o.dtype != e.dtype or not _close(o.numpy(), e.numpy(), rtol, _scale([e.numpy()])):
                _fail("graph", program, f"call {call}, output {k}: traced {o!r}, eager {e!r}")
        for k, (g, e) in enumerate(zip(grads, eager_grads)):
            if e is None:
                continue
            if g.dtype != e.dtype or not _close(g.numpy(), e.numpy(), rtol, _scale([e.numpy()])):
                _fail("graph", program, f"call {call}, gradient of input {k}: traced {g!r}, eager {e!r}")
        # differentiating a call of a tg.function from outside
        if y is None:
            continue
        tensors = _tensors(arrays)
        with tg.GradientTape() as tape:
            tape.watch(tensors)
            z = program.project(values_only(*tensors))
        outer = tape.gradient(z, tensors, unconnected_gradients="zero")
        for k, (g, e) in enumerate(zip(outer, eager_grads)):
            if g.dtype != e.dtype or not _close(g.numpy(), e.numpy(), rtol, _scale([e.numpy()])):
                _fail("graph", program, f"call {call}, tape around the function, input {k}: {g!r}, eager {e!r}")


def _precision(dtype) -> int:
    dtype = np.dtype(dtype)
    return dtype.itemsize // 2 if dtype.kind == "c" else dtype.itemsize


def check_dtypes(program) -> None:
    """(d) in the inputs' own dtypes: gradients and tangents have their sources' and outputs' dtypes."""
    arrays = program.arrays()
    strict = program.pure_float32
    leaks = []
    conform = engine_backward._conform

    def watching(g, t, node, index, cast):
        if hasattr(g, "dtype") and g.dtype.kind in "fc" and _precision(g.dtype) > _precision(t.dtype):
            leaks.append(f"{node.type} gave a {g.dtype} gradient for its {t.dtype} input {index}")
        return conform(g, t, node, index, cast)

    if strict:
        engine_backward._conform = watching
    try:
        with np.errstate(all="ignore"):
            outs, y, grads = _eager(program, arrays, False)
    finally:
        engine_backward._conform = conform
    if strict:
        for o in outs:
            if o.dtype.kind in "fc" and _precision(o.dtype) != 4:
                _fail("dtype", program, f"a float32 program computed a {o.dtype} value {o!r}")
        if leaks:
            _fail("dtype", program, "; ".join(leaks))
    for k, (a, g) in enumerate(zip(arrays, grads)):
        if g is not None and g.dtype != a.dtype:
            _fail("dtype", program, f"the gradient of a {a.dtype} input {k} is {g.dtype}")
    if y is None:
        return
    tensors = _tensors(arrays)
    with (
        np.errstate(all="ignore"),
        tg.autodiff.ForwardAccumulator(
            tensors, [tg.constant(v, dtype=a.dtype) for v, a in zip(program.tangents, arrays)]
        ) as acc,
    ):
        outs = program.outputs(tensors, False)
    for o in outs:
        if o.dtype.kind in "fc":
            t = acc.jvp(o, unconnected_gradients="zero")
            if t.dtype != o.dtype:
                _fail("dtype", program, f"a {o.dtype} output {o.shape} has a {t.dtype} tangent")


def check_inputs_untouched(program, arrays) -> None:
    for k, (inp, a) in enumerate(zip(program.inputs, arrays)):
        if not np.array_equal(a, inp.values.astype(a.dtype), equal_nan=True):
            _fail("mutation", program, f"input {k} was written to")


CHECKS = {
    "gradient": check_gradients,
    "forward": check_forward_reverse,
    "second order": check_second_order,
    "graph": check_graph,
    "graph32": lambda p: check_graph(p, float64=False),
    "dtype": check_dtypes,
}


def check_program(program, checks=None) -> None:
    """Run the checkers on ``program``; raises ``FuzzError`` (or the op's own error) on the first failure."""
    for name in checks or CHECKS:
        CHECKS[name](program)
    arrays = program.arrays()
    program.outputs(_tensors(arrays))
    program.outputs(_tensors(program.arrays(float64=True)), True)
    check_inputs_untouched(program, arrays)
