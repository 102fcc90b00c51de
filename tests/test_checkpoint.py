"""tg.train checkpoints: safetensors files, deterministic names, strict all-or-nothing restores,
atomic writes, and refusal of anything that is not a checkpoint (never unpickling)."""

import os
import pathlib
import pickle
import stat
import sys

import numpy as np
import pytest

import tapegrad as tg
from tapegrad import train

safetensors_numpy = pytest.importorskip("safetensors.numpy")


def _bits(x) -> bytes:
    array = x.numpy() if isinstance(x, tg.Tensor) else np.asarray(x)
    return array.dtype.str.encode() + repr(array.shape).encode() + array.tobytes()


def _special_values(dtype, shape, rng):
    dtype = np.dtype(dtype)
    size = int(np.prod(shape))
    if dtype.kind == "f":
        info = np.finfo(dtype)
        pool = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, info.tiny, info.max, -info.min, info.eps], dtype)
        pool = np.concatenate([pool, info.tiny / 4 * np.ones(1, dtype)])  # a subnormal
        values = rng.standard_normal(size).astype(dtype)
    elif dtype.kind == "b":
        pool = np.array([True, False])
        values = rng.integers(0, 2, size).astype(dtype)
    else:
        info = np.iinfo(dtype)
        pool = np.array([info.min, info.max, 0, 1], dtype)
        values = rng.integers(info.min, info.max, size, dtype=dtype, endpoint=True)
    values[: min(size, len(pool))] = pool[: min(size, len(pool))]
    return values.reshape(shape)


DTYPES = ["float16", "float32", "float64", "int8", "int32", "int64", "uint8", "uint64", "bool"]
SHAPES = [(), (0,), (7,), (2, 3, 4), (1, 0, 5)]


# --------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("dtype", DTYPES)
def test_round_trip_is_bit_exact_for_every_dtype_and_shape(tmp_path, rng, dtype):
    originals = {f"v{i}": _special_values(dtype, shape, rng) for i, shape in enumerate(SHAPES)}
    saved = train.Checkpoint(**{k: tg.Variable(v) for k, v in originals.items()})
    path = saved.save(tmp_path / "ckpt")

    fresh = {k: tg.Variable(np.zeros(v.shape, v.dtype)) for k, v in originals.items()}
    train.Checkpoint(**fresh).restore(path)
    reader = train.load_checkpoint(path)
    for key, value in originals.items():
        assert _bits(fresh[key]) == _bits(value), key
        assert _bits(reader.get_tensor(key)) == _bits(value), key
        assert fresh[key].dtype == np.dtype(dtype)
        assert fresh[key].shape == value.shape


def test_nan_payloads_and_negative_zero_survive(tmp_path):
    raw = np.array([0x7FC00001, 0xFFC12345, 0x80000000, 0x00000001], np.uint32).view(np.float32)
    v = tg.Variable(raw.copy())
    ckpt = train.Checkpoint(v=v)
    path = ckpt.write(tmp_path / "w.safetensors")
    v.assign(np.ones(4, np.float32))
    ckpt.read(path)
    assert v.numpy().view(np.uint32).tolist() == raw.view(np.uint32).tolist()


def test_restore_into_a_freshly_built_model(tmp_path, rng):
    def build():
        return tg.nn.Sequential([tg.nn.Dense(4, activation="tanh", input_dim=3), tg.nn.Dense(2, input_dim=4)])

    model, step = build(), tg.Variable(np.int64(41), trainable=False)
    path = train.Checkpoint(model=model, step=step).save(tmp_path / "run" / "ckpt")
    x = rng.standard_normal((5, 3)).astype(np.float32)
    expected = model(x).numpy()

    # The fresh layers get other default names (dense_2, ...); checkpoint names come from attributes.
    model2, step2 = build(), tg.Variable(np.int64(0), trainable=False)
    assert model2.layers[0].kernel.name != model.layers[0].kernel.name
    assert not np.array_equal(model2(x).numpy(), expected)
    assert train.latest_checkpoint(tmp_path / "run") == path
    status = train.Checkpoint(model=model2, step=step2).restore(train.latest_checkpoint(tmp_path / "run"))
    status.assert_consumed()
    assert np.array_equal(model2(x).numpy(), expected)
    assert int(step2) == 41
    for a, b in zip(model.variables, model2.variables):
        assert _bits(a) == _bits(b)


