"""Electronic signatures of a subject's section or casebook, and the signings that give
them: one act of the signer (one password confirmation) signing one or many records."""

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
    StudyScopedMixin,
    TenantModel,
    User,
    db,
)
from plugins.subjects.api import SubjectInStudy


class Meaning(enum.StrEnum):
    """What the signer means by signing (21 CFR 11.50(a)(3))."""

    REVIEW = "review"
    APPROVAL = "approval"
    RESPONSIBILITY = "responsibility"
    AUTHORSHIP = "authorship"


class Scope(enum.StrEnum):
    SECTION = "section"  # one section (visit) of a subject
    CASEBOOK = "casebook"  # every answer of the subject


class SignatureState(enum.StrEnum):
    """valid -> broken (the signed data changed) or withdrawn (by the signer); a broken
    signature may still be withdrawn."""

    VALID = "valid"
    BROKEN = "broken"
    WITHDRAWN = "withdrawn"


class SigningState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Signing(TenantModel, BaseModel, StudyScopedMixin, Audited):
    """One act of signing: the signer confirmed their password once for ``targets``
    (``[{"subject", "section", "versions"}]``, uuids, with the version of each section the
    request saw); small ones are signed in the request, larger ones by a job, which keeps
    ``signed`` current and lists in ``skipped`` the targets whose data changed meanwhile."""

    __tablename__ = "monitoring_signings"

    signer_id: Mapped[int] = mapped_column(sa.ForeignKey(User.id), index=True)
    signer: Mapped[User] = relationship(lazy="joined")
    printed_name: Mapped[str] = mapped_column(sa.String(300))
    meaning: Mapped[str] = mapped_column(sa.String(20))
    declaration: Mapped[str] = mapped_column(sa.Text)
    state: Mapped[str] = mapped_column(sa.String(20), default=SigningState.QUEUED)
    targets: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    total: Mapped[int]
    signed: Mapped[int] = mapped_column(default=0)
    skipped: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    finished_at: Mapped[dt.datetime | None]


class Signature(TenantModel, BaseModel, StudyScopedMixin, Audited):
    """An electronic signature: who (the user, their printed name then), when (UTC), what
    they meant and declared, and the SHA-256 of the canonical ``snapshot`` of what they
    signed (the record's identity, each answer's value and audit head)."""

    __tablename__ = "monitoring_signatures"
    study_center = "participation.center_id"

    signing_id: Mapped[int] = mapped_column(sa.ForeignKey(Signing.id), index=True)
    signing: Mapped[Signing] = relationship()
    subject_in_study_id: Mapped[int] = mapped_column(sa.ForeignKey(SubjectInStudy.id), index=True)
    participation: Mapped[SubjectInStudy] = relationship()
    scope: Mapped[str] = mapped_column(sa.String(20))
    # The signed section, None for a casebook: by uuid, as answers name their question by
    # code, so a design change that moves or removes sections leaves the signature whole.
    section_uuid: Mapped[uuid.UUID | None]
    signer_id: Mapped[int] = mapped_column(sa.ForeignKey(User.id), index=True)
    signer: Mapped[User] = relationship(lazy="joined")
    printed_name: Mapped[str] = mapped_column(sa.String(300))
    signed_at: Mapped[dt.datetime]
    meaning: Mapped[str] = mapped_column(sa.String(20))
    declaration: Mapped[str] = mapped_column(sa.Text)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSONB)
    hash: Mapped[str] = mapped_column(sa.String(64))
    state: Mapped[str] = mapped_column(sa.String(20), default=SignatureState.VALID)
    broken_at: Mapped[dt.datetime | None]
    withdrawn_at: Mapped[dt.datetime | None]
    withdrawal_reason: Mapped[str | None] = mapped_column(sa.Text)

    def audit_context(self) -> AuditContext:
        """The subject's (study, center, subject) and, for a section, that section."""
        participation = db.session.get_one(SubjectInStudy, self.subject_in_study_id)
        section = self.section_uuid
        return dataclasses.replace(
            participation.audit_context(), section=str(section) if section else None
        )


MODELS: list[type] = [Signing, Signature]
