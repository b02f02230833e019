"""Every run of a rule: the event that triggered it (once per rule version and event),
what it did, or why it failed; and what its actions created, so that an event about one
of those things knows the run it came from (the loop guard)."""

from __future__ import annotations

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
    StudyCenter,
    StudyScopedMixin,
    TenantModel,
    db,
)
from plugins.automations.rules.models import AutomationRuleVersion
from plugins.subjects.api import SubjectInStudy


class RunStatus(enum.StrEnum):
    """pending (enqueued with the event) -> done or failed; skipped: refused by the loop
    guard, nothing done."""

    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"
    SKIPPED = "skipped"


class AutomationRun(TenantModel, BaseModel, StudyScopedMixin, Audited):
    __tablename__ = "automation_runs"
    # One run per rule version and event: the same event seen twice runs once.
    __table_args__ = (sa.UniqueConstraint("rule_version_id", "event_key"),)
    study_center = "center_id"

    rule_version_id: Mapped[int] = mapped_column(sa.ForeignKey(AutomationRuleVersion.id))
    rule_version: Mapped[AutomationRuleVersion] = relationship(lazy="joined")
    event_key: Mapped[str] = mapped_column(sa.String(200))
    subject_in_study_id: Mapped[int] = mapped_column(sa.ForeignKey(SubjectInStudy.id), index=True)
    participation: Mapped[SubjectInStudy] = relationship()
    center_id: Mapped[int] = mapped_column(sa.ForeignKey(StudyCenter.id), index=True)
    # What happened: the trigger's kind and what it is about (section, query, occurrence).
    trigger: Mapped[dict[str, Any]] = mapped_column(JSONB)
    status: Mapped[str] = mapped_column(sa.String(20), default=RunStatus.PENDING)
    # One entry per action done: its kind and what it did.
    outcome: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    error: Mapped[str | None] = mapped_column(sa.Text)
    # 0 for an event people caused; n + 1 for one about what a run of depth n created.
    depth: Mapped[int] = mapped_column(default=0)
    origin_run_id: Mapped[int | None] = mapped_column(sa.ForeignKey("automation_runs.id"))
    finished_at: Mapped[dt.datetime | None]

    def audit_context(self) -> AuditContext:
        """Its subject's, also when the job (outside any request) records it."""
        return db.session.get_one(SubjectInStudy, self.subject_in_study_id).audit_context()


class AutomationEffect(TenantModel):
    """Something a run's action created (a query it raised)."""

    __tablename__ = "automation_effects"

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(), primary_key=True)
    run_id: Mapped[int] = mapped_column(sa.ForeignKey(AutomationRun.id), index=True)
    object_uuid: Mapped[uuid.UUID] = mapped_column(index=True)
