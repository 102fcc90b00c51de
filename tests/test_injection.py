"""No code from names: op type names follow TensorFlow's rule, and tg.function's generated source
holds only names it makes and literals that are the repr of plain values, whatever the strings in
the graph (op names, attributes, variable names, ``name=`` arguments, dict keys)."""

import ast
import re

import numpy as np
import pytest

import tapegrad as tg
from tapegrad.engine.dispatch import apply
from tapegrad.engine.registry import _GRADIENTS, _JVPS, OPS, OpDef, RegisterJVP, check_op_type


@pytest.fixture
def marker(tmp_path):
    """A file that any payload below creates if it ever runs (checked absent after each test)."""
    path = tmp_path / "pwned"
    yield path
    assert not path.exists(), "a string from the graph ran as code"


def _payloads(marker) -> list:
    """Strings that break out of a comment, a string literal or a line of generated source."""
    touch = f"__import__('os').system('touch {marker}')"
    return [
        f"X\n    {touch}",  # ends a `# name` comment: runs on every call
        f"X\n{touch}\ndef _():\n    #",  # runs when the source is compiled
        f"X\r    {touch}",
        f"X\u2028    {touch}",  # a line break for str.splitlines (linecache), not for Python
        f"'); {touch}; ('",
        f'"); {touch}; ("',
        f"'''\n{touch}\n'''",
        f'"""\n{touch}\n"""',
        f"\\\n{touch}",
        "X\x00Y",  # compile() rejects NUL bytes in source and in file names
        "X\n        odd = 1",  # odd indentation: a SyntaxError in the generated code
        "{x}",
        "",
    ]


class EvilRepr(str):
    """A str whose repr is code: only plain str values may be written as literals."""

    def __repr__(self):
        return self._code

    def __format__(self, spec):
        return self._code


def _evil(marker) -> EvilRepr:
    s = EvilRepr("benign")
    s._code = f"__import__('os').system('touch {marker}')"
    return s


def _check_source(cf) -> None:
    """The generated source uses only names compile.py makes, and attributes only of ``xp`` and variables."""
    (run,) = ast.parse(cf.source).body
    for node in ast.walk(run):
        if isinstance(node, ast.Name):
            assert re.fullmatch(r"_assign|xp|a\d+|v\d+_\d+|c\d+|k\d+|var\d+|attrs\d+", node.id), node.id
        if isinstance(node, ast.Attribute):
            assert isinstance(node.value, ast.Name) and (node.value.id == "xp" or node.attr == "_value"), node.attr
        assert not isinstance(node, ast.Import | ast.ImportFrom | ast.Lambda | ast.FunctionDef) or node is run


# -- op type names --------------------------------------------------------------------------------

VALID = ["MyOp", "My_Op2", "A", "MyLib>MyOp", "A>B_2>C", "_Internal", "_", "_lower>x"]
INVALID = ["", "myOp", "1Op", "My Op", "MyOp\n", "My-Op", "My.Op", "MyOp>", ">MyOp", "MyLib>myOp", "My>>Op",
           "Mÿ", "MyOp\x00", "_a b", "_\n"]  # fmt: skip
REGISTRARS = {
    "primitive": lambda name: tg.primitive(name)(lambda x: x),
    "RegisterGradient": lambda name: tg.RegisterGradient(name)(lambda op, g: g),
    "NotDifferentiable": tg.NotDifferentiable,
    "RegisterJVP": lambda name: RegisterJVP(name)(lambda op, t: t),
}


@pytest.mark.parametrize("who", sorted(REGISTRARS))
@pytest.mark.parametrize("name", INVALID + ["X\n    __import__('os').system('touch pwned')"])
def test_registering_an_invalid_op_type_name_raises_value_error_giving_the_rule(who, name):
    before = (set(OPS), set(_GRADIENTS), set(_JVPS))
    with pytest.raises(ValueError, match=rf"{who}: invalid op type name .*CamelCase.*\[A-Z\]\[A-Za-z0-9_\]\*"):
        REGISTRARS[who](name)
    assert (set(OPS), set(_GRADIENTS), set(_JVPS)) == before


@pytest.mark.parametrize("name", VALID)
def test_tensorflows_op_names_are_valid(name):
    assert check_op_type(name, "test") == name


def test_registering_a_non_string_op_type_raises_type_error():
    for who, register in REGISTRARS.items():
        with pytest.raises(TypeError, match=f"{who}: op_type must be a string, got int"):
            register(3)


def test_every_builtin_op_type_follows_the_rule():
    for name in OPS:
        check_op_type(name, "test")


# -- generated source -----------------------------------------------------------------------------


def _kernel(x, **attrs):
    return x * 2.0


PAYLOADS = range(len(_payloads("marker")))


