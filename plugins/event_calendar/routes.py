"""Events of the study named by the Study-Uuid header (and its centers'), and of the
tenant (holidays: read by anyone signed in, written by administrators)."""

from __future__ import annotations

from datacapt.toolkit import AUTHENTICATED, ApiView, Blueprint, current_study, paginate
from plugins.event_calendar import permissions, services
from plugins.event_calendar.schemas import (
    EventReadSchema,
    EventSearchSchema,
    EventUpdateSchema,
    EventWriteSchema,
    StudyEventWriteSchema,
)

INVALID = {422: "It ends before it starts (EVENT_INVALID)."}

blp = Blueprint(
    "event_calendar",
    __name__,
    url_prefix="/api/events",
    description="Event calendar: study and tenant events and milestones",
)


@blp.route("/")
class StudyEvents(ApiView):
    permissions_registry = {"GET": permissions.ACCESS, "POST": permissions.MANAGE}

    @blp.arguments(EventSearchSchema, location="query")
    @blp.response(200, EventReadSchema(many=True))
    @blp.paginate()
    def get(self, filters, pagination_parameters):
        """The study's events at the centers the caller sees, and the tenant's, by time
        (filters: `kind`, `ends_after`)."""
        return paginate(services.study_events(current_study(), filters), pagination_parameters)

    @blp.arguments(StudyEventWriteSchema)
    @blp.errors(INVALID, {404: "No such center among those seen (OBJECT_NOT_FOUND)."})
    @blp.response(201, EventReadSchema)
    def post(self, data):
        """An event of the study, or of one of its centers."""
        return services.add_event(current_study(), data)


@blp.route("/<uuid:event_uuid>")
class StudyEventDetail(ApiView):
    permissions_registry = {
        "GET": permissions.ACCESS,
        "PATCH": permissions.MANAGE,
        "DELETE": permissions.MANAGE,
    }

    @blp.response(200, EventReadSchema)
    def get(self, event_uuid):
        return services.get_study_event(current_study(), event_uuid)

    @blp.arguments(EventUpdateSchema)
    @blp.errors(INVALID)
    @blp.response(200, EventReadSchema)
    def patch(self, data, event_uuid):
        return services.change_event(services.get_study_event(current_study(), event_uuid), data)

    @blp.response(204)
    def delete(self, event_uuid):
        services.remove_event(services.get_study_event(current_study(), event_uuid))


@blp.route("/tenant/")
class TenantEvents(ApiView):
    REQUIRES_STUDY = False
    permissions_registry = {"GET": AUTHENTICATED, "POST": permissions.MANAGE_TENANT}

    @blp.arguments(EventSearchSchema, location="query")
    @blp.response(200, EventReadSchema(many=True))
    @blp.paginate()
    def get(self, filters, pagination_parameters):
        """The tenant's events (holidays, company milestones), by time."""
        return paginate(services.tenant_events(filters), pagination_parameters)

    @blp.arguments(EventWriteSchema)
    @blp.errors(INVALID)
    @blp.response(201, EventReadSchema)
    def post(self, data):
        """An event of the tenant, seen by everyone signed in."""
        return services.add_event(None, data)


@blp.route("/tenant/<uuid:event_uuid>")
class TenantEventDetail(ApiView):
    REQUIRES_STUDY = False
    permissions_registry = {
        "GET": AUTHENTICATED,
        "PATCH": permissions.MANAGE_TENANT,
        "DELETE": permissions.MANAGE_TENANT,
    }

    @blp.response(200, EventReadSchema)
    def get(self, event_uuid):
        return services.get_tenant_event(event_uuid)

    @blp.arguments(EventUpdateSchema)
    @blp.errors(INVALID)
    @blp.response(200, EventReadSchema)
    def patch(self, data, event_uuid):
        return services.change_event(services.get_tenant_event(event_uuid), data)

    @blp.response(204)
    def delete(self, event_uuid):
        services.remove_event(services.get_tenant_event(event_uuid))
