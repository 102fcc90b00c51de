"""Checkpoints: ``tg.train.Checkpoint`` and its readers, stored as safetensors files.

A checkpoint file is a plain safetensors file (readable by any safetensors tool,
and loading one never executes code): one tensor per variable, under the
variable's *checkpoint name*, plus string metadata ``{"format": "np",
"tapegrad.checkpoint": "1", "save_counter": "<n>"}``. The ``tapegrad.checkpoint``
marker is what ``Checkpoint.restore`` requires; ``load_checkpoint`` reads any
safetensors file.

Checkpoint names
----------------
``Checkpoint(**trackables)`` names each variable by a ``/``-separated path that
depends only on the structure of the tracked objects, not on the order in which
variables were created:

- a variable passed as ``name=v`` is ``name``;
- a nested ``Checkpoint`` passed as ``name=ckpt`` contributes ``name/<its names>``;
- a list or tuple contributes ``name/0``, ``name/1``, ...; a dict (string keys)
  ``name/<key>``, keys in sorted order;
- an object that exposes variables (a ``tg.nn.Module``, an optimizer: anything
  with a ``variables`` attribute, property or method, or else
  ``trainable_variables``) saves exactly the variables it lists. Each is named
  ``name/<attribute path>``: the shortest path of attribute names (list indices,
  dict keys) from the object to the variable, searched breadth-first with public
  attributes before private ones, each group in alphabetical order. So
  ``Checkpoint(model=m)`` with ``m.dense = Dense(...)`` saves ``model/dense/kernel``
  and ``model/dense/bias``; a ``Sequential`` saves ``model/layers/0/kernel``. A
  listed variable that no attribute reaches is named ``name/<its own name>``
  (``Variable.name`` without ``:0``), with ``_1``, ``_2``, ... appended where that
  would repeat a name; give such variables explicit names, since default names
  depend on how many variables the process has created.

Keywords are visited in sorted order; a variable reached twice is saved once,
under the first name reached. Two different variables under one name raise
``ValueError``.
"""

from __future__ import annotations

import collections
import contextlib
import errno
import os
import re
import secrets

import numpy as np

from ..engine.tensor import Tensor
from ..variables import Variable

__all__ = [
    "Checkpoint",
    "CheckpointLoadStatus",
    "CheckpointReader",
    "latest_checkpoint",
    "list_variables",
    "load_checkpoint",
]

SUFFIX = ".safetensors"
MARKER_KEY = "tapegrad.checkpoint"
FORMAT_VERSION = "1"
COUNTER_KEY = "save_counter"

# safetensors dtype names that NumPy (and so tapegrad) can hold.
_DTYPES = {
    "BOOL": np.dtype(np.bool_),
    "U8": np.dtype(np.uint8),
    "I8": np.dtype(np.int8),
    "U16": np.dtype(np.uint16),
    "I16": np.dtype(np.int16),
    "U32": np.dtype(np.uint32),
    "I32": np.dtype(np.int32),
    "U64": np.dtype(np.uint64),
    "I64": np.dtype(np.int64),
    "F16": np.dtype(np.float16),
    "F32": np.dtype(np.float32),
    "F64": np.dtype(np.float64),
    "C64": np.dtype(np.complex64),
}
_STORABLE = frozenset(_DTYPES.values())
_NUMBERED = re.compile(r"(?s)(.+)-(\d+)" + re.escape(SUFFIX))
_VARIABLE_ATTRS = ("variables", "trainable_variables")


def _safetensors():
    """``(safe_open, save_file, SafetensorError)``, or ImportError saying how to install them."""
    try:
        from safetensors import SafetensorError, safe_open
        from safetensors.numpy import save_file
    except ImportError as e:
        raise ImportError(
            "tg.train checkpoints need the 'safetensors' package: pip install 'tapegrad[checkpoint]' "
            "(or pip install safetensors)"
        ) from e
    return safe_open, save_file, SafetensorError


# --------------------------------------------------------------------------- naming


def _exposes_variables(obj) -> bool:
    """True for module- or optimizer-like objects (checked without running properties)."""
    if isinstance(obj, Tensor | Checkpoint | list | tuple | dict):
        return False
    inst = getattr(obj, "__dict__", None) or {}
    return any(hasattr(type(obj), a) or a in inst for a in _VARIABLE_ATTRS)


