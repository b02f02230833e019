"""Models of locks."""

from __future__ import annotations

MODELS: list[type] = []
