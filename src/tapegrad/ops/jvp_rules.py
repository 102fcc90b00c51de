"""Forward-mode rules cheaper than the one derived from the gradient.

Linear ops push tangents through themselves; element-wise unary ops (a diagonal
Jacobian) apply their gradient function to the tangent; a few bilinear ops have
their product rule. Every other op's JVP is derived from its gradient function
(``engine/forward.py``). The registry walk checks every JVP against finite
differences either way.
"""

from __future__ import annotations

from ..engine.registry import ELEMENTWISE, LINEAR, RegisterJVP

LINEAR_OPS = (
    "AddV2", "Sub", "Neg", "AddN", "Identity", "Cast", "Reshape", "BroadcastTo", "Transpose", "ExpandDims",
    "Squeeze", "ConcatV2", "Pack", "Unpack", "SplitV", "Tile", "MirrorPad", "ReverseV2", "StridedSlice",
    "StridedSliceGrad", "TensorScatterUpdate", "GatherV2", "GatherNd", "SelectV2", "Sum", "Mean", "Cumsum",
    "MatrixTranspose", "MatrixDiag", "MatrixDiagPart", "MatrixBandPart",
)  # fmt: skip

ELEMENTWISE_OPS = (
    "Square", "Sqrt", "Rsqrt", "Reciprocal", "Exp", "Expm1", "Log", "Log1p", "Abs", "Sign", "Sin", "Cos",
    "Tan", "Asin", "Acos", "Atan", "Sinh", "Cosh", "Tanh", "Asinh", "Acosh", "Atanh", "Sigmoid", "Erf",
    "Erfc", "Floor", "Ceil", "Round", "Relu", "Relu6", "LeakyRelu", "Elu", "Selu", "Gelu", "Softplus",
    "Softsign",
)  # fmt: skip

for _op_type in LINEAR_OPS:
    RegisterJVP(_op_type)(LINEAR)
for _op_type in ELEMENTWISE_OPS:
    RegisterJVP(_op_type)(ELEMENTWISE)


def _product_rule(*terms):
    """The sum of the product-rule terms whose tangent is not zero (None)."""
    present = [t for t in terms if t is not None]
    return present[0] if len(present) == 1 else present[0] + present[1]


@RegisterJVP("Mul")
def _mul_jvp(op, tx, ty):
    x, y = op.inputs
    return _product_rule(None if tx is None else tx * y, None if ty is None else x * ty)


@RegisterJVP("RealDiv")
def _div_jvp(op, tx, ty):
    y = op.inputs[1]
    z = op.outputs[0]
    return _product_rule(None if tx is None else tx / y, None if ty is None else -ty * z / y)


@RegisterJVP("BatchMatMulV2")
def _matmul_jvp(op, ta, tb):
    from .linalg_ops import _matmul

    a, b = op.inputs
    return _product_rule(
        None if ta is None else _matmul(ta, b, **op.attrs), None if tb is None else _matmul(a, tb, **op.attrs)
    )


@RegisterJVP("PadV2")
def _pad_jvp(op, t):
    from .array_ops import _pad

    return _pad(t, paddings=op.get_attr("paddings"), constant_values=0)
