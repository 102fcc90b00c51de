"""Smoke test of bench/: every workload, at a tiny size, gives the hand-written NumPy numbers."""

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import bench
import frameworks
from workloads import BUILDERS, TINY

AVAILABLE = frameworks.available()
# torch.func's forward mode loads decompositions written with torch.jit.script
pytestmark = pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated:DeprecationWarning")


def tiny(key: str):
    return BUILDERS[key](AVAILABLE, **TINY[key])


@pytest.mark.parametrize("key", list(BUILDERS))
def test_every_row_matches_hand_numpy(key):
    tiny(key).check()


def test_mlp_gradients_stay_float32():
    for row, run in tiny("W3").rows.items():
        _, grads = run()
        assert [np.asarray(g).dtype for g in grads] == [np.float32] * 6, row


def test_check_catches_a_wrong_row():
    work = tiny("W4")
    work.rows["eager"] = lambda: (1.0, np.zeros(10))
    with pytest.raises(AssertionError, match="W4 'eager'"):
        work.check()


def test_report_has_a_row_per_workload_and_every_target():
    settings = bench.Settings(repeats=1, min_repeats=1, budget_s=0.0)
    measured = [(work, *bench.median_seconds(work.rows, settings)) for work in (tiny("W1"), tiny("W4"))]
    memory = {"numpy": bench.peak_bytes(measured[1][0].rows["numpy"]), "eager": 1}
    text = bench.report(measured, memory, settings)
    assert "| W1 chain of 12 ops" in text and "| W4 " in text
    assert "W1 tapegrad .backward()" in text
    no_torch = all(fw.key != "torch" for fw in AVAILABLE)
    assert text.count("not measured") == 6 + no_torch  # W2, W3, W5, W6, W7, W3's tg.function (and W1's PyTorch)
    assert "W4 peak memory tapegrad eager ≤ 1.5x hand NumPy" in text
