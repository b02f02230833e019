"""A report of a study as printed: what it is, its state while a job prints it, and the
stored file of record with its SHA-256."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections.abc import Collection
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from datacapt.toolkit import Audited, BaseModel, StudyScopedMixin, TenantModel, User
from plugins.subjects.api import SubjectInStudy


class ReportKind(enum.StrEnum):
    CASEBOOK = "casebook"  # one subject's
    STUDY_CASEBOOKS = "study_casebooks"  # every subject's at the centers, by a job
    ANNOTATED_CRF = "annotated_crf"  # the blank design, for the statistician


class Layout(enum.StrEnum):
    """How the study's casebooks are put together."""

    ZIP = "zip"  # one PDF per subject in a zip file
    MERGED = "merged"  # one PDF, the subjects one after the other


class RunState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ReportRun(TenantModel, BaseModel, StudyScopedMixin, Audited):
    """A report printed once: a download answers the stored bytes, checked against the hash
    recorded when they were made, never a new printing."""

    __tablename__ = "report_runs"

    kind: Mapped[str] = mapped_column(sa.String(20))
    layout: Mapped[str | None] = mapped_column(sa.String(10))
    state: Mapped[str] = mapped_column(sa.String(10), default=RunState.QUEUED)
    # The subject of a casebook; the centers whose subjects the report holds (none for the
    # annotated CRF): only members who see all of them see the report.
    subject_in_study_id: Mapped[int | None] = mapped_column(sa.ForeignKey(SubjectInStudy.id))
    participation: Mapped[SubjectInStudy | None] = relationship()
    center_ids: Mapped[list[int]] = mapped_column(ARRAY(sa.BigInteger), default=list)
    # The requester could see the arm: the report shows it, and only such callers read it.
    reveals_arm: Mapped[bool] = mapped_column(default=False)
    language: Mapped[str] = mapped_column(sa.String(10))
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey(User.id), index=True)
    requested_by: Mapped[User] = relationship(lazy="joined")
    total: Mapped[int] = mapped_column(default=0)  # subjects to print
    printed: Mapped[int] = mapped_column(default=0)
    failure: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    finished_at: Mapped[dt.datetime | None]
    # The file of record (core file storage), once done.
    file_uuid: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("stored_files.uuid"), unique=True
    )
    name: Mapped[str | None] = mapped_column(sa.String(255))
    content_type: Mapped[str | None] = mapped_column(sa.String(100))
    size: Mapped[int | None] = mapped_column(sa.BigInteger)
    sha256: Mapped[str | None] = mapped_column(sa.String(64))

    @classmethod
    def at_centers(cls, center_ids: Collection[int]) -> sa.ColumnElement[bool] | None:
        """Reports of subjects at those centers only (a study's casebooks at every one)."""
        return cls.center_ids.contained_by(sa.cast(list(center_ids), ARRAY(sa.BigInteger)))
