"""The analytics plugin's error codes, in its manifest's range 7300-7309."""

from __future__ import annotations

import enum


class AnalyticsCodes(enum.IntEnum):
    """Append only: a number never changes."""

    PERIOD_INVALID = 7300
    PERIOD_TOO_LONG = 7301
    TARGET_EXISTS = 7302
    MODULE_NOT_USED = 7303
