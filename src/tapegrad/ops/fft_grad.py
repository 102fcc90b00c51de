"""Gradients of the complex and Fourier-transform ops, written in tapegrad ops.

Convention: the gradient for a complex input z is ``dL/dRe(z) + i dL/dIm(z)``; a real
input gets the real part. A C-linear map ``y = A x`` then has gradient ``A^H g``: the
adjoint of a transform is the inverse transform with the swapped normalisation.
"""

from __future__ import annotations

from ..creation import constant
from ..engine.registry import RegisterGradient
from . import fft_ops as f
from .array_ops import getitem, pad, reshape, where, zeros_like
from .grad_util import unbroadcast

_SWAP = {"backward": "forward", "forward": "backward", "ortho": "ortho"}


def _like_input(g, x):
    """``g`` for input ``x``: its real part when ``x`` is real."""
    return g if x.dtype.kind == "c" else f._real(g)


def _resize(x, length: int, axis: int):
    """``x`` cut or zero-padded to ``length`` along ``axis`` (the adjoint of the reverse resize)."""
    size = x.shape[axis]
    if size == length:
        return x
    if size > length:
        return getitem(x, (slice(None),) * axis + (slice(0, length),))
    paddings = [(0, 0)] * x.ndim
    paddings[axis] = (0, length - size)
    return pad(x, paddings)


def _transform_grad(inverse):
    def grad_fn(op, grad):
        x = op.inputs[0]
        n, axis, norm = op.get_attr("n"), op.get_attr("axis"), op.get_attr("norm")
        g = inverse(grad, n=n, axis=axis, norm=_SWAP[norm])
        return _like_input(_resize(g, x.shape[axis], axis), x)

    return grad_fn


RegisterGradient("FFT")(_transform_grad(f._ifft))
RegisterGradient("IFFT")(_transform_grad(f._fft))


@RegisterGradient("RFFT")
def _rfft_grad(op, grad):
    """``Re(F_half^H g)``: the half spectrum zero-padded to n, inverse-transformed, real part."""
    x = op.inputs[0]
    n, axis, norm = op.get_attr("n"), op.get_attr("axis"), op.get_attr("norm")
    full = f._ifft(_resize(grad, n, axis), n=n, axis=axis, norm=_SWAP[norm])
    return _resize(f._real(full), x.shape[axis], axis)


@RegisterGradient("IRFFT")
def _irfft_grad(op, grad):
    """``c * rfft(g)``: bins 1 .. (n-1)//2 count twice in the real signal (c = 2), the others once.

    The imaginary parts of bin 0 and (n even) bin n/2 are ignored by the transform, and
    their gradient comes out 0.
    """
    x = op.inputs[0]
    n, axis, norm = op.get_attr("n"), op.get_attr("axis"), op.get_attr("norm")
    half = f._rfft(grad, n=n, axis=axis, norm=_SWAP[norm])
    bins = n // 2 + 1
    weight = [1.0] + [2.0] * (bins - 1)
    if n % 2 == 0:
        weight[-1] = 1.0
    half = half * reshape(constant(weight, dtype=grad.dtype), (bins,) + (1,) * (grad.ndim - axis - 1))
    return _like_input(_resize(half, x.shape[axis], axis), x)


@RegisterGradient("Complex")
def _complex_grad(op, grad):
    re, im = op.inputs
    return unbroadcast(f._real(grad), re), unbroadcast(f._imag(grad), im)


@RegisterGradient("Real")
def _real_grad(op, grad):
    x = op.inputs[0]
    return f._complex(grad, zeros_like(grad)) if x.dtype.kind == "c" else grad


@RegisterGradient("Imag")
def _imag_grad(op, grad):
    x = op.inputs[0]
    return f._complex(zeros_like(grad), grad) if x.dtype.kind == "c" else zeros_like(grad)


@RegisterGradient("Conj")
def _conj_grad(op, grad):
    return f._conj(grad)


def _polar_parts(x):
    """Re(x), Im(x), |x|^2 and where |x| > 0, for the gradients of abs and angle."""
    re, im = f._real(x), f._imag(x)
    squared = re * re + im * im
    return re, im, squared, squared > 0


@RegisterGradient("Angle")
def _angle_grad(op, grad):
    x = op.inputs[0]
    if x.dtype.kind != "c":
        return zeros_like(x)
    re, im, squared, nonzero = _polar_parts(x)
    scale = where(nonzero, grad / where(nonzero, squared, 1), 0)
    return f._complex(-scale * im, scale * re)


@RegisterGradient("ComplexAbs")
def _complex_abs_grad(op, grad):
    x = op.inputs[0]
    if x.dtype.kind != "c":
        return where(x > 0, grad, where(x < 0, -grad, zeros_like(grad)))
    re, im, _, nonzero = _polar_parts(x)
    scale = where(nonzero, grad / where(nonzero, op.outputs[0], 1), 0)
    return f._complex(scale * re, scale * im)
