"""Events as iCalendar components, for the people concerned: what the calendar plugin's
feeds add (plugins.event_calendar.api)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from datacapt.toolkit import Study, StudyCenter, User, db, get_tenant_settings, study_members
from plugins.event_calendar.models import CalendarEvent

if TYPE_CHECKING:
    import icalendar


def component(event: CalendarEvent, zone: ZoneInfo) -> icalendar.Event:
    import icalendar  # here, not at module level: start-up would pay for it

    item = icalendar.Event()
    item.add("uid", f"{event.uuid}@datacapt-events")
    item.add("dtstamp", event.modified_at)
    if event.all_day:  # dates: a calendar shows them on those days, wherever it is
        item.add("dtstart", event.starts_at.astimezone(zone).date())
        item.add("dtend", event.ends_at.astimezone(zone).date())
    else:
        item.add("dtstart", event.starts_at)
        item.add("dtend", event.ends_at)
    item.add("summary", event.title)
    item.add("categories", [event.kind])
    if event.description:
        item.add("description", event.description)
    return item


def _since(statement: sa.Select, since: dt.datetime) -> list[CalendarEvent]:
    return list(
        db.session.execute(
            statement.where(CalendarEvent.ends_at >= since).order_by(
                CalendarEvent.starts_at, CalendarEvent.id
            )
        ).scalars()
    )


def user_events(user: User, since: dt.datetime) -> list[icalendar.Event]:
    """The tenant's events, and those of the studies (and centers) where the user is an
    active member of the team."""
    zone = ZoneInfo(get_tenant_settings().time_zone)
    members: dict[tuple[int, int | None], bool] = {}

    def concerned(event: CalendarEvent) -> bool:
        if event.study_id is None:
            return True
        key = (event.study_id, event.center_id)
        if key not in members:
            study = db.session.get_one(Study, event.study_id)
            center = db.session.get(StudyCenter, event.center_id) if event.center_id else None
            members[key] = user.id in {u.id for u in study_members(study, center=center)}
        return members[key]

    events = _since(sa.select(CalendarEvent), since)
    return [component(event, zone) for event in events if concerned(event)]


def center_events(
    center_id: int, study_id: int | None, since: dt.datetime
) -> list[icalendar.Event]:
    """The tenant's events and the study's at the center (a room's or an instrument's
    feed, made in that study): another study's stay with its team."""
    zone = ZoneInfo(get_tenant_settings().time_zone)
    statement = sa.select(CalendarEvent).where(
        sa.or_(
            CalendarEvent.study_id.is_(None),
            sa.and_(CalendarEvent.study_id == study_id, CalendarEvent.center_id == center_id),
        )
    )
    return [component(event, zone) for event in _since(statement, since)]
