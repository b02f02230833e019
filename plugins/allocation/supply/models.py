"""Where a study's kits wait before they reach the centers: its depots."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from datacapt.toolkit import Audited, BaseModel, StudyScopedMixin, TenantModel


class Depot(TenantModel, BaseModel, StudyScopedMixin, Audited):
    """A store that ships kits to the study's centers."""

    __tablename__ = "allocation_depots"
    __table_args__ = (sa.UniqueConstraint("study_id", "code"),)

    code: Mapped[str] = mapped_column(sa.String(30))
    name: Mapped[str] = mapped_column(sa.String(200))


MODELS: list[type] = [Depot]
