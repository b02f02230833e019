"""The demo study's events: its database lock planned three months ahead, a site
initiation at its first center last month, and the tenant's New Year's Day holiday."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from datacapt.toolkit import Study, StudyCenter, db, study_centers
from plugins.event_calendar.models import CalendarEvent, EventKind
from plugins.event_calendar.services import add_event


def add_demo_events(study: Study) -> None:
    """Only what is missing: the command runs at every start."""
    today = dt.date.today()
    centers = study_centers(study)
    wanted: list[tuple[Study | None, StudyCenter | None, EventKind, str, dt.date]] = [
        (study, None, EventKind.DATABASE_LOCK, "Database lock", today + dt.timedelta(days=90)),
        (None, None, EventKind.HOLIDAY, "New Year's Day", dt.date(today.year + 1, 1, 1)),
    ]
    if centers:
        initiation = today - dt.timedelta(days=30)
        wanted.append((study, centers[0], EventKind.SITE_INITIATION, "Site initiation", initiation))
    for owner, center, kind, title, day in wanted:
        owned = CalendarEvent.study_id == owner.id if owner else CalendarEvent.study_id.is_(None)
        exists = sa.select(CalendarEvent.id).where(CalendarEvent.kind == kind, owned)
        if db.session.execute(exists).first() is not None:
            continue
        start = dt.datetime.combine(day, dt.time())
        add_event(
            owner,
            {
                "center": center.uuid if center else None,
                "kind": kind,
                "title": title,
                "description": "",
                "all_day": True,
                "starts_at": start,
                "ends_at": start,
            },
        )
