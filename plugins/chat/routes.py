"""Chat endpoints. Staff, in the study named by the Study-Uuid header: threads (open,
read, add participants, close, reopen), their messages (post, with a file, read
receipts), attachments, unread counts, a subject's chat link. Subjects, without a
login: their threads, from their link's token (the Chat-Token header)."""

from __future__ import annotations

import io
from typing import Any

from flask import request, send_file
from werkzeug.datastructures import FileStorage

from datacapt.toolkit import (
    ApiView,
    Blueprint,
    Header,
    Message,
    acting_user,
    current_study,
    invalid,
    paginate,
)
from plugins.chat import links, permissions, posting, public, subject_side, threads
from plugins.chat.errors import ChatCodes
from plugins.chat.models import ChatMessage, ChatThread, ThreadStatus
from plugins.chat.schemas import (
    ChatAttachmentFormSchema,
    ChatMessageReadSchema,
    ChatMessageWriteSchema,
    ChatParticipantsWriteSchema,
    ChatSubjectLinkSchema,
    ChatSubjectMessageSchema,
    ChatSubjectThreadSchema,
    ChatThreadReadSchema,
    ChatThreadSearchSchema,
    ChatThreadWriteSchema,
    ChatUnreadSchema,
)
from plugins.chat.views import ThreadView, message_views, thread_views
from plugins.subjects.api import get_subject

CLOSED = {409: "The thread is closed (CHAT_THREAD_CLOSED)."}
MESSAGE_INVALID = {
    422: "No text (CHAT_INVALID), or `corrects` names no earlier message of the author in the"
    " thread (CHAT_CORRECTION_INVALID)."
}
FILE_REFUSED = {
    422: "The file is missing, too large, of a type the platform refuses, or its content does"
    " not match its type (FILE_REFUSED), or of a type the tenant's chat does not accept"
    " (CHAT_FILE_REFUSED)."
}
PARTICIPANTS = {
    422: "A participant is not of the team at the thread's center (CHAT_PARTICIPANT_INVALID)."
}
BINARY = {"type": "string", "format": "binary"}

blp = Blueprint(
    "chat",
    __name__,
    url_prefix="/api/chat",
    description="Chat: threads between site staff and subjects and within a study's team",
)
public_blp = Blueprint(
    "chat_public",
    __name__,
    url_prefix="/api/chat/public",
    description="Chat for subjects: their threads with the staff (token in Chat-Token)",
)


def _upload() -> FileStorage:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise invalid(
            ChatCodes.CHAT_INVALID,
            Message("Send the file in the multipart field file."),
            field="file",
        )
    return upload


def _thread(thread_uuid: Any, for_update: bool = False) -> ChatThread:
    return threads.get_thread(current_study(), thread_uuid, for_update)


def _view(thread: ChatThread) -> ThreadView:
    (view,) = thread_views([thread], acting_user().id)
    return view


def _shown(thread: ChatThread, message: ChatMessage) -> Any:
    (view,) = message_views(thread, [message], acting_user().id)
    return view


def _file(message: ChatMessage, content: bytes) -> Any:
    return send_file(
        io.BytesIO(content),
        mimetype=message.file_type,
        as_attachment=True,
        download_name=message.file_name,
    )


@blp.route("/threads/")
class Threads(ApiView):
    permissions_registry = {"GET": permissions.ACCESS, "POST": permissions.WRITE}

    @blp.arguments(ChatThreadSearchSchema, location="query")
    @blp.response(200, ChatThreadReadSchema(many=True))
    @blp.paginate()
    def get(self, filters, pagination_parameters):
        """The threads the caller sees (subject threads of their centers if they talk with
        subjects, staff threads they take part in), the latest active first, each with the
        caller's unread count."""
        page = paginate(threads.list_threads(current_study(), **filters), pagination_parameters)
        return thread_views(page, acting_user().id)

    @blp.arguments(ChatThreadWriteSchema)
    @blp.errors(
        PARTICIPANTS,
        {403: "Subject threads need chat.subjects (CHAT_NOT_ALLOWED)."},
        {
            422: "A subject thread without subject, or a staff thread without a center the"
            " caller sees all of (CHAT_INVALID)."
        },
    )
    @blp.response(201, ChatThreadReadSchema)
    def post(self, data):
        """Open a thread with a subject of a center the caller sees, or among staff (at a
        center, or of the whole study), with the opener and the named participants."""
        return _view(threads.open_thread(current_study(), data)), 201


@blp.route("/threads/<uuid:thread_uuid>")
class ThreadDetail(ApiView):
    permissions_registry = {"GET": permissions.ACCESS}

    @blp.response(200, ChatThreadReadSchema)
    def get(self, thread_uuid):
        """The thread, its participants and their receipts, and the caller's unread count."""
        return _view(_thread(thread_uuid))