def _listed_variables(obj, path: str) -> list:
    """The variables ``obj`` lists in ``variables`` (or ``trainable_variables``), each once."""
    for attr in _VARIABLE_ATTRS:
        if hasattr(type(obj), attr) or attr in (getattr(obj, "__dict__", None) or {}):
            value = getattr(obj, attr)
            if callable(value) and not isinstance(value, list | tuple):
                value = value()
            break
    seen, out = set(), []
    for v in value:
        if not isinstance(v, Variable):
            raise TypeError(
                f"Checkpoint: {path!r} ({type(obj).__name__}) lists a {type(v).__name__} among its {attr}; "
                "only tg.Variable objects can be checkpointed"
            )
        if id(v) not in seen:
            seen.add(id(v))
            out.append(v)
    return out


def _may_hold_variables(value) -> bool:
    return isinstance(value, Variable | Checkpoint | list | tuple | dict) or _exposes_variables(value)


def _attribute_items(obj):
    """``(name, value)`` of an object's attributes: public first, then private, each sorted."""
    try:
        attrs = vars(obj)
    except TypeError:
        return []
    return [(k, attrs[k]) for k in sorted(attrs, key=lambda k: (k.startswith("_"), k))]


def _child_items(value):
    """The children that the naming search follows inside a container or object."""
    if isinstance(value, Checkpoint):
        items = sorted(value._trackables.items())
    elif isinstance(value, list | tuple):
        items = [(str(i), item) for i, item in enumerate(value)]
    elif isinstance(value, dict):
        items = sorted((k, v) for k, v in value.items() if isinstance(k, str))
    else:
        items = _attribute_items(value)
    return [(k, v) for k, v in items if _may_hold_variables(v)]


def _object_variable_names(obj, path: str) -> list:
    """``(relative name, variable)`` for each variable that ``obj`` lists (see the module docstring)."""
    listed = _listed_variables(obj, path)
    wanted = {id(v) for v in listed}
    found: dict = {}
    visited = {id(obj)}
    queue = collections.deque((k, v) for k, v in _child_items(obj))
    while queue and len(found) < len(wanted):
        rel, value = queue.popleft()
        if isinstance(value, Variable):
            if id(value) in wanted and id(value) not in found:
                found[id(value)] = rel
            continue
        if id(value) in visited:
            continue
        visited.add(id(value))
        queue.extend((f"{rel}/{k}", v) for k, v in _child_items(value))
    used = set(found.values())
    out = []
    for v in listed:
        rel = found.get(id(v))
        if rel is None:
            base = rel = re.sub(r":\d+$", "", v.name) or "Variable"
            n = 0
            while rel in used:
                n += 1
                rel = f"{base}_{n}"
            used.add(rel)
        out.append((rel, v))
    return out


def _named_variables(trackables: dict) -> dict:
    """``{checkpoint name: variable}`` for a checkpoint's trackables, in a deterministic order."""
    named: dict = {}
    names_by_id: dict = {}

    def add(name: str, var: Variable) -> None:
        if id(var) in names_by_id:
            return
        if name in named:
            raise ValueError(f"Checkpoint: two different variables would both be saved as {name!r}")
        if name == "__metadata__":
            raise ValueError("Checkpoint: '__metadata__' is reserved by the safetensors format")
        named[name] = var
        names_by_id[id(var)] = name

    def visit(value, path: str, active: frozenset) -> None:
        if isinstance(value, Variable):
            add(path, value)
            return
        if id(value) in active:
            raise ValueError(f"Checkpoint: {path!r} contains itself")
        active = active | {id(value)}
        if isinstance(value, Checkpoint | list | tuple | dict):
            if isinstance(value, dict) and not all(isinstance(k, str) for k in value):
                raise TypeError(f"Checkpoint: the dict at {path!r} must have string keys")
            children = (
                sorted(value._trackables.items())
                if isinstance(value, Checkpoint)
                else (sorted(value.items()) if isinstance(value, dict) else enumerate(value))
            )
            for key, item in children:
                visit(item, f"{path}/{key}", active)
        elif _exposes_variables(value):
            for rel, var in _object_variable_names(value, path):
                add(f"{path}/{rel}", var)
        else:
            raise TypeError(
                f"Checkpoint: cannot track {path!r} of type {type(value).__name__}; expected a tg.Variable, "
                "an object with `variables` or `trainable_variables` (a tg.nn.Module, an optimizer), "
                "a Checkpoint, or a list/tuple/dict of those"
            )

    for key, value in sorted(trackables.items()):
        visit(value, key, frozenset())
    return named


