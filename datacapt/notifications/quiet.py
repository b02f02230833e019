"""Quiet hours: a daily window, in the tenant's time zone, when a message does not go."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class QuietHours:
    """From ``start`` to ``end`` local time (``end`` before ``start``: across midnight)."""

    start: dt.time
    end: dt.time

    @classmethod
    def between(cls, start: str | None, end: str | None) -> QuietHours | None:
        """Quiet hours from two "HH:MM" clocks; None when either is missing (no quiet)."""
        if not start or not end:
            return None
        return cls(dt.time.fromisoformat(start), dt.time.fromisoformat(end))

    def next_allowed(self, moment: dt.datetime, zone: ZoneInfo) -> dt.datetime:
        """``moment``, or the end of the quiet hours it falls in (no message wakes anyone)."""
        local = moment.astimezone(zone)
        clock = local.time().replace(tzinfo=None)
        if self.start <= self.end:
            quiet = self.start <= clock < self.end
            end_day = local.date()
        else:  # the quiet hours span midnight
            quiet = clock >= self.start or clock < self.end
            end_day = local.date() + dt.timedelta(days=1 if clock >= self.start else 0)
        if not quiet:
            return moment
        return dt.datetime.combine(end_day, self.end, tzinfo=zone).astimezone(dt.UTC)
