"""The analytics plugin's error codes, in its manifest's range 7300-7309."""

from __future__ import annotations

import enum


class AnalyticsCodes(enum.IntEnum):
    """Append only: a number never changes."""
