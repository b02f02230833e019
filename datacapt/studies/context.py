"""The study of a request (Study-Uuid header or URL), the caller's membership, and the
centers the caller may see: the mechanism every study-scoped module filters with."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import g, request

from datacapt.database import db
from datacapt.errors import DatacaptException, ErrorCode, InternalCodes
from datacapt.i18n import Message
from datacapt.identity.principal import Principal
from datacapt.permissions.models import Role, granted_by
from datacapt.plugins.services import plugin_set
from datacapt.studies.models import Study, StudyCenterAssociation, StudyUser, study_user_centers

STUDY_HEADER = "Study-Uuid"


@dataclass
class Membership:
    """The caller's StudyUser row in the current study, as far as access needs it (for an
    API key: its creator's, whose centers bound the key)."""

    id: int
    all_centers: bool
    center_ids: set[int] | None = None


def _study_uuid(value: Any) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    if not value:
        raise DatacaptException(
            ErrorCode.REQUEST_INVALID,
            InternalCodes.STUDY_REQUIRED,
            Message("This request needs the Study-Uuid header."),
        )
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise DatacaptException(
            ErrorCode.REQUEST_INVALID,
            InternalCodes.STUDY_REQUIRED,
            Message("The Study-Uuid header is not a UUID."),
        ) from None


def _not_member() -> DatacaptException:
    return DatacaptException(
        ErrorCode.FORBIDDEN,
        InternalCodes.USER_DOES_NOT_BELONG_TO_STUDY,
        Message("You do not belong to this study."),
    )


def _study_query(key: sa.SQLColumnExpression[Any]) -> sa.Select:
    """The study (by ``key``), and the caller's membership with its role's grants."""
    return (
        sa.select(
            Study, StudyUser.id, StudyUser.all_centers, Role.name, Role.is_default, Role.permissions
        )
        .outerjoin(
            StudyUser,
            sa.and_(StudyUser.study_id == Study.id, StudyUser.user_id == sa.bindparam("user_id")),
        )
        .outerjoin(Role, Role.id == StudyUser.role_id)
        .where(key == sa.bindparam("study"))
    )


# Built once: the same statement for every request, only the study and user change.
_STUDY_QUERIES = {"uuid": _study_query(Study.uuid), "id": _study_query(Study.id)}


def resolve_study(
    principal: Principal, study_uuid: uuid.UUID | None = None, study_id: int | None = None
) -> tuple[Study, Membership, frozenset[str]]:
    """The study (by uuid or id), the caller's membership and its permissions there; 404
    when no such study, 403 when the caller is not in it. An API key is in the studies it
    is scoped to where its creator is a member, with the permissions both hold."""
    query, study = (
        (_STUDY_QUERIES["uuid"], study_uuid)
        if study_uuid is not None
        else (_STUDY_QUERIES["id"], study_id)
    )
    row = db.session.execute(
        query, {"study": study, "user_id": principal.acting_user_id}
    ).one_or_none()
    if row is None:
        raise DatacaptException(
            ErrorCode.NOT_FOUND, InternalCodes.STUDY_NOT_FOUND, Message("No such study.")
        )
    study, member_id, all_centers, role_name, role_default, role_permissions = row
    key = principal.api_key
    if member_id is None or (
        key is not None and not (key.all_studies or str(study.uuid) in key.study_uuids)
    ):
        raise _not_member()
    registry = plugin_set().permissions
    granted = registry.expand(granted_by(role_name, role_default, role_permissions))
    if key is not None:
        granted &= registry.expand(key.permissions)
    return study, Membership(member_id, all_centers), granted


def enter_study(principal: Principal, from_url: Any = None) -> frozenset[str]:
    """Resolve the request's study and the caller's place in it; returns the permissions."""
    study_uuid = _study_uuid(
        from_url if from_url is not None else request.headers.get(STUDY_HEADER)
    )
    study, g.membership, granted = resolve_study(principal, study_uuid)
    g.study, g.study_permissions = study, granted
    return granted


def study_permissions() -> frozenset[str]:
    """What the caller may do in the current study."""
    return g.study_permissions


def current_study() -> Study:
    return g.study


def visible_center_ids() -> set[int] | None:
    """The centers the caller may see in the current study (None: all of the study's)."""
    membership: Membership | None = g.get("membership")
    return membership_center_ids(membership) if membership is not None else None


def membership_center_ids(membership: Membership) -> set[int] | None:
    """The centers a membership sees (None: all of the study's)."""
    if membership.all_centers:
        return None
    if membership.center_ids is None:
        membership.center_ids = set(
            db.session.execute(
                sa.select(study_user_centers.c.center_id).where(
                    study_user_centers.c.study_user_id == membership.id
                )
            ).scalars()
        )
    return membership.center_ids


def restrict_to_visible_centers(
    statement: sa.Select, center_column: sa.SQLColumnExpression[int]
) -> sa.Select:
    """Filter a query of study records by their center to what the caller may see."""
    visible = visible_center_ids()
    if visible is None:
        return statement
    return statement.where(center_column.in_(visible))


def study_center_ids(study: Study) -> set[int]:
    return set(
        db.session.execute(
            sa.select(StudyCenterAssociation.center_id).where(
                StudyCenterAssociation.study_id == study.id
            )
        ).scalars()
    )
