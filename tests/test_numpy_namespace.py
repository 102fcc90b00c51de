"""``tapegrad.numpy`` against NumPy: values and dtypes, gradients against finite differences, dtype rules.

Each table entry is ``(name, fn, arrays)``: ``fn(np, *arrays)`` is called once with
NumPy and once with ``tapegrad.numpy``, so the two are compared on the same code.
"""

import inspect
import warnings

import numpy
import pytest

import tapegrad as tg
import tapegrad.numpy as tnp

_rng = numpy.random.default_rng(20261128)
EPS = 1e-6


def randn(*shape):
    return _rng.standard_normal(shape)


def positive(*shape, low=0.5, high=2.0):
    return _rng.uniform(low, high, shape)


def unit(*shape):
    return _rng.uniform(-0.9, 0.9, shape)


def away(*shape):
    """|x| in [0.5, 2): away from 0, where abs, sign, cbrt and reciprocal have kinks or poles."""
    return numpy.where(_rng.standard_normal(shape) >= 0, 1.0, -1.0) * positive(*shape)


def distinct(*shape):
    """Shuffled values at least 0.05 apart: no ties for max, min, sort, median."""
    n = int(numpy.prod(shape))
    return _rng.permutation(numpy.linspace(-2.0, 2.0, n)).reshape(shape) + 0.01


def with_nan(*shape):
    x = randn(*shape)
    x.reshape(-1)[[1, 6]] = numpy.nan
    return x


def mod_pair():
    """(x, y) with x / y at least 0.2 from an integer: away from the jumps of mod and floor_divide."""
    y = positive(4, low=1.1, high=1.3)
    return [y * (_rng.integers(-3, 3, (3, 4)) + _rng.uniform(0.2, 0.8, (3, 4))), y]


X34 = randn(3, 4)
MASK34 = randn(3, 4) > -0.3
SQUARE = randn(4, 4)

# -- differentiable functions: value, dtype and gradient ------------------------------------------

