"""What other plugins may use of the chat plugin (the rest is internal): a subject's side
of their threads, for a module that lets a signed-in subject reach them (the threads,
one of them, its messages, posting and reading as the subject, the unread counts, and the
schemas that show them to a subject)."""

from plugins.chat.models import ChatMessage, ChatThread, ThreadKind, ThreadStatus
from plugins.chat.posting import Unread, thread_messages
from plugins.chat.schemas import ChatSubjectMessageSchema, ChatSubjectThreadSchema, ChatUnreadSchema
from plugins.chat.subject_side import (
    attachment,
    post_as_subject,
    read_as_subject,
    subject_message_views,
    subject_thread,
    subject_thread_views,
    subject_threads,
    subject_unread,
)

__all__ = [
    "ChatMessage",
    "ChatSubjectMessageSchema",
    "ChatSubjectThreadSchema",
    "ChatThread",
    "ChatUnreadSchema",
    "ThreadKind",
    "ThreadStatus",
    "Unread",
    "attachment",
    "post_as_subject",
    "read_as_subject",
    "subject_message_views",
    "subject_thread",
    "subject_thread_views",
    "subject_threads",
    "subject_unread",
    "thread_messages",
]
