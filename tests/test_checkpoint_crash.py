"""Crash safety of checkpoints: a writer killed with SIGKILL at random moments never leaves a
partial file at a checkpoint's path.

A forked subprocess writes checkpoints in a loop (``Checkpoint.write`` to one path, or
``Checkpoint.save`` to numbered files), each with the values of a numbered state; the test
kills it after a random delay (20 times), reading the files while it writes. Afterwards the
newest checkpoint is readable and bit-exact: the last state the writer finished, or the one
it was writing. Leftover temporary files are hidden (``.name....tmp``) and ignored by
``latest_checkpoint``.
"""

import multiprocessing
import os
import random
import signal
import sys
import time

import numpy as np
import pytest

import tapegrad as tg

pytest.importorskip("safetensors")
pytestmark = pytest.mark.skipif(
    sys.platform == "win32" or "fork" not in multiprocessing.get_all_start_methods(),
    reason="needs fork() and SIGKILL",
)

RUNS = 20
BIG = 1 << 18  # float32 elements: 1 MiB, so that a kill often lands inside a write


def _state(step: int) -> dict:
    """The values of state ``step``, the same in every process."""
    rng = np.random.default_rng(step)
    return {
        "big": rng.standard_normal(BIG).astype(np.float32),
        "small": rng.standard_normal((3, 4)),
        "step": np.int64(step),
    }


def _writer(directory: str, mode: str, completed) -> None:
    """The subprocess: write states 1, 2, 3, ... until killed; ``completed`` is the last one written."""
    variables = {name: tg.Variable(value, name=name) for name, value in _state(0).items()}
    ckpt = tg.train.Checkpoint(**variables)
    step = 0
    while True:
        step += 1
        for name, value in _state(step).items():
            variables[name].assign(value)
        if mode == "write":
            ckpt.write(os.path.join(directory, "model-1.safetensors"))
        else:
            ckpt.save(os.path.join(directory, "model"))  # model-<step>.safetensors
        completed.value = step


def _check_exact(path: str) -> int:
    """Read ``path`` with load_checkpoint; its values must be exactly those of one state. Returns it."""
    reader = tg.train.load_checkpoint(path)
    assert sorted(reader.get_variable_to_shape_map()) == ["big", "small", "step"]
    values = {name: reader.get_tensor(name) for name in ("step", "big", "small")}
    step = int(values["step"])
    expected = _state(step)
    for name, value in values.items():
        assert value.dtype == expected[name].dtype and value.shape == np.shape(expected[name])
        assert value.tobytes() == np.asarray(expected[name]).tobytes(), f"{path}: {name} is not state {step}'s"
    return step


def _check_directory(directory: str) -> list:
    """Every file is a checkpoint or a hidden temporary file; return the temporary ones.

    Temporary files are tapegrad's ``.model-<n>.safetensors.<hex>.tmp`` and the ``.tmpXXXXXX``
    that safetensors itself writes before renaming it onto tapegrad's.
    """
    leftovers = []
    for name in os.listdir(directory):
        if name.startswith("model-") and name.endswith(".safetensors"):
            continue
        assert name.startswith("."), f"unexpected file {name!r}: not a checkpoint, not hidden"
        assert not name.endswith(".safetensors"), f"a temporary file with a checkpoint's suffix: {name!r}"
        leftovers.append(name)
    return leftovers


def _run_and_kill(directory: str, mode: str, delay: float) -> int:
    """Start the writer, read checkpoints while it writes, kill it after ``delay`` s; the last step it finished."""
    ctx = multiprocessing.get_context("fork")
    completed = ctx.Value("q", 0, lock=False)
    process = ctx.Process(target=_writer, args=(directory, mode, completed), daemon=True)
    process.start()
    try:
        deadline = time.monotonic() + 30
        while completed.value < 1:  # one complete checkpoint first
            assert process.is_alive() and time.monotonic() < deadline, "the writer did not start"
            time.sleep(0.001)
        kill_at = time.monotonic() + delay
        while time.monotonic() < kill_at:
            if mode == "write":  # a reader never sees a partial file at the path
                try:
                    _check_exact(os.path.join(directory, "model-1.safetensors"))
                except ValueError as e:  # replaced by the next checkpoint between two reads: never mixed
                    assert "changed since it was opened" in str(e)
            _check_directory(directory)
            time.sleep(0.002)
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.join(10)
    assert process.exitcode == -signal.SIGKILL
    return completed.value


def test_writers_killed_at_random_moments_leave_exact_checkpoints(tmp_path):
    rng = random.Random(8)
    leftovers = []
    for run in range(RUNS):
        mode = "write" if run % 2 == 0 else "save"
        directory = tmp_path / f"run{run}"
        directory.mkdir()
        finished = _run_and_kill(str(directory), mode, delay=rng.uniform(0.0, 0.25))
        leftovers += _check_directory(str(directory))

        latest = tg.train.latest_checkpoint(directory)
        assert latest is not None and not os.path.basename(latest).startswith(".")
        step = _check_exact(latest)
        # the last checkpoint finished, or the one being written when the kill came (renamed already)
        assert step in (finished, finished + 1)
        assert _check_exact(str(directory)) == step  # load_checkpoint(directory) reads the newest one
        if mode == "write":
            assert latest == str(directory / "model-1.safetensors")
        else:
            assert latest == str(directory / f"model-{step}.safetensors")
            for n in range(1, step):  # the earlier numbered checkpoints are complete too
                assert _check_exact(str(directory / f"model-{n}.safetensors")) == n

        variables = {name: tg.Variable(np.zeros_like(value)) for name, value in _state(0).items()}
        tg.train.Checkpoint(**variables).read(latest).assert_consumed()
        assert int(variables["step"].numpy()) == step
        np.testing.assert_array_equal(variables["big"].numpy(), _state(step)["big"])
    print(f"\nhidden temporary files left by {RUNS} killed writers: {sorted(leftovers)}")
