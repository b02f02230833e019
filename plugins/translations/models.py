"""The translations plugin's tables: for each translated text of a form, the hash of the
source text it was translated from, so that a later change of the source shows it stale."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from datacapt.toolkit import Audited, BaseModel, StudyScopedMixin, TenantModel


class TranslatedText(TenantModel, BaseModel, StudyScopedMixin, Audited):
    """A text of a form in one language, as imported: the SHA-256 of the default-language
    text it translates (the texts themselves live in the form)."""

    __tablename__ = "translations_texts"
    __table_args__ = (
        sa.UniqueConstraint("study_id", "form_kind", "form_uuid", "path", "language"),
    )

    form_kind: Mapped[str] = mapped_column(sa.String(20))
    form_uuid: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    path: Mapped[str] = mapped_column(sa.Text)
    language: Mapped[str] = mapped_column(sa.String(35))
    source_sha256: Mapped[str] = mapped_column(sa.String(64))


MODELS: list[type] = [TranslatedText]
