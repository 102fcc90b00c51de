"""The end-to-end examples run (when their extras are installed)."""

import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "examples"))


def test_digits_training_reaches_high_accuracy_and_round_trips_a_checkpoint(tmp_path):
    pytest.importorskip("sklearn")
    pytest.importorskip("tqdm")
    pytest.importorskip("safetensors")
    import digits

    import tapegrad as tg

    tg.random.set_seed(0)
    x_train, x_test, y_train, y_test = digits.load_split()
    model = digits.build_model()
    losses = digits.train(model, x_train, y_train, epochs=8)
    assert losses[-1] < losses[0] / 5
    acc = digits.accuracy(model, x_test, y_test)
    assert acc >= 0.93
    path = tg.train.Checkpoint(model=model).save(str(tmp_path / "digits"))
    fresh = digits.build_model()
    fresh(x_test[:1])
    tg.train.Checkpoint(model=fresh).restore(path)
    np.testing.assert_array_equal(fresh(x_test).numpy(), model(x_test).numpy())