def test_restore_accepts_pathlike_and_tensorflow_style_prefix(tmp_path):
    v = tg.Variable([1.0, 2.0])
    path = train.Checkpoint(v=v).save(tmp_path / "ckpt")
    w = tg.Variable([0.0, 0.0])
    train.Checkpoint(v=w).restore(pathlib.Path(path))
    assert w.numpy().tolist() == [1.0, 2.0]
    w.assign([0.0, 0.0])
    train.Checkpoint(v=w).restore(str(tmp_path / "ckpt-1"))  # without the extension, as TF writes it
    assert w.numpy().tolist() == [1.0, 2.0]


def test_compatible_dtypes_are_cast_on_restore(tmp_path):
    path = train.Checkpoint(a=tg.Variable(np.array([1.5, -2.25])), b=tg.Variable(np.array([3, -4], np.int64))).save(
        tmp_path / "c"
    )
    a, b = tg.Variable(np.zeros(2, np.float32)), tg.Variable(np.zeros(2, np.int16))
    train.Checkpoint(a=a, b=b).restore(path)
    assert a.dtype == np.float32 and a.numpy().tolist() == [1.5, -2.25]
    assert b.dtype == np.int16 and b.numpy().tolist() == [3, -4]


# --------------------------------------------------------------------------- counter, paths, latest


def test_save_counter_paths_and_latest_checkpoint(tmp_path):
    v = tg.Variable(0.0)
    ckpt = train.Checkpoint(v=v)
    assert ckpt.save_counter == 0
    assert train.latest_checkpoint(tmp_path) is None
    assert train.latest_checkpoint(tmp_path / "nowhere") is None

    paths = []
    for i in range(1, 4):
        v.assign(float(i))
        paths.append(ckpt.save(tmp_path / "ckpt"))
        assert ckpt.save_counter == i
    assert paths == [str(tmp_path / f"ckpt-{i}.safetensors") for i in (1, 2, 3)]
    assert all(os.path.isfile(p) for p in paths)
    assert train.latest_checkpoint(tmp_path) == paths[-1]
    assert train.load_checkpoint(paths[1]).metadata["save_counter"] == "2"

    # write() writes exactly the path and does not count.
    written = ckpt.write(tmp_path / "exact.safetensors")
    assert written == str(tmp_path / "exact.safetensors") and ckpt.save_counter == 3

    # Files that merely look like checkpoints are skipped.
    safetensors_numpy.save_file({"x": np.zeros(1)}, str(tmp_path / "foreign-99.safetensors"))
    (tmp_path / "junk-100.safetensors").write_bytes(b"\x00" * 64)
    assert train.latest_checkpoint(tmp_path) == paths[-1]

    # restore() brings the counter back, so numbering continues from the restored checkpoint.
    again = train.Checkpoint(v=tg.Variable(9.0))
    again.restore(paths[1])
    assert again.save_counter == 2 and float(again.v) == 2.0
    assert again.save(tmp_path / "ckpt") == paths[2]
    # read() leaves the counter alone.
    other = train.Checkpoint(v=tg.Variable(9.0))
    other.read(paths[0])
    assert other.save_counter == 0 and float(other.v) == 1.0


