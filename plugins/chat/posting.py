"""Messages: posted by staff or by the subject (never changed after; a correction is a
new message naming the one it corrects), with an attachment the tenant accepts; read
receipts, unread counts, and the one email a participant gets until they read again."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from datacapt.toolkit import (
    Channel,
    Message,
    Recipient,
    RecipientKind,
    Study,
    User,
    conflict,
    db,
    frontend_url,
    get_tenant_settings,
    invalid,
    notify,
    store_upload,
    study_members,
    utcnow,
)
from plugins.chat import messages
from plugins.chat.errors import ChatCodes
from plugins.chat.links import ensure_link
from plugins.chat.models import ChatMessage, ChatParticipant, ChatThread, ThreadStatus
from plugins.chat.settings import chat_settings
from plugins.subjects.api import SubjectInStudy, SubjectPersonalData

MAX_TEXT = 4000


def thread_messages(thread: ChatThread) -> sa.Select:
    """The thread's messages, the latest first."""
    return (
        sa.select(ChatMessage)
        .where(ChatMessage.thread_id == thread.id)
        .order_by(ChatMessage.id.desc())
    )


def get_message(thread: ChatThread, message_uuid: object) -> ChatMessage | None:
    return db.session.execute(
        sa.select(ChatMessage).where(
            ChatMessage.thread_id == thread.id, ChatMessage.uuid == message_uuid
        )
    ).scalar_one_or_none()


def participant(thread: ChatThread, user_id: int | None) -> ChatParticipant | None:
    """Staff (``user_id``) or the subject (None) as a participant of the thread, if they are."""
    return next((p for p in thread.participants if p.user_id == user_id), None)


def _join(thread: ChatThread, user_id: int | None) -> ChatParticipant:
    """The participant, added at their first read or message (staff of the subject's
    center who were not named at the opening). The caller holds the thread's row lock."""
    found = participant(thread, user_id)
    if found is None:
        found = ChatParticipant(thread=thread, thread_id=thread.id, user_id=user_id)
        db.session.add(found)
        db.session.flush()
    return found


def _refuse_attachment_type(upload: FileStorage) -> None:
    accepted = chat_settings()["attachment_types"]
    content_type = (upload.mimetype or "").lower()
    if content_type not in accepted:
        raise invalid(
            ChatCodes.CHAT_FILE_REFUSED,
            Message(
                "Messages may carry files of these types only: {types}.", types=", ".join(accepted)
            ),
            field="file",
            content_type=content_type or None,
        )


def _corrected(thread: ChatThread, author_id: int | None, corrects: uuid.UUID | None) -> None:
    if corrects is None:
        return
    original = get_message(thread, corrects)
    if original is None or original.author_id != author_id:
        raise invalid(
            ChatCodes.CHAT_CORRECTION_INVALID,
            Message("A correction names an earlier message of its author in the same thread."),
            field="corrects",
        )


def post(
    thread: ChatThread,
    author: User | None,
    text: str,
    upload: FileStorage | None = None,
    corrects: uuid.UUID | None = None,
) -> ChatMessage:
    """A message in the open thread from a member of the staff or (``author`` None) its
    subject; the caller holds the thread's row lock. The author has read up to it."""
    if thread.status != ThreadStatus.OPEN:
        raise conflict(ChatCodes.CHAT_THREAD_CLOSED, Message("This thread is closed."))
    if not text.strip() and upload is None:
        raise invalid(
            ChatCodes.CHAT_INVALID, Message("Write a text or attach a file."), field="text"
        )
    author_id = author.id if author else None
    _corrected(thread, author_id, corrects)
    message = ChatMessage(
        thread_id=thread.id, author_id=author_id, text=text, corrects_uuid=corrects
    )
    if upload is not None:
        _refuse_attachment_type(upload)
        stored = store_upload(upload)
        message.file_uuid, message.file_name = stored.uuid, stored.name
        message.file_type, message.file_size = stored.content_type, stored.size
    db.session.add(message)
    db.session.flush()
    now = utcnow()
    thread.last_message_at = now
    reader = _join(thread, author_id)
    reader.read_up_to_id, reader.read_at = message.id, now
    db.session.flush()
    _tell_offline(thread, author_id, now)
    return message


