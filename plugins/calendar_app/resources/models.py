"""Rooms and instruments: resources of a center (a site), shared by every study there,
each with its own calendar."""

from __future__ import annotations

import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from datacapt.toolkit import AuditContext, Audited, BaseModel, StudyCenter, TenantModel, db


class ResourceKind(enum.StrEnum):
    ROOM = "room"
    INSTRUMENT = "instrument"


class Resource(TenantModel, BaseModel, Audited):
    """Belongs to no study: a booking in any study of the center holds it."""

    __tablename__ = "calendar_resources"
    __table_args__ = (sa.UniqueConstraint("center_id", "name"),)

    center_id: Mapped[int] = mapped_column(sa.ForeignKey(StudyCenter.id), index=True)
    center: Mapped[StudyCenter] = relationship(lazy="joined")
    kind: Mapped[str] = mapped_column(sa.String(20))
    name: Mapped[str] = mapped_column(sa.String(200))
    active: Mapped[bool] = mapped_column(default=True)

    def audit_context(self) -> AuditContext:
        center = db.session.get(StudyCenter, self.center_id)
        return AuditContext(center=str(center.uuid) if center else None)


MODELS: list[type] = [Resource]