# --------------------------------------------------------------------------- files


def _fspath(who: str, path) -> str:
    """``path`` (a str or os.PathLike naming a str) as a str; anything else raises ``TypeError`` naming ``who``."""
    if isinstance(path, str | os.PathLike):
        path = os.fspath(path)
        if isinstance(path, str):
            return path
    raise TypeError(f"{who}: the path must be a str or os.PathLike, got {path!r}")


def _resolve(path) -> str:
    """The checkpoint file for ``path`` (``prefix-n`` finds ``prefix-n.safetensors``), checked to exist."""
    if path is None or isinstance(path, bytes):
        raise TypeError(f"checkpoint path must be a str or os.PathLike, got {path!r}")
    path = os.fspath(path)
    if not os.path.exists(path) and not path.endswith(SUFFIX) and os.path.isfile(path + SUFFIX):
        path += SUFFIX
    if os.path.isdir(path):
        raise IsADirectoryError(
            errno.EISDIR,
            "is a directory, not a checkpoint file (tg.train.latest_checkpoint(directory) finds the newest one in it)",
            path,
        )
    if not os.path.exists(path):
        raise FileNotFoundError(errno.ENOENT, "checkpoint file not found", path)
    return path


@contextlib.contextmanager
def _opened(path: str):
    """``safe_open(path)``, with a ValueError naming the file for anything that is not a valid safetensors file."""
    safe_open, _, safetensor_error = _safetensors()
    try:
        with safe_open(path, framework="np") as f:
            yield f
    except safetensor_error as e:
        raise ValueError(
            f"{path!r} is not a valid safetensors checkpoint (truncated, corrupted or another format): {e}"
        ) from None
    except OSError as e:
        if e.filename:
            raise
        raise OSError(e.errno, f"cannot read checkpoint: {e.strerror or e}", path) from e


def _read_header(f, path: str):
    """``(metadata, {name: (shape, dtype)})`` of an open safetensors file."""
    metadata = dict(f.metadata() or {})
    specs, unsupported = {}, []
    for name in list(f.keys()):  # (safe_open objects are not iterable)
        piece = f.get_slice(name)
        dtype = _DTYPES.get(piece.get_dtype())
        if dtype is None:
            unsupported.append(f"{name} ({piece.get_dtype()})")
            continue
        specs[name] = (tuple(int(d) for d in piece.get_shape()), dtype)
    if unsupported:
        raise ValueError(f"{path!r} holds tensors of dtypes NumPy cannot represent: {', '.join(unsupported)}")
    return metadata, specs


def _checkpoint_counter(metadata: dict, path: str) -> int:
    """The save counter of a tapegrad checkpoint; ValueError for other files."""
    version = metadata.get(MARKER_KEY)
    if version is None:
        raise ValueError(
            f"{path!r} is a safetensors file but not a tapegrad checkpoint (its metadata has no {MARKER_KEY!r} "
            "marker); read its tensors with tg.train.load_checkpoint"
        )
    if version != FORMAT_VERSION:
        raise ValueError(f"{path!r} is a tapegrad checkpoint of unsupported format version {version!r}")
    counter = metadata.get(COUNTER_KEY, "0")
    if not counter.isdigit():
        raise ValueError(f"{path!r} has an invalid {COUNTER_KEY!r} in its metadata: {counter!r}")
    return int(counter)


def _file_identity(path: str) -> tuple:
    """What tells one file at ``path`` from another later renamed onto it."""
    st = os.stat(path)
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


