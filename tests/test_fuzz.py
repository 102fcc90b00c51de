"""Property-based fuzzing: random programs over the op registry (see tests/fuzz_programs.py).

``make test`` checks a fixed, derandomized set of programs; ``FUZZ_EXAMPLES=n`` asks for
more. ``make fuzz`` (tests/run_fuzz.py) runs 10,000 random ones and reports every failure.
"""

import os

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fuzz_programs as fp
from tapegrad.engine.registry import OPS

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "300"))


@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@given(fp.programs())
def test_random_programs(program):
    fp.check_program(program)


def test_constraints_name_registered_ops():
    assert set(fp.CONSTRAINTS) <= set(OPS)
    assert set(fp.SKIPPED) <= set(OPS)


def test_every_differentiable_op_is_fuzzed():
    fuzzed = set(fp.fuzzable_ops())
    differentiable = {name for name, op in OPS.items() if op.builtin and op.differentiable}
    assert differentiable - fuzzed - set(fp.SKIPPED) == set()


def test_every_sample_is_a_valid_program_step():
    # the step builder falls back to the sample itself: each must satisfy the margins
    bad = []
    for name in fp.fuzzable_ops():
        for i, sample in enumerate(OPS[name].samples):
            arrays = [np.asarray(a) for a in sample.args]
            if not fp.acceptable(name, arrays, sample.attrs, fp.distances(name, arrays, sample.attrs)):
                bad.append((name, i))
    assert not bad, f"samples at a kink or a domain edge: {bad}"


@settings(max_examples=30, derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_input_layouts_keep_values(data):
    shape = data.draw(st.lists(st.integers(0, 3), max_size=3).map(tuple))
    values = np.random.default_rng(0).standard_normal(shape)
    layout = data.draw(st.sampled_from(fp.LAYOUTS[:-1]))
    inp = fp.Input(values, "float32", layout, readonly=data.draw(st.booleans()))
    a = inp.array()
    assert a.shape == shape and a.dtype == np.float32
    np.testing.assert_array_equal(a, values.astype(np.float32))
