"""Which saved values the built-in gradient functions read.

A backward pass that frees its graph first drops the large arrays no gradient will
read (``Node.drop_unread``), so memory falls as the pass goes. By default a built-in
gradient is taken to read its inputs but not its outputs; these lists say otherwise.
``tests/test_registry_walk.py`` checks them: it runs every gradient with the dropped
values replaced by NaN.
"""

from __future__ import annotations

from ..engine.node import READS_OUTPUTS, SHAPE_ONLY_INPUTS

READS_OUTPUTS.update({
    "Exp", "Sqrt", "Rsqrt", "Reciprocal", "Cbrt", "Pow", "Tan", "Tanh", "Sigmoid", "LogAddExp", "Hypot",
    "ComplexAbs", "Softmax", "LogSoftmax", "SparseSoftmaxCrossEntropyWithLogits", "ReduceLogSumExp", "Cumprod",
    "Max", "Min", "VectorNorm", "MatrixInverse", "MatrixPinv", "MatrixSolve", "MatrixTriangularSolve", "Cholesky",
    "SelfAdjointEigV2", "Svd", "Qr", "LogNdtr", "Ndtri",
})  # fmt: skip

SHAPE_ONLY_INPUTS.update({
    "AddV2", "Sub", "Neg", "AddN", "Identity", "Cast", "Sum", "Mean", "Cumsum", "Reshape", "ExpandDims", "Squeeze",
    "BroadcastTo", "Transpose", "ReverseV2", "Pack", "ConcatV2", "Tile", "PadV2", "StridedSlice",
    "Exp", "Sqrt", "Rsqrt", "Reciprocal", "Tanh", "Sigmoid", "Softmax", "LogSoftmax",
})  # fmt: skip
