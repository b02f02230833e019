"""Chat threads of a study (with a subject, or among staff), their participants with
their read receipts, messages (never changed once sent), and each subject's chat link."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import uuid
from collections.abc import Collection

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from datacapt.toolkit import (
    AuditContext,
    Audited,
    BaseModel,
    Message,
    StatusTransitionMixin,
    StudyCenter,
    StudyScopedMixin,
    TenantModel,
    User,
    db,
)
from plugins.subjects.api import SubjectInStudy


class ThreadKind(enum.StrEnum):
    SUBJECT = "subject"  # site staff and one subject
    STAFF = "staff"  # staff of the study only: the subject never sees it


class ThreadStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"  # no new message; retention removes its old messages


class ChatThread(TenantModel, BaseModel, StatusTransitionMixin, StudyScopedMixin, Audited):
    """A conversation in a study. A subject thread is at its subject's center when it was
    opened; a staff thread at a center or, without one, of the whole study."""

    __tablename__ = "chat_threads"
    study_center = "center_id"

    kind: Mapped[str] = mapped_column(sa.String(10))
    title: Mapped[str] = mapped_column(sa.String(200))
    status: Mapped[str] = mapped_column(sa.String(10), default=ThreadStatus.OPEN)
    center_id: Mapped[int | None] = mapped_column(sa.ForeignKey(StudyCenter.id), index=True)
    center: Mapped[StudyCenter | None] = relationship(lazy="joined")
    subject_in_study_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey(SubjectInStudy.id), index=True
    )
    participation: Mapped[SubjectInStudy | None] = relationship(lazy="joined")
    opened_by_id: Mapped[int] = mapped_column(sa.ForeignKey(User.id))
    opened_by: Mapped[User] = relationship(lazy="joined")
    closed_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    last_message_at: Mapped[dt.datetime | None]
    # Loaded with the threads of a page at once: every answer shows them.
    participants: Mapped[list[ChatParticipant]] = relationship(
        back_populates="thread", order_by="ChatParticipant.id", lazy="selectin"
    )

    status_subject = Message("The thread")
    allowed_status_transitions = {
        ThreadStatus.OPEN: {ThreadStatus.CLOSED},
        ThreadStatus.CLOSED: {ThreadStatus.OPEN},
    }

    @classmethod
    def at_centers(cls, center_ids: Collection[int]) -> sa.ColumnElement[bool] | None:
        """At one of the centers, or of the whole study (a staff thread without center)."""
        return sa.or_(cls.center_id.in_(center_ids), cls.center_id.is_(None))

    def audit_context(self) -> AuditContext:
        """Its subject's (center and subject) for a subject thread, else its center's."""
        if self.subject_in_study_id is not None:
            return db.session.get_one(SubjectInStudy, self.subject_in_study_id).audit_context()
        center = db.session.get(StudyCenter, self.center_id) if self.center_id else None
        return dataclasses.replace(
            super().audit_context(), center=str(center.uuid) if center else None
        )


def _thread_context(thread_id: int) -> AuditContext:
    return db.session.get_one(ChatThread, thread_id).audit_context()


class ChatParticipant(TenantModel, BaseModel, Audited):
    """Someone in a thread: a member of the staff (``user_id``) or the thread's subject
    (no user). Their receipt: ``read_up_to_id``, the id of the last message they read
    (ids grow with each message), at ``read_at``; ``notified_at``: when they were last
    told of unread messages."""

    __tablename__ = "chat_participants"
    __table_args__ = (
        sa.UniqueConstraint("thread_id", "user_id"),
        # One subject participant per thread (user_id null).
        sa.Index(
            "chat_participants_subject_key",
            "thread_id",
            unique=True,
            postgresql_where=sa.text("user_id IS NULL"),
        ),
    )

    thread_id: Mapped[int] = mapped_column(sa.ForeignKey(ChatThread.id), index=True)
    thread: Mapped[ChatThread] = relationship(back_populates="participants")
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey(User.id), index=True)
    user: Mapped[User | None] = relationship(lazy="joined")
    # No foreign key: retention removes old messages, the receipt stays where it was.
    read_up_to_id: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    read_at: Mapped[dt.datetime | None]
    notified_at: Mapped[dt.datetime | None]

    def audit_context(self) -> AuditContext:
        return _thread_context(self.thread_id)


class ChatMessage(TenantModel, BaseModel, Audited):
    """A message as sent: never changed (a correction is a new message naming the one it
    corrects). Written by a member of the staff (``author_id``) or by the subject (none)."""

    __tablename__ = "chat_messages"

    thread_id: Mapped[int] = mapped_column(sa.ForeignKey(ChatThread.id), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey(User.id))
    author: Mapped[User | None] = relationship(lazy="joined")
    text: Mapped[str] = mapped_column(sa.Text)
    # The attachment, in the core file storage (its name, type and size as uploaded).
    file_uuid: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("stored_files.uuid"), unique=True
    )
    file_name: Mapped[str | None] = mapped_column(sa.String(255))
    file_type: Mapped[str | None] = mapped_column(sa.String(100))
    file_size: Mapped[int | None] = mapped_column(sa.BigInteger)
    # The message this one corrects (no foreign key: retention may remove either first).
    corrects_uuid: Mapped[uuid.UUID | None]

    def audit_context(self) -> AuditContext:
        return _thread_context(self.thread_id)


class ChatLink(TenantModel, BaseModel, Audited):
    """A subject's chat link: its token opens their threads with the staff. Only its
    hash is kept; ``generation`` changes when staff renew it (the old token stops)."""

    __tablename__ = "chat_links"

    subject_in_study_id: Mapped[int] = mapped_column(sa.ForeignKey(SubjectInStudy.id), unique=True)
    participation: Mapped[SubjectInStudy] = relationship()
    generation: Mapped[int] = mapped_column(default=1)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)

    audit_exclude = frozenset({"token_hash"})

    def audit_context(self) -> AuditContext:
        return db.session.get_one(SubjectInStudy, self.subject_in_study_id).audit_context()


MODELS: list[type] = [ChatThread, ChatParticipant, ChatMessage, ChatLink]
