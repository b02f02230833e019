"""The side_by_side plugin's error codes, in its manifest's range 7570-7589."""

from __future__ import annotations

import enum


class SideBySideCodes(enum.IntEnum):
    """Append only: a number never changes."""

    SIDE_BY_SIDE_INVALID = 7570
