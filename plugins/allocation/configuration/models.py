"""The allocation configuration: which kit type (and how many kits) a subject of each arm
of a randomization design receives at each visit."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from datacapt.toolkit import Audited, BaseModel, ReasonPolicy, StudyScopedMixin, TenantModel
from plugins.allocation.kits.models import KitType
from plugins.ecrf.api import Section
from plugins.randomizations.api import ARM, Design


class AllocationRule(TenantModel, BaseModel, StudyScopedMixin, Audited):
    """Arm and visit of a design -> the kit type dispensed and the number of kits."""

    __tablename__ = "allocation_rules"
    # A rule in use decides what subjects receive: a change says why.
    audit_reason = ReasonPolicy.AFTER_CREATION
    __table_args__ = (sa.UniqueConstraint("design_id", "arm", "section_id"),)

    design_id: Mapped[int] = mapped_column(sa.ForeignKey(Design.id), index=True)
    design: Mapped[Design] = relationship()
    arm: Mapped[str] = mapped_column(sa.String(20))
    section_id: Mapped[int] = mapped_column(sa.ForeignKey(Section.id), index=True)
    section: Mapped[Section] = relationship()
    kit_type_id: Mapped[int] = mapped_column(sa.ForeignKey(KitType.id), index=True)
    kit_type: Mapped[KitType] = relationship()
    kits: Mapped[int] = mapped_column(default=1)

    audit_sensitive = {ARM: frozenset({"arm", "kit_type_id"})}


MODELS: list[type] = [AllocationRule]
