"""Roles (default and custom) and what a principal may do, tenant-wide and per study."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from datacapt.database import TenantModel, db, get_by_uuid
from datacapt.errors import DatacaptException, ErrorCode, InternalCodes, conflict, forbidden
from datacapt.i18n import Message
from datacapt.permissions.models import Role
from datacapt.permissions.registry import permissions_registry

if TYPE_CHECKING:
    from datacapt.identity.principal import Principal


def list_roles() -> list[Role]:
    return list(
        db.session.execute(sa.select(Role).order_by(Role.is_default.desc(), Role.name)).scalars()
    )


def get_role_by_uuid(role_uuid) -> Role:
    return get_by_uuid(Role, role_uuid, Message("No such role."))


def checked_permissions(permissions: Iterable[str]) -> list[str]:
    """The permissions, sorted, each known to the registry (422 naming the unknown)."""
    permissions = sorted(set(permissions))
    unknown = sorted(set(permissions) - permissions_registry().permissions())
    if unknown:
        raise DatacaptException(
            ErrorCode.VALIDATION_ERROR,
            InternalCodes.VALIDATION_FAILED,
            Message("Unknown permissions: {names}", names=", ".join(unknown)),
            fields={
                "permissions": [Message("Unknown permission {name}.", name=n) for n in unknown]
            },
        )
    return permissions


def ensure_may_grant(held: frozenset[str], given: Iterable[str]) -> None:
    """403 unless the granter holds, in the scope of the grant, every permission given (a
    role's or a list): nobody gives a role or a permission beyond their own.

    ``held`` is the granter's expanded permissions in that scope: tenant-wide for platform
    roles, custom roles and API keys, in the study for study roles.
    """
    beyond = sorted(permissions_registry().expand(given) - held)
    if beyond:
        raise forbidden(
            InternalCodes.GRANT_BEYOND_OWN,
            Message(
                "You cannot give permissions you do not hold: {names}", names=", ".join(beyond)
            ),
            permissions=beyond,
        )


def ensure_not_own(principal: Principal, user_id: int) -> None:
    """403 when the principal would change its own (or its creator's) access."""
    if principal.acting_user_id == user_id:
        raise forbidden(
            InternalCodes.OWN_ACCESS_UNCHANGEABLE,
            Message("You cannot change your own role, status or centers."),
        )


def _unique_name(name: str, role: Role | None = None) -> None:
    clash = db.session.execute(sa.select(Role).where(Role.name == name)).scalar_one_or_none()
    if clash is not None and clash is not role:
        raise conflict(
            InternalCodes.CONFLICT, Message("A role with this name exists."), field="name"
        )


def create_role(
    principal: Principal, name: str, description: str, permissions: Iterable[str]
) -> Role:
    _unique_name(name)
    permissions = checked_permissions(permissions)
    ensure_may_grant(principal.platform_permissions, permissions)
    role = Role(name=name, description=description, permissions=permissions, is_default=False)
    db.session.add(role)
    db.session.flush()
    return role


def _editable(role: Role) -> Role:
    if role.is_default:
        raise conflict(InternalCodes.ROLE_IS_DEFAULT, Message("Default roles cannot be changed."))
    return role


def update_role(principal: Principal, role: Role, changes: Mapping[str, Any]) -> Role:
    """Change a custom role; whoever holds it gets the change, so the changer must hold
    what the role grants, before and after."""
    _editable(role)
    ensure_may_grant(principal.platform_permissions, role.granted)
    if "name" in changes:
        _unique_name(changes["name"], role)
        role.name = changes["name"]
    if "description" in changes:
        role.description = changes["description"]
    if "permissions" in changes:
        permissions = checked_permissions(changes["permissions"])
        ensure_may_grant(principal.platform_permissions, permissions)
        role.permissions = permissions
    db.session.flush()
    return role


def _role_columns() -> list[sa.Column]:
    """The core's columns that give a role (users' platform roles, study members',
    invitations'), found by their foreign key: the packages that give roles sit above
    this one."""
    return [
        fk.parent
        for mapper in TenantModel.registry.mappers
        if mapper.class_.__module__.startswith("datacapt.")
        for fk in mapper.local_table.foreign_keys
        if fk.column.table is Role.__table__
    ]


def delete_role(role: Role) -> None:
    _editable(role)
    in_use = any(
        db.session.execute(sa.select(sa.exists().where(column == role.id))).scalar()
        for column in _role_columns()
    )
    if in_use:
        raise conflict(InternalCodes.ROLE_IN_USE, Message("This role is given to someone."))
    db.session.delete(role)
    db.session.flush()
