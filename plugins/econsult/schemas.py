"""What the econsult endpoints read and answer. No answer carries a provider secret or
the subject's token (the subject reaches it only through their link)."""

from __future__ import annotations

import marshmallow as ma

from plugins.econsult.models import RoomPurpose, RoomStatus

_REASON = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=2000))
_DURATION = ma.validate.Range(min=5, max=240)


class RoomWriteSchema(ma.Schema):
    subject = ma.fields.UUID(required=True)
    purpose = ma.fields.String(
        load_default=RoomPurpose.VISIT, validate=ma.validate.OneOf(list(RoomPurpose))
    )
    starts_at = ma.fields.AwareDateTime(required=True)
    duration_minutes = ma.fields.Integer(required=True, validate=_DURATION)
    participants = ma.fields.List(
        ma.fields.UUID(),
        load_default=list,
        validate=ma.validate.Length(max=20),
        metadata={"description": "Members of the team besides the booker, who always takes part"},
    )


class RoomRescheduleSchema(ma.Schema):
    starts_at = ma.fields.AwareDateTime(required=True)
    duration_minutes = ma.fields.Integer(validate=_DURATION)
    reason = _REASON


class RoomCancelSchema(ma.Schema):
    reason = _REASON


class RoomSearchSchema(ma.Schema):
    status = ma.fields.String(validate=ma.validate.OneOf(list(RoomStatus)))
    subject = ma.fields.UUID()


class RoomParticipantSchema(ma.Schema):
    user = ma.fields.UUID(attribute="user.uuid")
    name = ma.fields.String(attribute="user.display_name")


class RoomReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    subject = ma.fields.UUID(attribute="participation.uuid")
    study_subject_id = ma.fields.String(attribute="participation.study_subject_id")
    purpose = ma.fields.String()
    status = ma.fields.String()
    provider = ma.fields.String()
    starts_at = ma.fields.AwareDateTime()
    duration_minutes = ma.fields.Integer()
    opens_at = ma.fields.AwareDateTime()
    expires_at = ma.fields.AwareDateTime()
    booked_by = ma.fields.UUID(attribute="booked_by.uuid")
    participants = ma.fields.List(ma.fields.Nested(RoomParticipantSchema))
    change_reason = ma.fields.String(allow_none=True)
    closed_at = ma.fields.AwareDateTime(allow_none=True)
    cleaned_up_at = ma.fields.AwareDateTime(allow_none=True)
    created_at = ma.fields.AwareDateTime()


class SubjectRoomSchema(ma.Schema):
    """What the subject's link shows of their room."""

    purpose = ma.fields.String()
    status = ma.fields.String()
    starts_at = ma.fields.AwareDateTime()
    duration_minutes = ma.fields.Integer()
    opens_at = ma.fields.AwareDateTime()
    expires_at = ma.fields.AwareDateTime()


class RoomAdmissionSchema(ma.Schema):
    token = ma.fields.String(metadata={"description": "The short-lived token of the provider"})
    url = ma.fields.String(metadata={"description": "The address that opens the room with it"})
    expires_at = ma.fields.AwareDateTime()


class RoomPresenceReadSchema(ma.Schema):
    attendee = ma.fields.Function(
        lambda presence: str(presence.user.uuid) if presence.user else "subject",
        metadata={"description": "A participant's user uuid, or `subject`"},
    )
    event = ma.fields.String(metadata={"description": "`joined` or `left`"})
    via = ma.fields.String(metadata={"description": "`api`, `link` (the subject) or `expiry`"})
    at = ma.fields.AwareDateTime()
