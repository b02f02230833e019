"""Roles: named bundles of permissions, given tenant-wide (platform role) or per study."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from datacapt.database import BaseModel, TenantModel
from datacapt.database.audited import Audited
from datacapt.permissions.defaults import DEFAULT_ROLES
from datacapt.permissions.registry import permissions_registry


class Role(TenantModel, BaseModel, Audited):
    __tablename__ = "roles"

    name: Mapped[str] = mapped_column(sa.String(60), unique=True)
    description: Mapped[str] = mapped_column(sa.String(300), default="")
    permissions: Mapped[list[str]] = mapped_column(JSONB, default=list)
    is_default: Mapped[bool] = mapped_column(default=False)

    @property
    def granted(self) -> frozenset[str]:
        return granted_by(self.name, self.is_default, self.permissions)


def granted_by(name: str, is_default: bool, permissions: list[str]) -> frozenset[str]:
    """What a role grants: a default role's from the code (the core's and the loaded
    plugins'), a custom role's as stored."""
    if is_default and name in DEFAULT_ROLES:
        return DEFAULT_ROLES[name][1] | permissions_registry().default_grants(name)
    return frozenset(permissions)
