"""``tapegrad.numpy.fft``: NumPy's ``numpy.fft`` names and signatures, differentiable.

``fft``, ``ifft``, ``rfft`` and ``irfft`` are ops (``tapegrad.ops.fft_ops``); the
n-dimensional transforms apply them axis by axis. ``norm`` is "backward" (default),
"ortho" or "forward", as in NumPy. float32 input gives complex64, float64 complex128.

Gradients follow PyTorch's convention: for a real loss L of a complex result z, the
gradient is ``dL/dRe(z) + i dL/dIm(z)``, and a real input gets the real part of it.
"""

from __future__ import annotations

from ..backend import xp as _np
from ..engine.tensor import convert_to_tensor
from ..ops import fft_ops as _f
from ..ops.array_ops import concat, getitem
from ..ops.linalg_ops import as_inexact
from ._core import no_out, one_axis, tensor

__all__ = [
    "fft", "ifft", "rfft", "irfft", "fft2", "ifft2", "fftn", "ifftn", "rfft2", "irfft2", "rfftn", "irfftn",
    "fftfreq", "rfftfreq", "fftshift", "ifftshift",
]  # fmt: skip


def _input(name: str, a, out):
    no_out(out, name)
    a = as_inexact(tensor(a))
    if a.ndim == 0:
        raise ValueError(f"{name}: input must have rank >= 1, got a scalar")
    return a


def _real_input(name: str, a, out):
    a = _input(name, a, out)
    if a.dtype.kind == "c":
        raise TypeError(f"{name}: input must be real, got {a.dtype}; use fft for complex input")
    return a


def fft(a, n=None, axis=-1, norm=None, out=None):
    """The one-dimensional discrete Fourier transform along ``axis`` (``a`` cut or zero-padded to ``n``)."""
    a = _input("fft", a, out)
    return _f._fft(a, **_f.fft_arguments("fft", a, n, one_axis(axis, a.ndim), norm))


def ifft(a, n=None, axis=-1, norm=None, out=None):
    """The one-dimensional inverse discrete Fourier transform along ``axis``."""
    a = _input("ifft", a, out)
    return _f._ifft(a, **_f.fft_arguments("ifft", a, n, one_axis(axis, a.ndim), norm))


def rfft(a, n=None, axis=-1, norm=None, out=None):
    """The transform of real ``a`` along ``axis``: the ``n // 2 + 1`` non-negative frequency terms."""
    a = _real_input("rfft", a, out)
    return _f._rfft(a, **_f.fft_arguments("rfft", a, n, one_axis(axis, a.ndim), norm))


def irfft(a, n=None, axis=-1, norm=None, out=None):
    """The inverse of ``rfft``: a real signal of length ``n`` (default ``2 * (m - 1)``) from ``m`` terms.

    As in NumPy, the imaginary parts of the zero-frequency term and (``n`` even) the
    Nyquist term are ignored; their gradient is 0.
    """
    a = _input("irfft", a, out)
    return _f._irfft(
        a, **_f.fft_arguments("irfft", a, n, one_axis(axis, a.ndim), norm, default_n=lambda m: 2 * (m - 1))
    )


# -- n-dimensional transforms -----------------------------------------------------------------
def _shape_axes(name: str, a, s, axes):
    """NumPy's rules: ``axes`` default to the last ``len(s)`` axes, or all; ``s`` to the 1-D defaults.

    An entry -1 of ``s`` is the input's size along that axis.
    """
    if axes is None:
        axes = list(range(a.ndim)) if s is None else list(range(a.ndim - len(s), a.ndim))
    else:
        axes = [one_axis(ax, a.ndim) for ax in axes]
    if s is None:
        s = [None] * len(axes)
    elif len(s) != len(axes):
        raise ValueError(f"{name}: shape s and axes have different lengths ({len(s)} and {len(axes)})")
    return [a.shape[ax] if n == -1 else n for n, ax in zip(s, axes)], axes


