"""Gradients of the linalg ops, written in tapegrad ops."""

from __future__ import annotations