DIFF = [
    # arithmetic
    ("add", lambda np, x, y: np.add(x, y), [randn(3, 4), randn(4)]),
    ("add", lambda np, x: np.add(x, 2.5), [randn(3)]),
    ("subtract", lambda np, x, y: np.subtract(x, y), [randn(2, 1, 3), randn(4, 1)]),
    ("multiply", lambda np, x, y: np.multiply(x, y), [randn(3, 4), randn(3, 4)]),
    ("multiply", lambda np, x: np.multiply(3, x), [randn(3, 4)]),
    ("divide", lambda np, x, y: np.divide(x, y), [randn(3, 4), away(4)]),
    ("true_divide", lambda np, x, y: np.true_divide(x, y), [randn(3), away(2, 3)]),
    ("floor_divide", lambda np, x, y: np.floor_divide(x, y), mod_pair()),
    ("mod", lambda np, x, y: np.mod(x, y), mod_pair()),
    ("remainder", lambda np, x, y: np.remainder(x, y), mod_pair()),
    ("fmod", lambda np, x, y: np.fmod(x, y), mod_pair()),
    ("fmod", lambda np, x, y: np.fmod(x, -y), mod_pair()),
    ("divmod", lambda np, x, y: np.divmod(x, y), mod_pair()),
    ("power", lambda np, x, y: np.power(x, y), [positive(3, 4), randn(4)]),
    ("power", lambda np, x: np.power(x, 3), [randn(3)]),
    ("pow", lambda np, x, y: np.pow(x, y), [positive(3), randn(3)]),
    ("float_power", lambda np, x, y: np.float_power(x, y), [positive(3, 4), randn(3, 4)]),
    ("negative", lambda np, x: np.negative(x), [randn(3, 4)]),
    ("positive", lambda np, x: np.positive(x), [randn(3, 4)]),
    ("reciprocal", lambda np, x: np.reciprocal(x), [away(3, 4)]),
    ("square", lambda np, x: np.square(x), [randn(3, 4)]),
    ("sqrt", lambda np, x: np.sqrt(x), [positive(3, 4)]),
    ("cbrt", lambda np, x: np.cbrt(x), [away(3, 4)]),
    ("absolute", lambda np, x: np.absolute(x), [away(3, 4)]),
    ("abs", lambda np, x: np.abs(x), [away(3, 4)]),
    ("fabs", lambda np, x: np.fabs(x), [away(3, 4)]),
    ("sign", lambda np, x: np.sign(x), [away(3, 4)]),
    # exponentials and logarithms
    ("exp", lambda np, x: np.exp(x), [randn(3, 4)]),
    ("exp2", lambda np, x: np.exp2(x), [randn(3, 4)]),
    ("expm1", lambda np, x: np.expm1(x), [randn(3, 4)]),
    ("log", lambda np, x: np.log(x), [positive(3, 4)]),
    ("log2", lambda np, x: np.log2(x), [positive(3, 4)]),
    ("log10", lambda np, x: np.log10(x), [positive(3, 4)]),
    ("log1p", lambda np, x: np.log1p(x), [positive(3, 4)]),
    ("logaddexp", lambda np, x, y: np.logaddexp(x, y), [randn(3, 4), randn(4)]),
    ("logaddexp", lambda np, x, y: np.logaddexp(x, y), [numpy.array([800.0, -900.0]), numpy.array([799.0, -901.0])]),
    ("logaddexp2", lambda np, x, y: np.logaddexp2(x, y), [randn(3, 4), randn(3, 1)]),
    # trigonometric and hyperbolic
    ("sin", lambda np, x: np.sin(x), [randn(3, 4)]),
    ("cos", lambda np, x: np.cos(x), [randn(3, 4)]),
    ("tan", lambda np, x: np.tan(x), [unit(3, 4)]),
    ("arcsin", lambda np, x: np.arcsin(x), [unit(3, 4)]),
    ("arccos", lambda np, x: np.arccos(x), [unit(3, 4)]),
    ("arctan", lambda np, x: np.arctan(x), [randn(3, 4)]),
    ("sinh", lambda np, x: np.sinh(x), [randn(3, 4)]),
    ("cosh", lambda np, x: np.cosh(x), [randn(3, 4)]),
    ("tanh", lambda np, x: np.tanh(x), [randn(3, 4)]),
    ("arcsinh", lambda np, x: np.arcsinh(x), [randn(3, 4)]),
    ("arccosh", lambda np, x: np.arccosh(x), [positive(3, 4, low=1.5, high=3.0)]),
    ("arctanh", lambda np, x: np.arctanh(x), [unit(3, 4)]),
    ("asin", lambda np, x: np.asin(x), [unit(3)]),
    ("acos", lambda np, x: np.acos(x), [unit(3)]),
    ("atan", lambda np, x: np.atan(x), [randn(3)]),
    ("asinh", lambda np, x: np.asinh(x), [randn(3)]),
    ("acosh", lambda np, x: np.acosh(x), [positive(3, low=1.5, high=3.0)]),
    ("atanh", lambda np, x: np.atanh(x), [unit(3)]),
    ("arctan2", lambda np, y, x: np.arctan2(y, x), [randn(3, 4), away(4)]),
    ("atan2", lambda np, y, x: np.atan2(y, x), [randn(3), away(3)]),
    ("hypot", lambda np, x, y: np.hypot(x, y), [away(3, 4), away(4)]),
    ("deg2rad", lambda np, x: np.deg2rad(x), [randn(3, 4)]),
    ("radians", lambda np, x: np.radians(x), [randn(3)]),
    ("rad2deg", lambda np, x: np.rad2deg(x), [randn(3, 4)]),
    ("degrees", lambda np, x: np.degrees(x), [randn(3)]),
    ("sinc", lambda np, x: np.sinc(x), [numpy.array([0.0, 0.3, -1.7, 2.2])]),
    # extrema, clipping, selection
    ("maximum", lambda np, x, y: np.maximum(x, y), [distinct(3, 4), distinct(4) + 0.02]),
    ("minimum", lambda np, x, y: np.minimum(x, y), [distinct(3, 4), distinct(4) + 0.02]),
    ("fmax", lambda np, x, y: np.fmax(x, y), [with_nan(3, 4), distinct(3, 4) + 0.02]),
    ("fmin", lambda np, x, y: np.fmin(x, y), [distinct(3, 4), with_nan(3, 4) + 0.02]),
    ("copysign", lambda np, x, y: np.copysign(x, y), [away(3, 4), away(4)]),
    ("clip", lambda np, x: np.clip(x, -0.5, 0.6), [X34 + 0.01]),
    ("clip", lambda np, x, lo, hi: np.clip(x, lo, hi), [X34 + 0.01, numpy.full(4, -0.4), numpy.full((3, 1), 0.3)]),
    ("clip", lambda np, x: np.clip(x, None, 0.3), [X34 + 0.01]),
    ("clip", lambda np, x: np.clip(x, min=-0.2), [X34 + 0.01]),
    ("where", lambda np, x, y: np.where(x > 0, x, y), [randn(3, 4), randn(4)]),
    ("where", lambda np, x: np.where(MASK34, x, 0.0), [randn(3, 4)]),
    ("nan_to_num", lambda np, x: np.nan_to_num(x, posinf=5.0, neginf=-5.0),
     [numpy.array([1.5, numpy.nan, numpy.inf, -numpy.inf, -0.5])]),
    # reductions
    ("sum", lambda np, x: np.sum(x), [randn(3, 4)]),
    ("sum", lambda np, x: np.sum(x, axis=1), [randn(3, 4)]),
    ("sum", lambda np, x: np.sum(x, axis=(0, 2), keepdims=True), [randn(2, 3, 4)]),
    ("sum", lambda np, x: np.sum(x, axis=-1, initial=1.5, where=MASK34), [randn(3, 4)]),
    ("prod", lambda np, x: np.prod(x, axis=0), [randn(3, 4)]),
    ("prod", lambda np, x: np.prod(x, where=MASK34, initial=2.0), [randn(3, 4)]),
    ("mean", lambda np, x: np.mean(x), [randn(3, 4)]),
    ("mean", lambda np, x: np.mean(x, axis=(0, 1), keepdims=True), [randn(2, 3, 4)]),
    ("mean", lambda np, x: np.mean(x, axis=1, where=MASK34), [randn(3, 4)]),
    ("var", lambda np, x: np.var(x), [randn(3, 4)]),
    ("var", lambda np, x: np.var(x, axis=0, ddof=1), [randn(3, 4)]),
    ("var", lambda np, x: np.var(x, axis=1, where=MASK34, keepdims=True), [randn(3, 4)]),
    ("std", lambda np, x: np.std(x, axis=1, ddof=1, keepdims=True), [randn(3, 4)]),
    ("std", lambda np, x: np.std(x, correction=1), [randn(5)]),
    ("max", lambda np, x: np.max(x), [distinct(3, 4)]),
    ("max", lambda np, x: np.max(x, axis=1, keepdims=True), [distinct(3, 4)]),
    ("max", lambda np, x: np.max(x, axis=0, initial=-0.5, where=MASK34), [distinct(3, 4)]),
    ("min", lambda np, x: np.min(x, axis=(0, 2)), [distinct(2, 3, 4)]),
    ("amax", lambda np, x: np.amax(x, axis=0), [distinct(3, 4)]),
    ("amin", lambda np, x: np.amin(x, axis=-1, initial=0.13), [distinct(3, 4)]),
    ("ptp", lambda np, x: np.ptp(x, axis=1), [distinct(3, 4)]),
    ("nansum", lambda np, x: np.nansum(x, axis=0), [with_nan(3, 4)]),
    ("nanprod", lambda np, x: np.nanprod(x, axis=1), [with_nan(3, 4)]),
    ("nanmean", lambda np, x: np.nanmean(x, axis=1), [with_nan(3, 4)]),
    ("nanvar", lambda np, x: np.nanvar(x, axis=1, ddof=1), [with_nan(3, 4)]),
    ("nanstd", lambda np, x: np.nanstd(x), [with_nan(3, 4)]),
    ("nanmax", lambda np, x: np.nanmax(x, axis=0), [with_nan(3, 4)]),
    ("nanmin", lambda np, x: np.nanmin(x), [with_nan(3, 4)]),
    ("cumsum", lambda np, x: np.cumsum(x), [randn(3, 4)]),
    ("cumsum", lambda np, x: np.cumsum(x, axis=1), [randn(3, 4)]),
    ("cumprod", lambda np, x: np.cumprod(x, axis=0), [randn(3, 4)]),
    ("cumulative_sum", lambda np, x: np.cumulative_sum(x, axis=1, include_initial=True), [randn(3, 4)]),
    ("cumulative_prod", lambda np, x: np.cumulative_prod(x), [randn(5)]),
    ("average", lambda np, x: np.average(x, axis=0), [randn(3, 4)]),
    ("average", lambda np, x, w: np.average(x, weights=w), [randn(3, 4), positive(3, 4)]),
    ("average", lambda np, x, w: np.average(x, axis=1, weights=w, returned=True), [randn(3, 4), positive(4)]),
    ("average", lambda np, x, w: np.average(x, axis=(2, 0), weights=w, keepdims=True),
     [randn(2, 3, 4), positive(4, 2)]),
    ("median", lambda np, x: np.median(x), [distinct(3, 4)]),
    ("median", lambda np, x: np.median(x, axis=1, keepdims=True), [distinct(3, 5)]),
    ("median", lambda np, x: np.median(x, axis=(0, 2)), [distinct(3, 2, 3)]),
    ("quantile", lambda np, x: np.quantile(x, 0.3), [distinct(3, 4)]),
    ("quantile", lambda np, x: np.quantile(x, [0.1, 0.5, 0.95], axis=1), [distinct(3, 5)]),
    ("percentile", lambda np, x: np.percentile(x, [25, 60], axis=0, keepdims=True), [distinct(5, 3)]),
    ("diff", lambda np, x: np.diff(x), [randn(3, 4)]),
    ("diff", lambda np, x: np.diff(x, n=2, axis=0, prepend=0.5, append=x[:1]), [randn(3, 4)]),
    ("trapezoid", lambda np, y: np.trapezoid(y, dx=0.5), [randn(3, 4)]),
    ("trapezoid", lambda np, y, x: np.trapezoid(y, x, axis=0), [randn(3, 4), numpy.array([0.0, 0.4, 1.1])]),
    # products
    ("dot", lambda np, a, b: np.dot(a, b), [randn(4), randn(4)]),
    ("dot", lambda np, a, b: np.dot(a, b), [randn(3, 4), randn(4, 2)]),
    ("dot", lambda np, a, b: np.dot(a, b), [randn(2, 3, 4), randn(5, 4, 2)]),
    ("dot", lambda np, a, b: np.dot(a, b), [randn(2, 3, 4), randn(4)]),
    ("dot", lambda np, a: np.dot(a, 2.0), [randn(2, 3)]),
    ("vdot", lambda np, a, b: np.vdot(a, b), [randn(2, 3), randn(3, 2)]),
    ("inner", lambda np, a, b: np.inner(a, b), [randn(2, 3), randn(4, 3)]),
    ("outer", lambda np, a, b: np.outer(a, b), [randn(3), randn(2, 2)]),
    ("matmul", lambda np, a, b: np.matmul(a, b), [randn(2, 3, 4), randn(4, 2)]),
    ("matmul", lambda np, a, b: np.matmul(a, b), [randn(4), randn(2, 4, 3)]),
    ("vecdot", lambda np, a, b: np.vecdot(a, b), [randn(3, 4), randn(4)]),
    ("tensordot", lambda np, a, b: np.tensordot(a, b), [randn(2, 3, 4), randn(3, 4, 2)]),
    ("tensordot", lambda np, a, b: np.tensordot(a, b, axes=([1, 0], [0, 1])), [randn(3, 2, 4), randn(2, 3)]),
    ("einsum", lambda np, a, b: np.einsum("ij,jk->ik", a, b), [randn(3, 4), randn(4, 2)]),
    ("einsum", lambda np, a: np.einsum("ii", a), [randn(3, 3)]),
    ("einsum", lambda np, a, b: np.einsum(a, [0, 1], b, [1, 2], [2, 0]), [randn(3, 4), randn(4, 2)]),
    ("kron", lambda np, a, b: np.kron(a, b), [randn(2, 3), randn(3, 2)]),
    ("kron", lambda np, a, b: np.kron(a, b), [randn(3), randn(2, 2)]),
    ("diagonal", lambda np, a: np.diagonal(a), [randn(3, 4)]),
    ("diagonal", lambda np, a: np.diagonal(a, offset=-1, axis1=2, axis2=0), [randn(3, 2, 4)]),
    ("trace", lambda np, a: np.trace(a), [randn(3, 3)]),
    ("trace", lambda np, a: np.trace(a, offset=1, axis1=1, axis2=2), [randn(2, 3, 4)]),
    ("diag", lambda np, v: np.diag(v), [randn(3)]),
    ("diag", lambda np, v: np.diag(v, k=2), [randn(3)]),
    ("diag", lambda np, v: np.diag(v, -1), [randn(3)]),
    ("diag", lambda np, a: np.diag(a, 1), [randn(3, 4)]),
    ("tril", lambda np, a: np.tril(a), [randn(3, 4)]),
    ("tril", lambda np, a: np.tril(a, k=-1), [randn(2, 3, 3)]),
    ("triu", lambda np, a: np.triu(a, 1), [randn(4, 3)]),
    ("cross", lambda np, a, b: np.cross(a, b), [randn(4, 3), randn(3)]),
    ("cross", lambda np, a, b: np.cross(a, b, axisa=0, axisb=1, axisc=0), [randn(3, 2), randn(2, 3)]),
    # shapes
    ("reshape", lambda np, x: np.reshape(x, (2, -1)), [randn(3, 4)]),
    ("reshape", lambda np, x: np.reshape(x, (4, 3), order="F"), [randn(3, 2, 2)]),
    ("ravel", lambda np, x: np.ravel(x), [randn(3, 4)]),
    ("ravel", lambda np, x: np.ravel(x, order="F"), [randn(3, 4)]),
    ("transpose", lambda np, x: np.transpose(x), [randn(2, 3, 4)]),
    ("transpose", lambda np, x: np.transpose(x, (1, -1, 0)), [randn(2, 3, 4)]),
    ("permute_dims", lambda np, x: np.permute_dims(x, (2, 0, 1)), [randn(2, 3, 4)]),
    ("matrix_transpose", lambda np, x: np.matrix_transpose(x), [randn(2, 3, 4)]),
    ("moveaxis", lambda np, x: np.moveaxis(x, 0, -1), [randn(2, 3, 4)]),
    ("moveaxis", lambda np, x: np.moveaxis(x, [0, 1], [2, 0]), [randn(2, 3, 4)]),
    ("swapaxes", lambda np, x: np.swapaxes(x, 0, 2), [randn(2, 3, 4)]),
    ("expand_dims", lambda np, x: np.expand_dims(x, 1), [randn(3, 4)]),
    ("expand_dims", lambda np, x: np.expand_dims(x, (0, -1)), [randn(3, 4)]),
    ("squeeze", lambda np, x: np.squeeze(x), [randn(1, 3, 1, 4)]),
    ("squeeze", lambda np, x: np.squeeze(x, axis=-2), [randn(1, 3, 1, 4)]),
    ("broadcast_to", lambda np, x: np.broadcast_to(x, (2, 3, 4)), [randn(3, 1)]),
    ("broadcast_arrays", lambda np, x, y: np.broadcast_arrays(x, y), [randn(3, 1), randn(4)]),
    ("atleast_1d", lambda np, x: np.atleast_1d(x), [numpy.array(1.5)]),
    ("atleast_2d", lambda np, x, y: np.atleast_2d(x, y), [randn(3), randn(2, 3)]),
    ("atleast_3d", lambda np, x, y, z: np.atleast_3d(x, y, z), [numpy.array(0.5), randn(3), randn(2, 3)]),
    ("concatenate", lambda np, x, y: np.concatenate([x, y]), [randn(2, 3), randn(1, 3)]),
    ("concatenate", lambda np, x, y: np.concatenate((x, y), axis=None), [randn(2, 3), randn(4)]),
    ("concatenate", lambda np, x, y: np.concatenate([x, y], axis=-1), [randn(2, 3), randn(2, 1)]),
    ("concat", lambda np, x, y: np.concat([x, y], axis=1), [randn(2, 3), randn(2, 2)]),
    ("stack", lambda np, x, y: np.stack([x, y], axis=-1), [randn(2, 3), randn(2, 3)]),
    ("hstack", lambda np, x, y: np.hstack([x, y]), [randn(3), randn(2)]),
    ("hstack", lambda np, x, y: np.hstack([x, y]), [randn(2, 3), randn(2, 1)]),
    ("vstack", lambda np, x, y: np.vstack([x, y]), [randn(3), randn(2, 3)]),
    ("dstack", lambda np, x, y: np.dstack([x, y]), [randn(2, 3), randn(2, 3)]),
    ("column_stack", lambda np, x, y: np.column_stack([x, y]), [randn(3), randn(3, 2)]),
    ("append", lambda np, x, y: np.append(x, y), [randn(2, 2), randn(3)]),
    ("append", lambda np, x, y: np.append(x, y, axis=0), [randn(2, 2), randn(1, 2)]),
    ("unstack", lambda np, x: np.unstack(x, axis=1), [randn(2, 3)]),
    ("split", lambda np, x: np.split(x, 2, axis=1), [randn(3, 4)]),
    ("split", lambda np, x: np.split(x, [1, 4]), [randn(6, 2)]),
    ("array_split", lambda np, x: np.array_split(x, 3), [randn(7)]),
    ("array_split", lambda np, x: np.array_split(x, [3, 1, -1], axis=1), [randn(2, 5)]),
    ("hsplit", lambda np, x: np.hsplit(x, 2), [randn(3, 4)]),
    ("vsplit", lambda np, x: np.vsplit(x, [1]), [randn(3, 4)]),
    ("dsplit", lambda np, x: np.dsplit(x, 2), [randn(2, 1, 4)]),
    ("tile", lambda np, x: np.tile(x, 2), [randn(2, 3)]),
    ("tile", lambda np, x: np.tile(x, (2, 1, 2)), [randn(2, 3)]),
    ("repeat", lambda np, x: np.repeat(x, 2), [randn(2, 3)]),
    ("repeat", lambda np, x: np.repeat(x, [1, 0, 2], axis=1), [randn(2, 3)]),
    ("flip", lambda np, x: np.flip(x), [randn(2, 3)]),
    ("flip", lambda np, x: np.flip(x, axis=(0, 2)), [randn(2, 3, 2)]),
    ("fliplr", lambda np, x: np.fliplr(x), [randn(2, 3)]),
    ("flipud", lambda np, x: np.flipud(x), [randn(2, 3)]),
    ("rot90", lambda np, x: np.rot90(x), [randn(2, 3)]),
    ("rot90", lambda np, x: np.rot90(x, 2), [randn(2, 3)]),
    ("rot90", lambda np, x: np.rot90(x, -1, axes=(2, 0)), [randn(2, 3, 2)]),
    ("roll", lambda np, x: np.roll(x, 2), [randn(2, 3)]),
    ("roll", lambda np, x: np.roll(x, (1, -2), axis=(0, 1)), [randn(3, 4)]),
    ("pad", lambda np, x: np.pad(x, 1), [randn(2, 3)]),
    ("pad", lambda np, x: np.pad(x, ((1, 0), (0, 2)), constant_values=((1.5, -1.0), (2.0, 3.0))), [randn(2, 3)]),
    ("pad", lambda np, x: np.pad(x, (2, 3), mode="reflect"), [randn(3, 4)]),
    ("pad", lambda np, x: np.pad(x, ((1, 2), (3, 0)), mode="symmetric"), [randn(2, 3)]),
    ("pad", lambda np, x: np.pad(x, 2, mode="edge"), [randn(2, 3)]),
    ("pad", lambda np, x: np.pad(x, (1, 5), mode="wrap"), [randn(3)]),
    ("meshgrid", lambda np, x, y: np.meshgrid(x, y), [randn(3), randn(2)]),
    ("meshgrid", lambda np, x, y, z: np.meshgrid(x, y, z, indexing="ij", sparse=True), [randn(3), randn(2), randn(2)]),
    ("take", lambda np, x: np.take(x, [0, 5, -1, 5]), [randn(2, 3)]),
    ("take", lambda np, x: np.take(x, [[0, 2], [-1, 1]], axis=1), [randn(2, 3)]),
    ("take", lambda np, x: np.take(x, [4, -5], axis=0, mode="wrap"), [randn(3)]),
    ("take", lambda np, x: np.take(x, [7, -2], mode="clip"), [randn(3)]),
    ("take_along_axis", lambda np, x: np.take_along_axis(x, numpy.array([[2, 0], [1, 1]]), axis=1), [randn(2, 3)]),
    ("take_along_axis", lambda np, x: np.take_along_axis(x, numpy.array([[0, -1, 1]]), axis=0), [randn(2, 3)]),
    ("sort", lambda np, x: np.sort(x), [distinct(3, 4)]),
    ("sort", lambda np, x: np.sort(x, axis=0), [distinct(3, 4)]),
    ("sort", lambda np, x: np.sort(x, axis=None), [distinct(3, 4)]),
    # creation from values
    ("array", lambda np, x: np.array(x), [randn(2, 3)]),
    ("array", lambda np, x, y: np.array([x, y, [1.0, 2.0]]), [randn(2), randn(2)]),
    ("array", lambda np, x: np.array(x, ndmin=3), [randn(2)]),
    ("asarray", lambda np, x: np.asarray(x), [randn(2, 3)]),
    ("asarray", lambda np, x, y: np.asarray([[x, 0.5], [1.0, y]]), [numpy.array(0.3), numpy.array(-0.7)]),
    ("asanyarray", lambda np, x: np.asanyarray(x), [randn(3)]),
    ("copy", lambda np, x: np.copy(x), [randn(3)]),
    ("astype", lambda np, x: np.astype(x, numpy.float64), [randn(3)]),
    ("full", lambda np, x: np.full((2, 3), x), [numpy.array(0.7)]),
    ("full_like", lambda np, a, x: np.full_like(a, x), [randn(2, 3), numpy.array(-0.4)]),
]  # fmt: skip

