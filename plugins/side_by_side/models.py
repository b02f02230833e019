"""The side_by_side plugin's tables."""

from __future__ import annotations

MODELS: list[type] = []