@pytest.mark.parametrize("i", PAYLOADS)
def test_op_names_never_enter_generated_source(marker, i):
    """Even an OpDef made without the registry (so without its check) cannot inject code."""
    payload = _payloads(marker)[i]
    op = OpDef(payload, _kernel, (), builtin=True)

    @tg.function
    def f(x):
        return apply(op, (x,), {}) + 1.0

    cf = f.get_concrete_function(tg.constant([1.0, 2.0]))
    _check_source(cf)
    np.testing.assert_array_equal(f(np.array([1.0, 2.0])).numpy(), [3.0, 5.0])
    assert payload not in cf.source or payload == ""


@tg.primitive("InjectionProbe")
def _probe(x, tag="plain", shape=(1,)):
    return x * 2.0


tg.NotDifferentiable("InjectionProbe")


def test_attribute_values_enter_source_only_as_the_repr_of_plain_values(marker):
    evil = _evil(marker)
    values = [*_payloads(marker), evil, (evil,), ("a", (1, (evil,))), 10**5000, -(2**63) - 1, b"\n__import__", 1.5,
              float("nan"), ((((((1,),),),),),), tuple(range(1000)), "x" * 10_000]  # fmt: skip
    for value in values:

        @tg.function
        def f(x, value=value):
            return _probe(x, tag=value)

        cf = f.get_concrete_function(tg.constant([1.0]))
        _check_source(cf)
        assert f(np.array([1.0])).numpy().tolist() == [2.0]
        (call,) = [op for op in cf.optimized_graph.operations if op.type == "InjectionProbe"]
        assert call.attrs["tag"] is value  # passed unchanged (by reference where not a literal)
        if type(value) is str and len(value) < 100:
            assert f"tag={value!r}" in cf.source


def test_attribute_names_that_are_not_plain_identifiers_are_passed_by_reference(marker):
    payloads = _payloads(marker)
    for key in [*payloads, "class", "\uff58", "a b", _evil(marker)]:  # (a full-width x: Python reads it as x)

        @tg.function
        def f(x, key=key):
            return apply(_ANY_ATTRS, (x,), {key: 1})

        cf = f.get_concrete_function(tg.constant([1.0]))
        _check_source(cf)
        assert "**attrs" in cf.source
        assert f(np.array([1.0])).numpy().tolist() == [2.0]


_ANY_ATTRS = OpDef("AnyAttributes", _kernel, (), builtin=True)


@pytest.mark.parametrize("i", PAYLOADS)
def test_variable_names_op_name_arguments_function_names_and_dict_keys(marker, i):
    payloads = _payloads(marker)
    payload = payloads[i]
    variables = [tg.Variable(float(n), name=p) for n, p in enumerate(payloads)]

    def body(inputs):
        out = {}
        for (key, x), v in zip(inputs.items(), variables):
            y = tg.add(x, v, name=payload) * tg.constant(1.0, name=payload)
            v.assign(y)
            out[key] = {payload: [y, (tg.reduce_sum(y, name=payload),)]}
        return out

    f = tg.function(body, name=payload)
    inputs = {p: tg.constant(1.0) for p in payloads}
    cf = f.get_concrete_function(inputs)
    _check_source(cf)
    result = f(inputs)
    assert set(result) == set(payloads)
    assert all(set(r) == {payload} for r in result.values())
    f(inputs)  # runs again: the compiled source is reused


def _triple():
    """An ``autograd.Function`` class (x -> 3x) whose name can be set afterwards."""

    def forward(ctx, x):
        return x * 3.0

    def backward(ctx, g):
        return g * 3.0

    return type(
        "Triple", (tg.autograd.Function,), {"forward": staticmethod(forward), "backward": staticmethod(backward)}
    )


@pytest.mark.parametrize("i", PAYLOADS)
def test_function_and_custom_gradient_names_never_enter_source(marker, i):
    """``autograd.Function`` and ``custom_gradient`` calls are aliases in a graph, not ops; any class name works."""
    payload = _payloads(marker)[i]
    triple = _triple()
    triple.__name__ = triple.__qualname__ = payload.replace("\x00", "")  # (type names can't hold NUL)

    def square(x):
        return x * x, lambda dy: dy * 2.0 * x

    square.__name__ = square.__qualname__ = payload
    square = tg.custom_gradient(square)

    @tg.function
    def f(x):
        with tg.GradientTape() as tape:
            tape.watch(x)
            y = triple.apply(square(x))
        return y, tape.gradient(y, x)

    cf = f.get_concrete_function(tg.constant(2.0))
    _check_source(cf)
    y, g = f(tg.constant(2.0))
    assert (y.numpy(), g.numpy()) == (12.0, 12.0)
