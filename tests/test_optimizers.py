"""tg.optimizers: update rules against NumPy references, clipping, state, schedules."""

import math
import warnings

import numpy as np
import pytest

import tapegrad as tg
import tapegrad.optimizers as opts
from tapegrad.optimizers import schedules

W0 = np.array([1.0, -2.0])
GRADS = [np.array([1.0, -0.5]), np.array([0.1, 0.3]), np.array([-0.7, 0.4])]


# -- NumPy references, written from the published formulas ---------------------------------
def ref_sgd(lr, momentum=0.0, nesterov=False, wd=0.0):
    w, vel = W0.copy(), np.zeros(2)
    for g in GRADS:
        w = w - lr * wd * w
        if momentum == 0.0:
            w = w - lr * g
        else:
            vel = momentum * vel - lr * g
            w = w + (momentum * vel - lr * g if nesterov else vel)
        yield w


def ref_adam(lr, b1, b2, eps, amsgrad=False, wd=0.0):
    w, m, v, vmax = W0.copy(), np.zeros(2), np.zeros(2), np.zeros(2)
    for t, g in enumerate(GRADS, start=1):
        w = w * (1.0 - lr * wd)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        vmax = np.maximum(vmax, v)
        step_size = lr * np.sqrt(1 - b2**t) / (1 - b1**t)
        w = w - step_size * m / (np.sqrt(vmax if amsgrad else v) + eps)
        yield w


def ref_rmsprop(lr, rho, momentum=0.0, eps=1e-7, centered=False):
    w, ms, mg, mom = W0.copy(), np.zeros(2), np.zeros(2), np.zeros(2)
    for g in GRADS:
        ms = rho * ms + (1 - rho) * g**2
        mg = rho * mg + (1 - rho) * g
        denom = ms - mg**2 if centered else ms
        delta = lr * g / np.sqrt(denom + eps)
        if momentum > 0:
            mom = momentum * mom + delta
            delta = mom
        w = w - delta
        yield w


def ref_adagrad(lr, init, eps):
    w, acc = W0.copy(), np.full(2, init)
    for g in GRADS:
        acc = acc + g**2
        w = w - lr * g / np.sqrt(acc + eps)
        yield w