def _fsync_directory(directory: str) -> None:
    """Make a rename in ``directory`` durable, where the platform allows it."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _atomic_save(tensors: dict, metadata: dict, path: str) -> None:
    """Write a safetensors file to a temporary file beside ``path``, sync it, then rename it onto ``path``."""
    _, save_file, _ = _safetensors()
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    if os.path.isdir(path):
        raise IsADirectoryError(errno.EISDIR, "cannot write a checkpoint over a directory", path)
    tmp = os.path.join(directory, f".{os.path.basename(path)}.{secrets.token_hex(8)}.tmp")
    try:
        # Reserve the name; the permissions it gets follow the umask, as for any new file.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        mode = os.fstat(fd).st_mode & 0o777
        os.close(fd)
        save_file(tensors, tmp, metadata=metadata)
        with contextlib.suppress(OSError):
            os.chmod(tmp, mode)  # safetensors creates owner-only files
        fd = os.open(tmp, os.O_RDWR | getattr(os, "O_BINARY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise
    _fsync_directory(directory)


def _castable(src: np.dtype, dst: np.dtype) -> bool:
    """Whether a saved dtype may be restored into a variable of dtype ``dst``."""
    if src == dst:
        return True
    if "b" in (src.kind, dst.kind):
        return False
    if src.kind == dst.kind or (src.kind in "iu" and dst.kind in "iu"):
        return True  # values are checked to fit
    return bool(np.can_cast(src, dst, "safe"))


def _converted(array: np.ndarray, dtype: np.dtype):
    """``array`` as ``dtype``, or None where a value does not fit."""
    if array.dtype == dtype:
        return array
    with np.errstate(over="ignore", invalid="ignore"):
        out = array.astype(dtype)
        if dtype.kind in "iu" and not np.array_equal(out, array):  # compares values, not bits
            return None
        if dtype.kind in "fc" and np.any(np.isfinite(array) & ~np.isfinite(out)):
            return None
    return out


# --------------------------------------------------------------------------- API


class CheckpointLoadStatus:
    """What ``Checkpoint.restore`` returns. Restores are all-or-nothing, so every variable
    in the file was matched; ``assert_consumed`` also checks that no variable was added to
    the tracked objects since (a layer built after the restore, say)."""

    def __init__(self, checkpoint: Checkpoint, path: str | None, names):
        self._checkpoint = checkpoint
        self.path = path
        self._names = frozenset(names)

    def assert_consumed(self) -> CheckpointLoadStatus:
        """Raise AssertionError unless every tracked variable was restored from the file."""
        if self.path is None:
            raise AssertionError("no checkpoint was restored (the path given to restore was None)")
        new = sorted(set(_named_variables(self._checkpoint._trackables)) - self._names)
        if new:
            raise AssertionError(f"variables not restored from {self.path!r}: {', '.join(new)}")
        return self

    def assert_existing_objects_matched(self) -> CheckpointLoadStatus:
        """Raise AssertionError if nothing was restored; otherwise every existing variable was."""
        if self.path is None:
            raise AssertionError("no checkpoint was restored (the path given to restore was None)")
        return self

    def expect_partial(self) -> CheckpointLoadStatus:
        return self

    def __repr__(self) -> str:
        return f"<CheckpointLoadStatus path={self.path!r} variables={len(self._names)}>"


class Checkpoint:
    """Saves and restores the variables of ``trackables`` (TensorFlow's ``tf.train.Checkpoint``).

    ``Checkpoint(model=model, optimizer=opt, step=step_variable)``; tracked objects are
    also attributes (``ckpt.model``), and assigning a new public attribute tracks it.
    ``save(prefix)`` writes ``prefix-<n>.safetensors`` (``n`` = ``save_counter``, from 1);
    ``write(path)`` writes exactly ``path``; ``restore(path)`` / ``read(path)`` load a
    file into the tracked variables, all or nothing. Variable names: see the module
    docstring of ``tapegrad.train.checkpoint``.
    """

    def __init__(self, **trackables):
        object.__setattr__(self, "_trackables", {})
        object.__setattr__(self, "_save_counter", 0)
        for key, value in trackables.items():
            self._track(key, value)
        _named_variables(self._trackables)  # fail early on what cannot be tracked

    def _track(self, key: str, value) -> None:
        if not key or key.startswith("_"):
            raise ValueError(f"Checkpoint: invalid name {key!r} (must be non-empty and not start with '_')")
        if not (_may_hold_variables(value)):
            raise TypeError(
                f"Checkpoint: cannot track {key!r} of type {type(value).__name__}; expected a tg.Variable, "
                "an object with `variables` or `trainable_variables` (a tg.nn.Module, an optimizer), "
                "a Checkpoint, or a list/tuple/dict of those"
            )
        self._trackables[key] = value

    def __getattr__(self, name: str):
        trackables = self.__dict__.get("_trackables", {})
        if name in trackables:
            return trackables[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __setattr__(self, name: str, value) -> None:
        if name.startswith("_"):
            object.__setattr__(self, name, value)
        else:
            self._track(name, value)

    @property
    def save_counter(self) -> int:
        """How many times ``save`` has run (restored by ``restore``); the next save writes ``-<save_counter+1>``."""
        return self._save_counter

    def save(self, file_prefix) -> str:
        """Write ``<file_prefix>-<n>.safetensors`` with ``n = save_counter + 1``; return its path."""
        n = self._save_counter + 1
        path = f"{_fspath('Checkpoint.save', file_prefix)}-{n}{SUFFIX}"
        self._write(path, n)
        self._save_counter = n
        return path

    def write(self, file_path) -> str:
        """Write the tracked variables to exactly ``file_path`` (atomically); return the path."""
        path = _fspath("Checkpoint.write", file_path)
        self._write(path, self._save_counter)
        return path

    def _write(self, path: str, counter: int) -> None:
        tensors = {}
        for name, var in _named_variables(self._trackables).items():
            array = np.asarray(var.numpy())
            if not array.flags.c_contiguous:  # (np.ascontiguousarray would make 0-d arrays 1-d)
                array = array.copy(order="C")
            if array.dtype not in _STORABLE:
                raise TypeError(
                    f"Checkpoint: variable {name!r} has dtype {array.dtype}, which safetensors cannot store"
                )
            tensors[name] = array
        metadata = {"format": "np", MARKER_KEY: FORMAT_VERSION, COUNTER_KEY: str(counter)}
        _atomic_save(tensors, metadata, path)

    def restore(self, save_path) -> CheckpointLoadStatus:
        """Load a file written by ``save``/``write`` into the tracked variables, and its save counter.

        Names, shapes and dtypes must all match (a dtype may differ within its kind, or
        widen safely, when every value fits); otherwise ValueError lists what is missing,
        unexpected or different, and no variable changes. ``save_path=None`` (what
        ``latest_checkpoint`` gives for an empty directory) restores nothing and returns a
        status whose ``assert_consumed`` raises.
        """
        return self._load(save_path, restore_counter=True)

    def read(self, save_path) -> CheckpointLoadStatus:
        """Like ``restore`` but leaves ``save_counter`` alone (the counterpart of ``write``)."""
        return self._load(save_path, restore_counter=False)

    def _load(self, save_path, restore_counter: bool) -> CheckpointLoadStatus:
        if save_path is None:
            return CheckpointLoadStatus(self, None, ())
        path = _resolve(save_path)
        named = _named_variables(self._trackables)
        with _opened(path) as f:
            metadata, specs = _read_header(f, path)
            counter = _checkpoint_counter(metadata, path)
            missing = sorted(set(named) - set(specs))
            unexpected = sorted(set(specs) - set(named))
            different = []
            for name in sorted(set(named) & set(specs)):
                shape, dtype = specs[name]
                var = named[name]
                if shape != tuple(var.shape) or not _castable(dtype, var.dtype):
                    different.append(f"{name} (file: {shape} {dtype}; variable: {tuple(var.shape)} {var.dtype})")
            if missing or unexpected or different:
                raise ValueError(_mismatch_message(path, missing, unexpected, different))
            values = {}
            for name, var in named.items():
                array = _converted(np.asarray(f.get_tensor(name)), var.dtype)
                if array is None or array.shape != tuple(var.shape):
                    different.append(f"{name} (file: values of dtype {specs[name][1]} do not fit in {var.dtype})")
                values[name] = array
        if different:
            raise ValueError(_mismatch_message(path, [], [], different))
        old = {name: var.numpy() for name, var in named.items()}
        try:
            for name, var in named.items():
                var.assign(values[name], read_value=False)
        except BaseException:
            for name, var in named.items():
                var.assign(old[name], read_value=False)
            raise
        if restore_counter:
            self._save_counter = counter
        return CheckpointLoadStatus(self, path, named)

    def __repr__(self) -> str:
        return f"<tg.train.Checkpoint {sorted(self._trackables)} save_counter={self._save_counter}>"


def _mismatch_message(path: str, missing, unexpected, different) -> str:
    lines = [f"cannot restore checkpoint {path!r}; no variable was changed:"]
    if missing:
        lines.append(f"  missing from the file ({len(missing)}): {', '.join(missing)}")
    if unexpected:
        lines.append(f"  unexpected in the file ({len(unexpected)}): {', '.join(unexpected)}")
    if different:
        lines.append(f"  different shape or dtype ({len(different)}): {', '.join(different)}")
    return "\n".join(lines)


class CheckpointReader:
    """Reads the tensors of a safetensors checkpoint file (TensorFlow's ``CheckpointReader``).

    The header is read and checked when the reader is made; ``get_tensor`` reads one
    tensor from the file each call. Any safetensors file can be read, tapegrad's or not.
    A reader reads one file: once a newer checkpoint has replaced it at its path
    (``Checkpoint.write`` to the same path), ``get_tensor`` raises ValueError rather than
    mix the values of two checkpoints; make a new reader to read the newer one.
    """

    def __init__(self, path):
        self._path = _resolve(path)
        for _ in range(10):  # the header and the identity of one file, should a writer replace it meanwhile
            self._identity = _file_identity(self._path)
            with _opened(self._path) as f:
                self._metadata, self._specs = _read_header(f, self._path)
            if _file_identity(self._path) == self._identity:
                break
        else:
            raise ValueError(f"{self._path!r} was replaced again and again while its header was read")

    @property
    def path(self) -> str:
        return self._path

    @property
    def metadata(self) -> dict:
        """The file's string metadata (for a tapegrad checkpoint: the format marker and save counter)."""
        return dict(self._metadata)

    def get_variable_to_shape_map(self) -> dict:
        """``{name: shape tuple}``."""
        return {name: shape for name, (shape, _) in self._specs.items()}

    def get_variable_to_dtype_map(self) -> dict:
        """``{name: dtype}`` (tapegrad dtypes, i.e. NumPy dtype objects)."""
        return {name: dtype for name, (_, dtype) in self._specs.items()}

    def has_tensor(self, name: str) -> bool:
        return name in self._specs

    def get_tensor(self, name: str) -> np.ndarray:
        """The saved value of ``name`` as a new NumPy array."""
        if name not in self._specs:
            raise KeyError(f"{name!r} is not in checkpoint {self._path!r}")
        with _opened(self._path) as f:
            if name not in set(f.keys()):
                raise ValueError(f"{self._path!r} changed since it was opened: {name!r} is gone")
            array = np.array(f.get_tensor(name), copy=True)
        if _file_identity(self._path) != self._identity:  # (the file read was this one only if it is still there)
            raise ValueError(
                f"{self._path!r} changed since it was opened: another file (a newer checkpoint?) replaced it; "
                "read it with a new tg.train.load_checkpoint"
            )
        shape, dtype = self._specs[name]
        if array.shape != shape or array.dtype != dtype:
            raise ValueError(f"{self._path!r} changed since it was opened: {name!r} is now {array.shape} {array.dtype}")
        return array

    def __repr__(self) -> str:
        return f"<tg.train.CheckpointReader {self._path!r} tensors={len(self._specs)}>"


def load_checkpoint(ckpt_dir_or_file) -> CheckpointReader:
    """A ``CheckpointReader`` for a file, or for the newest checkpoint in a directory."""
    path = _fspath("load_checkpoint", ckpt_dir_or_file)
    if os.path.isdir(path):
        latest = latest_checkpoint(path)
        if latest is None:
            raise ValueError(f"no tapegrad checkpoint found in directory {path!r}")
        path = latest
    return CheckpointReader(path)


def list_variables(ckpt_dir_or_file) -> list:
    """Sorted ``[(name, shape tuple), ...]`` of a checkpoint file (or a directory's newest checkpoint)."""
    return sorted(load_checkpoint(ckpt_dir_or_file).get_variable_to_shape_map().items())


def latest_checkpoint(checkpoint_dir) -> str | None:
    """The path of the newest tapegrad checkpoint ``<prefix>-<n>.safetensors`` in ``checkpoint_dir``.

    Newest means last modified, ties broken by the larger ``n``; files that are not
    readable tapegrad checkpoints are skipped. None when there is none (or no directory).
    """
    directory = _fspath("latest_checkpoint", checkpoint_dir)
    if not os.path.isdir(directory):
        return None
    candidates = []
    with os.scandir(directory) as entries:
        for entry in entries:
            match = _NUMBERED.fullmatch(entry.name)
            if match is None or not entry.is_file():
                continue
            try:
                with _opened(entry.path) as f:
                    _checkpoint_counter(dict(f.metadata() or {}), entry.path)
                mtime = entry.stat().st_mtime_ns
            except (ValueError, OSError):
                continue
            candidates.append((mtime, int(match.group(2)), entry.name))
    if not candidates:
        return None
    return os.path.join(directory, max(candidates)[2])
