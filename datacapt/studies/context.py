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
    """The caller's StudyUser row in the current study, as far as access needs it."""

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


# Built once: the study, and the caller's membership with its role's grants.
_STUDY_QUERY = (
    sa.select(
        Study, StudyUser.id, StudyUser.all_centers, Role.name, Role.is_default, Role.permissions
    )
    .outerjoin(
        StudyUser,
        sa.and_(StudyUser.study_id == Study.id, StudyUser.user_id == sa.bindparam("user_id")),
    )
    .outerjoin(Role, Role.id == StudyUser.role_id)
    .where(Study.uuid == sa.bindparam("study_uuid"))
)


def enter_study(principal: Principal, from_url: Any = None) -> frozenset[str]:
    """Resolve the request's study and the caller's place in it; returns the permissions."""
    study_uuid = _study_uuid(
        from_url if from_url is not None else request.headers.get(STUDY_HEADER)
    )
    row = db.session.execute(
        _STUDY_QUERY, {"study_uuid": study_uuid, "user_id": principal.user_id}
    ).one_or_none()
    if row is None:
        raise DatacaptException(
            ErrorCode.NOT_FOUND, InternalCodes.STUDY_NOT_FOUND, Message("No such study.")
        )
    study, member_id, all_centers, role_name, role_default, role_permissions = row
    g.study = study
    g.membership = Membership(member_id, all_centers) if member_id is not None else None
    registry = plugin_set().permissions
    if principal.api_key is not None:
        key = principal.api_key
        if not (key.all_studies or str(study.uuid) in key.study_uuids):
            raise _not_member()
        return registry.expand(key.permissions)
    if member_id is None:
        raise _not_member()
    return registry.expand(granted_by(role_name, role_default, role_permissions))


def current_study() -> Study:
    return g.study


def visible_center_ids() -> set[int] | None:
    """The centers the caller may see in the current study (None: all of the study's)."""
    membership: Membership | None = g.get("membership")
    if membership is None or membership.all_centers:
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


def restrict_to_visible_centers(statement: sa.Select, center_column: sa.ColumnElement) -> sa.Select:
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
