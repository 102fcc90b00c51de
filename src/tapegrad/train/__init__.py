"""``tg.train``: checkpoints under TensorFlow's ``tf.train`` names.

``Checkpoint`` saves and restores variables (and the variables of modules,
optimizers, nested checkpoints, lists and dicts) in the safetensors format;
``latest_checkpoint``, ``load_checkpoint`` and ``list_variables`` find and read
checkpoint files. Needs the optional ``safetensors`` package
(``pip install 'tapegrad[checkpoint]'``); ``import tapegrad`` works without it.
"""

from __future__ import annotations

from .checkpoint import (
    Checkpoint,
    CheckpointLoadStatus,
    CheckpointReader,
    latest_checkpoint,
    list_variables,
    load_checkpoint,
)

__all__ = [
    "Checkpoint",
    "CheckpointLoadStatus",
    "CheckpointReader",
    "latest_checkpoint",
    "list_variables",
    "load_checkpoint",
]
