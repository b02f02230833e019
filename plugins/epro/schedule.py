"""When a questionnaire's occurrences open, are due and close for a subject, and when its
messages may go: plain functions of the schedule, the inclusion date and the time zone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from datacapt.toolkit import QuietHours


@dataclass(frozen=True)
class PlannedOccurrence:
    day: int
    opens_at: dt.datetime
    due_at: dt.datetime
    closes_at: dt.datetime


def schedule_days(schedule: Mapping[str, Any]) -> list[int]:
    """The study days of a schedule: its list, or every N days from its start to its end."""
    if schedule.get("days") is not None:
        return sorted(set(schedule["days"]))
    start = schedule.get("start_day", 0)
    return list(range(start, schedule["until_day"] + 1, schedule["every_days"]))


def _clock(value: str) -> dt.time:
    return dt.time.fromisoformat(value)


def planned_occurrences(
    schedule: Mapping[str, Any], inclusion: dt.date, zone: ZoneInfo
) -> list[PlannedOccurrence]:
    """Each occurrence opens on its day after inclusion at the send time, local time."""
    send_time = _clock(schedule["send_time"])
    window = dt.timedelta(hours=schedule["window_hours"])
    available = dt.timedelta(hours=schedule["available_hours"])
    planned = []
    for day in schedule_days(schedule):
        local = dt.datetime.combine(inclusion + dt.timedelta(days=day), send_time, tzinfo=zone)
        opens_at = local.astimezone(dt.UTC)
        planned.append(PlannedOccurrence(day, opens_at, opens_at + window, opens_at + available))
    return planned


def quiet_hours(reminders: Mapping[str, Any]) -> QuietHours | None:
    """The reminder policy's quiet hours, if it has them."""
    return QuietHours.between(reminders.get("quiet_start"), reminders.get("quiet_end"))


def outside_quiet_hours(
    moment: dt.datetime, reminders: Mapping[str, Any], zone: ZoneInfo
) -> dt.datetime:
    """``moment``, or the end of the quiet hours it falls in (no message wakes a subject)."""
    quiet = quiet_hours(reminders)
    return quiet.next_allowed(moment, zone) if quiet else moment


def reminder_allowed(reminders_sent: int, reminders: Mapping[str, Any]) -> bool:
    """Whether the policy lets one more reminder go after ``reminders_sent``."""
    return bool(reminders.get("every_hours")) and reminders_sent < reminders.get("max", 0)


def next_reminder_at(
    last_sent: dt.datetime,
    reminders_sent: int,
    closes_at: dt.datetime,
    reminders: Mapping[str, Any],
    zone: ZoneInfo,
) -> dt.datetime | None:
    """When the next reminder goes after a message sent at ``last_sent``; none when the
    policy has no more to send or the occurrence closes first."""
    if not reminder_allowed(reminders_sent, reminders):
        return None
    moment = outside_quiet_hours(
        last_sent + dt.timedelta(hours=reminders["every_hours"]), reminders, zone
    )
    return moment if moment < closes_at else None
