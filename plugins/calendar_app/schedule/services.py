"""The visit schedule: saved whole and checked against the eCRF; each subject's visits
planned from their inclusion date, moved when it changes, and done with their date."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from datacapt.toolkit import (
    Message,
    Study,
    conflict,
    db,
    get_tenant_settings,
    invalid,
    plugin_enabled,
    study_query,
)
from plugins.calendar_app.errors import CalendarAppCodes
from plugins.calendar_app.schedule.deviations import raise_deviation
from plugins.calendar_app.schedule.models import PlannedVisit, VisitWindow
from plugins.subjects.api import SubjectInStudy, SubjectStatus

#: Participations whose visits are planned (an ended one keeps the visits it did).
PLANNED_STATUSES = frozenset({SubjectStatus.INCLUDED, SubjectStatus.COMPLETED})


def tenant_today() -> dt.date:
    return dt.datetime.now(ZoneInfo(get_tenant_settings().time_zone)).date()


def windows_of(study: Study) -> list[VisitWindow]:
    return list(
        db.session.execute(
            sa.select(VisitWindow)
            .where(VisitWindow.study_id == study.id)
            .order_by(VisitWindow.position)
        ).scalars()
    )


def _schedule_invalid(field: str, message: Message) -> Exception:
    return invalid(CalendarAppCodes.VISIT_SCHEDULE_INVALID, message, field=field)


def _section_names(study: Study) -> dict[uuid.UUID, str]:
    """The study's eCRF sections, each by its title (English first)."""
    if not plugin_enabled("ecrf"):
        raise conflict(
            CalendarAppCodes.SCHEDULE_NEEDS_ECRF,
            Message("A visit schedule names eCRF sections: the eCRF is not enabled."),
        )
    from plugins.ecrf.api import compiled_form

    sections = compiled_form(study).document["sections"]
    return {
        uuid.UUID(str(s["uuid"])): s["title"].get("en") or next(iter(s["title"].values()), "")
        for s in sections
    }


def _check(visits: list[Mapping[str, Any]], names: Mapping[uuid.UUID, str]) -> None:
    """Each visit an eCRF section named once, each anchor another visit, no circle."""
    anchors: dict[uuid.UUID, uuid.UUID | None] = {}
    for index, visit in enumerate(visits):
        section, anchor = visit["section"], visit.get("relative_to")
        if section not in names:
            raise _schedule_invalid(
                f"visits.{index}.section", Message("No such section in this eCRF.")
            )
        if section in anchors:
            raise _schedule_invalid(
                f"visits.{index}.section", Message("This section is a visit already.")
            )
        anchors[section] = anchor
    for index, visit in enumerate(visits):
        seen = {visit["section"]}
        anchor = visit.get("relative_to")
        while anchor is not None:
            if anchor not in anchors:
                raise _schedule_invalid(
                    f"visits.{index}.relative_to", Message("No such visit in this schedule.")
                )
            if anchor in seen:
                raise _schedule_invalid(
                    f"visits.{index}.relative_to",
                    Message("Visits cannot be planned relative to each other in a circle."),
                )
            seen.add(anchor)
            anchor = anchors[anchor]


def save_schedule(study: Study, visits: list[Mapping[str, Any]]) -> list[VisitWindow]:
    """Replace the study's schedule whole (a visit kept keeps its subjects' done dates),
    then plan every subject's visits again."""
    names = _section_names(study)
    _check(visits, names)
    existing = {w.section_uuid: w for w in windows_of(study)}
    kept: dict[uuid.UUID, VisitWindow] = {}
    for position, visit in enumerate(visits):
        window = existing.pop(visit["section"], None) or VisitWindow(
            study_id=study.id, section_uuid=visit["section"]
        )
        window.name = names[visit["section"]][:200]
        window.position = position
        window.day = visit["day"]
        window.days_before = visit["days_before"]
        window.days_after = visit["days_after"]
        db.session.add(window)
        kept[visit["section"]] = window
    for dropped in existing.values():
        for planned in db.session.execute(
            sa.select(PlannedVisit).where(PlannedVisit.window_id == dropped.id)
        ).scalars():
            db.session.delete(planned)
        db.session.delete(dropped)
    db.session.flush()
    for visit in visits:
        anchor = visit.get("relative_to")
        kept[visit["section"]].relative_to_id = kept[anchor].id if anchor else None
    db.session.flush()
    for participation in db.session.execute(
        sa.select(SubjectInStudy).where(SubjectInStudy.study_id == study.id)
    ).scalars():
        plan_visits(study, participation)
    return windows_of(study)


