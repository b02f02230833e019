"""The calendar_app plugin's error codes, in its manifest's range 7360-7389."""

from __future__ import annotations

import enum


class CalendarAppCodes(enum.IntEnum):
    """Append only: a number never changes."""