def test_latest_checkpoint_is_the_last_written(tmp_path):
    ckpt = train.Checkpoint(v=tg.Variable(1.0))
    first, second = ckpt.save(tmp_path / "a"), ckpt.save(tmp_path / "a")
    os.utime(first, ns=(2_000_000_000_000_000_000, 2_000_000_000_000_000_000))
    os.utime(second, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    assert train.latest_checkpoint(tmp_path) == first
    # Equal times: the larger number wins.
    os.utime(first, ns=(5, 5))
    os.utime(second, ns=(5, 5))
    assert train.latest_checkpoint(tmp_path) == second


def test_restore_none_is_a_no_op_with_failing_status():
    v = tg.Variable(3.0)
    status = train.Checkpoint(v=v).restore(None)
    assert float(v) == 3.0
    with pytest.raises(AssertionError, match="no checkpoint"):
        status.assert_consumed()


def test_assert_consumed_sees_variables_added_after_restore(tmp_path):
    model = tg.nn.Sequential([tg.nn.Dense(2, input_dim=2)])
    ckpt = train.Checkpoint(model=model)
    status = ckpt.restore(ckpt.save(tmp_path / "c"))
    assert status.assert_consumed() is status
    model.add(tg.nn.Dense(1, input_dim=2))
    with pytest.raises(AssertionError, match="model/layers/1/kernel"):
        status.assert_consumed()


# --------------------------------------------------------------------------- naming


class _Block(tg.nn.Module):
    def __init__(self):
        super().__init__()
        self.dense = tg.nn.Dense(3, input_dim=2)
        self.scale = tg.Variable(1.0)
        self._alias = self.scale  # also reachable, but public names win ...
        self.zz = [[self.scale]]  # ... and so do shorter paths
        self.blocks = {"b": tg.nn.Dense(1, input_dim=3), "a": tg.nn.Dense(1, input_dim=3)}

    def call(self, x):
        return self.dense(x) * self.scale


class _Optimizer:
    """Optimizer-like: a ``variables`` property, slots in a dict keyed by id (not reachable by name)."""

    def __init__(self, params):
        self.iterations = tg.Variable(np.int64(0), name="iter")
        self._slots = {id(p): tg.Variable(np.zeros(p.shape, p.dtype), name="m") for p in params}
        self._params = params

    @property
    def variables(self):
        return [self.iterations, *(self._slots[id(p)] for p in self._params)]


def test_nested_trackables_are_named_by_attribute_paths(tmp_path):
    block = _Block()
    step = tg.Variable(np.int64(5))
    opt = _Optimizer([block.dense.kernel, block.scale])
    ckpt = train.Checkpoint(
        optimizer=opt,
        model=block,
        inner=train.Checkpoint(step=step, pair=[tg.Variable(1.0), tg.Variable(2.0)]),
        table={"z": tg.Variable(0.0), "y": [tg.Variable(0.5)]},
        again=step,  # a variable tracked twice is saved once, under the first name in sorted order
    )
    names = [name for name, _ in train.list_variables(ckpt.save(tmp_path / "n"))]
    assert names == [
        "again",
        "inner/pair/0",
        "inner/pair/1",
        "model/blocks/a/bias",
        "model/blocks/a/kernel",
        "model/blocks/b/bias",
        "model/blocks/b/kernel",
        "model/dense/bias",
        "model/dense/kernel",
        "model/scale",
        "optimizer/iterations",
        "optimizer/m",  # own name, where no attribute path reaches the slot
        "optimizer/m_1",  # ... made unique
        "table/y/0",
        "table/z",
    ]
    assert ckpt.model is block and ckpt.inner.step is step


def test_names_do_not_depend_on_keyword_order_or_creation_order(tmp_path):
    def names(ckpt, tag):
        return train.list_variables(ckpt.save(tmp_path / tag))

    a, b = tg.Variable(1.0, name="x"), tg.Variable(2.0, name="x")
    assert names(train.Checkpoint(a=a, b=b), "one") == names(train.Checkpoint(b=b, a=a), "two")
    m1, m2 = _Block(), _Block()
    assert names(train.Checkpoint(m=m1), "three") == names(train.Checkpoint(m=m2), "four")


def test_name_collisions_and_untrackable_values_are_refused(tmp_path):
    with pytest.raises(ValueError, match="'a/b'"):
        train.Checkpoint(**{"a/b": tg.Variable(1.0), "a": {"b": tg.Variable(2.0)}})
    with pytest.raises(TypeError, match=r"'c' of type str"):
        train.Checkpoint(c="not a variable")
    with pytest.raises(TypeError, match="'t/0'"):
        train.Checkpoint(t=[tg.constant(1.0)])
    ckpt = train.Checkpoint(v=tg.Variable(1.0))
    with pytest.raises(TypeError, match="complex128"):
        ckpt.w = tg.Variable(np.ones(2, np.complex128))
        ckpt.save(tmp_path / "c")
    assert list(tmp_path.iterdir()) == [] and ckpt.save_counter == 0


# --------------------------------------------------------------------------- mismatches


def _tracked():
    return {
        "kernel": tg.Variable(np.arange(6.0, dtype=np.float32).reshape(2, 3)),
        "bias": tg.Variable(np.array([0.5, -0.5], np.float32)),
        "count": tg.Variable(np.int64(3)),
    }


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda t: t.pop("bias"), ["unexpected in the file", "bias"]),
        (lambda t: t.update(extra=tg.Variable(1.0)), ["missing from the file", "extra"]),
        (lambda t: t.update(kernel=tg.Variable(np.zeros((3, 2), np.float32))), ["kernel", "(2, 3)", "(3, 2)"]),
        (lambda t: t.update(count=tg.Variable(np.float32(0))), ["count", "int64", "float32"]),
        (lambda t: t.update(bias=tg.Variable(np.zeros(2, np.int32))), ["bias", "float32", "int32"]),
        (lambda t: t.update(flag=tg.Variable(True), count=tg.Variable(np.zeros(3, np.int64))), ["flag", "count"]),
    ],
)
def test_mismatches_raise_naming_variables_and_change_nothing(tmp_path, change, expected):
    path = train.Checkpoint(**_tracked()).save(tmp_path / "c")
    target = {k: tg.Variable(v.numpy() + 10) for k, v in _tracked().items()}
    change(target)
    before = {k: _bits(v) for k, v in target.items()}
    ckpt = train.Checkpoint(**target)
    with pytest.raises(ValueError, match="no variable was changed") as info:
        ckpt.restore(path)
    for text in expected:
        assert text in str(info.value)
    assert str(path) in str(info.value)
    assert {k: _bits(v) for k, v in target.items()} == before
    assert ckpt.save_counter == 0


