"""Complex numbers and discrete Fourier transforms.

The complex ops (``complex``, ``real``, ``imag``, ``conj``, ``angle``, ``complex_abs``)
and the one-dimensional transforms (``FFT``, ``IFFT``, ``RFFT``, ``IRFFT``, NumPy's
``n``/``axis``/``norm``) are what ``tapegrad.numpy.fft`` is built on.

Gradient convention (PyTorch's and TensorFlow's): for a real loss L of a complex
tensor z, the gradient is ``dL/dRe(z) + i dL/dIm(z)``; where a real tensor feeds a
complex op, its gradient is the real part of that, so real inputs get real gradients.
The gradients in ``fft_grad.py`` are built from these ops, so they differentiate again.

Every op also accepts real inputs (``real(x)`` is x, ``irfft`` of a real half-spectrum),
and the registry samples are real: the registry walk perturbs and projects only real
values. ``tests/test_special_fft_scipy.py`` checks the complex cases.
"""

from __future__ import annotations

from ..backend import xp
from ..engine.dispatch import convert_inputs
from ..engine.registry import Sample, primitive
from .samples import positive, randn
from .shape_util import normalize_one_axis

__all__ = ["complex", "real", "imag", "conj", "angle", "complex_abs"]

NORMS = ("backward", "ortho", "forward")


def _away_from_zero(*shape):
    """Values with |x| in [0.5, 2): away from the kinks of abs and angle at 0."""
    return positive(*shape) * xp.where(randn(*shape) < 0, -1.0, 1.0)


# -- complex numbers --------------------------------------------------------------------------
@primitive("Complex", samples=[Sample(randn(3, 4), randn(3, 4)), Sample(randn(3, 4), randn(4)),
                               Sample(randn(), randn(2))])  # fmt: skip
def _complex(real, imag):
    out = xp.empty(xp.broadcast_shapes(real.shape, imag.shape), dtype=xp.result_type(real, imag, xp.complex64))
    out.real = real
    out.imag = imag
    return out


def complex(real, imag, name=None):
    """``real + i imag``, element-wise with broadcasting: complex64 from float32, complex128 from float64."""
    real, imag = convert_inputs((real, imag))
    for part in (real, imag):
        if part.dtype.kind == "c":
            raise TypeError(f"complex: real and imag must be real tensors, got {part.dtype}")
    return _complex(real, imag)


def _is_complex(x) -> bool:
    return x.dtype.kind == "c"


@primitive("Real", samples=[Sample(randn(3, 4)), Sample(randn())])
def _real(x):
    return xp.real(x).copy()


def real(input, name=None):
    """The real part of ``input`` (``input`` itself when it is real)."""
    (input,) = convert_inputs((input,))
    return _real(input) if _is_complex(input) else input


@primitive("Imag", samples=[Sample(randn(3, 4))])
def _imag(x):
    return xp.imag(x).copy() if _is_complex(x) else xp.zeros_like(x)


def imag(input, name=None):
    """The imaginary part of ``input`` (zeros when it is real)."""
    (input,) = convert_inputs((input,))
    return _imag(input)


@primitive("Conj", samples=[Sample(randn(3, 4))])
def _conj(x):
    return xp.conj(x)


def conj(x, name=None):
    """The complex conjugate of ``x`` (``x`` itself when it is real)."""
    (x,) = convert_inputs((x,))
    return _conj(x) if _is_complex(x) else x


@primitive("Angle", samples=[Sample(_away_from_zero(3, 4))])
def _angle(x):
    return xp.angle(x)


def angle(input, name=None):
    """The argument of ``input`` in (-pi, pi] (0 or pi for real values); its gradient at 0 is 0."""
    (input,) = convert_inputs((input,))
    return _angle(input)


@primitive("ComplexAbs", samples=[Sample(_away_from_zero(3, 4)), Sample(_away_from_zero(2, 1, 3))])
def _complex_abs(x):
    return xp.abs(x)


def complex_abs(x, name=None):
    """``|x|`` for complex (or real) ``x``, with a gradient that differentiates again; 0 at 0."""
    (x,) = convert_inputs((x,))
    return _complex_abs(x)


# -- discrete Fourier transforms --------------------------------------------------------------
# ``n`` is the transform length (the input is cut or zero-padded to it along ``axis``);
# ``norm`` is NumPy's: "backward" scales the inverse by 1/n, "forward" the forward
# transform, "ortho" both by 1/sqrt(n).
_FFT_SAMPLES = [
    Sample(randn(6), n=6, axis=0),
    Sample(randn(3, 5), n=5, axis=1, norm="ortho"),
    Sample(randn(4, 3), n=6, axis=0, norm="forward"),
    Sample(randn(2, 7), n=4, axis=1),
]


@primitive("FFT", samples=_FFT_SAMPLES)
def _fft(x, n=1, axis=-1, norm="backward"):
    return xp.fft.fft(x, n=n, axis=axis, norm=norm)


@primitive("IFFT", samples=_FFT_SAMPLES)
def _ifft(x, n=1, axis=-1, norm="backward"):
    return xp.fft.ifft(x, n=n, axis=axis, norm=norm)


@primitive("RFFT", samples=_FFT_SAMPLES + [Sample(randn(2, 5), n=5, axis=1, norm="forward")])
def _rfft(x, n=1, axis=-1, norm="backward"):
    return xp.fft.rfft(x, n=n, axis=axis, norm=norm)


@primitive("IRFFT", samples=[
    Sample(randn(4), n=6, axis=0),
    Sample(randn(4), n=7, axis=0, norm="ortho"),
    Sample(randn(3, 4), n=4, axis=1, norm="forward"),
    Sample(randn(5, 2), n=4, axis=0),
    Sample(randn(2, 3), n=9, axis=1, norm="ortho"),
])  # fmt: skip
def _irfft(x, n=2, axis=-1, norm="backward"):
    return xp.fft.irfft(x, n=n, axis=axis, norm=norm)


def fft_arguments(name: str, x, n, axis, norm, default_n=None):
    """The op attributes of a NumPy-style transform call: a positive ``n``, a non-negative axis, a norm."""
    if x.ndim == 0:
        raise ValueError(f"{name}: input must have rank >= 1, got a scalar")
    axis = normalize_one_axis(axis, x.ndim, name)
    if n is None:
        n = x.shape[axis] if default_n is None else default_n(x.shape[axis])
    if isinstance(n, bool) or not hasattr(n, "__index__"):
        raise TypeError(f"{name}: n must be an integer, got {n!r}")
    n = int(n)
    if n < 1:
        raise ValueError(f"{name}: invalid number of data points ({n}) specified")
    norm = "backward" if norm is None else norm
    if norm not in NORMS:
        raise ValueError(f'{name}: invalid norm value {norm!r}; should be "backward", "ortho" or "forward"')
    return {"n": n, "axis": axis, "norm": norm}


from . import fft_grad  # noqa: E402,F401  (registers the gradients)