# Values and dtypes only: edge cases and dtype variants that finite differences cannot check.
VALUES = [
    ("sinc", lambda np, x: np.sinc(x), [numpy.array([0, 1, 2])]),
    ("nan_to_num", lambda np, x: np.nan_to_num(x), [numpy.array([1.5, numpy.nan, numpy.inf, -numpy.inf])]),
    ("nanmax", lambda np, x: np.nanmax(x, axis=1), [numpy.array([[numpy.nan, numpy.nan], [1.0, numpy.nan]])]),
    ("median", lambda np, x: np.median(x, axis=0), [numpy.array([[1.0, numpy.nan], [2.0, 3.0], [0.5, 1.0]])]),
    ("median", lambda np, x: np.median(x), [numpy.array([3, 1, 2, 8])]),
    ("mean", lambda np, x: np.mean(x, axis=0), [numpy.array([[1, 2], [4, 7]], dtype=numpy.int32)]),
    ("var", lambda np, x: np.var(x), [numpy.array([1, 2, 4], dtype=numpy.int64)]),
    ("sum", lambda np, x: np.sum(x), [numpy.array([1, 2, 4], dtype=numpy.int32)]),
    ("sum", lambda np, x: np.sum(x, dtype=numpy.float32), [randn(3)]),
    ("fabs", lambda np, x: np.fabs(x), [numpy.array([-1, 2], dtype=numpy.int32)]),
    ("sqrt", lambda np, x: np.sqrt(x), [numpy.array([1, 4, 9])]),
    ("divide", lambda np, x, y: np.divide(x, y), [numpy.array([1, 2]), numpy.array([2, 4])]),
    ("copysign", lambda np, x: np.copysign(x, -1.0), [numpy.array([1.0, -2.0], dtype=numpy.float32)]),
    ("astype", lambda np, x: np.astype(x, numpy.float32), [randn(3)]),
    ("clip", lambda np, x: np.clip(x, 0.5, 1.5), [numpy.array([0, 1, 2])]),
    ("exp2", lambda np, x: np.exp2(x), [numpy.array([0, 1, 3])]),
    ("fmax", lambda np, x, y: np.fmax(x, y), [numpy.array([numpy.nan, 1.0]), numpy.array([numpy.nan, 2.0])]),
    ("where", lambda np, x: np.where(x > 0, 1.0, 0), [randn(3)]),
    ("where", lambda np, x: np.where(x > 0), [randn(3, 2)]),
    ("kron", lambda np, x: np.kron(x, 2.0), [randn(2).astype(numpy.float32)]),
    ("array_split", lambda np, x: np.array_split(x, 4), [randn(3)]),
    ("pad", lambda np, x: np.pad(x, (2, 1), mode="empty") * 0, [randn(3)]),
    ("roll", lambda np, x: np.roll(x, 3, axis=0), [randn(3)]),
    ("average", lambda np, x: np.average(x, returned=True), [numpy.array([1, 2, 4])]),
    ("quantile", lambda np, x: np.quantile(x, [0.0, 1.0]), [randn(5)]),
    ("cumsum", lambda np, x: np.cumsum(x), [numpy.array([1, 2], dtype=numpy.int32)]),
    ("max", lambda np, x: np.max(x, initial=1.0), [numpy.zeros(0)]),
    ("einsum", lambda np, x, y: np.einsum("i,i", x, y), [randn(3).astype(numpy.float32), randn(3)]),
    ("concatenate", lambda np, x, y: np.concatenate([x, y]), [numpy.array([1, 2]), randn(2)]),
]  # fmt: skip

