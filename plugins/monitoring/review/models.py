"""Models of review."""

from __future__ import annotations

MODELS: list[type] = []
