"""Models of verification."""

from __future__ import annotations

MODELS: list[type] = []
