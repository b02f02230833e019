"""The eCRF of a study: sections (visits), subsections, blocks (questions or static
content), in order; and the answers entered for each subject."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from datacapt.toolkit import (
    AuditContext,
    Audited,
    BaseModel,
    Message,
    ReasonPolicy,
    StatusTransitionMixin,
    Study,
    StudyCenter,
    StudyScopedMixin,
    TenantModel,
    db,
    flush_cached,
)
from plugins.subjects.api import SubjectInStudy


class Ecrf(TenantModel, BaseModel, StudyScopedMixin, Audited):
    """One per study; ``version`` counts the designs published while the study was live,
    ``revision`` every saved design (it keys the compiled forms kept in memory)."""

    __tablename__ = "ecrfs"

    study_id: Mapped[int] = mapped_column(sa.ForeignKey(Study.id), unique=True)
    version: Mapped[int] = mapped_column(default=1)
    revision: Mapped[int] = mapped_column(default=1, server_default="1")


class Section(TenantModel, BaseModel, Audited):
    """A visit; ``instanced_by`` names the module whose instances (a split-body study's
    zones) each subject fills it once for, None: once per subject."""

    __tablename__ = "ecrf_sections"

    ecrf_id: Mapped[int] = mapped_column(sa.ForeignKey(Ecrf.id), index=True)
    position: Mapped[int]
    title: Mapped[dict[str, str]] = mapped_column(JSONB)
    instanced_by: Mapped[str | None] = mapped_column(sa.String(40))


#: The instance of a section filled once per subject.
PLAIN = ""


class SubSection(TenantModel, BaseModel, Audited):
    __tablename__ = "ecrf_subsections"

    section_id: Mapped[int] = mapped_column(sa.ForeignKey(Section.id), index=True)
    position: Mapped[int]
    title: Mapped[dict[str, str]] = mapped_column(JSONB)
    visible_if: Mapped[Any] = mapped_column(JSONB, nullable=True)


class Block(TenantModel, BaseModel, Audited):
    """A question (``kind`` question, with a code unique in the eCRF) or static content."""

    __tablename__ = "ecrf_blocks"
    # Checked at commit: one design save may swap two questions' codes.
    __table_args__ = (
        sa.UniqueConstraint(
            "ecrf_id",
            "code",
            name="ecrf_blocks_ecrf_id_code_key",
            deferrable=True,
            initially="DEFERRED",
        ),
    )

    ecrf_id: Mapped[int] = mapped_column(sa.ForeignKey(Ecrf.id), index=True)
    subsection_id: Mapped[int] = mapped_column(sa.ForeignKey(SubSection.id), index=True)
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(sa.String(20))
    code: Mapped[str | None] = mapped_column(sa.String(40))
    type: Mapped[str | None] = mapped_column(sa.String(30))
    label: Mapped[dict[str, str]] = mapped_column(JSONB, default=dict)
    help: Mapped[dict[str, str]] = mapped_column(JSONB, default=dict)
    required: Mapped[bool] = mapped_column(default=False)
    options: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    visible_if: Mapped[Any] = mapped_column(JSONB, nullable=True)
    calculation: Mapped[Any] = mapped_column(JSONB, nullable=True)
    validations: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    columns: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    content: Mapped[dict[str, str]] = mapped_column(JSONB, default=dict)


def _question_context(subject_in_study_id: int, code: str | None) -> AuditContext:
    """Subject (its study and center), section and question of a data point."""
    participation = db.session.get_one(SubjectInStudy, subject_in_study_id)
    sections = flush_cached(
        ("ecrf_sections", participation.study_id),
        lambda: dict(
            db.session.execute(
                sa.select(Block.code, Section.uuid)
                .join(SubSection, SubSection.id == Block.subsection_id)
                .join(Section, Section.id == SubSection.section_id)
                .join(Ecrf, Ecrf.id == Block.ecrf_id)
                .where(Ecrf.study_id == participation.study_id, Block.code.is_not(None))
            ).all()
        ),
    )
    section = sections.get(code)
    return dataclasses.replace(
        participation.audit_context(),
        section=str(section) if section is not None else None,
        question=code,
    )


class Answer(TenantModel, BaseModel, Audited):
    """The current answer of a subject to a question (its history is the audit trail)."""

    __tablename__ = "ecrf_answers"
    # A first entry needs no reason; every later change does.
    audit_reason = ReasonPolicy.AFTER_CREATION
    __table_args__ = (sa.UniqueConstraint("subject_in_study_id", "code", "instance"),)

    subject_in_study_id: Mapped[int] = mapped_column(sa.ForeignKey(SubjectInStudy.id), index=True)
    code: Mapped[str] = mapped_column(sa.String(40))
    # The section's instance it answers (a zone): PLAIN for a section filled once.
    instance: Mapped[str] = mapped_column(sa.String(40), default=PLAIN, server_default=PLAIN)
    value: Mapped[Any] = mapped_column(JSONB, nullable=True)

    def audit_context(self) -> AuditContext:
        return _question_context(self.subject_in_study_id, self.code)


# What the form engine counts as unanswered (``is_answered``), as stored.
_EMPTY_VALUES = [sa.cast(sa.literal(text), JSONB) for text in ("null", '""', "[]")]


def answered(value: sa.SQLColumnExpression[Any]) -> sa.ColumnElement[bool]:
    """Whether a stored answer counts as answered, as the form engine's ``is_answered``
    says of its value (a cleared answer is stored as JSON null)."""
    return sa.and_(value.is_not(None), value.not_in(_EMPTY_VALUES))


class SectionState(TenantModel):
    """A subject's section: the version its answers are at (the ETag of data entry) and
    its completion, kept current on every save; one per instance of an instanced section."""

    __tablename__ = "ecrf_section_states"
    __table_args__ = (sa.UniqueConstraint("subject_in_study_id", "section_id", "instance"),)

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(), primary_key=True)
    subject_in_study_id: Mapped[int] = mapped_column(sa.ForeignKey(SubjectInStudy.id), index=True)
    section_id: Mapped[int] = mapped_column(
        sa.ForeignKey(Section.id, ondelete="CASCADE"), index=True
    )
    instance: Mapped[str] = mapped_column(sa.String(40), default=PLAIN, server_default=PLAIN)
    version: Mapped[int] = mapped_column(default=0)
    required: Mapped[int] = mapped_column(default=0)
    answered: Mapped[int] = mapped_column(default=0)


class QueryStatus(enum.StrEnum):
    """open -> answered (by the site) -> closed, or cancelled; a closed query reopens.
    A draft is a pre-query the site does not see until a reviewer releases it."""

    DRAFT = "draft"
    OPEN = "open"
    ANSWERED = "answered"
    CLOSED = "closed"
    CANCELLED = "cancelled"


#: The states of a query that still waits for someone: they hold a lock back.
UNRESOLVED_QUERY_STATUSES = frozenset({QueryStatus.DRAFT, QueryStatus.OPEN, QueryStatus.ANSWERED})

#: What the site sees of a subject's queries: never a draft, nor what is over.
SITE_QUERY_STATUSES = frozenset({QueryStatus.OPEN, QueryStatus.ANSWERED})


class QueryOrigin(enum.StrEnum):
    AUTOMATIC = "automatic"  # opened by a validation rule of the design
    MANUAL = "manual"  # raised by a person


class QueryTarget(enum.StrEnum):
    """What a query is about: a data point (a question's answer), one cell of a repeating
    group's answer (its row and column), a section of the subject, or the subject."""

    DATA_POINT = "data_point"
    CELL = "cell"
    SECTION = "section"
    SUBJECT = "subject"


class QueryAction(enum.StrEnum):
    """What a message of a query's thread came with."""

    OPENED = "opened"  # by a validation rule: its message
    RAISED = "raised"
    RELEASED = "released"
    ANSWERED = "answered"
    CLOSED = "closed"
    CANCELLED = "cancelled"
    REOPENED = "reopened"
    COMMENTED = "commented"
    # Closed automatically: the data no longer raises it, or its question is hidden.
    RESOLVED = "resolved"
    HIDDEN = "hidden"


class DataQuery(TenantModel, BaseModel, StatusTransitionMixin, StudyScopedMixin, Audited):
    """A question on a subject's data: raised by a validation rule (opened when the rule
    holds after a save, closed automatically when it no longer does or its question is
    hidden) or by hand (the monitoring module's workflow), with its thread of messages."""

    __tablename__ = "ecrf_queries"
    # The study's list, newest first; its counts by state and level; its filters by
    # question and by section (few queries are on a section as a whole).
    __table_args__ = (
        sa.Index("ecrf_queries_study_id_created_at_idx", "study_id", "created_at"),
        sa.Index("ecrf_queries_study_id_status_level_idx", "study_id", "status", "level"),
        sa.Index("ecrf_queries_study_id_code_idx", "study_id", "code"),
        sa.Index("ecrf_queries_study_id_center_id_idx", "study_id", "center_id"),
        sa.Index(
            "ecrf_queries_study_id_section_uuid_idx",
            "study_id",
            "section_uuid",
            postgresql_where=sa.text("section_uuid IS NOT NULL"),
        ),
    )
    study_center = "center_id"
    status_subject = Message("The query")
    allowed_status_transitions = {
        QueryStatus.DRAFT: {QueryStatus.OPEN, QueryStatus.CANCELLED},
        QueryStatus.OPEN: {QueryStatus.ANSWERED, QueryStatus.CLOSED, QueryStatus.CANCELLED},
        QueryStatus.ANSWERED: {QueryStatus.CLOSED, QueryStatus.CANCELLED},
        QueryStatus.CLOSED: {QueryStatus.OPEN},
    }

    # Indexed with the list's columns above.
    study_id: Mapped[int] = mapped_column(sa.ForeignKey(Study.id))
    subject_in_study_id: Mapped[int] = mapped_column(sa.ForeignKey(SubjectInStudy.id), index=True)
    # The subject's center (which does not change), kept here so that the study's list
    # reads who may see a query from its own row.
    center_id: Mapped[int] = mapped_column(sa.ForeignKey(StudyCenter.id))
    target: Mapped[str] = mapped_column(sa.String(20), default=QueryTarget.DATA_POINT)
    # The question (data points and cells); a cell is a row (from 0) and a column's code.
    code: Mapped[str | None] = mapped_column(sa.String(40))
    cell_row: Mapped[int | None]
    cell_column: Mapped[str | None] = mapped_column(sa.String(40))
    # The instance of an instanced section (a zone) its data point is in; PLAIN otherwise.
    instance: Mapped[str] = mapped_column(sa.String(40), default=PLAIN, server_default=PLAIN)
    # A section's queries name it (a data point's section is its question's, as designed now).
    section_uuid: Mapped[uuid.UUID | None]
    origin: Mapped[str] = mapped_column(sa.String(20), default=QueryOrigin.AUTOMATIC)
    level: Mapped[str] = mapped_column(sa.String(20))
    message: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(20), default=QueryStatus.OPEN)
    # Who raised it by hand (None: a validation rule), and their name then.
    raised_by_uuid: Mapped[uuid.UUID | None]
    raised_by_name: Mapped[str | None] = mapped_column(sa.String(254))
    # Who is to act: a study role, at a center or (None) wherever it sees the subject.
    assignee_role: Mapped[str] = mapped_column(sa.String(60), default="investigator")
    assignee_center_id: Mapped[int | None] = mapped_column(sa.ForeignKey(StudyCenter.id))
    # The data it concerns changed after it was closed.
    closed_modified: Mapped[bool] = mapped_column(default=False)
    # Closed by the eCRF (its finding gone), not by a person.
    closed_automatically: Mapped[bool] = mapped_column(default=False)
    # When the site could first see it (a draft: not yet); when it was closed or cancelled.
    opened_at: Mapped[dt.datetime | None]
    closed_at: Mapped[dt.datetime | None]

    messages: Mapped[list[DataQueryMessage]] = relationship(
        order_by="DataQueryMessage.id", back_populates="data_query"
    )

    @classmethod
    def of_subject(cls, participation: SubjectInStudy, **fields: Any) -> DataQuery:
        """A new query on the subject's data, in its study and at its center."""
        return cls(
            study_id=participation.study_id,
            subject_in_study_id=participation.id,
            center_id=participation.center_id,
            **fields,
        )

    def audit_context(self) -> AuditContext:
        context = _question_context(self.subject_in_study_id, self.code)
        if self.section_uuid is None:
            return context
        return dataclasses.replace(context, section=str(self.section_uuid))

    def add_message(
        self, action: QueryAction, text: str | None, author: tuple[uuid.UUID, str] | None = None
    ) -> DataQueryMessage:
        """Append a message to the thread; ``author`` (uuid, name) None: the platform."""
        message = DataQueryMessage(
            action=action,
            text=text,
            author_uuid=author[0] if author else None,
            author_name=author[1] if author else None,
        )
        self.messages.append(message)
        return message


class DataQueryMessage(TenantModel, BaseModel, Audited):
    """One message of a query's thread, written once: who (None: the platform), when, what,
    and the action it came with."""

    __tablename__ = "ecrf_query_messages"

    data_query_id: Mapped[int] = mapped_column(sa.ForeignKey(DataQuery.id), index=True)
    data_query: Mapped[DataQuery] = relationship(back_populates="messages")
    action: Mapped[str] = mapped_column(sa.String(20))
    text: Mapped[str | None] = mapped_column(sa.Text)
    author_uuid: Mapped[uuid.UUID | None]
    author_name: Mapped[str | None] = mapped_column(sa.String(254))

    def audit_context(self) -> AuditContext:
        # By id: in a flush, a new row's relationships are not loaded yet.
        return db.session.get_one(DataQuery, self.data_query_id).audit_context()
