"""The event_calendar plugin's error codes, in its manifest's range 7390-7399."""

from __future__ import annotations

import enum


class EventCalendarCodes(enum.IntEnum):
    """Append only: a number never changes."""

    EVENT_INVALID = 7390
