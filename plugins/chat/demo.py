"""The demo study's chat: a thread with its first subject, opened by the first member of
the team, holding their first message (no one is emailed)."""

from __future__ import annotations

import sqlalchemy as sa

from datacapt.toolkit import Study, db, study_members, utcnow
from plugins.chat.models import ChatMessage, ChatParticipant, ChatThread, ThreadKind, ThreadStatus
from plugins.subjects.api import SubjectInStudy

GREETING = "Hello, this is your study team: write to us here with any question."


def add_demo_thread(study: Study) -> None:
    """The demo thread, unless the study has one already (or no subject or team yet)."""
    if db.session.execute(sa.select(ChatThread.id).where(ChatThread.study_id == study.id)).first():
        return
    participation = db.session.execute(
        sa.select(SubjectInStudy)
        .where(SubjectInStudy.study_id == study.id)
        .order_by(SubjectInStudy.id)
        .limit(1)
    ).scalar_one_or_none()
    team = study_members(study, center=participation.center) if participation else []
    if participation is None or not team:
        return
    now = utcnow()
    thread = ChatThread(
        study_id=study.id,
        kind=ThreadKind.SUBJECT,
        title="Questions about the study",
        status=ThreadStatus.OPEN,
        center_id=participation.center_id,
        subject_in_study_id=participation.id,
        opened_by_id=team[0].id,
        last_message_at=now,
    )
    db.session.add(thread)
    db.session.flush()
    message = ChatMessage(thread_id=thread.id, author_id=team[0].id, text=GREETING)
    db.session.add(message)
    db.session.flush()
    db.session.add_all(
        [
            ChatParticipant(
                thread_id=thread.id, user_id=team[0].id, read_up_to_id=message.id, read_at=now
            ),
            ChatParticipant(thread_id=thread.id, user_id=None, read_up_to_id=0),
        ]
    )
    db.session.flush()
