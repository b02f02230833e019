"""The data_analysis plugin's models."""

from __future__ import annotations

MODELS: list[type] = []
