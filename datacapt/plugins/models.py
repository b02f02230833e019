"""Each plugin's state and settings in each tenant (shared schema), its settings in each
study (tenant schema)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from datacapt.audit.recorder import Audited
from datacapt.database import BaseModel, SharedModel, TenantModel, db
from datacapt.studies.models import Study
from datacapt.tenancy.models import Tenant


class TenantPlugin(SharedModel, BaseModel):
    """Whether a tenant has a plugin enabled, since when and by whom, and its settings.

    A row is never deleted: disabling flips ``enabled`` and keeps the tenant's data.
    """

    __tablename__ = "tenant_plugins"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "plugin"),)

    tenant_id: Mapped[int] = mapped_column(sa.ForeignKey(Tenant.id))
    plugin: Mapped[str] = mapped_column(sa.String(40))
    enabled: Mapped[bool] = mapped_column(default=False)
    enabled_at: Mapped[dt.datetime | None]
    enabled_by: Mapped[str | None] = mapped_column(sa.String(200))
    disabled_at: Mapped[dt.datetime | None]
    disabled_by: Mapped[str | None] = mapped_column(sa.String(200))
    settings: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)


class StudyPluginSettings(TenantModel, BaseModel, Audited):
    """A plugin's settings in one study, as its study settings schema stored them (a study
    without a row has the schema's defaults). Every change is in the study's audit trail."""

    __tablename__ = "study_plugin_settings"
    __table_args__ = (sa.UniqueConstraint("study_id", "plugin"),)

    study_id: Mapped[int] = mapped_column(sa.ForeignKey(Study.id))
    plugin: Mapped[str] = mapped_column(sa.String(40))
    settings: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)

    def audit_study_id(self) -> str | None:
        # By id: also outside a request (a job, a command) the record names its study.
        study = db.session.get(Study, self.study_id)
        return str(study.uuid) if study else None