def _in_order(windows: Iterable[VisitWindow]) -> list[VisitWindow]:
    """Each visit after the one it is planned from (the schedule has no circle)."""
    pending = list(windows)
    placed: set[int] = set()
    ordered: list[VisitWindow] = []
    while pending:
        ready = [w for w in pending if w.relative_to_id is None or w.relative_to_id in placed]
        ordered += ready
        placed |= {w.id for w in ready}
        pending = [w for w in pending if w.id not in placed]
    return ordered


def plan_visits(study: Study, participation: SubjectInStudy) -> None:
    """The participation's visits, from its inclusion date: a visit not done moves with
    it; a done one keeps its date and is flagged when that falls outside the new window.
    Without an inclusion date, or once excluded or withdrawn, visits not done go."""
    planned = {
        p.window_id: p
        for p in db.session.execute(
            sa.select(PlannedVisit).where(PlannedVisit.subject_in_study_id == participation.id)
        ).scalars()
    }
    inclusion = participation.inclusion_date
    if inclusion is None or participation.status not in PLANNED_STATUSES:
        for visit in planned.values():
            if visit.actual_on is None:
                db.session.delete(visit)
        db.session.flush()
        return
    anchors: dict[int, dt.date] = {}
    for window in _in_order(windows_of(study)):
        anchor = inclusion if window.relative_to_id is None else anchors.get(window.relative_to_id)
        if anchor is None:
            continue
        visit = planned.get(window.id) or PlannedVisit(
            study_id=study.id, subject_in_study_id=participation.id, window_id=window.id
        )
        target = anchor + dt.timedelta(days=window.day)
        visit.target_on = target
        visit.earliest_on = target - dt.timedelta(days=window.days_before)
        visit.latest_on = target + dt.timedelta(days=window.days_after)
        db.session.add(visit)
        _flag(study, participation, window, visit)
        anchors[window.id] = visit.actual_on or target
    db.session.flush()


def _flag(
    study: Study, participation: SubjectInStudy, window: VisitWindow, visit: PlannedVisit
) -> None:
    outside = visit.actual_on is not None and not (
        visit.earliest_on <= visit.actual_on <= visit.latest_on
    )
    if outside and not visit.out_of_window and visit.deviation_query_uuid is None:
        visit.deviation_query_uuid = raise_deviation(study, participation, window, visit)
    visit.out_of_window = outside


def record_done(study: Study, participation: SubjectInStudy, started: Iterable[uuid.UUID]) -> None:
    """The visits of sections that got their first answers are done today (in the
    tenant's zone); the visits planned from them move."""
    sections = set(started)
    done = False
    for window in windows_of(study):
        if window.section_uuid not in sections:
            continue
        visit = db.session.execute(
            sa.select(PlannedVisit).where(
                PlannedVisit.subject_in_study_id == participation.id,
                PlannedVisit.window_id == window.id,
            )
        ).scalar_one_or_none()
        if visit is not None and visit.actual_on is None:
            visit.actual_on = tenant_today()
            done = True
    if done:
        db.session.flush()
        plan_visits(study, participation)


def planned_visits(study: Study, subject: SubjectInStudy | None) -> sa.Select:
    query = study_query(PlannedVisit, study=study).join(VisitWindow)
    if subject is not None:
        query = query.where(PlannedVisit.subject_in_study_id == subject.id)
    return query.order_by(
        PlannedVisit.subject_in_study_id, PlannedVisit.target_on, VisitWindow.position
    )
