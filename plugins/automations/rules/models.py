"""A study's automation rules and their versions: a version is never changed, a change
of the rule is its next version, and every run names the version it ran."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from datacapt.toolkit import Audited, BaseModel, StudyScopedMixin, TenantModel


class AutomationRule(TenantModel, BaseModel, StudyScopedMixin, Audited):
    """Only an active rule fires; ``version`` is the number of its current version."""

    __tablename__ = "automation_rules"

    active: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(default=1)
    versions: Mapped[list[AutomationRuleVersion]] = relationship(
        back_populates="rule", order_by="AutomationRuleVersion.number"
    )

    @property
    def current(self) -> AutomationRuleVersion:
        return next(v for v in self.versions if v.number == self.version)


class AutomationRuleVersion(TenantModel, BaseModel, StudyScopedMixin, Audited):
    """``trigger``: {"kind", ...its parameters}; ``actions``: [{"kind", ...}, ...], as
    validated by rules/definition.py when saved."""

    __tablename__ = "automation_rule_versions"
    __table_args__ = (sa.UniqueConstraint("rule_id", "number"),)

    rule_id: Mapped[int] = mapped_column(sa.ForeignKey(AutomationRule.id), index=True)
    rule: Mapped[AutomationRule] = relationship(back_populates="versions")
    number: Mapped[int]
    name: Mapped[str] = mapped_column(sa.String(200))
    # The trigger's kind, also a column: the rules a kind of event fires are found by it.
    trigger_kind: Mapped[str] = mapped_column(sa.String(40), index=True)
    trigger: Mapped[dict[str, Any]] = mapped_column(JSONB)
    actions: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
