"""The tenant's retention of chat messages: each day, the messages of closed threads
older than the customer's retention of closed chats (``retention_days.closed_chats`` in the
tenant's settings) are removed, each removal audited, their files with them; open threads
keep all theirs."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from datacapt.toolkit import (
    CronEntry,
    db,
    discard_document,
    record_event,
    tenant_retention,
    utcnow,
)
from plugins.chat.models import ChatMessage, ChatThread, ThreadStatus


def remove_old_messages() -> dict[str, int]:
    """Remove what the retention ended; returns how many messages, in how many threads."""
    days = tenant_retention("closed_chats")
    if days is None:
        return {"messages": 0, "threads": 0}
    before = utcnow() - dt.timedelta(days=days)
    closed = (
        db.session.execute(
            sa.select(ChatThread)
            .where(ChatThread.status == ThreadStatus.CLOSED)
            .with_for_update(of=ChatThread, skip_locked=True)
        )
        .scalars()
        .all()
    )
    removed = threads = 0
    for thread in closed:
        old = (
            db.session.execute(
                sa.select(ChatMessage).where(
                    ChatMessage.thread_id == thread.id, ChatMessage.created_at < before
                )
            )
            .scalars()
            .all()
        )
        if not old:
            continue
        for message in old:
            file_uuid = message.file_uuid
            db.session.delete(message)
            db.session.flush()
            if file_uuid is not None:
                discard_document(file_uuid)
        record_event(
            "retention", thread, {"messages_removed": [None, len(old)], "days": [None, days]}
        )
        removed, threads = removed + len(old), threads + 1
    db.session.flush()
    return {"messages": removed, "threads": threads}


#: Each night, in every tenant with chat enabled.
REMOVE_OLD_MESSAGES = CronEntry(
    "chat-retention", "plugins.chat.retention.remove_old_messages", cron="30 2 * * *"
)
JOBS = [remove_old_messages]