# -- functions without a gradient --------------------------------------------------------------

A = numpy.array([[1.5, -0.5, 2.0], [numpy.nan, 0.0, -2.5]])
B = numpy.array([1.5, 0.25, -2.5])
INTS = numpy.array([[3, 0, 5], [1, 6, 2]])

NONDIFF = [
    ("equal", lambda np, a, b: np.equal(a, b), [A, B]),
    ("not_equal", lambda np, a, b: np.not_equal(a, b), [A, B]),
    ("less", lambda np, a, b: np.less(a, b), [A, B]),
    ("less_equal", lambda np, a, b: np.less_equal(a, b), [A, B]),
    ("greater", lambda np, a, b: np.greater(a, b), [A, B]),
    ("greater_equal", lambda np, a, b: np.greater_equal(a, b), [A, B]),
    ("logical_and", lambda np, a, b: np.logical_and(a, b), [A, B]),
    ("logical_or", lambda np, a, b: np.logical_or(a, b), [A, B]),
    ("logical_not", lambda np, a: np.logical_not(a), [A]),
    ("logical_xor", lambda np, a, b: np.logical_xor(a, b), [A, B]),
    ("isnan", lambda np, a: np.isnan(a), [A]),
    ("isinf", lambda np, a: np.isinf(a), [numpy.array([numpy.inf, -numpy.inf, 1.0, numpy.nan])]),
    ("isfinite", lambda np, a: np.isfinite(a), [A]),
    ("isposinf", lambda np, a: np.isposinf(a), [numpy.array([numpy.inf, -numpy.inf, 1.0])]),
    ("isneginf", lambda np, a: np.isneginf(a), [numpy.array([numpy.inf, -numpy.inf, 1.0])]),
    ("signbit", lambda np, a: np.signbit(a), [A]),
    ("isclose", lambda np, a, b: np.isclose(a, b), [A, B]),
    ("allclose", lambda np, a, b: np.allclose(a, b), [B, B + 1e-9]),
    ("array_equal", lambda np, a, b: np.array_equal(a, b), [B, B]),
    ("array_equiv", lambda np, a, b: np.array_equiv(a, b), [B, numpy.stack([B, B])]),
    ("isin", lambda np, a, b: np.isin(a, b), [A, B]),
    ("bitwise_and", lambda np, a: np.bitwise_and(a, 3), [INTS]),
    ("bitwise_or", lambda np, a: np.bitwise_or(a, 8), [INTS]),
    ("bitwise_xor", lambda np, a: np.bitwise_xor(a, 5), [INTS]),
    ("invert", lambda np, a: np.invert(a), [INTS]),
    ("left_shift", lambda np, a: np.left_shift(a, 2), [INTS]),
    ("right_shift", lambda np, a: np.right_shift(a, 1), [INTS]),
    ("floor", lambda np, a: np.floor(a), [A]),
    ("ceil", lambda np, a: np.ceil(a), [A]),
    ("round", lambda np, a: np.round(a, 1), [A * 1.37]),
    ("around", lambda np, a: np.around(a), [A]),
    ("rint", lambda np, a: np.rint(a), [A]),
    ("trunc", lambda np, a: np.trunc(a), [A]),
    ("fix", lambda np, a: np.fix(a), [A]),
    ("heaviside", lambda np, a: np.heaviside(a, 0.5), [A]),
    ("argmax", lambda np, a: np.argmax(a, axis=1), [B[None] * INTS]),
    ("argmin", lambda np, a: np.argmin(a), [B]),
    ("nanargmax", lambda np, a: np.nanargmax(a), [A]),
    ("nanargmin", lambda np, a: np.nanargmin(a, axis=1), [A]),
    ("argsort", lambda np, a: np.argsort(a, axis=0), [A]),
    ("argpartition", lambda np, a: np.argpartition(a, 1), [B]),
    ("argwhere", lambda np, a: np.argwhere(a), [INTS]),
    ("nonzero", lambda np, a: np.nonzero(a), [INTS]),
    ("flatnonzero", lambda np, a: np.flatnonzero(a), [INTS]),
    ("count_nonzero", lambda np, a: np.count_nonzero(a), [INTS]),
    ("count_nonzero", lambda np, a: np.count_nonzero(a, axis=0), [INTS]),
    ("searchsorted", lambda np, a, v: np.searchsorted(a, v), [numpy.array([0.0, 1.0, 2.5]), B]),
    ("digitize", lambda np, a: np.digitize(a, [0.0, 1.0]), [B]),
    ("all", lambda np, a: np.all(a > 0, axis=0), [INTS]),
    ("any", lambda np, a: np.any(a > 5), [INTS]),
    ("unique", lambda np, a: np.unique(a, return_counts=True), [numpy.array([2.0, 1.0, 2.0, 3.0])]),
    ("bincount", lambda np, a: np.bincount(a, minlength=8), [INTS.reshape(-1)]),
    ("histogram", lambda np, a: np.histogram(a, bins=3), [B]),
    ("shape", lambda np, a: np.shape(a), [A]),
    ("ndim", lambda np, a: np.ndim(a), [A]),
    ("size", lambda np, a: np.size(a), [A]),
    ("result_type", lambda np, a: np.result_type(a, 1.0), [B.astype(numpy.float32)]),
    ("promote_types", lambda np: np.promote_types(np.float32, np.int64), []),
    ("can_cast", lambda np: np.can_cast(np.float32, np.float64), []),
    ("issubdtype", lambda np: np.issubdtype(np.float32, np.floating), []),
    ("finfo", lambda np: float(np.finfo(np.float32).eps), []),
    ("iinfo", lambda np: int(np.iinfo(np.int8).max), []),
]  # fmt: skip

