"""What the chat endpoints read and answer. No answer carries a subject's token but the
one answer that renews it."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from plugins.chat.models import ThreadKind, ThreadStatus
from plugins.chat.posting import MAX_TEXT
from plugins.chat.views import STAFF, SUBJECT


def _path(path: str, field: ma.fields.Field, description: str = "") -> ma.fields.Function:
    """The value at ``path`` (dotted attributes), null where a step is absent."""

    def read(obj: object) -> object:
        for name in path.split("."):
            obj = getattr(obj, name)
            if obj is None:
                return None
        return field._serialize(obj, None, None)

    return ma.fields.Function(read, allow_none=True, metadata={"description": description})


_TEXT = ma.fields.String(load_default="", validate=ma.validate.Length(max=MAX_TEXT))
_CORRECTS = ma.fields.UUID(
    load_default=None,
    allow_none=True,
    metadata={"description": "The earlier message of the same author this one corrects"},
)


class ChatThreadSearchSchema(ma.Schema):
    kind = ma.fields.String(validate=ma.validate.OneOf(list(ThreadKind)))
    status = ma.fields.String(validate=ma.validate.OneOf(list(ThreadStatus)))
    subject = ma.fields.UUID()


class ChatThreadWriteSchema(ma.Schema):
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(list(ThreadKind)))
    title = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    subject = ma.fields.UUID(
        load_default=None, allow_none=True, metadata={"description": "A subject thread's subject"}
    )
    center = ma.fields.UUID(
        load_default=None,
        allow_none=True,
        metadata={"description": "A staff thread's center; none: the whole study"},
    )
    participants = ma.fields.List(
        ma.fields.UUID(),
        load_default=list,
        validate=ma.validate.Length(max=50),
        metadata={"description": "Members of the team besides the opener, who always takes part"},
    )


class ChatParticipantsWriteSchema(ma.Schema):
    participants = ma.fields.List(
        ma.fields.UUID(), required=True, validate=ma.validate.Length(min=1, max=50)
    )


class ChatMessageWriteSchema(ma.Schema):
    text = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=MAX_TEXT))
    corrects = _CORRECTS


class ChatAttachmentFormSchema(ma.Schema):
    """The form fields beside the multipart ``file``."""

    text = _TEXT
    corrects = _CORRECTS


class ChatParticipantSchema(ma.Schema):
    kind = ma.fields.Function(lambda p: STAFF if p.user_id is not None else SUBJECT)
    user = _path("user.uuid", ma.fields.UUID(), "The member of the staff; null: the subject")
    name = _path("user.display_name", ma.fields.String())
    read_at = ma.fields.AwareDateTime(allow_none=True)
    notified_at = ma.fields.AwareDateTime(allow_none=True)


class ChatReceiptSchema(ma.Schema):
    """Who read a message, and when they last read the thread."""

    kind = ma.fields.Function(lambda p: STAFF if p.user_id is not None else SUBJECT)
    user = _path("user.uuid", ma.fields.UUID(), "The member of the staff; null: the subject")
    name = _path("user.display_name", ma.fields.String())
    read_at = ma.fields.AwareDateTime(allow_none=True)


class ChatThreadReadSchema(ma.Schema):
    uuid = ma.fields.UUID(attribute="thread.uuid")
    kind = ma.fields.String(attribute="thread.kind")
    title = ma.fields.String(attribute="thread.title")
    status = ma.fields.String(attribute="thread.status")
    center = _path("thread.center.uuid", ma.fields.UUID(), "Null: of the whole study")
    center_code = _path("thread.center.code", ma.fields.String())
    subject = _path("thread.participation.uuid", ma.fields.UUID(), "A subject thread's subject")
    study_subject_id = _path("thread.participation.study_subject_id", ma.fields.String())
    opened_by = ma.fields.UUID(attribute="thread.opened_by.uuid")
    created_at = ma.fields.AwareDateTime(attribute="thread.created_at")
    last_message_at = ma.fields.AwareDateTime(attribute="thread.last_message_at", allow_none=True)
    closed_at = ma.fields.AwareDateTime(attribute="thread.closed_at", allow_none=True)
    unread = ma.fields.Integer(metadata={"description": "Messages the caller has not read"})
    participants = ma.fields.List(
        ma.fields.Nested(ChatParticipantSchema), attribute="thread.participants"
    )


class ChatAttachmentSchema(ma.Schema):
    uuid = ma.fields.UUID(attribute="file_uuid")
    name = ma.fields.String(attribute="file_name")
    content_type = ma.fields.String(attribute="file_type")
    size = ma.fields.Integer(attribute="file_size")


def _attachment(view: Any) -> dict | None:
    message = view.message
    return ChatAttachmentSchema().dump(message) if message.file_uuid else None


class ChatMessageReadSchema(ma.Schema):
    uuid = ma.fields.UUID(attribute="message.uuid")
    sent_at = ma.fields.AwareDateTime(attribute="message.created_at")
    author_kind = ma.fields.String(metadata={"description": "staff or subject"})
    author = _path("message.author.uuid", ma.fields.UUID(), "Null: the subject wrote it")
    author_name = ma.fields.String()
    text = ma.fields.String(attribute="message.text")
    corrects = ma.fields.UUID(attribute="message.corrects_uuid", allow_none=True)
    file = ma.fields.Function(_attachment, metadata={"description": "The attachment, if any"})
    read_by = ma.fields.List(
        ma.fields.Nested(ChatReceiptSchema),
        metadata={"description": "The participants besides its author who read it"},
    )


class ChatUnreadSchema(ma.Schema):
    threads = ma.fields.Integer(metadata={"description": "Threads with unread messages"})
    messages = ma.fields.Integer(metadata={"description": "Unread messages in all"})


class ChatSubjectLinkSchema(ma.Schema):
    token = ma.fields.String(metadata={"description": "Shown once: the subject's Chat-Token"})
    link = ma.fields.String(metadata={"description": "The frontend page carrying it"})


class ChatSubjectThreadSchema(ma.Schema):
    """A thread as its subject sees it."""

    uuid = ma.fields.UUID(attribute="thread.uuid")
    title = ma.fields.String(attribute="thread.title")
    status = ma.fields.String(attribute="thread.status")
    last_message_at = ma.fields.AwareDateTime(attribute="thread.last_message_at", allow_none=True)
    unread = ma.fields.Integer()


class ChatSubjectMessageSchema(ma.Schema):
    """A message as the subject sees it: whether the other side read it, not who."""

    uuid = ma.fields.UUID(attribute="message.uuid")
    sent_at = ma.fields.AwareDateTime(attribute="message.created_at")
    mine = ma.fields.Boolean(metadata={"description": "Whether the subject wrote it"})
    author_name = ma.fields.String()
    text = ma.fields.String(attribute="message.text")
    corrects = ma.fields.UUID(attribute="message.corrects_uuid", allow_none=True)
    file = ma.fields.Function(_attachment)
    read = ma.fields.Function(
        lambda view: bool(view.read_by), metadata={"description": "Read by the other side"}
    )
