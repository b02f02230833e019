"""eConsult endpoints. Staff, in the study named by the Study-Uuid header: rooms (book,
read, reschedule, cancel), joining and leaving them, who joined and left. Subjects,
without a login: the room their link's token (the Consult-Token header) opens."""

from __future__ import annotations

from flask import request

from datacapt.toolkit import ApiView, Blueprint, Header, current_study, paginate
from plugins.econsult import access, consult, permissions, public, services
from plugins.econsult.schemas import (
    RoomAdmissionSchema,
    RoomCancelSchema,
    RoomPresenceReadSchema,
    RoomReadSchema,
    RoomRescheduleSchema,
    RoomSearchSchema,
    RoomWriteSchema,
    SubjectRoomSchema,
)

CLOSED = {409: "The room expired or was cancelled (ECONSULT_ROOM_CLOSED)."}
NOT_OPEN = {
    409: "The room is not open yet, `details.opens_at` (ECONSULT_ROOM_NOT_OPEN), or closed"
    " (ECONSULT_ROOM_CLOSED)."
}
NOT_BOOKER = {403: "Only its booker, or who manages rooms, changes it (ECONSULT_NOT_BOOKER)."}
NOT_PARTICIPANT = {403: "The caller does not take part in the room (ECONSULT_NOT_PARTICIPANT)."}
TIME_INVALID = {
    422: "The start is not in the future (ECONSULT_TIME_INVALID), or a participant is not of"
    " the team at the subject's center (ECONSULT_PARTICIPANT_INVALID)."
}
UNAVAILABLE = {409: "The video service is not configured (ECONSULT_PROVIDER_UNAVAILABLE)."}

blp = Blueprint(
    "econsult",
    __name__,
    url_prefix="/api/econsult",
    description="eConsult: video rooms between site staff and a subject",
)
public_blp = Blueprint(
    "econsult_public",
    __name__,
    url_prefix="/api/econsult/public",
    description="eConsult for subjects: the room a link opens (token in Consult-Token)",
)


@blp.route("/rooms/")
class Rooms(ApiView):
    permissions_registry = {"GET": permissions.ACCESS, "POST": permissions.BOOK}

    @blp.arguments(RoomSearchSchema, location="query")
    @blp.response(200, RoomReadSchema(many=True))
    @blp.paginate()
    def get(self, filters, pagination_parameters):
        """The study's rooms at the centers the caller sees, latest start first."""
        return paginate(services.list_rooms(current_study(), **filters), pagination_parameters)

    @blp.arguments(RoomWriteSchema)
    @blp.errors(TIME_INVALID, {409: "The subject was excluded or withdrawn."})
    @blp.response(201, RoomReadSchema)
    def post(self, data):
        """Book a room with a subject of a center the caller sees, for a time and duration,
        with the booker and the named participants; the subject is emailed their link."""
        return services.book(current_study(), data), 201


@blp.route("/rooms/<uuid:room_uuid>")
class RoomDetail(ApiView):
    permissions_registry = {"GET": permissions.ACCESS}

    @blp.response(200, RoomReadSchema)
    def get(self, room_uuid):
        return services.get_room(current_study(), room_uuid)


@blp.route("/rooms/<uuid:room_uuid>/reschedule")
class RoomReschedule(ApiView):
    permissions_registry = {"POST": permissions.BOOK}

    @blp.arguments(RoomRescheduleSchema)
    @blp.errors(CLOSED, NOT_BOOKER, TIME_INVALID)
    @blp.response(200, RoomReadSchema)
    def post(self, data, room_uuid):
        """Move a room to another time, saying why; the subject is told (same link)."""
        return services.reschedule(services.get_room(current_study(), room_uuid, True), data)


@blp.route("/rooms/<uuid:room_uuid>/cancel")
class RoomCancel(ApiView):
    permissions_registry = {"POST": permissions.BOOK}

    @blp.arguments(RoomCancelSchema)
    @blp.errors(CLOSED, NOT_BOOKER)
    @blp.response(200, RoomReadSchema)
    def post(self, data, room_uuid):
        """Cancel a room, saying why: no token is given any more; the subject is told."""
        return services.cancel(services.get_room(current_study(), room_uuid, True), data["reason"])


@blp.route("/rooms/<uuid:room_uuid>/join")
class RoomJoin(ApiView):
    permissions_registry = {"POST": permissions.CONSULT}

    @blp.errors(NOT_OPEN, NOT_PARTICIPANT, UNAVAILABLE)
    @blp.response(200, RoomAdmissionSchema)
    def post(self, room_uuid):
        """A participant's short-lived token and address while the room is open; recorded
        as joining."""
        return consult.join(services.get_room(current_study(), room_uuid))


@blp.route("/rooms/<uuid:room_uuid>/leave")
class RoomLeave(ApiView):
    permissions_registry = {"POST": permissions.CONSULT}

    @blp.errors(NOT_PARTICIPANT)
    @blp.response(204)
    def post(self, room_uuid):
        """A participant left the room (recorded)."""
        consult.leave(services.get_room(current_study(), room_uuid))


@blp.route("/rooms/<uuid:room_uuid>/presence")
class RoomPresenceLog(ApiView):
    permissions_registry = {"GET": permissions.ACCESS}

    @blp.response(200, RoomPresenceReadSchema(many=True))
    @blp.paginate()
    def get(self, room_uuid, pagination_parameters):
        """Who joined and left the room, in order."""
        room = services.get_room(current_study(), room_uuid)
        return paginate(access.presence_of(room), pagination_parameters)


# The subject's token, from their link.
CONSULT_TOKEN = Header(
    public.TOKEN_HEADER,
    "The token of the subject's consultation link",
    required=True,
    errors={
        401: "The link opens nothing (ECONSULT_LINK_INVALID).",
        410: "The room expired or was cancelled (ECONSULT_ROOM_CLOSED).",
        429: "Too many links that opened nothing from this address (ECONSULT_TOO_MANY_ATTEMPTS).",
    },
)


@public_blp.route("/room")
class SubjectRoom(ApiView):
    PUBLIC = True

    @public_blp.reads_headers(CONSULT_TOKEN)
    @public_blp.response(200, SubjectRoomSchema)
    def get(self):
        """The room the token opens: when it starts and opens."""
        return public.read(request.headers.get(public.TOKEN_HEADER))


@public_blp.route("/room/join")
class SubjectRoomJoin(ApiView):
    PUBLIC = True

    @public_blp.reads_headers(CONSULT_TOKEN)
    @public_blp.errors(
        {409: "The room is not open yet, `details.opens_at` (ECONSULT_ROOM_NOT_OPEN)."},
        UNAVAILABLE,
    )
    @public_blp.response(200, RoomAdmissionSchema)
    def post(self):
        """The subject's short-lived token and address while the room is open; recorded as
        joining."""
        return public.join(request.headers.get(public.TOKEN_HEADER))


@public_blp.route("/room/leave")
class SubjectRoomLeave(ApiView):
    PUBLIC = True

    @public_blp.reads_headers(CONSULT_TOKEN)
    @public_blp.response(204)
    def post(self):
        """The subject left the room (recorded)."""
        public.leave(request.headers.get(public.TOKEN_HEADER))