CASES = {
    "sgd": (lambda: opts.SGD(0.1), lambda: ref_sgd(0.1)),
    "sgd_momentum": (lambda: opts.SGD(0.1, momentum=0.9), lambda: ref_sgd(0.1, 0.9)),
    "sgd_nesterov": (lambda: opts.SGD(0.1, momentum=0.9, nesterov=True), lambda: ref_sgd(0.1, 0.9, True)),
    "sgd_weight_decay": (lambda: opts.SGD(0.1, weight_decay=0.5), lambda: ref_sgd(0.1, wd=0.5)),
    "adam": (lambda: opts.Adam(0.1, 0.8, 0.9, 1e-3), lambda: ref_adam(0.1, 0.8, 0.9, 1e-3)),
    "adam_amsgrad": (
        lambda: opts.Adam(0.1, 0.8, 0.5, 1e-3, amsgrad=True),
        lambda: ref_adam(0.1, 0.8, 0.5, 1e-3, amsgrad=True),
    ),
    "adamw": (
        lambda: opts.AdamW(0.1, weight_decay=0.2, beta_1=0.8, beta_2=0.9, epsilon=1e-3),
        lambda: ref_adam(0.1, 0.8, 0.9, 1e-3, wd=0.2),
    ),
    "adamw_amsgrad": (
        lambda: opts.AdamW(0.1, 0.2, 0.8, 0.5, 1e-3, amsgrad=True),
        lambda: ref_adam(0.1, 0.8, 0.5, 1e-3, amsgrad=True, wd=0.2),
    ),
    "rmsprop": (lambda: opts.RMSprop(0.1, rho=0.8, epsilon=1e-3), lambda: ref_rmsprop(0.1, 0.8, eps=1e-3)),
    "rmsprop_momentum": (
        lambda: opts.RMSprop(0.1, rho=0.8, momentum=0.5, epsilon=1e-3),
        lambda: ref_rmsprop(0.1, 0.8, 0.5, 1e-3),
    ),
    "rmsprop_centered": (
        lambda: opts.RMSprop(0.1, rho=0.8, epsilon=1e-3, centered=True),
        lambda: ref_rmsprop(0.1, 0.8, eps=1e-3, centered=True),
    ),
    "rmsprop_centered_momentum": (
        lambda: opts.RMSprop(0.1, rho=0.8, momentum=0.5, epsilon=1e-3, centered=True),
        lambda: ref_rmsprop(0.1, 0.8, 0.5, 1e-3, centered=True),
    ),
    "adagrad": (lambda: opts.Adagrad(0.1, 0.2, 1e-3), lambda: ref_adagrad(0.1, 0.2, 1e-3)),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_three_steps_match_numpy_reference(case):
    make_opt, reference = CASES[case]
    opt = make_opt()
    w = tg.Variable(W0.copy(), name="w")  # float64: compare tightly
    for step, (g, expected) in enumerate(zip(GRADS, reference()), start=1):
        assert opt.apply_gradients([(tg.constant(g), w)]) == step
        np.testing.assert_allclose(w.numpy(), expected, rtol=1e-12, atol=1e-14)
    assert not np.allclose(w.numpy(), W0)


@pytest.mark.parametrize(
    ("variant", "base"),
    [
        (lambda: ref_sgd(0.1, 0.9), lambda: ref_sgd(0.1)),
        (lambda: ref_sgd(0.1, 0.9, nesterov=True), lambda: ref_sgd(0.1, 0.9)),
        (lambda: ref_adam(0.1, 0.8, 0.5, 1e-3, amsgrad=True), lambda: ref_adam(0.1, 0.8, 0.5, 1e-3)),
        (lambda: ref_adam(0.1, 0.8, 0.9, 1e-3, wd=0.2), lambda: ref_adam(0.1, 0.8, 0.9, 1e-3)),
        (lambda: ref_rmsprop(0.1, 0.8, eps=1e-3, centered=True), lambda: ref_rmsprop(0.1, 0.8, eps=1e-3)),
        (lambda: ref_rmsprop(0.1, 0.8, 0.5, 1e-3), lambda: ref_rmsprop(0.1, 0.8, eps=1e-3)),
    ],
)
def test_variants_change_the_result(variant, base):
    # Each flag tested above must visibly change the weights on GRADS, or its reference
    # check would not show that the flag is implemented.
    assert np.max(np.abs(list(variant())[-1] - list(base())[-1])) > 1e-3


@pytest.mark.parametrize(
    ("cls", "expected"),
    [
        (opts.SGD, {"learning_rate": 0.01, "momentum": 0.0, "nesterov": False}),
        (opts.Adam, {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7, "amsgrad": False}),
        (opts.AdamW, {"learning_rate": 0.001, "weight_decay": 0.004, "beta_1": 0.9, "beta_2": 0.999}),
        (opts.RMSprop, {"learning_rate": 0.001, "rho": 0.9, "momentum": 0.0, "epsilon": 1e-7, "centered": False}),
        (opts.Adagrad, {"learning_rate": 0.001, "initial_accumulator_value": 0.1, "epsilon": 1e-7}),
    ],
)
def test_keras_defaults(cls, expected):
    opt = cls()
    for attr, value in expected.items():
        assert getattr(opt, attr) == pytest.approx(value, rel=1e-12), attr
    assert opt.clipnorm is opt.clipvalue is opt.global_clipnorm is None


# -- weight decay ---------------------------------------------------------------------
def test_adamw_decay_is_decoupled_and_excludable():
    w, b = tg.Variable(W0.copy(), name="kernel"), tg.Variable(W0.copy(), name="bias")
    opt = opts.AdamW(learning_rate=0.1, weight_decay=0.5)
    opt.exclude_from_weight_decay(var_names=["bias"])
    zero = tg.zeros([2], tg.float64)
    for _ in range(3):  # a zero gradient makes the Adam step zero: only the decay acts
        opt.apply_gradients([(zero, w), (zero, b)])
    np.testing.assert_allclose(w.numpy(), W0 * (1 - 0.1 * 0.5) ** 3, rtol=1e-12)
    np.testing.assert_array_equal(b.numpy(), W0)


def test_adamw_requires_weight_decay():
    with pytest.raises(ValueError, match="weight_decay"):
        opts.AdamW(weight_decay=None)


# -- clipping -------------------------------------------------------------------------
def _sgd_step(grads, **clip):
    """The change one SGD(lr=1) step makes to variables starting at zero."""
    vs = [tg.Variable(np.zeros(np.shape(g)), name=f"v{i}") for i, g in enumerate(grads)]
    opts.SGD(1.0, **clip).apply_gradients(zip([tg.constant(np.asarray(g, float)) for g in grads], vs))
    return [-v.numpy() for v in vs]


@pytest.mark.parametrize(
    ("clip", "grads", "expected"),
    [
        ({"clipnorm": 1.0}, [[3.0, 4.0], [0.3, 0.4]], [[0.6, 0.8], [0.3, 0.4]]),  # per variable
        ({"global_clipnorm": 1.0}, [[3.0, 0.0], [4.0]], [[0.6, 0.0], [0.8]]),  # jointly: global norm 5
        ({"global_clipnorm": 10.0}, [[3.0, 0.0], [4.0]], [[3.0, 0.0], [4.0]]),  # below the limit: unchanged
        ({"clipvalue": 0.5}, [[3.0, -0.2], [-4.0]], [[0.5, -0.2], [-0.5]]),
        ({"clipvalue": 0.5, "clipnorm": 0.5}, [[3.0, 0.0]], [[0.5, 0.0]]),  # value, then norm
        ({"clipvalue": 2.0, "clipnorm": 1.0}, [[3.0, 4.0]], [[1 / math.sqrt(2), 1 / math.sqrt(2)]]),
    ],
)
def test_gradient_clipping(clip, grads, expected):
    for got, want in zip(_sgd_step(grads, **clip), expected):
        np.testing.assert_allclose(got, want, rtol=1e-12)


def test_clipnorm_and_global_clipnorm_are_exclusive():
    with pytest.raises(ValueError, match="only one of clipnorm and global_clipnorm"):
        opts.Adam(clipnorm=1.0, global_clipnorm=1.0)


# -- gradients that are missing or malformed --------------------------------------------
def test_none_gradient_is_skipped_with_a_warning_naming_the_variable():
    a, b = tg.Variable([1.0, 2.0], name="alpha"), tg.Variable([3.0, 4.0], name="beta")
    opt = opts.Adam(0.1)
    with pytest.warns(UserWarning, match="beta"):
        opt.apply_gradients([(tg.constant([1.0, 1.0]), a), (None, b)])
    np.testing.assert_array_equal(b.numpy(), [3.0, 4.0])
    assert not np.allclose(a.numpy(), [1.0, 2.0])
    assert opt.iterations == 1
    with pytest.raises(KeyError, match="no slots"):
        opt.get_slot(b, "m")
    with pytest.raises(ValueError, match="no gradients provided for any variable"):
        opt.apply_gradients([(None, a), (None, b)])


def test_shape_mismatch_names_the_variable():
    w = tg.Variable([1.0, 2.0], name="weights")
    with pytest.raises(ValueError, match=r"shape \(3,\) does not match the shape \(2,\) of variable weights"):
        opts.SGD().apply_gradients([(tg.constant([1.0, 2.0, 3.0]), w)])
    with pytest.raises(ValueError, match="weights"):
        opts.SGD().apply_gradients([(tg.constant([[1.0, 2.0]]), w)])


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: opts.SGD(momentum=1.5), "momentum"),
        (lambda: opts.Adam(beta_1=1.0), "beta_1"),
        (lambda: opts.Adam(learning_rate=-0.1), "learning_rate"),
        (lambda: opts.RMSprop(clipvalue=-1.0), "clipvalue"),
        (lambda: opts.Adagrad(initial_accumulator_value=-1.0), "initial_accumulator_value"),
    ],
)
def test_invalid_hyperparameters(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_invalid_variables():
    w = tg.Variable([1.0], name="w")
    with pytest.raises(ValueError, match="more than once"):
        opts.SGD().apply_gradients([(tg.constant([1.0]), w), (tg.constant([1.0]), w)])
    with pytest.raises(ValueError, match="floating-point"):
        opts.SGD().apply_gradients([(tg.constant([1]), tg.Variable([1], name="count"))])
    with pytest.raises(TypeError, match="pairs"):
        opts.SGD().apply_gradients([tg.constant([1.0])])


# -- minimize ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "make_opt",
    [
        lambda: opts.SGD(0.1),
        lambda: opts.SGD(0.05, momentum=0.9, nesterov=True),
        lambda: opts.Adam(0.05),
        lambda: opts.AdamW(0.05, weight_decay=1e-4),
        lambda: opts.RMSprop(0.01, momentum=0.5, centered=True),
        lambda: opts.Adagrad(0.5),
    ],
)
def test_minimize_reaches_the_minimum_of_a_quadratic(make_opt):
    target = tg.constant([3.0, -1.0])
    w = tg.Variable([0.0, 0.0], name="w")
    opt = make_opt()

    def loss():
        return tg.reduce_sum(tg.constant([1.0, 2.0]) * tg.square(w - target))

    start = float(loss())
    for _ in range(400):
        opt.minimize(loss, var_list=[w])
    assert opt.iterations == 400
    assert float(loss()) < 1e-3 * start
    np.testing.assert_allclose(w.numpy(), [3.0, -1.0], atol=2e-2)