CREATION = [
    ("zeros", lambda np: np.zeros((2, 3))),
    ("zeros", lambda np: np.zeros(3, dtype=np.int32)),
    ("ones", lambda np: np.ones((2, 1), np.float32)),
    ("empty", lambda np: np.empty((2, 3)) * 0),
    ("zeros_like", lambda np: np.zeros_like(np.ones((2, 3), np.float32))),
    ("ones_like", lambda np: np.ones_like([[1, 2]])),
    ("empty_like", lambda np: np.empty_like(np.ones(3)) * 0),
    ("eye", lambda np: np.eye(3, 4, k=1)),
    ("identity", lambda np: np.identity(2, dtype=np.int64)),
    ("arange", lambda np: np.arange(5)),
    ("arange", lambda np: np.arange(0.0, 1.0, 0.25)),
    ("linspace", lambda np: np.linspace(0, 1, 5)),
    ("linspace", lambda np: np.linspace(0.0, 1.0, 4, endpoint=False, retstep=True)),
    ("logspace", lambda np: np.logspace(0, 2, 3)),
    ("geomspace", lambda np: np.geomspace(1, 8, 4)),
    ("tri", lambda np: np.tri(3, 4, k=-1)),
]  # fmt: skip


# -- helpers ------------------------------------------------------------------------------------


