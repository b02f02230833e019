"""Appointments: booked (resources and staff held, reminders planned, a request closed),
confirmed (the subject told, with an .ics), rescheduled or cancelled with a reason,
marked done or missed."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from datacapt.toolkit import (
    Message,
    Study,
    StudyCenter,
    User,
    centers_of_study,
    conflict,
    db,
    get_in_study,
    get_tenant_settings,
    invalid,
    reason_for_change,
    study_members,
    study_query,
)
from plugins.calendar_app.appointments.booking import hold, release
from plugins.calendar_app.appointments.models import (
    ACTIVE_STATUSES,
    STATUS_CHANGES,
    Appointment,
    AppointmentStatus,
)
from plugins.calendar_app.errors import CalendarAppCodes
from plugins.calendar_app.reminders.services import (
    drop_reminders,
    plan_reminders,
    send_confirmation,
)
from plugins.calendar_app.requests.models import AppointmentRequest, RequestStatus
from plugins.calendar_app.requests.services import close, get_request, lock
from plugins.calendar_app.resources.models import Resource
from plugins.calendar_app.resources.services import get_resource, seen_center_ids
from plugins.calendar_app.schedule.models import PlannedVisit, VisitWindow
from plugins.subjects.api import SubjectInStudy, get_subject, refuse_if_ended

NO_SUCH_APPOINTMENT = Message("No such appointment.")


def tenant_zone() -> ZoneInfo:
    return ZoneInfo(get_tenant_settings().time_zone)


def in_tenant_zone(moment: dt.datetime) -> dt.datetime:
    """An aware time as is; a naive one is a wall-clock time of the tenant's zone."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=tenant_zone()).astimezone(dt.UTC)
    return moment.astimezone(dt.UTC)


def get_appointment(study: Study, appointment_uuid: uuid.UUID) -> Appointment:
    return get_in_study(Appointment, appointment_uuid, NO_SUCH_APPOINTMENT, study=study)


def list_appointments(study: Study, filters: Mapping[str, Any]) -> sa.Select:
    query = study_query(Appointment, study=study)
    if "subject" in filters:
        query = query.where(
            Appointment.subject_in_study_id == get_subject(study, filters["subject"]).id
        )
    if "status" in filters:
        query = query.where(Appointment.status == filters["status"])
    if "starts_after" in filters:
        query = query.where(Appointment.starts_at >= in_tenant_zone(filters["starts_after"]))
    if "starts_before" in filters:
        query = query.where(Appointment.starts_at < in_tenant_zone(filters["starts_before"]))
    return query.order_by(Appointment.starts_at, Appointment.id)


def _invalid(field: str, message: Message) -> Exception:
    return invalid(CalendarAppCodes.APPOINTMENT_INVALID, message, field=field)


def _resources(study: Study, center: StudyCenter, uuids: Sequence[uuid.UUID]) -> list[Resource]:
    resources = [get_resource(study, u) for u in dict.fromkeys(uuids)]
    for resource in resources:
        if resource.center_id != center.id:
            raise _invalid("resources", Message("A resource of another center."))
        if not resource.active:
            raise _invalid("resources", Message("A resource out of use."))
    return resources


def _staff(study: Study, center: StudyCenter, uuids: Sequence[uuid.UUID]) -> list[User]:
    """Active members of the study's team who see the center."""
    members = {user.uuid: user for user in study_members(study, center=center)}
    missing = [u for u in uuids if u not in members]
    if missing:
        raise _invalid(
            "staff", Message("Staff must be active members of the study's team at the center.")
        )
    return [members[u] for u in dict.fromkeys(uuids)]


def _center(
    study: Study, participation: SubjectInStudy | None, data: Mapping[str, Any]
) -> StudyCenter:
    if participation is not None:
        center = db.session.get_one(StudyCenter, participation.center_id)
        if data.get("center") not in (None, center.uuid):
            raise _invalid("center", Message("The subject's appointments are at their center."))
        return center
    if data.get("center") is None:
        raise _invalid("center", Message("A center, or a subject, is required."))
    (center,) = centers_of_study(study, [data["center"]], field="center")
    if center.id not in seen_center_ids(study):
        raise _invalid("center", Message("You do not see this center."))
    return center


def _planned_visit(
    study: Study, participation: SubjectInStudy | None, section: uuid.UUID | None
) -> PlannedVisit | None:
    if section is None:
        return None
    if participation is None:
        raise _invalid("visit", Message("A visit is a subject's."))
    visit = db.session.execute(
        sa.select(PlannedVisit)
        .join(VisitWindow)
        .where(
            PlannedVisit.subject_in_study_id == participation.id,
            VisitWindow.section_uuid == section,
        )
    ).scalar_one_or_none()
    if visit is None:
        raise _invalid("visit", Message("The subject has no such planned visit."))
    return visit


