"""The eCRF of a study: sections (visits), subsections, blocks (questions or static
content), in order; and the answers entered for each subject."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from datacapt.toolkit import (
    AuditContext,
    Audited,
    BaseModel,
    ReasonPolicy,
    Study,
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
    """A visit."""

    __tablename__ = "ecrf_sections"

    ecrf_id: Mapped[int] = mapped_column(sa.ForeignKey(Ecrf.id), index=True)
    position: Mapped[int]
    title: Mapped[dict[str, str]] = mapped_column(JSONB)


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


def _question_context(subject_in_study_id: int, code: str) -> AuditContext:
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
    __table_args__ = (sa.UniqueConstraint("subject_in_study_id", "code"),)

    subject_in_study_id: Mapped[int] = mapped_column(sa.ForeignKey(SubjectInStudy.id), index=True)
    code: Mapped[str] = mapped_column(sa.String(40))
    value: Mapped[Any] = mapped_column(JSONB, nullable=True)

    def audit_context(self) -> AuditContext:
        return _question_context(self.subject_in_study_id, self.code)


class SectionState(TenantModel):
    """A subject's section: the version its answers are at (the ETag of data entry) and
    its completion, kept current on every save."""

    __tablename__ = "ecrf_section_states"
    __table_args__ = (sa.UniqueConstraint("subject_in_study_id", "section_id"),)

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(), primary_key=True)
    subject_in_study_id: Mapped[int] = mapped_column(sa.ForeignKey(SubjectInStudy.id), index=True)
    section_id: Mapped[int] = mapped_column(
        sa.ForeignKey(Section.id, ondelete="CASCADE"), index=True
    )
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


class DataQuery(TenantModel, BaseModel, Audited):
    """A question raised on a data point by a validation rule: opened when the rule holds
    after a save, closed automatically when it no longer does (the monitoring module
    answers and closes them by hand)."""

    __tablename__ = "ecrf_queries"

    subject_in_study_id: Mapped[int] = mapped_column(sa.ForeignKey(SubjectInStudy.id), index=True)
    code: Mapped[str] = mapped_column(sa.String(40))
    level: Mapped[str] = mapped_column(sa.String(20))
    message: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(20), default=QueryStatus.OPEN)
    closed_at: Mapped[dt.datetime | None]

    def audit_context(self) -> AuditContext:
        return _question_context(self.subject_in_study_id, self.code)