@blp.route("/threads/<uuid:thread_uuid>/participants")
class ThreadParticipants(ApiView):
    permissions_registry = {"POST": permissions.WRITE}

    @blp.arguments(ChatParticipantsWriteSchema)
    @blp.errors(PARTICIPANTS)
    @blp.response(200, ChatThreadReadSchema)
    def post(self, data, thread_uuid):
        """Add members of the team (seeing the thread's center) to the thread."""
        thread = _thread(thread_uuid, for_update=True)
        return _view(threads.add_participants(current_study(), thread, data["participants"]))


@blp.route("/threads/<uuid:thread_uuid>/close")
class ThreadClose(ApiView):
    permissions_registry = {"POST": permissions.WRITE}

    @blp.response(200, ChatThreadReadSchema)
    def post(self, thread_uuid):
        """Close the thread: no more messages; its old ones fall under the tenant's retention."""
        thread = _thread(thread_uuid, for_update=True)
        return _view(threads.set_status(thread, ThreadStatus.CLOSED))


@blp.route("/threads/<uuid:thread_uuid>/reopen")
class ThreadReopen(ApiView):
    permissions_registry = {"POST": permissions.WRITE}

    @blp.response(200, ChatThreadReadSchema)
    def post(self, thread_uuid):
        """Reopen a closed thread."""
        thread = _thread(thread_uuid, for_update=True)
        return _view(threads.set_status(thread, ThreadStatus.OPEN))


@blp.route("/threads/<uuid:thread_uuid>/read")
class ThreadRead(ApiView):
    permissions_registry = {"POST": permissions.ACCESS}

    @blp.response(200, ChatThreadReadSchema)
    def post(self, thread_uuid):
        """The caller has read the thread's messages so far (their receipt)."""
        thread = _thread(thread_uuid, for_update=True)
        posting.mark_read(thread, acting_user().id)
        return _view(thread)


@blp.route("/threads/<uuid:thread_uuid>/messages/")
class ThreadMessages(ApiView):
    permissions_registry = {"GET": permissions.ACCESS, "POST": permissions.WRITE}

    @blp.response(200, ChatMessageReadSchema(many=True))
    @blp.paginate()
    def get(self, thread_uuid, pagination_parameters):
        """The thread's messages, the latest first, each with who read it."""
        thread = _thread(thread_uuid)
        page = paginate(posting.thread_messages(thread), pagination_parameters)
        return message_views(thread, page, acting_user().id)

    @blp.arguments(ChatMessageWriteSchema)
    @blp.errors(CLOSED, MESSAGE_INVALID)
    @blp.response(201, ChatMessageReadSchema)
    def post(self, data, thread_uuid):
        """Post a message (never changed after; a correction is a new message naming the
        one it corrects); offline participants not told since they last read get an email."""
        thread = _thread(thread_uuid, for_update=True)
        message = posting.post(thread, acting_user(), data["text"], corrects=data["corrects"])
        return _shown(thread, message), 201


@blp.route("/threads/<uuid:thread_uuid>/messages/file")
class ThreadAttachments(ApiView):
    permissions_registry = {"POST": permissions.WRITE}

    @blp.arguments(ChatAttachmentFormSchema, location="form")
    @blp.errors(CLOSED, MESSAGE_INVALID, FILE_REFUSED)
    @blp.response(201, ChatMessageReadSchema)
    def post(self, data, thread_uuid):
        """Post a message carrying a file (multipart field `file`, form fields `text` and
        `corrects`), checked by the platform's storage and the tenant's chat types."""
        thread = _thread(thread_uuid, for_update=True)
        message = posting.post(thread, acting_user(), data["text"], _upload(), data["corrects"])
        return _shown(thread, message), 201


@blp.route("/threads/<uuid:thread_uuid>/messages/<uuid:message_uuid>/file")
class ThreadAttachment(ApiView):
    permissions_registry = {"GET": permissions.ACCESS}

    @blp.response(200, BINARY, content_type="application/octet-stream", description="The file")
    def get(self, thread_uuid, message_uuid):
        """A message's attachment (with its own Content-Type)."""
        return _file(*subject_side.attachment(_thread(thread_uuid), message_uuid))


@blp.route("/unread")
class UnreadCount(ApiView):
    permissions_registry = {"GET": permissions.ACCESS}

    @blp.response(200, ChatUnreadSchema)
    def get(self):
        """How many of the threads the caller sees have messages they did not read, and how
        many messages."""
        user = acting_user()
        ids = threads.visible_threads(current_study(), user)
        return posting.unread_total(ids.with_only_columns(ChatThread.id).order_by(None), user.id)


