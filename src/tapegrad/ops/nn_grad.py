"""Gradients of the nn ops, written in tapegrad ops."""

from __future__ import annotations
