"""Models of queries."""

from __future__ import annotations

MODELS: list[type] = []
