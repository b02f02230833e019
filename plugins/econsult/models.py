"""The econsult plugin's models."""

from __future__ import annotations

MODELS: list[type] = []
