"""The differentiation front ends the benchmark compares, behind one interface.

A workload is written once against a small NumPy-like namespace (``ns.sin``,
``ns.sum``...) and handed to each :class:`Framework`'s transforms. tapegrad is always
present; PyTorch, HIPS autograd and JAX are added when they import.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import numpy as np

import tapegrad as tg

_ELEMENTARY = ("sin", "exp", "tanh", "log1p", "sum", "mean", "max", "log", "arange")


def namespace(module: Any, **overrides: Any) -> SimpleNamespace:
    """The functions the workloads use, taken from ``module`` unless overridden."""
    found = {name: getattr(module, name) for name in _ELEMENTARY if hasattr(module, name)}
    return SimpleNamespace(**(found | overrides))


def softmax_xent(xp: Any, logits: Any, labels: Any) -> Any:
    """Mean sparse softmax cross-entropy written with NumPy's names (for NumPy-like modules)."""
    shifted = logits - xp.max(logits, axis=1, keepdims=True)
    log_probs = shifted - xp.log(xp.sum(xp.exp(shifted), axis=1, keepdims=True))
    return -xp.mean(log_probs[xp.arange(labels.shape[0]), labels])


def numpy_namespace(module: Any, relu: Callable) -> SimpleNamespace:
    """A namespace for a module with NumPy's names (NumPy, autograd.numpy, jax.numpy)."""
    return namespace(module, relu=relu, xent=lambda logits, labels: softmax_xent(module, logits, labels))


NUMPY_NS = numpy_namespace(np, relu=lambda z: np.maximum(z, 0))
TAPEGRAD_NS = namespace(
    tg,
    sum=tg.reduce_sum,
    relu=tg.relu,
    xent=lambda logits, labels: tg.reduce_mean(
        tg.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    ),
)


@dataclasses.dataclass(frozen=True)
class Framework:
    """One front end: its namespace and the transforms the workloads time.

    ``value_and_grad(f)(x) -> (f(x), grad)``; ``hessian(f)(x)``; ``jacobian(f)(x)``;
    ``hvp(f)(x, v) -> H v``; ``sgd_step(loss, params, lr)(x, labels) -> (loss, grads)``
    also applies the SGD update to the framework's own copy of ``params``.
    """

    key: str
    ns: SimpleNamespace
    asarray: Callable[[np.ndarray], Any]
    value_and_grad: Callable
    hessian: Callable
    jacobian: Callable
    hvp: Callable
    sgd_step: Callable


def compiled(fw: Framework, key: str, compile: Callable[[Callable], Callable]) -> Framework:
    """``fw`` with every transform's result passed through ``compile`` (tg.function, jax.jit)."""
    return dataclasses.replace(
        fw,
        key=key,
        value_and_grad=lambda f: compile(fw.value_and_grad(f)),
        hessian=lambda f: compile(fw.hessian(f)),
        jacobian=lambda f: compile(fw.jacobian(f)),
        hvp=lambda f: compile(fw.hvp(f)),
        sgd_step=lambda loss, params, lr: compile(fw.sgd_step(loss, params, lr)),
    )


def sgd(value_and_grad: Callable, params: list, update: Callable) -> Callable:
    """A training step: value and gradients of the loss at ``params``, then ``update(params, grads)``."""

    def step(x, labels):
        value, grads = value_and_grad(params, x, labels)
        update(params, grads)
        return value, grads

    return step


# -- tapegrad ---------------------------------------------------------------------------------------
def _tape_value_and_grad(f: Callable) -> Callable:
    def run(x, *args):
        with tg.GradientTape() as tape:
            tape.watch(x)
            y = f(x, *args)
        return y, tape.gradient(y, x)

    return run


def _tape_sgd_step(loss: Callable, params: list, lr: float) -> Callable:
    def assign_sub(variables, grads):
        for var, g in zip(variables, grads):
            var.assign_sub(lr * g)

    return sgd(_tape_value_and_grad(loss), [tg.Variable(p) for p in params], assign_sub)


TAPEGRAD = Framework(
    key="eager",
    ns=TAPEGRAD_NS,
    asarray=tg.constant,
    value_and_grad=_tape_value_and_grad,
    hessian=tg.hessian,
    jacobian=tg.jacobian,
    hvp=lambda f: lambda x, v: tg.hvp(f, x, v),
    sgd_step=_tape_sgd_step,
)


# -- optional front ends ----------------------------------------------------------------------------
def _torch() -> Framework:
    import torch
    from torch.nn import functional

    torch.set_num_threads(1)

    def value_and_grad(f):
        def run(x):
            x = x.detach().requires_grad_()
            y = f(x)
            return y.detach(), torch.autograd.grad(y, x)[0]

        return run

    def sgd_step(loss, params, lr):
        def params_value_and_grad(ps, x, labels):
            value = loss(ps, x, labels)
            return value.detach(), torch.autograd.grad(value, ps)

        def update(ps, grads):
            with torch.no_grad():
                for p, g in zip(ps, grads):
                    p.sub_(lr * g)

        leaves = [torch.tensor(p, requires_grad=True) for p in params]
        return sgd(params_value_and_grad, leaves, update)

    return Framework(
        key="torch",
        ns=namespace(torch, relu=torch.relu, xent=functional.cross_entropy),
        asarray=torch.from_numpy,
        value_and_grad=value_and_grad,
        hessian=torch.func.hessian,
        jacobian=torch.func.jacrev,
        hvp=lambda f: lambda x, v: torch.func.jvp(torch.func.grad(f), (x,), (v,))[1],
        sgd_step=sgd_step,
    )


def _autograd() -> Framework:
    import autograd
    import autograd.numpy as anp

    def sgd_step(loss, params, lr):
        def update(ps, grads):
            for p, g in zip(ps, grads):
                p -= lr * g

        return sgd(autograd.value_and_grad(loss), [p.copy() for p in params], update)

    return Framework(
        key="autograd",
        ns=numpy_namespace(anp, relu=lambda z: anp.maximum(z, 0.0)),
        asarray=np.asarray,
        value_and_grad=autograd.value_and_grad,
        hessian=autograd.hessian,
        jacobian=autograd.jacobian,
        hvp=autograd.hessian_tensor_product,
        sgd_step=sgd_step,
    )


def _jax() -> Framework:
    os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)

    def jit(fn):
        jitted = jax.jit(fn)
        return lambda *args: jax.block_until_ready(jitted(*args))

    def sgd_step(loss, params, lr):
        @jit
        def update(ps, x, labels):
            value, grads = jax.value_and_grad(loss)(ps, x, labels)
            return [p - lr * g for p, g in zip(ps, grads)], value, grads

        state = [jnp.asarray(p) for p in params]

        def step(x, labels):
            state[:], value, grads = update(state, x, labels)
            return value, grads

        return step

    eager = Framework(
        key="jax",
        ns=numpy_namespace(jnp, relu=jax.nn.relu),
        asarray=jnp.asarray,
        value_and_grad=jax.value_and_grad,
        hessian=jax.hessian,
        jacobian=jax.jacrev,
        hvp=lambda f: lambda x, v: jax.jvp(jax.grad(f), (x,), (v,))[1],
        sgd_step=sgd_step,
    )
    return dataclasses.replace(compiled(eager, "jax", jit), sgd_step=sgd_step)


def available() -> list[Framework]:
    """tapegrad eager and tg.function, then each optional front end that imports."""
    found = [TAPEGRAD, compiled(TAPEGRAD, "function", tg.function)]
    for make in (_torch, _autograd, _jax):
        with contextlib.suppress(ImportError):
            found.append(make())
    return found
