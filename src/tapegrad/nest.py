"""Nested structures (lists, tuples, dicts) of tensors: flatten and rebuild."""

from __future__ import annotations


def flatten(structure) -> list:
    """The leaves of ``structure`` in order (dict values by sorted key)."""
    if isinstance(structure, dict):
        return [leaf for key in sorted(structure) for leaf in flatten(structure[key])]
    if isinstance(structure, list | tuple):
        return [leaf for item in structure for leaf in flatten(item)]
    return [structure]


def pack_as(structure, flat):
    """``flat`` leaves rebuilt into the shape of ``structure``."""
    leaves = iter(flat)
    result = _pack(structure, leaves)
    return result


def _pack(structure, leaves):
    if isinstance(structure, dict):
        packed = {key: _pack(structure[key], leaves) for key in sorted(structure)}
        return type(structure)((key, packed[key]) for key in structure)
    if isinstance(structure, list | tuple):
        items = [_pack(item, leaves) for item in structure]
        if hasattr(structure, "_fields"):
            return type(structure)(*items)
        return type(structure)(items)
    return next(leaves)