def test_values_that_do_not_fit_the_variable_dtype_are_refused(tmp_path):
    path = train.Checkpoint(big=tg.Variable(np.array([1, 300], np.int64)), ok=tg.Variable(2.0)).save(tmp_path / "c")
    big, ok = tg.Variable(np.zeros(2, np.int8)), tg.Variable(0.0)
    with pytest.raises(ValueError, match="big") as info:
        train.Checkpoint(big=big, ok=ok).restore(path)
    assert "different shape or dtype (1): big (file: values of dtype int64 do not fit in int8)" in str(info.value)
    assert big.numpy().tolist() == [0, 0] and float(ok) == 0.0


def test_restore_refuses_a_safetensors_file_without_the_marker(tmp_path):
    foreign = tmp_path / "model.safetensors"
    safetensors_numpy.save_file({"v": np.ones(2, np.float32)}, str(foreign))
    v = tg.Variable(np.zeros(2, np.float32))
    with pytest.raises(ValueError, match="not a tapegrad checkpoint") as info:
        train.Checkpoint(v=v).restore(foreign)
    assert "model.safetensors" in str(info.value)
    assert v.numpy().tolist() == [0.0, 0.0]
    # ... but any safetensors file can be read.
    reader = train.load_checkpoint(foreign)
    assert reader.get_tensor("v").tolist() == [1.0, 1.0]


