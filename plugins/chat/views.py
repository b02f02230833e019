"""What a reader is shown of threads and messages: with their unread count, and each
message with the receipts of those who read it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from plugins.chat.models import ChatMessage, ChatParticipant, ChatThread
from plugins.chat.posting import unread_counts

STAFF, SUBJECT = "staff", "subject"


@dataclass(frozen=True)
class ThreadView:
    thread: ChatThread
    unread: int


def thread_views(threads: Sequence[ChatThread], reader_id: int | None) -> list[ThreadView]:
    counts = unread_counts([thread.id for thread in threads], reader_id) if threads else {}
    return [ThreadView(thread, counts.get(thread.id, 0)) for thread in threads]


@dataclass(frozen=True)
class MessageView:
    message: ChatMessage
    author_kind: str
    author_name: str
    read_by: list[ChatParticipant]
    mine: bool


def _author_name(thread: ChatThread, message: ChatMessage) -> str:
    if message.author is not None:
        return message.author.display_name
    return thread.participation.study_subject_id if thread.participation else ""


def message_views(
    thread: ChatThread, messages: Sequence[ChatMessage], reader_id: int | None
) -> list[MessageView]:
    """Each message with the participants (other than its author) who read it."""
    return [
        MessageView(
            message=message,
            author_kind=STAFF if message.author_id is not None else SUBJECT,
            author_name=_author_name(thread, message),
            read_by=[
                p
                for p in thread.participants
                if p.user_id != message.author_id and p.read_up_to_id >= message.id
            ],
            mine=message.author_id == reader_id,
        )
        for message in messages
    ]
