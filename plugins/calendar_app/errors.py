"""The calendar_app plugin's error codes, in its manifest's range 7360-7389."""

from __future__ import annotations

import enum


class CalendarAppCodes(enum.IntEnum):
    """Append only: a number never changes."""

    VISIT_SCHEDULE_INVALID = 7360
    SCHEDULE_NEEDS_ECRF = 7361
    RESOURCE_BUSY = 7362
    STAFF_BUSY = 7363
    APPOINTMENT_NOT_ACTIVE = 7364
    APPOINTMENT_STATUS_INVALID = 7365
    APPOINTMENT_INVALID = 7366
    REQUEST_NOT_OPEN = 7367