# --------------------------------------------------------------------------- readers


def test_reader_maps_and_tensors(tmp_path):
    values = {
        "a/x": np.arange(6, dtype=np.float16).reshape(3, 2),
        "b": np.array(7, np.int32),
        "c": np.zeros((0, 4), np.float64),
    }
    ckpt = train.Checkpoint(a={"x": tg.Variable(values["a/x"])}, b=tg.Variable(values["b"]), c=tg.Variable(values["c"]))
    path = ckpt.save(tmp_path / "r")
    reader = train.load_checkpoint(path)
    assert reader.get_variable_to_shape_map() == {"a/x": (3, 2), "b": (), "c": (0, 4)}
    assert reader.get_variable_to_dtype_map() == {"a/x": tg.float16, "b": tg.int32, "c": tg.float64}
    assert reader.has_tensor("b") and not reader.has_tensor("nope")
    for name, value in values.items():
        got = reader.get_tensor(name)
        assert isinstance(got, np.ndarray) and _bits(got) == _bits(value)
    got = reader.get_tensor("a/x")
    got[0, 0] = 99  # a private, writable copy
    assert reader.get_tensor("a/x")[0, 0] == 0
    with pytest.raises(KeyError, match="nope"):
        reader.get_tensor("nope")
    assert train.list_variables(path) == [("a/x", (3, 2)), ("b", ()), ("c", (0, 4))]
    assert train.list_variables(tmp_path) == train.list_variables(path)  # a directory: its newest checkpoint
    assert reader.metadata["tapegrad.checkpoint"] == "1"


# --------------------------------------------------------------------------- bad files


