"""Models of signatures."""

from __future__ import annotations

MODELS: list[type] = []
