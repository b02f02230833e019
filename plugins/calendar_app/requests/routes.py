"""Appointment requests of the study named by the Study-Uuid header: what staff are asked
to schedule (by an automation or a colleague), until booked or dismissed."""

from __future__ import annotations

from datacapt.toolkit import ApiView, Blueprint, acting_user, current_study, paginate
from plugins.calendar_app import permissions
from plugins.calendar_app.requests import services
from plugins.calendar_app.requests.schemas import (
    RequestDismissSchema,
    RequestReadSchema,
    RequestSearchSchema,
    RequestWriteSchema,
)
from plugins.subjects.api import get_subject, refuse_if_ended

NOT_OPEN = {409: "The request is booked or dismissed already (REQUEST_NOT_OPEN)."}

blp = Blueprint(
    "calendar_requests",
    __name__,
    url_prefix="/api/calendar/requests",
    description="Calendar: requests for an appointment with a subject",
)


@blp.route("/")
class Requests(ApiView):
    permissions_registry = {"GET": permissions.ACCESS, "POST": permissions.BOOK}

    @blp.arguments(RequestSearchSchema, location="query")
    @blp.response(200, RequestReadSchema(many=True))
    @blp.paginate()
    def get(self, filters, pagination_parameters):
        """The study's requests at the centers the caller sees, oldest first."""
        statement = services.list_requests(current_study(), filters.get("status"))
        return paginate(statement, pagination_parameters)

    @blp.arguments(RequestWriteSchema)
    @blp.errors({404: "No such subject (OBJECT_NOT_FOUND)."}, 409)
    @blp.response(201, RequestReadSchema)
    def post(self, data):
        """Ask for an appointment with a subject."""
        participation = get_subject(current_study(), data["subject"])
        refuse_if_ended(participation)
        return services.request_appointment(
            participation, reason=data["reason"], requested_by=acting_user().display_name
        )


@blp.route("/<uuid:request_uuid>")
class RequestDetail(ApiView):
    permissions_registry = {"GET": permissions.ACCESS}

    @blp.response(200, RequestReadSchema)
    def get(self, request_uuid):
        return services.get_request(current_study(), request_uuid)


@blp.route("/<uuid:request_uuid>/dismiss")
class RequestDismissal(ApiView):
    permissions_registry = {"POST": permissions.BOOK}

    @blp.arguments(RequestDismissSchema)
    @blp.errors(NOT_OPEN)
    @blp.response(200, RequestReadSchema)
    def post(self, data, request_uuid):
        """Close an open request without booking, with a reason."""
        return services.dismiss(services.get_request(current_study(), request_uuid), data["reason"])