def _bad_file(kind, tmp_path):
    good = train.Checkpoint(w=tg.Variable(np.arange(64.0)), s=tg.Variable(1.0)).save(tmp_path / "good")
    path = tmp_path / f"bad_{kind}.safetensors"
    if kind == "truncated":
        data = pathlib.Path(good).read_bytes()
        path.write_bytes(data[: len(data) // 2])
    elif kind == "truncated_tail":
        path.write_bytes(pathlib.Path(good).read_bytes()[:-1])
    elif kind == "random":
        path.write_bytes(np.random.default_rng(1).bytes(4096))
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "directory":
        path.mkdir()
    elif kind == "text":
        path.write_text("not a checkpoint\n")
    return path


@pytest.mark.parametrize(
    ("kind", "error"),
    [
        ("truncated", ValueError),
        ("truncated_tail", ValueError),
        ("random", ValueError),
        ("empty", ValueError),
        ("text", ValueError),
        ("directory", IsADirectoryError),
        ("missing", FileNotFoundError),
    ],
)
def test_bad_files_raise_naming_the_file(tmp_path, kind, error):
    path = _bad_file(kind, tmp_path)
    w, s = tg.Variable(np.zeros(64)), tg.Variable(5.0)
    # load_checkpoint and list_variables take a directory to mean its newest checkpoint: here, none.
    reader_error = ValueError if kind == "directory" else error
    for attempt, expected in (
        (lambda: train.Checkpoint(w=w, s=s).restore(path), error),
        (lambda: train.load_checkpoint(path), reader_error),
        (lambda: train.list_variables(path), reader_error),
    ):
        with pytest.raises(expected) as info:
            attempt()
        assert path.name in str(info.value)
    assert not w.numpy().any() and float(s) == 5.0
    assert train.latest_checkpoint(tmp_path) == str(tmp_path / "good-1.safetensors")


class _Hostile:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


@pytest.mark.parametrize("protocol", [0, 2, pickle.HIGHEST_PROTOCOL])
def test_a_hostile_pickle_is_refused_and_never_unpickled(tmp_path, protocol):
    marker = tmp_path / "pwned"
    payload = pickle.dumps({"w": _Hostile(str(marker))}, protocol=protocol)
    assert not marker.exists()
    w = tg.Variable(np.zeros(3))
    for name in ("evil-1.safetensors", "evil.ckpt", "evil.pkl"):
        path = tmp_path / name
        path.write_bytes(payload)
        with pytest.raises(ValueError, match=name):
            train.Checkpoint(w=w).restore(path)
        with pytest.raises(ValueError, match=name):
            train.load_checkpoint(path)
    with pytest.raises(ValueError, match="evil-1"):
        train.Checkpoint(w=w).restore(tmp_path / "evil-1")
    assert train.latest_checkpoint(tmp_path) is None
    assert not marker.exists()
    assert not w.numpy().any()


# --------------------------------------------------------------------------- atomic writes


def test_a_crash_before_the_rename_keeps_the_previous_checkpoint(tmp_path, monkeypatch):
    v = tg.Variable(np.linspace(0.0, 1.0, 9, dtype=np.float32))
    ckpt = train.Checkpoint(v=v)
    first = ckpt.save(tmp_path / "ckpt")
    exact = ckpt.write(tmp_path / "fixed.safetensors")
    expected = _bits(v)

    def crash(src, dst):
        raise OSError("simulated crash")

    v.assign(np.full(9, -1.0, np.float32))
    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="simulated crash"):
        ckpt.save(tmp_path / "ckpt")
    with pytest.raises(OSError, match="simulated crash"):
        ckpt.write(exact)  # overwriting in place: the old file must survive too
    monkeypatch.undo()

    assert sorted(p.name for p in tmp_path.iterdir()) == ["ckpt-1.safetensors", "fixed.safetensors"]  # no temp files
    assert ckpt.save_counter == 1
    assert train.latest_checkpoint(tmp_path) in (first, exact)
    for path in (first, exact):
        assert _bits(train.load_checkpoint(path).get_tensor("v")) == expected
    fresh = tg.Variable(np.zeros(9, np.float32))
    train.Checkpoint(v=fresh).restore(first)
    assert _bits(fresh) == expected
    assert ckpt.save(tmp_path / "ckpt") == str(tmp_path / "ckpt-2.safetensors")  # numbering resumes


def test_a_crash_while_writing_leaves_no_partial_file(tmp_path, monkeypatch):
    v = tg.Variable(np.arange(100.0))
    ckpt = train.Checkpoint(v=v)
    path = ckpt.write(tmp_path / "c.safetensors")
    real_save = safetensors_numpy.save_file

    def half_then_crash(tensors, filename, metadata=None):
        real_save(tensors, filename, metadata=metadata)
        data = pathlib.Path(filename).read_bytes()
        pathlib.Path(filename).write_bytes(data[: len(data) // 2])
        raise KeyboardInterrupt  # even an interrupt cleans up

    v.assign(np.zeros(100))
    monkeypatch.setattr(safetensors_numpy, "save_file", half_then_crash)
    with pytest.raises(KeyboardInterrupt):
        ckpt.write(path)
    monkeypatch.undo()
    assert [p.name for p in tmp_path.iterdir()] == ["c.safetensors"]
    assert train.load_checkpoint(path).get_tensor("v").tolist() == list(np.arange(100.0))


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_written_files_follow_the_umask(tmp_path):
    old = os.umask(0o027)
    try:
        path = train.Checkpoint(v=tg.Variable(1.0)).save(tmp_path / "c")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640


def test_missing_safetensors_raises_an_import_error_saying_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "safetensors", None)
    monkeypatch.setitem(sys.modules, "safetensors.numpy", None)
    with pytest.raises(ImportError, match=r"tapegrad\[checkpoint\]"):
        train.Checkpoint(v=tg.Variable(1.0)).save(tmp_path / "c")
    assert list(tmp_path.iterdir()) == []