def _cn(name: str, transform, a, s, axes, norm, out):
    a = _input(name, a, out)
    s, axes = _shape_axes(name, a, s, axes)
    for n, ax in zip(s, axes):
        a = transform(a, **_f.fft_arguments(name, a, n, ax, norm))
    return a


def fftn(a, s=None, axes=None, norm=None, out=None):
    """The n-dimensional discrete Fourier transform over ``axes`` (all, by default)."""
    return _cn("fftn", _f._fft, a, s, axes, norm, out)


def ifftn(a, s=None, axes=None, norm=None, out=None):
    """The n-dimensional inverse discrete Fourier transform over ``axes`` (all, by default)."""
    return _cn("ifftn", _f._ifft, a, s, axes, norm, out)


def fft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    """The two-dimensional discrete Fourier transform (``fftn`` over the last two axes)."""
    return fftn(a, s, axes, norm, out)


def ifft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    """The two-dimensional inverse discrete Fourier transform."""
    return ifftn(a, s, axes, norm, out)


def rfftn(a, s=None, axes=None, norm=None, out=None):
    """``rfft`` over the last of ``axes``, then ``fft`` over the others."""
    a = _real_input("rfftn", a, out)
    s, axes = _shape_axes("rfftn", a, s, axes)
    a = _f._rfft(a, **_f.fft_arguments("rfftn", a, s[-1], axes[-1], norm))
    for n, ax in zip(s[:-1], axes[:-1]):
        a = _f._fft(a, **_f.fft_arguments("rfftn", a, n, ax, norm))
    return a


def irfftn(a, s=None, axes=None, norm=None, out=None):
    """The inverse of ``rfftn``: ``ifft`` over all but the last of ``axes``, then ``irfft`` over it."""
    a = _input("irfftn", a, out)
    s, axes = _shape_axes("irfftn", a, s, axes)
    for n, ax in zip(s[:-1], axes[:-1]):
        a = _f._ifft(a, **_f.fft_arguments("irfftn", a, n, ax, norm))
    last = _f.fft_arguments("irfftn", a, s[-1], axes[-1], norm, default_n=lambda m: 2 * (m - 1))
    return _f._irfft(a, **last)


def rfft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    """The two-dimensional ``rfftn``."""
    return rfftn(a, s, axes, norm, out)


def irfft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    """The two-dimensional ``irfftn``."""
    return irfftn(a, s, axes, norm, out)


# -- frequencies and shifts -------------------------------------------------------------------
def fftfreq(n, d=1.0, device=None):
    """The sample frequencies of an ``n``-point transform with sample spacing ``d`` (a constant)."""
    return convert_to_tensor(_np.fft.fftfreq(n, d))


def rfftfreq(n, d=1.0, device=None):
    """The non-negative sample frequencies of an ``n``-point ``rfft`` (a constant)."""
    return convert_to_tensor(_np.fft.rfftfreq(n, d))


def _roll(x, shifts, axes):
    for shift, ax in zip(shifts, axes):
        size = x.shape[ax]
        shift %= size if size else 1
        if shift:
            head = getitem(x, (slice(None),) * ax + (slice(size - shift, None),))
            tail = getitem(x, (slice(None),) * ax + (slice(0, size - shift),))
            x = concat([head, tail], axis=ax)
    return x


def _shift_axes(x, axes):
    if axes is None:
        return list(range(x.ndim))
    if isinstance(axes, int) or hasattr(axes, "__index__"):
        axes = [axes]
    return [one_axis(ax, x.ndim) for ax in axes]


def fftshift(x, axes=None):
    """``x`` with the zero-frequency term moved to the centre of ``axes`` (all, by default)."""
    x = tensor(x)
    axes = _shift_axes(x, axes)
    return _roll(x, [x.shape[ax] // 2 for ax in axes], axes)


def ifftshift(x, axes=None):
    """The inverse of ``fftshift``."""
    x = tensor(x)
    axes = _shift_axes(x, axes)
    return _roll(x, [-(x.shape[ax] // 2) for ax in axes], axes)