def _request(
    study: Study, participation: SubjectInStudy | None, request_uuid: uuid.UUID | None
) -> AppointmentRequest | None:
    if request_uuid is None:
        return None
    request = get_request(study, request_uuid)
    if participation is None or request.subject_in_study_id != participation.id:
        raise _invalid("request", Message("The request is for another subject."))
    lock(request)
    if request.status != RequestStatus.OPEN:
        raise conflict(
            CalendarAppCodes.REQUEST_NOT_OPEN,
            Message("The request is closed already."),
            status=request.status,
        )
    return request


def book(study: Study, data: Mapping[str, Any]) -> Appointment:
    participation = get_subject(study, data["subject"]) if data.get("subject") else None
    if participation is not None:
        refuse_if_ended(participation)
    center = _center(study, participation, data)
    visit = _planned_visit(study, participation, data.get("visit"))
    request = _request(study, participation, data.get("request"))
    resources = _resources(study, center, data["resources"])
    staff = _staff(study, center, data["staff"])
    starts_at = in_tenant_zone(data["starts_at"])
    ends_at = starts_at + dt.timedelta(minutes=data["duration_minutes"])
    title = data.get("title") or (visit.window.name if visit else "") or "Appointment"
    appointment = Appointment(
        study_id=study.id,
        center_id=center.id,
        subject_in_study_id=participation.id if participation else None,
        planned_visit_id=visit.id if visit else None,
        request_id=request.id if request else None,
        title=title[:200],
        starts_at=starts_at,
        ends_at=ends_at,
        status=AppointmentStatus.PLANNED,
    )
    db.session.add(appointment)
    hold(appointment, resources, staff, starts_at, ends_at)
    if request is not None:
        close(request, RequestStatus.BOOKED)
    plan_reminders(study, appointment)
    return appointment


def _lock(appointment: Appointment) -> None:
    """Read it again under a row lock, before what it holds: of two changes at once (a
    cancellation and a reschedule), the second sees the first."""
    db.session.refresh(appointment, with_for_update={"of": Appointment})


def _refuse_unless_active(appointment: Appointment) -> None:
    _lock(appointment)
    if appointment.status not in ACTIVE_STATUSES:
        raise conflict(
            CalendarAppCodes.APPOINTMENT_NOT_ACTIVE,
            Message("The appointment is over or cancelled: it no longer changes."),
            status=appointment.status,
        )


def reschedule(study: Study, appointment: Appointment, data: Mapping[str, Any]) -> Appointment:
    """A new time (and resources and staff, if given), with a reason; its reminders go
    again from the new time."""
    _refuse_unless_active(appointment)
    center = db.session.get_one(StudyCenter, appointment.center_id)
    resources = (
        _resources(study, center, data["resources"])
        if "resources" in data
        else [b.resource for b in appointment.bookings if b.resource is not None]
    )
    staff = (
        _staff(study, center, data["staff"])
        if "staff" in data
        else [b.user for b in appointment.bookings if b.user is not None]
    )
    starts_at = in_tenant_zone(data["starts_at"])
    ends_at = starts_at + dt.timedelta(minutes=data["duration_minutes"])
    with reason_for_change(data["reason"]):
        hold(appointment, resources, staff, starts_at, ends_at)
        appointment.starts_at, appointment.ends_at = starts_at, ends_at
        appointment.status = AppointmentStatus.PLANNED  # to be confirmed again
        appointment.reason = data["reason"]
        db.session.flush()
    drop_reminders(appointment)
    plan_reminders(study, appointment)
    return appointment


def cancel(appointment: Appointment, reason: str) -> Appointment:
    _refuse_unless_active(appointment)
    with reason_for_change(reason):
        appointment.status = AppointmentStatus.CANCELLED
        appointment.reason = reason
        release(appointment)
    drop_reminders(appointment)
    return appointment


def change_status(appointment: Appointment, status: str) -> Appointment:
    """Confirmed (the subject is told), done or missed."""
    _lock(appointment)
    if status not in STATUS_CHANGES.get(appointment.status, frozenset()):
        raise conflict(
            CalendarAppCodes.APPOINTMENT_STATUS_INVALID,
            Message(
                "The appointment cannot go from {start} to {end}.",
                start=appointment.status,
                end=status,
            ),
            status=appointment.status,
        )
    appointment.status = status
    db.session.flush()
    if status == AppointmentStatus.CONFIRMED:
        send_confirmation(appointment)
    else:
        drop_reminders(appointment)
    return appointment


def subject_appointments(participation: SubjectInStudy) -> list[Appointment]:
    """A subject's appointments in one study, by start: what they are shown of their own."""
    return list(
        db.session.execute(
            sa.select(Appointment)
            .where(Appointment.subject_in_study_id == participation.id)
            .order_by(Appointment.starts_at, Appointment.id)
        ).scalars()
    )
