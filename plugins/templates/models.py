"""The templates plugin's tables."""

from __future__ import annotations

MODELS: list[type] = []