def mark_read(thread: ChatThread, user_id: int | None) -> ChatParticipant:
    """The reader has read every message of the thread so far (the caller holds the lock);
    nothing changes when there is nothing new."""
    last = db.session.execute(
        sa.select(sa.func.max(ChatMessage.id)).where(ChatMessage.thread_id == thread.id)
    ).scalar_one()
    reader = _join(thread, user_id)
    if last is not None and last > reader.read_up_to_id:
        reader.read_up_to_id, reader.read_at = last, utcnow()
        db.session.flush()
    return reader


def _not_by(reader_id: int | None) -> sa.ColumnElement[bool]:
    """Messages the reader did not write (the subject: those of the staff)."""
    if reader_id is None:
        return ChatMessage.author_id.is_not(None)
    return ChatMessage.author_id.is_distinct_from(reader_id)


def unread_counts(thread_ids: Iterable[int] | sa.Select, reader_id: int | None) -> dict[int, int]:
    """By thread, how many messages the reader (a user's id, None: the subject) has not read."""
    receipt = sa.and_(
        ChatParticipant.thread_id == ChatMessage.thread_id,
        ChatParticipant.user_id == reader_id
        if reader_id is not None
        else ChatParticipant.user_id.is_(None),
    )
    statement = (
        sa.select(ChatMessage.thread_id, sa.func.count())
        .outerjoin(ChatParticipant, receipt)
        .where(
            ChatMessage.thread_id.in_(thread_ids),
            ChatMessage.id > sa.func.coalesce(ChatParticipant.read_up_to_id, 0),
            _not_by(reader_id),
        )
        .group_by(ChatMessage.thread_id)
    )
    return {thread_id: count for thread_id, count in db.session.execute(statement).all()}


@dataclass(frozen=True)
class Unread:
    """How many threads have unread messages, and how many messages."""

    threads: int
    messages: int


def unread_total(thread_ids: sa.Select, reader_id: int | None) -> Unread:
    counts = unread_counts(thread_ids, reader_id)
    return Unread(threads=len(counts), messages=sum(counts.values()))


def _offline(reader: ChatParticipant, now: dt.datetime) -> bool:
    """Not reading the thread lately, and not told of it since they last read it."""
    recently = now - dt.timedelta(minutes=chat_settings()["online_minutes"])
    if reader.read_at is not None and reader.read_at > recently:
        return False
    told = reader.notified_at is not None and (
        reader.read_at is None or reader.notified_at > reader.read_at
    )
    return not told


def _tell_offline(thread: ChatThread, author_id: int | None, now: dt.datetime) -> None:
    """One email to each other participant who is offline and was not told since they
    last read: staff still of the team at the thread's center, and the subject."""
    study = db.session.get_one(Study, thread.study_id)
    team: dict[int, User] | None = None
    for reader in thread.participants:
        if reader.user_id == author_id or not _offline(reader, now):
            continue
        if reader.user_id is None:
            assert thread.participation is not None
            _tell_subject(thread, thread.participation)
        else:
            if team is None:
                team = {user.id: user for user in study_members(study, center=thread.center)}
            if reader.user_id not in team:
                continue
            _tell_staff(study, thread, team[reader.user_id])
        reader.notified_at = now
    db.session.flush()


def _tell_staff(study: Study, thread: ChatThread, user: User) -> None:
    notify(
        messages.TO_STAFF,
        Channel.EMAIL,
        Recipient.of_user(user),
        {
            "study": study.reference,
            "title": thread.title,
            "link": f"{frontend_url()}/chat/threads/{thread.uuid}",
        },
        study_id=thread.study_id,
        center_id=thread.center_id,
    )


def _tell_subject(thread: ChatThread, participation: SubjectInStudy) -> None:
    contact = db.session.execute(
        sa.select(SubjectPersonalData).where(
            SubjectPersonalData.subject_id == participation.subject_id
        )
    ).scalar_one_or_none()
    language = (contact.language if contact else None) or get_tenant_settings().default_language
    link = ensure_link(participation)
    notify(
        messages.TO_SUBJECT,
        Channel.EMAIL,
        Recipient(
            RecipientKind.SUBJECT, participation.uuid, contact.email if contact else None, language
        ),
        {"subject": str(participation.uuid), "generation": link.generation},
        study_id=thread.study_id,
        center_id=participation.center_id,
    )