def test_minimize_with_tensor_loss_needs_the_tape():
    w = tg.Variable([1.0, 2.0], name="w")
    opt = opts.SGD(0.5)
    with tg.GradientTape() as tape:
        loss = tg.reduce_sum(tg.square(w))
    assert opt.minimize(loss, [w], tape=tape) == 1
    np.testing.assert_allclose(w.numpy(), [0.0, 0.0])
    with pytest.raises(ValueError, match="tape"):
        opt.minimize(tg.reduce_sum(w), [w])


def test_leaf_tensors_are_updated_like_variables():
    p = tg.tensor([1.0, -2.0], requires_grad=True)
    w = tg.Variable([1.0, -2.0], name="w")
    opt_p, opt_w = opts.Adam(0.1), opts.Adam(0.1)
    for _ in range(3):
        tg.reduce_sum(p**3).backward()
        opt_p.apply_gradients([(p.grad, p)])
        p.grad = None
        opt_w.minimize(lambda: tg.reduce_sum(w**3), [w])
    np.testing.assert_allclose(p.numpy(), w.numpy(), rtol=1e-6)
    assert p.is_leaf and p.requires_grad and p.grad_fn is None
    assert opt_p.get_slot(p, "m").name == "Adam/m/param_0:0"


def test_updates_are_not_recorded():
    w = tg.Variable([1.0, 2.0], name="w")
    with tg.GradientTape(persistent=True) as tape:
        opts.Adam(0.1).apply_gradients([(tg.constant([1.0, 1.0]), w)])
        y = w * 2.0
    # Only the op after the update is on the tape: the gradient is 2, not a path through the update.
    np.testing.assert_allclose(tape.gradient(y, w).numpy(), [2.0, 2.0])
    p = tg.tensor([1.0, 2.0], requires_grad=True)
    opts.SGD(0.1, momentum=0.9).apply_gradients([(tg.constant([1.0, 1.0]), p)])
    assert p.grad_fn is None


