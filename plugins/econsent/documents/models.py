"""A study's consent documents and their versions: each a form of the engine (static text,
comprehension questions, optional parts) in some languages, for some centers, approved by
an ethics committee, signed by an ordered list of signers."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from datacapt.toolkit import (
    Audited,
    BaseModel,
    Message,
    StatusTransitionMixin,
    StudyScopedMixin,
    TenantModel,
)


class VersionStatus(enum.StrEnum):
    """A draft changes freely; a published version never changes again."""

    DRAFT = "draft"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"  # a newer version of the document was published
    ARCHIVED = "archived"  # no longer asked for, replaced or not


class SignerRole(enum.StrEnum):
    """Who signs, in this order (those a version names)."""

    SUBJECT = "subject"
    REPRESENTATIVE = "representative"  # a legally authorized representative
    WITNESS = "witness"  # an impartial witness
    INVESTIGATOR = "investigator"  # countersigns last


SIGNING_ORDER = list(SignerRole)
#: Signed from the subject's link; the others are staff signing with their password.
SIGNED_BY_LINK = frozenset({SignerRole.SUBJECT, SignerRole.REPRESENTATIVE})


class ConsentDocument(TenantModel, BaseModel, StudyScopedMixin, Audited):
    __tablename__ = "econsent_documents"
    __table_args__ = (sa.UniqueConstraint("study_id", "code"),)

    code: Mapped[str] = mapped_column(sa.String(20))
    title: Mapped[dict[str, str]] = mapped_column(JSONB)  # by language
    versions: Mapped[list[ConsentVersion]] = relationship(
        back_populates="document", order_by="ConsentVersion.number"
    )


class ConsentVersion(TenantModel, BaseModel, StatusTransitionMixin, StudyScopedMixin, Audited):
    """Consents keep the version they were asked for."""

    __tablename__ = "econsent_versions"
    __table_args__ = (sa.UniqueConstraint("document_id", "number"),)

    document_id: Mapped[int] = mapped_column(sa.ForeignKey(ConsentDocument.id), index=True)
    document: Mapped[ConsentDocument] = relationship(back_populates="versions")
    number: Mapped[int]
    status: Mapped[str] = mapped_column(sa.String(20), default=VersionStatus.DRAFT)
    languages: Mapped[list[str]] = mapped_column(JSONB)
    # The study centers (ids) it applies to; empty: every center of the study.
    center_ids: Mapped[list[int]] = mapped_column(JSONB, default=list)
    ethics_reference: Mapped[str | None] = mapped_column(sa.String(200))
    ethics_date: Mapped[dt.date | None]
    # The form engine's blocks: static text, comprehension questions, optional parts.
    blocks: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    # Comprehension: the answer each question code must have to sign.
    correct_answers: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    # The yes/no questions that are optional parts (sample storage...), by code.
    optional_parts: Mapped[list[str]] = mapped_column(JSONB, default=list)
    # [{"role", "statement": {language: text}}] in signing order.
    signers: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    published_at: Mapped[dt.datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    status_subject = Message("The consent version")
    allowed_status_transitions = {
        VersionStatus.DRAFT: {VersionStatus.PUBLISHED},
        VersionStatus.PUBLISHED: {VersionStatus.SUPERSEDED, VersionStatus.ARCHIVED},
        VersionStatus.SUPERSEDED: {VersionStatus.ARCHIVED},
    }

    def roles(self) -> list[str]:
        return [signer["role"] for signer in self.signers]


MODELS: list[type] = [ConsentDocument, ConsentVersion]
