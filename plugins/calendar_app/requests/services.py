"""Appointment requests: opened for a subject, listed, closed by a booking or dismissed."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from datacapt.toolkit import Message, Study, conflict, db, get_in_study, study_query, utcnow
from plugins.calendar_app.errors import CalendarAppCodes
from plugins.calendar_app.requests.models import AppointmentRequest, RequestStatus
from plugins.subjects.api import SubjectInStudy

NO_SUCH_REQUEST = Message("No such appointment request.")


def request_appointment(
    participation: SubjectInStudy, *, reason: str, requested_by: str
) -> AppointmentRequest:
    """An open request for staff to schedule an appointment for that subject."""
    request = AppointmentRequest(
        study_id=participation.study_id,
        subject_in_study_id=participation.id,
        participation=participation,
        reason=reason,
        requested_by=requested_by[:200],
        status=RequestStatus.OPEN,
    )
    db.session.add(request)
    db.session.flush()
    return request


def list_requests(study: Study, status: str | None) -> sa.Select:
    query = study_query(AppointmentRequest, study=study)
    if status:
        query = query.where(AppointmentRequest.status == status)
    return query.order_by(AppointmentRequest.created_at, AppointmentRequest.id)


def get_request(study: Study, request_uuid: uuid.UUID) -> AppointmentRequest:
    return get_in_study(AppointmentRequest, request_uuid, NO_SUCH_REQUEST, study=study)


def lock(request: AppointmentRequest) -> None:
    """Read it again under a row lock: of two closings at once, the second sees the first."""
    db.session.refresh(request, with_for_update={"of": AppointmentRequest})


def close(request: AppointmentRequest, status: RequestStatus, reason: str | None = None) -> None:
    request.status = status
    request.closed_at = utcnow()
    request.dismiss_reason = reason
    db.session.flush()


def dismiss(request: AppointmentRequest, reason: str) -> AppointmentRequest:
    lock(request)
    if request.status != RequestStatus.OPEN:
        raise conflict(
            CalendarAppCodes.REQUEST_NOT_OPEN,
            Message("The request is closed already."),
            status=request.status,
        )
    close(request, RequestStatus.DISMISSED, reason)
    return request