# -- dtypes -----------------------------------------------------------------------------
@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_preserved(case, dtype):
    opt = CASES[case][0]()
    w = tg.Variable(W0.astype(dtype), name="w")
    for g in GRADS:  # float64 gradients, whatever the variable's dtype
        opt.apply_gradients([(tg.constant(g), w)])
    assert w.dtype == dtype
    assert all(opt.get_slot(w, s).dtype == dtype for s in opt.get_slot_names())
    expected = list(CASES[case][1]())[-1]
    np.testing.assert_allclose(w.numpy(), expected, rtol=1e-5 if dtype == np.float32 else 1e-12)


# -- state: slots, names, iterations, learning rate -------------------------------------
@pytest.mark.parametrize(
    ("make_opt", "slot_names"),
    [
        (lambda: opts.SGD(), []),
        (lambda: opts.SGD(momentum=0.5), ["momentum"]),
        (lambda: opts.Adam(), ["m", "v"]),
        (lambda: opts.Adam(amsgrad=True), ["m", "v", "vhat"]),
        (lambda: opts.AdamW(), ["m", "v"]),
        (lambda: opts.RMSprop(), ["velocity"]),
        (lambda: opts.RMSprop(momentum=0.5, centered=True), ["velocity", "momentum", "average_gradient"]),
        (lambda: opts.Adagrad(), ["accumulator"]),
    ],
)
def test_slots_are_variables_with_deterministic_names(make_opt, slot_names):
    def run():
        opt = make_opt()
        w, b = tg.Variable([1.0, 2.0], name="dense/kernel"), tg.Variable([0.5], name="dense/bias")
        opt.apply_gradients([(tg.constant([0.1, 0.2]), w), (tg.constant([0.3]), b)])
        return opt, w, b

    opt, w, b = run()
    prefix = type(opt).__name__
    assert opt.get_slot_names() == slot_names
    expected = [f"{prefix}/iterations:0", f"{prefix}/learning_rate:0"]
    for var in ("dense/kernel", "dense/bias"):
        expected += [f"{prefix}/{s}/{var}:0" for s in slot_names]
    names = [v.name for v in opt.variables]
    assert names == expected
    assert names == [v.name for v in run()[0].variables]  # same again for a fresh optimizer
    assert all(isinstance(v, tg.Variable) and not v.trainable for v in opt.variables)
    for s in slot_names:
        assert opt.get_slot(w, s).shape == w.shape and opt.get_slot(b, s).shape == b.shape
        assert any(v is opt.get_slot(w, s) for v in opt.variables)
    assert [id(v) for v in opt.variables()] == [id(v) for v in opt.variables]  # callable too, as in TF 2