def _outputs(result) -> list:
    return list(result) if isinstance(result, tuple | list) else [result]


def _call(np, fn, args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return fn(np, *args)


def _check_same(got, expected, dtype, label):
    tolerance = {"float32": 2e-6, "float16": 1e-3}.get(numpy.dtype(dtype).name, 1e-12)
    got, expected = _outputs(got), _outputs(expected)
    assert len(got) == len(expected), label
    for g, e in zip(got, expected):
        if isinstance(e, numpy.ndarray | numpy.generic):
            assert isinstance(g, tg.Tensor), f"{label}: expected a tensor, got {type(g).__name__}"
            g_value, e_value = g.numpy(), numpy.asarray(e)
            assert g_value.dtype == e_value.dtype, f"{label}: dtype {g_value.dtype}, NumPy gives {e_value.dtype}"
            assert g_value.shape == e_value.shape, f"{label}: shape {g_value.shape}, NumPy gives {e_value.shape}"
            if e_value.dtype.kind in "fc":
                numpy.testing.assert_allclose(g_value, e_value, rtol=tolerance, atol=tolerance, err_msg=label)
            else:
                numpy.testing.assert_array_equal(g_value, e_value, err_msg=label)
        else:
            assert type(g) is type(e) and g == e, f"{label}: {g!r}, NumPy gives {e!r}"


def _ids(table):
    seen = {}
    ids = []
    for entry in table:
        k = seen[entry[0]] = seen.get(entry[0], -1) + 1
        ids.append(f"{entry[0]}-{k}")
    return ids


# -- values and dtypes --------------------------------------------------------------------------


@pytest.mark.parametrize("name,fn,arrays", DIFF + VALUES, ids=_ids(DIFF + VALUES))
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_values_and_dtypes_match_numpy(name, fn, arrays, dtype):
    arrays = [a.astype(dtype) if a.dtype == numpy.float64 else a for a in arrays]
    expected = _call(numpy, fn, arrays)
    _check_same(_call(tnp, fn, arrays), expected, dtype, f"{name} on NumPy arrays")
    tensors = [tg.constant(a) for a in arrays]
    _check_same(_call(tnp, fn, tensors), expected, dtype, f"{name} on tensors")


@pytest.mark.parametrize("name,fn,arrays", NONDIFF, ids=_ids(NONDIFF))
def test_functions_without_gradient_match_numpy(name, fn, arrays):
    expected = _call(numpy, fn, arrays)
    tensors = [tg.constant(a) for a in arrays]
    _check_same(_call(tnp, fn, tensors), expected, "float64", name)
    floats = [t for t in tensors if t.dtype.kind == "f"]
    if not floats:
        return
    with tg.GradientTape(persistent=True) as tape:
        tape.watch(floats)
        outputs = _outputs(_call(tnp, fn, tensors))
    for out in outputs:
        if isinstance(out, tg.Tensor):
            assert all(g is None for g in tape.gradient(out, floats)), name


@pytest.mark.parametrize("name,fn", CREATION, ids=_ids(CREATION))
def test_creation_matches_numpy(name, fn):
    _check_same(fn(tnp), fn(numpy), "float64", name)


# -- gradients ----------------------------------------------------------------------------------


def _projection(outputs, weights, lib):
    return sum(lib.sum(o * w) for o, w in zip(outputs, weights))


@pytest.mark.parametrize("name,fn,arrays", DIFF, ids=_ids(DIFF))
def test_gradients_match_finite_differences(name, fn, arrays):
    reference = [numpy.asarray(o) for o in _outputs(_call(numpy, fn, arrays))]
    rng = numpy.random.default_rng(len(name))
    weights = [rng.standard_normal(o.shape) for o in reference]

    def value(xs):
        return float(_projection([numpy.asarray(o) for o in _outputs(_call(numpy, fn, xs))], weights, numpy))

    tensors = [tg.constant(a) for a in arrays]
    with tg.GradientTape() as tape:
        tape.watch(tensors)
        target = _projection(_outputs(_call(tnp, fn, tensors)), [tg.constant(w) for w in weights], tnp)
    grads = tape.gradient(target, tensors, unconnected_gradients="zero")
    for j, (a, g) in enumerate(zip(arrays, grads)):
        expected = numpy.zeros_like(a)
        flat, gflat = a.reshape(-1), expected.reshape(-1)
        for k in range(a.size):
            if numpy.isnan(flat[k]):
                continue  # a NaN input: no derivative to compare
            moved = [x.copy() for x in arrays]
            moved[j].reshape(-1)[k] += EPS
            plus = value(moved)
            moved[j].reshape(-1)[k] -= 2 * EPS
            gflat[k] = (plus - value(moved)) / (2 * EPS)
        got = g.numpy().copy()
        got.reshape(-1)[numpy.isnan(flat)] = 0.0
        numpy.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6, err_msg=f"{name} d/dx{j}")


