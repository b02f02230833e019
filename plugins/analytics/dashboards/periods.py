"""The periods of a time series: weeks (from Monday, as ISO and PostgreSQL's
``date_trunc('week')`` start them) or calendar months, between two days."""

from __future__ import annotations

import datetime as dt
import enum
from zoneinfo import ZoneInfo

from datacapt.toolkit import Message, get_tenant_settings, invalid, utcnow
from plugins.analytics.errors import AnalyticsCodes

#: Ten years of weeks: a longer series is refused rather than computed.
MAX_PERIODS = 520


class Interval(enum.StrEnum):
    WEEK = "week"
    MONTH = "month"


def today() -> dt.date:
    """Today in the tenant's time zone."""
    return utcnow().astimezone(ZoneInfo(get_tenant_settings().time_zone)).date()


def period_start(day: dt.date, interval: Interval) -> dt.date:
    if interval == Interval.WEEK:
        return day - dt.timedelta(days=day.weekday())
    return day.replace(day=1)


def _next(start: dt.date, interval: Interval) -> dt.date:
    if interval == Interval.WEEK:
        return start + dt.timedelta(days=7)
    return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def periods(start: dt.date, end: dt.date, interval: Interval) -> list[dt.date]:
    """The first day of each period from the one holding ``start`` to the one holding
    ``end``; refused when ``start`` is after ``end`` or when there are too many."""
    if start > end:
        raise invalid(
            AnalyticsCodes.PERIOD_INVALID,
            Message("The start of the period is after its end."),
            field="from",
        )
    first, last = period_start(start, interval), period_start(end, interval)
    weeks = (last - first).days // 7
    count = weeks + 1 if interval == Interval.WEEK else _months(first, last) + 1
    if count > MAX_PERIODS:
        raise invalid(
            AnalyticsCodes.PERIOD_TOO_LONG,
            Message("A series has at most {limit} periods.", limit=MAX_PERIODS),
            field="from",
            periods=count,
            limit=MAX_PERIODS,
        )
    days = [first]
    while days[-1] < last:
        days.append(_next(days[-1], interval))
    return days


def _months(first: dt.date, last: dt.date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month
