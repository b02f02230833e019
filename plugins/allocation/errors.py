"""The allocation plugin's error codes, in its manifest's range 7170-7219."""

from __future__ import annotations

import enum


class AllocationCodes(enum.IntEnum):
    """Append only: a number never changes. 7170-7199 kits, configuration and dispensing,
    7200-7219 supply."""
