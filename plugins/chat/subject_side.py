"""The subject's side of their threads, whatever brought them there (their chat link, or
a subject account): the subject threads of their participation, nothing else; what they
write is audited as theirs."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from datacapt.toolkit import Actor, Message, acting_as, document_content, not_found, one_or_404
from plugins.chat import posting
from plugins.chat.models import ChatMessage, ChatParticipant, ChatThread, ThreadKind
from plugins.chat.posting import Unread
from plugins.chat.threads import NO_SUCH_THREAD, lock
from plugins.chat.views import MessageView, ThreadView, message_views, thread_views
from plugins.subjects.api import SubjectInStudy


def subject_threads(participation: SubjectInStudy) -> sa.Select:
    """The subject's threads with the staff (never a staff thread), the latest active first."""
    return (
        sa.select(ChatThread)
        .where(
            ChatThread.kind == ThreadKind.SUBJECT,
            ChatThread.subject_in_study_id == participation.id,
        )
        .order_by(
            sa.func.coalesce(ChatThread.last_message_at, ChatThread.created_at).desc(),
            ChatThread.id.desc(),
        )
    )


def subject_thread(
    participation: SubjectInStudy, thread_uuid: Any, for_update: bool = False
) -> ChatThread:
    """One of the subject's threads; 404 for any other."""
    thread = one_or_404(
        subject_threads(participation).where(ChatThread.uuid == thread_uuid), NO_SUCH_THREAD
    )
    if for_update:
        lock(thread)
    return thread


def subject_thread_views(threads: list[ChatThread]) -> list[ThreadView]:
    return thread_views(threads, None)


def subject_message_views(thread: ChatThread, messages: list[ChatMessage]) -> list[MessageView]:
    return message_views(thread, messages, None)


@contextmanager
def as_subject(participation: SubjectInStudy) -> Iterator[None]:
    with acting_as(Actor("subject", str(participation.uuid), participation.study_subject_id)):
        yield


def post_as_subject(
    thread: ChatThread,
    participation: SubjectInStudy,
    text: str,
    file: FileStorage | None = None,
    corrects: uuid.UUID | None = None,
) -> ChatMessage:
    """The subject's message in one of their threads (locked here); the staff taking part
    who are offline are told once."""
    thread = subject_thread(participation, thread.uuid, for_update=True)
    with as_subject(participation):
        return posting.post(thread, None, text, file, corrects)


def read_as_subject(thread: ChatThread, participation: SubjectInStudy) -> ChatParticipant:
    """The subject read every message of the thread so far."""
    thread = subject_thread(participation, thread.uuid, for_update=True)
    with as_subject(participation):
        return posting.mark_read(thread, None)


def subject_unread(participation: SubjectInStudy) -> Unread:
    ids = subject_threads(participation).with_only_columns(ChatThread.id).order_by(None)
    return posting.unread_total(ids, None)


def attachment(thread: ChatThread, message_uuid: Any) -> tuple[ChatMessage, bytes]:
    """A message's attachment and its bytes; 404 for a message without one."""
    message = posting.get_message(thread, message_uuid)
    if message is None or message.file_uuid is None:
        raise not_found(Message("No such attachment."))
    content, _ = document_content(message.file_uuid)
    return message, content
