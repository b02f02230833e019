"""What an export takes out of a study: its sections, questions and subjects, coded
values or labels, wide or long, and which of the audit trail, queries, source data
verification, signatures and locks go with them."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from datacapt.toolkit import Audited, BaseModel, StudyScopedMixin, TenantModel


class Layout(enum.StrEnum):
    WIDE = "wide"  # one row per subject, a column per question
    LONG = "long"  # one row per value


class Values(enum.StrEnum):
    CODES = "codes"  # a choice as its stored value (the formats program labels it)
    LABELS = "labels"  # a choice as its label


class Extra(enum.StrEnum):
    """What may go with the values, each as a table of its own."""

    AUDIT_TRAIL = "audit_trail"
    QUERIES = "queries"
    SDV = "sdv"  # needs monitoring
    SIGNATURES = "signatures"  # needs monitoring
    LOCKS = "locks"  # needs monitoring
    ZONE_ASSESSMENTS = "zone_assessments"  # needs side_by_side


#: The extras the monitoring plugin keeps: empty where a tenant does not have it.
MONITORING_EXTRAS = frozenset({Extra.SDV, Extra.SIGNATURES, Extra.LOCKS})


class ExportDefinition(TenantModel, BaseModel, StudyScopedMixin, Audited):
    """Empty lists mean everything: every section, question, center, status."""

    __tablename__ = "export_definitions"
    __table_args__ = (sa.UniqueConstraint("study_id", "name"),)
    study_center = None

    name: Mapped[str] = mapped_column(sa.String(200))
    sections: Mapped[list[str]] = mapped_column(JSONB, default=list)  # section uuids
    questions: Mapped[list[str]] = mapped_column(JSONB, default=list)  # question codes
    centers: Mapped[list[str]] = mapped_column(JSONB, default=list)  # center uuids
    statuses: Mapped[list[str]] = mapped_column(JSONB, default=list)
    included_from: Mapped[dt.date | None]
    included_to: Mapped[dt.date | None]
    values: Mapped[str] = mapped_column(sa.String(10), default=Values.CODES)
    layout: Mapped[str] = mapped_column(sa.String(10), default=Layout.WIDE)
    extras: Mapped[list[str]] = mapped_column(JSONB, default=list)

    def settings(self) -> dict[str, Any]:
        """The definition as a run keeps it (a later change does not alter a run)."""
        return {
            "name": self.name,
            "sections": list(self.sections),
            "questions": list(self.questions),
            "centers": list(self.centers),
            "statuses": list(self.statuses),
            "included_from": self.included_from.isoformat() if self.included_from else None,
            "included_to": self.included_to.isoformat() if self.included_to else None,
            "values": self.values,
            "layout": self.layout,
            "extras": list(self.extras),
        }