def test_slot_values_and_aliases():
    w = tg.Variable([1.0, 2.0], name="w")
    opt = opts.Adam(0.1, beta_1=0.5, beta_2=0.75)
    opt.apply_gradients([(tg.constant([2.0, -4.0]), w)])
    np.testing.assert_allclose(opt.get_slot(w, "m").numpy(), [1.0, -2.0])
    np.testing.assert_allclose(opt.get_slot(w, "v").numpy(), [1.0, 4.0])
    assert opt.get_slot(w, "momentum") is opt.get_slot(w, "m")  # Keras 3's names
    assert opt.get_slot(w, "velocity") is opt.get_slot(w, "v")
    with pytest.raises(KeyError, match="no slot 'nope'"):
        opt.get_slot(w, "nope")
    acc = opts.Adagrad(initial_accumulator_value=0.25)
    acc.build([w])
    np.testing.assert_array_equal(acc.get_slot(w, "accumulator").numpy(), [0.25, 0.25])


def test_variables_with_the_same_name_get_distinct_slots():
    a, b = tg.Variable([1.0], name="w"), tg.Variable([2.0], name="w")
    opt = opts.SGD(momentum=0.9)
    opt.build([a, b])
    assert [v.name for v in opt.variables[2:]] == ["SGD/momentum/w:0", "SGD/momentum/w_1:0"]


def test_iterations_counts_steps():
    w = tg.Variable([1.0], name="w")
    opt = opts.SGD(0.1)
    assert opt.iterations == 0
    for step in range(1, 4):
        assert opt.apply_gradients([(tg.constant([1.0]), w)]) == step
        assert opt.iterations == step
        assert int(opt.variables[0].numpy()) == step
    assert opt.minimize(lambda: tg.reduce_sum(w), [w]) == 4
    assert opt.apply_gradients([]) == 4  # nothing to apply: no step


def test_learning_rate_is_settable():
    w = tg.Variable([0.0], name="w")
    opt = opts.SGD(0.1)
    assert opt.learning_rate == pytest.approx(0.1)
    opt.learning_rate = 0.5
    opt.apply_gradients([(tg.constant([1.0]), w)])
    np.testing.assert_allclose(w.numpy(), [-0.5])
    opt.learning_rate = schedules.PiecewiseConstantDecay([1, 2], [1.0, 0.1, 0.01])
    assert opt.learning_rate == 1.0  # iterations is 1: still in the first piece
    opt.apply_gradients([(tg.constant([1.0]), w)])
    assert opt.learning_rate == pytest.approx(0.1)
    with pytest.raises(ValueError, match="learning_rate"):
        opt.learning_rate = -1.0
    with pytest.raises(TypeError, match="learning_rate"):
        opt.learning_rate = "fast"


