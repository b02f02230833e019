"""Events: the tenant's (administrators') and a study's (its managers'), each read by
the people concerned; the feeds of the calendar plugin take them through api.py."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from datacapt.toolkit import (
    Message,
    Study,
    centers_of_study,
    db,
    get_tenant_settings,
    invalid,
    not_found,
    study_centers,
)
from plugins.event_calendar.errors import EventCalendarCodes
from plugins.event_calendar.models import CalendarEvent

NO_SUCH_EVENT = Message("No such event.")


def tenant_zone() -> ZoneInfo:
    return ZoneInfo(get_tenant_settings().time_zone)


def _utc(moment: dt.datetime) -> dt.datetime:
    """An aware time as is; a naive one is a wall-clock time of the tenant's zone."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=tenant_zone()).astimezone(dt.UTC)
    return moment.astimezone(dt.UTC)


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tenant_zone()).astimezone(dt.UTC)


def _local(moment: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)


def _set_times(event: CalendarEvent, starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    """An all-day event runs from its first day's midnight to the midnight after its
    last day, in the tenant's zone (an end at midnight closes the day before)."""
    if event.all_day:
        zone = tenant_zone()
        start, end = _local(starts_at, zone), _local(ends_at, zone)
        first, last = start.date(), end.date()
        if end.time() == dt.time() and last > first:
            last -= dt.timedelta(days=1)
        starts_at, ends_at = _midnight(first), _midnight(max(first, last) + dt.timedelta(days=1))
    else:
        starts_at, ends_at = _utc(starts_at), _utc(ends_at)
    if ends_at <= starts_at:
        raise invalid(
            EventCalendarCodes.EVENT_INVALID,
            Message("An event ends after it starts."),
            field="ends_at",
        )
    event.starts_at, event.ends_at = starts_at, ends_at


def _filtered(statement: sa.Select, filters: Mapping[str, Any]) -> sa.Select:
    if "kind" in filters:
        statement = statement.where(CalendarEvent.kind == filters["kind"])
    if "ends_after" in filters:
        statement = statement.where(CalendarEvent.ends_at > _utc(filters["ends_after"]))
    return statement.order_by(CalendarEvent.starts_at, CalendarEvent.id)


def tenant_events(filters: Mapping[str, Any]) -> sa.Select:
    return _filtered(sa.select(CalendarEvent).where(CalendarEvent.study_id.is_(None)), filters)


def _seen_in_study(study: Study) -> sa.ColumnElement[bool]:
    centers = [center.id for center in study_centers(study)]
    return sa.and_(
        CalendarEvent.study_id == study.id,
        sa.or_(CalendarEvent.center_id.is_(None), CalendarEvent.center_id.in_(centers)),
    )


def study_events(study: Study, filters: Mapping[str, Any]) -> sa.Select:
    """The study's events at the centers the caller sees, and the tenant's."""
    return _filtered(
        sa.select(CalendarEvent).where(
            sa.or_(_seen_in_study(study), CalendarEvent.study_id.is_(None))
        ),
        filters,
    )


def get_tenant_event(event_uuid: uuid.UUID) -> CalendarEvent:
    event = db.session.execute(
        sa.select(CalendarEvent).where(
            CalendarEvent.uuid == event_uuid, CalendarEvent.study_id.is_(None)
        )
    ).scalar_one_or_none()
    if event is None:
        raise not_found(NO_SUCH_EVENT)
    return event


def get_study_event(study: Study, event_uuid: uuid.UUID) -> CalendarEvent:
    event = db.session.execute(
        sa.select(CalendarEvent).where(CalendarEvent.uuid == event_uuid, _seen_in_study(study))
    ).scalar_one_or_none()
    if event is None:
        raise not_found(NO_SUCH_EVENT)
    return event


def add_event(study: Study | None, data: Mapping[str, Any]) -> CalendarEvent:
    center_id = None
    if study is not None and data.get("center") is not None:
        (center,) = centers_of_study(study, [data["center"]], field="center")
        if center.id not in {c.id for c in study_centers(study)}:
            raise not_found(Message("No such center."))
        center_id = center.id
    event = CalendarEvent(
        study_id=study.id if study else None,
        center_id=center_id,
        kind=data["kind"],
        title=data["title"],
        description=data["description"],
        all_day=data["all_day"],
    )
    _set_times(event, data["starts_at"], data["ends_at"])
    db.session.add(event)
    db.session.flush()
    return event


def change_event(event: CalendarEvent, data: Mapping[str, Any]) -> CalendarEvent:
    for name in ("title", "description"):
        if name in data:
            setattr(event, name, data[name])
    if "starts_at" in data or "ends_at" in data:
        _set_times(
            event, data.get("starts_at", event.starts_at), data.get("ends_at", event.ends_at)
        )
    db.session.flush()
    return event


def remove_event(event: CalendarEvent) -> None:
    db.session.delete(event)
    db.session.flush()