def test_second_derivatives_through_composites():
    x = tg.constant(numpy.array([0.3, -1.2, 0.8]))
    with tg.GradientTape() as outer:
        outer.watch(x)
        with tg.GradientTape() as inner:
            inner.watch(x)
            y = tnp.sum(tnp.logaddexp(x, 0.5) * tnp.hypot(x, 1.0)) + tnp.var(x) + tnp.sum(tnp.cbrt(x))
        g = inner.gradient(y, x)
        h = tnp.sum(g * numpy.array([1.0, -2.0, 0.5]))
    second = outer.gradient(h, x).numpy()

    def first(v):
        t = tg.constant(v)
        with tg.GradientTape() as tape:
            tape.watch(t)
            y = tnp.sum(tnp.logaddexp(t, 0.5) * tnp.hypot(t, 1.0)) + tnp.var(t) + tnp.sum(tnp.cbrt(t))
        return float(numpy.sum(tape.gradient(y, t).numpy() * numpy.array([1.0, -2.0, 0.5])))

    numeric = tg.numerical_gradient(first, x.numpy())
    numpy.testing.assert_allclose(second, numeric, rtol=1e-5, atol=1e-6)


# -- coverage and signatures --------------------------------------------------------------------

_NOT_FUNCTIONS = {"pi", "e", "euler_gamma", "inf", "nan", "newaxis", "random", "linalg", "fft"}


def _public_functions():
    return [n for n in tnp.__all__ if n not in _NOT_FUNCTIONS and not isinstance(getattr(tnp, n), type)]


def test_every_public_function_is_tested():
    tested = {e[0] for e in DIFF + NONDIFF + CREATION}
    missing = sorted(set(_public_functions()) - tested)
    assert not missing, f"tapegrad.numpy functions without a test entry: {missing}"
    differentiable = {e[0] for e in DIFF}
    assert not differentiable & {e[0] for e in NONDIFF}


def test_every_public_name_is_numpys():
    assert len(set(tnp.__all__)) == len(tnp.__all__)
    for name in tnp.__all__:
        assert hasattr(tnp, name), name
        assert hasattr(numpy, name), f"{name} is not a NumPy name"


def _signature(fn):
    try:
        return inspect.signature(fn)
    except (TypeError, ValueError):
        return None