def test_schedule_drives_the_steps():
    w = tg.Variable([0.0], name="w")
    opt = opts.SGD(learning_rate=schedules.ExponentialDecay(1.0, decay_steps=1, decay_rate=0.5))
    for _ in range(3):
        opt.apply_gradients([(tg.constant([1.0]), w)])
    np.testing.assert_allclose(w.numpy(), [-(1.0 + 0.5 + 0.25)])
    assert opt.learning_rate == pytest.approx(0.125)  # for the next step
    assert float(opt.variables[1].numpy()) == pytest.approx(0.25)  # the rate of the latest step
    plain_callable = opts.SGD(learning_rate=lambda step: 0.1 * (step + 1))
    plain_callable.apply_gradients([(tg.constant([1.0]), w)])
    assert plain_callable.learning_rate == pytest.approx(0.2)


def test_config_round_trip():
    opt = opts.Adam(schedules.CosineDecay(0.1, 10), beta_1=0.5, amsgrad=True, clipnorm=2.0)
    clone = opts.Adam.from_config(opt.get_config())
    assert clone.get_config() == opt.get_config()
    assert clone.beta_1 == 0.5 and clone.amsgrad and clone.clipnorm == 2.0
    assert clone.learning_rate == pytest.approx(0.1)


# -- schedules --------------------------------------------------------------------------
def _cosine(lr, s, n, alpha=0.0):
    return lr * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * min(s, n) / n)) + alpha)


@pytest.mark.parametrize(
    ("schedule", "expected"),
    [
        (schedules.ExponentialDecay(0.1, 10, 0.5), {0: 0.1, 5: 0.1 * 0.5**0.5, 10: 0.05, 25: 0.1 * 0.5**2.5}),
        (schedules.ExponentialDecay(0.1, 10, 0.5, staircase=True), {0: 0.1, 9: 0.1, 10: 0.05, 25: 0.025}),
        (schedules.CosineDecay(1.0, 100), {0: 1.0, 50: 0.5, 100: 0.0, 150: 0.0, 25: _cosine(1.0, 25, 100)}),
        (schedules.CosineDecay(1.0, 100, alpha=0.1), {0: 1.0, 50: 0.55, 100: 0.1, 1000: 0.1}),
        (
            schedules.CosineDecay(0.0, 10, warmup_target=1.0, warmup_steps=4),
            {0: 0.0, 1: 0.25, 3: 0.75, 4: 1.0, 9: 0.5, 14: 0.0, 20: 0.0, 7: _cosine(1.0, 3, 10)},
        ),
        (
            schedules.PiecewiseConstantDecay([10, 20], [1.0, 0.5, 0.1]),
            {0: 1.0, 10: 1.0, 11: 0.5, 20: 0.5, 20.5: 0.1, 1000: 0.1},
        ),
    ],
)
def test_schedule_values(schedule, expected):
    for step, value in expected.items():
        assert schedule(step) == pytest.approx(value, abs=1e-12), step
        assert schedule(tg.constant(step)) == pytest.approx(value, rel=1e-6, abs=1e-7), step
    assert isinstance(schedule, schedules.LearningRateSchedule)
    assert schedules.deserialize(schedules.serialize(schedule)).get_config() == schedule.get_config()


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: schedules.ExponentialDecay(0.1, 0, 0.5), "decay_steps"),
        (lambda: schedules.CosineDecay(0.1, 0), "decay_steps"),
        (lambda: schedules.PiecewiseConstantDecay([1, 2], [1.0, 2.0]), "one more"),
        (lambda: schedules.PiecewiseConstantDecay([2, 1], [1.0, 2.0, 3.0]), "increasing"),
    ],
)
def test_invalid_schedules(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_apply_gradients_raises_no_warning_when_all_gradients_exist():
    w = tg.Variable([1.0], name="w")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opts.RMSprop().apply_gradients([(tg.constant([1.0]), w)])
