"""``tg.autograd``: PyTorch's autograd interface on tapegrad's engine."""

from . import tensor_methods as _tensor_methods
from .anomaly import detect_anomaly, is_anomaly_enabled, set_detect_anomaly
from .backprop import backward, grad
from .function import Function, FunctionCtx
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .graph import AccumulateGrad, GradFn, RemovableHandle

del _tensor_methods

__all__ = [
    "AccumulateGrad", "Function", "FunctionCtx", "GradFn", "GradcheckError", "RemovableHandle", "backward",
    "detect_anomaly", "grad", "gradcheck", "gradgradcheck", "is_anomaly_enabled", "set_detect_anomaly",
]  # fmt: skip
