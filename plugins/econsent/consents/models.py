"""A subject's consent to one version: what was presented to them, their answers, the
identity check, the signatures in order and, once the last is given, the signed record."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from datacapt.toolkit import (
    AuditContext,
    Audited,
    BaseModel,
    Message,
    StatusTransitionMixin,
    StudyScopedMixin,
    TenantModel,
    User,
)
from plugins.econsent.documents.models import ConsentVersion
from plugins.subjects.api import SubjectInStudy


class ConsentState(enum.StrEnum):
    """asked -> signing (the subject signed, others still to sign) -> signed, or declined;
    signed -> withdrawn. An open consent is superseded when a newer version is asked."""

    ASKED = "asked"
    SIGNING = "signing"
    SIGNED = "signed"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    SUPERSEDED = "superseded"


OPEN_STATES = frozenset({ConsentState.ASKED, ConsentState.SIGNING})


class Mode(enum.StrEnum):
    REMOTE = "remote"  # from a link sent to the subject, identity by a one-time code
    IN_PERSON = "in_person"  # at the site, from the QR code staff show


class IdentityCheck(enum.StrEnum):
    ONE_TIME_CODE = "one_time_code"
    STAFF_ATTESTATION = "staff_attestation"
    IN_PERSON = "in_person"  # the staff who handed out the link saw the subject


class Consent(TenantModel, BaseModel, StatusTransitionMixin, StudyScopedMixin, Audited):
    __tablename__ = "econsent_consents"

    version_id: Mapped[int] = mapped_column(sa.ForeignKey(ConsentVersion.id), index=True)
    version: Mapped[ConsentVersion] = relationship(lazy="joined")
    subject_in_study_id: Mapped[int] = mapped_column(sa.ForeignKey(SubjectInStudy.id), index=True)
    participation: Mapped[SubjectInStudy] = relationship(lazy="joined")
    status: Mapped[str] = mapped_column(sa.String(20), default=ConsentState.ASKED)
    mode: Mapped[str] = mapped_column(sa.String(20))
    language: Mapped[str] = mapped_column(sa.String(8))
    # Asked again because a newer version was published after they signed an older one.
    reconsent: Mapped[bool] = mapped_column(default=False)
    # Exactly what the subject is shown, in their language: title, blocks, statements.
    presented: Mapped[dict[str, Any]] = mapped_column(JSONB)
    answers: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    # The optional parts (by code): consented to or not; withdrawal may turn them off.
    optional_choices: Mapped[dict[str, bool]] = mapped_column(JSONB, default=dict)
    # The link's token is derived again when needed: only its digest is kept.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # The one-time identity code: its keyed digest, when it ends, how many wrong tries.
    code_hash: Mapped[str | None] = mapped_column(sa.String(64))
    code_nonce: Mapped[str | None] = mapped_column(sa.String(32))
    code_expires_at: Mapped[dt.datetime | None]
    code_attempts: Mapped[int] = mapped_column(default=0)
    identity_check: Mapped[str | None] = mapped_column(sa.String(20))
    identity_checked_at: Mapped[dt.datetime | None]
    identity_checked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    signed_at: Mapped[dt.datetime | None]
    record_file_uuid: Mapped[Any | None] = mapped_column(sa.Uuid)
    record_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    ended_at: Mapped[dt.datetime | None]  # declined or withdrawn
    end_reason: Mapped[str | None] = mapped_column(sa.Text)
    # A withdrawal's scope: "consent" (all of it) or the optional parts it covers.
    withdrawal: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    signatures: Mapped[list[ConsentSignature]] = relationship(
        back_populates="consent", order_by="ConsentSignature.position"
    )

    study_center = "participation.center_id"
    audit_exclude = frozenset({"token_hash", "code_hash", "code_nonce"})  # as [redacted]
    status_subject = Message("The consent")
    allowed_status_transitions = {
        ConsentState.ASKED: {
            ConsentState.SIGNING,
            ConsentState.SIGNED,
            ConsentState.DECLINED,
            ConsentState.SUPERSEDED,
        },
        ConsentState.SIGNING: {
            ConsentState.SIGNED,
            ConsentState.DECLINED,
            ConsentState.SUPERSEDED,
        },
        ConsentState.SIGNED: {ConsentState.WITHDRAWN},
    }

    def audit_context(self) -> AuditContext:
        return self.participation.audit_context()

    def next_role(self) -> str | None:
        """The role whose signature is due, or None when all have signed."""
        signed = {signature.role for signature in self.signatures}
        return next((role for role in self.version.roles() if role not in signed), None)


class ConsentSignature(TenantModel, BaseModel, StudyScopedMixin, Audited):
    """One signer's signature with its manifestation (21 CFR 11.50): printed name, date
    and time, meaning (the statement signed)."""

    __tablename__ = "econsent_signatures"
    __table_args__ = (sa.UniqueConstraint("consent_id", "role"),)

    consent_id: Mapped[int] = mapped_column(sa.ForeignKey(Consent.id), index=True)
    consent: Mapped[Consent] = relationship(back_populates="signatures")
    position: Mapped[int]
    role: Mapped[str] = mapped_column(sa.String(20))
    printed_name: Mapped[str] = mapped_column(sa.String(200))
    statement: Mapped[str] = mapped_column(sa.Text)  # the meaning, as presented
    signed_at: Mapped[dt.datetime]
    # Staff signers (witness, investigator) sign as users; the subject's side has none.
    signer_id: Mapped[int | None] = mapped_column(sa.ForeignKey(User.id))

    def audit_context(self) -> AuditContext:
        return self.consent.audit_context()


MODELS: list[type] = [Consent, ConsentSignature]
