"""tapegrad: automatic differentiation for Python on NumPy.

``import tapegrad as tg``. See README.md for a tour.
"""

from __future__ import annotations

from . import autodiff, autograd, linalg, math, nest, nn, optimizers, random, train, utils
from .batching import vmap
from .clip_ops import clip_by_global_norm, clip_by_norm, global_norm
from .creation import constant, eye, fill, linspace, ones, range, tensor, zeros
from .custom_gradient import custom_gradient
from .dtypes import (
    as_dtype,
    complex64,
    complex128,
    double,
    float16,
    float32,
    float64,
    half,
    int8,
    int16,
    int32,
    int64,
    uint8,
)
from .dtypes import (
    bool_ as bool,
)
from .engine.registry import NotDifferentiable, RegisterGradient, Sample, primitive
from .engine.tensor import Tensor, convert_to_tensor
from .functional import (
    check_grads,
    elementwise_grad,
    grad,
    hessian,
    hvp,
    jacfwd,
    jacobian,
    jacrev,
    jvp,
    value_and_grad,
    vjp,
)
from .grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .gradients import gradients
from .graph import TensorSpec, function
from .numerical import numerical_gradient
from .ops import array_grad as _array_grad
from .ops import gradient_reads as _gradient_reads
from .ops import jvp_rules as _jvp_rules
from .ops import linalg_grad as _linalg_grad
from .ops import math_grad as _math_grad
from .ops import nn_grad as _nn_grad
from .ops import reduction_grad as _reduction_grad
from .ops import tensor_methods as _tensor_methods
from .ops.array_ops import *
from .ops.fft_ops import *
from .ops.linalg_ops import *
from .ops.math_ops import *
from .ops.nn_ops import *
from .ops.reduction_ops import *
from .ops.special_ops import *
from .tape import GradientTape, UnconnectedGradients
from .variables import Variable

__version__ = "0.1.0"

del _jvp_rules, _tensor_methods, _array_grad, _linalg_grad, _math_grad, _nn_grad, _reduction_grad