@blp.route("/subjects/<uuid:subject_uuid>/link")
class SubjectLink(ApiView):
    permissions_registry = {"POST": permissions.SUBJECTS}

    @blp.response(200, ChatSubjectLinkSchema)
    def post(self, subject_uuid):
        """A new chat link for a subject of a center the caller sees (the previous one opens
        nothing any more): its token is answered this once, never stored."""
        token = links.renew_link(get_subject(current_study(), subject_uuid))
        return {"token": token, "link": links.subject_link(token)}


# The subject's token, from their link.
CHAT_TOKEN = Header(
    public.TOKEN_HEADER,
    "The token of the subject's chat link",
    required=True,
    errors={
        401: "The link opens nothing (CHAT_LINK_INVALID).",
        429: "Too many links that opened nothing from this address (CHAT_TOO_MANY_ATTEMPTS).",
    },
)


def _subject() -> Any:
    return public.participation_of(request.headers.get(public.TOKEN_HEADER))


@public_blp.route("/threads/")
class SubjectThreads(ApiView):
    PUBLIC = True

    @public_blp.reads_headers(CHAT_TOKEN)
    @public_blp.response(200, ChatSubjectThreadSchema(many=True))
    @public_blp.paginate()
    def get(self, pagination_parameters):
        """The subject's threads with the staff, the latest active first, with unread counts."""
        page = paginate(subject_side.subject_threads(_subject()), pagination_parameters)
        return subject_side.subject_thread_views(page)


@public_blp.route("/unread")
class SubjectUnread(ApiView):
    PUBLIC = True

    @public_blp.reads_headers(CHAT_TOKEN)
    @public_blp.response(200, ChatUnreadSchema)
    def get(self):
        """How many of the subject's threads have unread messages, and how many messages."""
        return subject_side.subject_unread(_subject())


@public_blp.route("/threads/<uuid:thread_uuid>/messages/")
class SubjectMessages(ApiView):
    PUBLIC = True

    @public_blp.reads_headers(CHAT_TOKEN)
    @public_blp.response(200, ChatSubjectMessageSchema(many=True))
    @public_blp.paginate()
    def get(self, thread_uuid, pagination_parameters):
        """The thread's messages, the latest first, each saying whether the other side read it."""
        thread = subject_side.subject_thread(_subject(), thread_uuid)
        page = paginate(posting.thread_messages(thread), pagination_parameters)
        return subject_side.subject_message_views(thread, page)

    @public_blp.reads_headers(CHAT_TOKEN)
    @public_blp.arguments(ChatMessageWriteSchema)
    @public_blp.errors(CLOSED, MESSAGE_INVALID)
    @public_blp.response(201, ChatSubjectMessageSchema)
    def post(self, data, thread_uuid):
        """The subject's message; the staff taking part who are offline are told once."""
        participation = _subject()
        thread = subject_side.subject_thread(participation, thread_uuid)
        message = subject_side.post_as_subject(
            thread, participation, data["text"], corrects=data["corrects"]
        )
        (view,) = subject_side.subject_message_views(thread, [message])
        return view, 201


@public_blp.route("/threads/<uuid:thread_uuid>/messages/file")
class SubjectAttachments(ApiView):
    PUBLIC = True

    @public_blp.reads_headers(CHAT_TOKEN)
    @public_blp.arguments(ChatAttachmentFormSchema, location="form")
    @public_blp.errors(CLOSED, MESSAGE_INVALID, FILE_REFUSED)
    @public_blp.response(201, ChatSubjectMessageSchema)
    def post(self, data, thread_uuid):
        """The subject's message carrying a file (multipart `file`, form `text`, `corrects`)."""
        participation = _subject()
        thread = subject_side.subject_thread(participation, thread_uuid)
        message = subject_side.post_as_subject(
            thread, participation, data["text"], _upload(), data["corrects"]
        )
        (view,) = subject_side.subject_message_views(thread, [message])
        return view, 201


@public_blp.route("/threads/<uuid:thread_uuid>/read")
class SubjectRead(ApiView):
    PUBLIC = True

    @public_blp.reads_headers(CHAT_TOKEN)
    @public_blp.response(200, ChatSubjectThreadSchema)
    def post(self, thread_uuid):
        """The subject has read the thread's messages so far."""
        participation = _subject()
        thread = subject_side.subject_thread(participation, thread_uuid)
        subject_side.read_as_subject(thread, participation)
        (view,) = subject_side.subject_thread_views([thread])
        return view


@public_blp.route("/threads/<uuid:thread_uuid>/messages/<uuid:message_uuid>/file")
class SubjectAttachment(ApiView):
    PUBLIC = True

    @public_blp.reads_headers(CHAT_TOKEN)
    @public_blp.response(
        200, BINARY, content_type="application/octet-stream", description="The file"
    )
    def get(self, thread_uuid, message_uuid):
        """An attachment of a message in one of the subject's threads."""
        thread = subject_side.subject_thread(_subject(), thread_uuid)
        return _file(*subject_side.attachment(thread, message_uuid))
