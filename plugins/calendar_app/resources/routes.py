"""Rooms and instruments of the centers of the study named by the Study-Uuid header (a
resource serves every study of its center), and their private feeds."""

from __future__ import annotations

from flask import request

from datacapt.toolkit import ApiView, Blueprint, current_study, paginate
from plugins.calendar_app import permissions
from plugins.calendar_app.feeds import services as feeds
from plugins.calendar_app.feeds.routes import feed_answer
from plugins.calendar_app.feeds.schemas import FeedReadSchema
from plugins.calendar_app.resources import services
from plugins.calendar_app.resources.schemas import (
    ResourceReadSchema,
    ResourceSearchSchema,
    ResourceUpdateSchema,
    ResourceWriteSchema,
)

NAME_TAKEN = {409: "Another resource of the center has the name (CONFLICT)."}

blp = Blueprint(
    "calendar_resources",
    __name__,
    url_prefix="/api/calendar/resources",
    description="Calendar: rooms and instruments",
)


@blp.route("/")
class Resources(ApiView):
    permissions_registry = {"GET": permissions.ACCESS, "POST": permissions.MANAGE_RESOURCES}

    @blp.arguments(ResourceSearchSchema, location="query")
    @blp.response(200, ResourceReadSchema(many=True))
    @blp.paginate()
    def get(self, filters, pagination_parameters):
        """The resources of the study's centers the caller sees (filter: `kind`)."""
        return paginate(
            services.list_resources(current_study(), filters.get("kind")), pagination_parameters
        )

    @blp.arguments(ResourceWriteSchema)
    @blp.errors(NAME_TAKEN, {404: "No such center among those seen (OBJECT_NOT_FOUND)."})
    @blp.response(201, ResourceReadSchema)
    def post(self, data):
        """A room or instrument of one of the study's centers."""
        return services.add_resource(current_study(), data)


@blp.route("/<uuid:resource_uuid>")
class ResourceDetail(ApiView):
    permissions_registry = {"GET": permissions.ACCESS, "PATCH": permissions.MANAGE_RESOURCES}

    @blp.response(200, ResourceReadSchema)
    def get(self, resource_uuid):
        return services.get_resource(current_study(), resource_uuid)

    @blp.arguments(ResourceUpdateSchema)
    @blp.errors(NAME_TAKEN)
    @blp.response(200, ResourceReadSchema)
    def patch(self, data, resource_uuid):
        """Rename it, or take it out of use (booked no more; what is booked stays)."""
        return services.change_resource(services.get_resource(current_study(), resource_uuid), data)


@blp.route("/<uuid:resource_uuid>/feed")
class ResourceFeed(ApiView):
    permissions_registry = {"default": permissions.MANAGE_RESOURCES}

    @blp.response(201, FeedReadSchema)
    def post(self, resource_uuid):
        """A new private feed of the resource's appointments (and the tenant's events and
        the study's at its center): those of this study in full, another study's as busy
        time only; its URL is in this answer only; an earlier URL stops working."""
        study = current_study()
        resource = services.get_resource(study, resource_uuid)
        return feed_answer(*feeds.make_feed(resource=resource, study=study), request.url_root)

    @blp.response(204)
    def delete(self, resource_uuid):
        """Revoke the resource's feed: its URL answers 404."""
        feeds.revoke(resource=services.get_resource(current_study(), resource_uuid))