@pytest.mark.parametrize("name", _public_functions())
def test_signatures_follow_numpy(name):
    """A call valid for NumPy means the same here: positional parameters in NumPy's order,
    keywords by NumPy's names (some of NumPy's may be missing)."""
    ours, theirs = _signature(getattr(tnp, name)), _signature(getattr(numpy, name))
    if ours is None or theirs is None:
        pytest.skip("no signature to compare")
    kinds = inspect.Parameter
    theirs_params = theirs.parameters
    positional = [p for p in theirs_params.values() if p.kind in (kinds.POSITIONAL_ONLY, kinds.POSITIONAL_OR_KEYWORD)]
    has_var_keyword = any(p.kind is kinds.VAR_KEYWORD for p in theirs_params.values())
    position = 0
    for p in ours.parameters.values():
        if p.kind in (kinds.POSITIONAL_ONLY, kinds.POSITIONAL_OR_KEYWORD):
            assert position < len(positional), f"{name}: extra positional parameter {p.name}"
            if p.kind is kinds.POSITIONAL_OR_KEYWORD or positional[position].kind is kinds.POSITIONAL_OR_KEYWORD:
                expected = positional[position].name
                assert p.name == expected, f"{name}: parameter {p.name} where NumPy has {expected}"
            position += 1
        elif p.kind is kinds.KEYWORD_ONLY:
            assert p.name in theirs_params or has_var_keyword, f"{name}: keyword {p.name} is not NumPy's"
        elif p.kind is kinds.VAR_POSITIONAL:
            assert any(q.kind is kinds.VAR_POSITIONAL for q in theirs_params.values()), name


# -- NumPy's dtype rules and conversions --------------------------------------------------------


def test_python_floats_are_float64():
    assert tnp.array(1.1).dtype == numpy.float64
    assert tnp.asarray([1.0, 2.0]).dtype == numpy.float64
    assert tnp.sin(0.5).dtype == numpy.float64
    assert tnp.add(1, 2.5).dtype == numpy.float64
    assert tnp.array([1, 2]).dtype == numpy.int64


def test_python_scalars_do_not_upcast():
    x32 = numpy.ones(3, numpy.float32)
    assert (tnp.asarray(x32) * 2.5).dtype == numpy.float32
    assert tnp.multiply(x32, 2.5).dtype == numpy.float32
    assert tnp.add(tg.constant(x32), 1).dtype == numpy.float32
    assert tnp.maximum(numpy.arange(3, dtype=numpy.int32), 1).dtype == numpy.int32
    assert tnp.add(numpy.arange(3, dtype=numpy.int32), 0.5).dtype == numpy.float64
    # NumPy scalars and 0-d arrays are not weak
    assert tnp.add(x32, numpy.float64(2.0)).dtype == numpy.float64


def test_asarray_of_a_tensor_is_the_tensor():
    t = tg.constant([1.0, 2.0])
    assert tnp.asarray(t) is t
    assert tnp.asarray(t, dtype=numpy.float64).dtype == numpy.float64
    assert tnp.array(t, copy=False) is t


def test_array_of_tensors_stays_differentiable():
    x = tg.tensor(numpy.array([1.0, 2.0]), requires_grad=True)
    y = tg.tensor(numpy.array(3.0), requires_grad=True)
    stacked = tnp.array([[x[0], y], [x[1], 4.0]])
    assert stacked.dtype == numpy.float64 and stacked.shape == (2, 2)
    copy = tnp.array(x)
    assert copy is not x
    (tnp.sum(stacked * numpy.array([[1.0, 2.0], [3.0, 4.0]])) + tnp.sum(copy * copy)).backward()
    numpy.testing.assert_allclose(x.grad.numpy(), [1.0 + 2 * 1.0, 3.0 + 2 * 2.0])
    numpy.testing.assert_allclose(y.grad.numpy(), 2.0)


def test_random_is_numpy_random():
    tnp.random.seed(3)
    a = tnp.random.randn(3)
    numpy.random.seed(3)
    assert type(a) is numpy.ndarray
    numpy.testing.assert_array_equal(a, numpy.random.randn(3))
    assert isinstance(tnp.random.default_rng(0), numpy.random.Generator)
    assert tnp.sin(a).dtype == numpy.float64


def test_works_with_every_front_end():
    v = tg.Variable(numpy.array([0.5, -1.0]))
    with tg.GradientTape() as tape:
        loss = tnp.sum(tnp.square(tnp.tanh(v)))
    (dv,) = [tape.gradient(loss, v)]
    x = tg.tensor(numpy.array([0.5, -1.0]), requires_grad=True)
    (dx,) = tg.autograd.grad(tnp.sum(tnp.square(tnp.tanh(x))), [x])
    expected = 2 * numpy.tanh([0.5, -1.0]) * (1 - numpy.tanh([0.5, -1.0]) ** 2)
    numpy.testing.assert_allclose(dv.numpy(), expected)
    numpy.testing.assert_allclose(dx.numpy(), expected)


@pytest.mark.parametrize(
    "call",
    [
        lambda: tnp.add(1.0, 2.0, out=numpy.zeros(())),
        lambda: tnp.sum(numpy.ones(3), out=numpy.zeros(())),
        lambda: tnp.dot(numpy.ones(3), numpy.ones(3), out=numpy.zeros(())),
        lambda: tnp.concatenate([numpy.ones(3)], out=numpy.zeros(3)),
        lambda: tnp.isnan(numpy.ones(3), out=numpy.zeros(3, bool)),
    ],
)
def test_out_is_refused(call):
    with pytest.raises(TypeError, match="immutable"):
        call()


def test_numpy_errors():
    with pytest.raises(numpy.exceptions.AxisError):
        tnp.sum(numpy.ones((2, 3)), axis=2)
    with pytest.raises(ValueError):
        tnp.split(numpy.ones(5), 2)
    with pytest.raises(IndexError):
        tnp.take(numpy.ones(3), [3])
    with pytest.raises(ValueError):
        tnp.max(numpy.ones(3), where=numpy.array([True, False, True]))
    with pytest.raises(ZeroDivisionError):
        tnp.average(numpy.ones(2), weights=numpy.array([1.0, -1.0]))


@pytest.mark.parametrize("name,fn,arrays", DIFF, ids=_ids(DIFF))
def test_forward_mode_and_second_derivatives(name, fn, arrays):
    if any(numpy.isnan(a).any() for a in arrays):
        pytest.skip("NaN inputs have no derivative to compare")
    reference = [numpy.asarray(o) for o in _outputs(_call(numpy, fn, arrays))]
    rng = numpy.random.default_rng(len(name) + 1)
    weights = [tg.constant(rng.standard_normal(o.shape)) for o in reference]

    def projected(*xs):
        return _projection(_outputs(_call(tnp, fn, list(xs))), weights, tnp)

    tg.check_grads(projected, [tg.constant(a) for a in arrays], modes=("fwd", "rev"), order=2, rtol=1e-4, atol=1e-5)
