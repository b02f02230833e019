"""Roles (default and custom) and what a principal may do, tenant-wide and per study."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm

from datacapt.database import db
from datacapt.errors import DatacaptException, ErrorCode, InternalCodes
from datacapt.i18n import Message
from datacapt.identity.models import User
from datacapt.identity.principal import Principal
from datacapt.permissions.models import Role
from datacapt.plugins.services import plugin_set


def list_roles() -> list[Role]:
    return list(
        db.session.execute(sa.select(Role).order_by(Role.is_default.desc(), Role.name)).scalars()
    )


def get_role_by_uuid(role_uuid) -> Role:
    role = db.session.execute(sa.select(Role).where(Role.uuid == role_uuid)).scalar_one_or_none()
    if role is None:
        raise DatacaptException(
            ErrorCode.NOT_FOUND, InternalCodes.OBJECT_NOT_FOUND, Message("No such role.")
        )
    return role


def checked_permissions(permissions: Iterable[str]) -> list[str]:
    """The permissions, sorted, each known to the registry (422 naming the unknown)."""
    permissions = sorted(set(permissions))
    unknown = sorted(set(permissions) - plugin_set().permissions.permissions())
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


def _unique_name(name: str, role: Role | None = None) -> None:
    clash = db.session.execute(sa.select(Role).where(Role.name == name)).scalar_one_or_none()
    if clash is not None and clash is not role:
        raise DatacaptException(
            ErrorCode.CONFLICT,
            InternalCodes.CONFLICT,
            Message("A role with this name exists."),
            fields={"name": [Message("A role with this name exists.")]},
        )


def create_role(name: str, description: str, permissions: Iterable[str]) -> Role:
    _unique_name(name)
    role = Role(
        name=name,
        description=description,
        permissions=checked_permissions(permissions),
        is_default=False,
    )
    db.session.add(role)
    db.session.commit()
    return role


def _editable(role: Role) -> Role:
    if role.is_default:
        raise DatacaptException(
            ErrorCode.CONFLICT,
            InternalCodes.ROLE_IS_DEFAULT,
            Message("Default roles cannot be changed."),
        )
    return role


def update_role(role: Role, changes: Mapping[str, Any]) -> Role:
    _editable(role)
    if "name" in changes:
        _unique_name(changes["name"], role)
        role.name = changes["name"]
    if "description" in changes:
        role.description = changes["description"]
    if "permissions" in changes:
        role.permissions = checked_permissions(changes["permissions"])
    db.session.commit()
    return role


def delete_role(role: Role) -> None:
    from datacapt.invitations.models import Invitation
    from datacapt.studies.models import StudyUser

    _editable(role)
    in_use = any(
        db.session.execute(sa.select(sa.exists().where(column == role.id))).scalar()
        for column in (
            User.platform_role_id,
            StudyUser.role_id,
            Invitation.platform_role_id,
            Invitation.study_role_id,
        )
    )
    if in_use:
        raise DatacaptException(
            ErrorCode.CONFLICT, InternalCodes.ROLE_IN_USE, Message("This role is given to someone.")
        )
    db.session.delete(role)
    db.session.commit()


def permissions_overview(principal: Principal) -> dict[str, Any]:
    """What the frontend needs to show or hide: tenant-wide and per-study permissions."""
    from datacapt.studies.models import Study, StudyUser

    registry = plugin_set().permissions
    studies: list[dict[str, Any]] = []
    if principal.user_id is not None:
        memberships = db.session.execute(
            sa.select(StudyUser)
            .join(StudyUser.study)
            .options(orm.contains_eager(StudyUser.study), orm.selectinload(StudyUser.centers))
            .where(StudyUser.user_id == principal.user_id)
            .order_by(Study.reference)
        ).scalars()
        for membership in memberships:
            studies.append(
                {
                    "study": membership.study.uuid,
                    "reference": membership.study.reference,
                    "role": membership.role,
                    "permissions": sorted(registry.expand(membership.role.granted)),
                    "all_centers": membership.all_centers,
                    "centers": [center.uuid for center in membership.centers],
                }
            )
    return {"platform": sorted(principal.platform_permissions), "studies": studies}
