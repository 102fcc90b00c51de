"""``tg.linalg``: linear algebra under TensorFlow's ``tf.linalg`` names.

The ops live in ``tapegrad.ops.linalg_ops`` (kernels, samples) and
``tapegrad.ops.linalg_grad`` (gradients); see there for the conventions on
symmetric and triangular inputs and on the signs of singular vectors.
"""

from __future__ import annotations

from .creation import eye
from .ops.linalg_ops import (
    adjoint,
    band_part,
    cholesky,
    cholesky_solve,
    det,
    diag,
    diag_part,
    eigh,
    eigvalsh,
    einsum,
    inv,
    logdet,
    matmul,
    matrix_transpose,
    matvec,
    norm,
    pinv,
    qr,
    slogdet,
    solve,
    svd,
    tensordot,
    trace,
    triangular_solve,
)

__all__ = [
    "adjoint", "band_part", "cholesky", "cholesky_solve", "det", "diag", "diag_part", "eigh", "eigvalsh",
    "einsum", "eye", "inv", "logdet", "matmul", "matrix_transpose", "matvec", "norm", "pinv", "qr", "slogdet",
    "solve", "svd", "tensordot", "trace", "triangular_solve",
]  # fmt: skip
