"""Appointments of the study named by the Study-Uuid header: booked with their resources
and staff (a clash refused), confirmed, rescheduled or cancelled with a reason, done or
missed; and a subject's .ics, at the link of their confirmation."""

from __future__ import annotations

import hmac

import sqlalchemy as sa
from flask import Response

from datacapt.toolkit import ApiView, Blueprint, current_study, db, not_found, paginate
from plugins.calendar_app import permissions
from plugins.calendar_app.appointments import services
from plugins.calendar_app.appointments.models import Appointment
from plugins.calendar_app.appointments.schemas import (
    AppointmentCancelSchema,
    AppointmentReadSchema,
    AppointmentRescheduleSchema,
    AppointmentSearchSchema,
    AppointmentStatusSchema,
    AppointmentWriteSchema,
)
from plugins.calendar_app.feeds.ical import subject_document
from plugins.calendar_app.feeds.routes import ICS
from plugins.calendar_app.messages import ics_token

BUSY = {
    409: "A resource (RESOURCE_BUSY) or a staff member (STAFF_BUSY) is booked at that time;"
    " the subject's participation ended (SUBJECT_PARTICIPATION_ENDED); the request is"
    " closed (REQUEST_NOT_OPEN)."
}
INVALID = {
    422: "A resource of another center or out of use, staff not of the team at the center,"
    " a visit the subject does not have (APPOINTMENT_INVALID)."
}
NOT_ACTIVE = {409: "The appointment is over or cancelled (APPOINTMENT_NOT_ACTIVE)."}
NAMED_NOT_FOUND = {404: "No such subject, resource or request (OBJECT_NOT_FOUND)."}

blp = Blueprint(
    "calendar_appointments",
    __name__,
    url_prefix="/api/calendar/appointments",
    description="Calendar: appointments with subjects and staff",
)


def _appointment(appointment_uuid) -> Appointment:
    return services.get_appointment(current_study(), appointment_uuid)


@blp.route("/")
class Appointments(ApiView):
    permissions_registry = {"GET": permissions.ACCESS, "POST": permissions.BOOK}

    @blp.arguments(AppointmentSearchSchema, location="query")
    @blp.errors({404: "No such subject (OBJECT_NOT_FOUND)."})
    @blp.response(200, AppointmentReadSchema(many=True))
    @blp.paginate()
    def get(self, filters, pagination_parameters):
        """The study's appointments at the centers the caller sees, by time (filters:
        `subject`, `status`, `starts_after`, `starts_before`)."""
        statement = services.list_appointments(current_study(), filters)
        return paginate(statement, pagination_parameters)

    @blp.arguments(AppointmentWriteSchema)
    @blp.errors(BUSY, INVALID, NAMED_NOT_FOUND)
    @blp.response(201, AppointmentReadSchema)
    def post(self, data):
        """Book an appointment: its resources and staff are held for its time (in any
        study), its reminders planned."""
        return services.book(current_study(), data)


@blp.route("/<uuid:appointment_uuid>")
class AppointmentDetail(ApiView):
    permissions_registry = {"GET": permissions.ACCESS}

    @blp.response(200, AppointmentReadSchema)
    def get(self, appointment_uuid):
        return _appointment(appointment_uuid)


@blp.route("/<uuid:appointment_uuid>/reschedule")
class AppointmentReschedule(ApiView):
    permissions_registry = {"POST": permissions.BOOK}

    @blp.arguments(AppointmentRescheduleSchema)
    @blp.errors(BUSY, INVALID, NOT_ACTIVE)
    @blp.response(200, AppointmentReadSchema)
    def post(self, data, appointment_uuid):
        """Move it (and change its resources or staff), with a reason: planned again, to
        be confirmed; its reminders go from the new time."""
        return services.reschedule(current_study(), _appointment(appointment_uuid), data)


@blp.route("/<uuid:appointment_uuid>/cancel")
class AppointmentCancel(ApiView):
    permissions_registry = {"POST": permissions.BOOK}

    @blp.arguments(AppointmentCancelSchema)
    @blp.errors(NOT_ACTIVE)
    @blp.response(200, AppointmentReadSchema)
    def post(self, data, appointment_uuid):
        """Cancel it, with a reason: what it held is free, no reminder goes."""
        return services.cancel(_appointment(appointment_uuid), data["reason"])


@blp.route("/<uuid:appointment_uuid>/status")
class AppointmentStatusChange(ApiView):
    permissions_registry = {"POST": permissions.BOOK}

    @blp.arguments(AppointmentStatusSchema)
    @blp.errors({409: "Not a step from its status (APPOINTMENT_STATUS_INVALID)."})
    @blp.response(200, AppointmentReadSchema)
    def post(self, data, appointment_uuid):
        """Confirmed (the subject gets the confirmation with their .ics link), done or
        missed."""
        return services.change_status(_appointment(appointment_uuid), data["status"])


@blp.route("/<uuid:appointment_uuid>/ics/<string:token>")
class SubjectIcs(ApiView):
    PUBLIC = True  # the link of the subject's confirmation: its token is the credential

    @blp.response(200, {"type": "string"}, content_type=ICS, description="An iCalendar document")
    def get(self, appointment_uuid, token):
        """The subject's appointment as an .ics (cancelled once it is)."""
        # As bytes: compare_digest refuses a str with characters beyond ASCII (a 500).
        if not hmac.compare_digest(token.encode(), ics_token(appointment_uuid).encode()):
            raise not_found(services.NO_SUCH_APPOINTMENT)
        appointment = db.session.execute(
            sa.select(Appointment).where(Appointment.uuid == appointment_uuid)
        ).scalar_one_or_none()
        if appointment is None:
            raise not_found(services.NO_SUCH_APPOINTMENT)
        return Response(
            subject_document(appointment),
            mimetype=ICS,
            headers={"Content-Disposition": 'attachment; filename="appointment.ics"'},
        )
