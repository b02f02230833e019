"""A run of an export: a job with its state and progress, the snapshot it read (the eCRF
version and the audit head of the study's data) and the files it stored."""

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
    StudyScopedMixin,
    TenantModel,
    User,
    db,
)
from plugins.exports.definitions.models import ExportDefinition


class ExportFormat(enum.StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    XPT = "xpt"  # SAS transport, version 5
    SAV = "sav"  # SPSS
    ODM = "odm"  # CDISC ODM 1.3.2 XML


class ExportState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    EXPIRED = "expired"  # done, its files removed after the study's retention time


class Export(TenantModel, BaseModel, StudyScopedMixin, Audited):
    """Audited from its request (who exported what, seeing which centers and whether the
    arm) to its end; its progress is kept apart (ExportProgress), unaudited."""

    __tablename__ = "export_runs"
    study_center = None

    definition_id: Mapped[int] = mapped_column(sa.ForeignKey(ExportDefinition.id), index=True)
    definition: Mapped[ExportDefinition] = relationship()
    settings: Mapped[dict[str, Any]] = mapped_column(JSONB)
    format: Mapped[str] = mapped_column(sa.String(10))
    state: Mapped[str] = mapped_column(sa.String(20), default=ExportState.QUEUED)
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey(User.id), index=True)
    requested_by: Mapped[User] = relationship(lazy="joined")
    # What the requester saw when asking: their centers (None: all), the arm and the
    # product behind a blinding code (zone assessments).
    center_uuids: Mapped[list[str] | None] = mapped_column(JSONB)
    arm_visible: Mapped[bool] = mapped_column(default=False)
    product_visible: Mapped[bool] = mapped_column(default=False)
    # The snapshot: the design's version and the last audit record of the study's data.
    ecrf_version: Mapped[int | None]
    ecrf_revision: Mapped[int | None]
    audit_head: Mapped[int | None] = mapped_column(sa.BigInteger)
    audit_head_hash: Mapped[str | None] = mapped_column(sa.String(64))
    # A hash of the data read (whatever the format): a reproduction compares it.
    data_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    # The data changed while it ran (head at the end not the one at the start).
    changed_while_running: Mapped[bool | None]
    lock_uuid: Mapped[uuid.UUID | None]
    # A run reproducing another, and whether its files came out identical.
    reproduces_id: Mapped[int | None] = mapped_column(sa.ForeignKey("export_runs.id"))
    reproduces: Mapped[Export | None] = relationship(remote_side="Export.id")
    identical: Mapped[bool | None]
    failure: Mapped[str | None] = mapped_column(sa.Text)
    started_at: Mapped[dt.datetime | None]
    finished_at: Mapped[dt.datetime | None]
    expires_at: Mapped[dt.datetime | None]

    files: Mapped[list[ExportFile]] = relationship(
        order_by="ExportFile.id", back_populates="export"
    )
    progress: Mapped[ExportProgress | None] = relationship(back_populates="export")


class ExportFile(TenantModel, BaseModel, Audited):
    """One file a run stored (a table, a name map, a formats program), with its SHA-256."""

    __tablename__ = "export_files"

    export_id: Mapped[int] = mapped_column(sa.ForeignKey(Export.id), index=True)
    export: Mapped[Export] = relationship(back_populates="files")
    name: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    file_uuid: Mapped[uuid.UUID | None]  # None once expired and removed
    sha256: Mapped[str] = mapped_column(sa.String(64))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    rows: Mapped[int | None]

    def audit_context(self) -> AuditContext:
        # By id: in a flush, a new row's relationships are not loaded yet.
        return db.session.get_one(Export, self.export_id).audit_context()


class ExportProgress(TenantModel):
    """How far a run is, committed as it goes (not audited: the run's record is)."""

    __tablename__ = "export_progress"

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(), primary_key=True)
    export_id: Mapped[int] = mapped_column(sa.ForeignKey(Export.id), unique=True)
    export: Mapped[Export] = relationship(back_populates="progress")
    rows: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    steps_done: Mapped[int] = mapped_column(default=0)
    steps_total: Mapped[int] = mapped_column(default=0)

    @property
    def percent(self) -> int:
        return 100 * self.steps_done // self.steps_total if self.steps_total else 0
