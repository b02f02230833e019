"""The tenant's library: templates, their immutable versions, and where studies use them."""

from __future__ import annotations

import enum
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from datacapt.toolkit import Audited, BaseModel, Study, StudyScopedMixin, TenantModel


class TemplateKind(enum.StrEnum):
    ECRF_SECTION = "ecrf_section"
    ECRF_SUBSECTION = "ecrf_subsection"
    ECRF_QUESTION = "ecrf_question"
    ECRF_DESIGN = "ecrf_design"
    EPRO_QUESTIONNAIRE = "epro_questionnaire"
    CONSENT_DOCUMENT = "consent_document"
    MESSAGE_TEMPLATE = "message_template"


class Template(TenantModel, BaseModel, Audited):
    """A reusable piece of the library; ``latest`` is the number of its newest version."""

    __tablename__ = "templates"

    name: Mapped[str] = mapped_column(sa.String(200), index=True)
    kind: Mapped[str] = mapped_column(sa.String(30), index=True)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    tags: Mapped[list[str]] = mapped_column(JSONB, default=list)
    latest: Mapped[int] = mapped_column(default=1)

    versions: Mapped[list[TemplateVersion]] = relationship(
        order_by="TemplateVersion.number", back_populates="template"
    )


class TemplateVersion(TenantModel, BaseModel, Audited):
    """One version of a template, written once: its content never changes."""

    __tablename__ = "template_versions"
    __table_args__ = (sa.UniqueConstraint("template_id", "number"),)

    template_id: Mapped[int] = mapped_column(sa.ForeignKey(Template.id), index=True)
    template: Mapped[Template] = relationship(back_populates="versions")
    number: Mapped[int]
    note: Mapped[str] = mapped_column(sa.Text, default="")
    content: Mapped[dict[str, Any]] = mapped_column(JSONB)


class TemplateUse(TenantModel, BaseModel, StudyScopedMixin, Audited):
    """A copy of a template version in a study: the piece inserted, by its identity there
    (a section's, subsection's or block's uuid in the eCRF design, the eCRF's for a whole
    design, a questionnaire's or a consent document's)."""

    __tablename__ = "template_uses"
    __table_args__ = (sa.UniqueConstraint("study_id", "piece_uuid"),)
    study_center = None

    study_id: Mapped[int] = mapped_column(sa.ForeignKey(Study.id), index=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey(TemplateVersion.id), index=True)
    version: Mapped[TemplateVersion] = relationship()
    piece_uuid: Mapped[uuid.UUID]
    study: Mapped[Study] = relationship()


MODELS: list[type] = [Template, TemplateVersion, TemplateUse]
