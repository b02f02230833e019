"""The study of a request (Study-Uuid header or URL), the caller's membership, and the
centers the caller may see: the mechanism every study-scoped module filters with."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import g, request
from sqlalchemy import orm

from datacapt.database import db, one_or_404
from datacapt.database.reads import (
    TenantFunction,
    attach_loaded,
    columns_of,
    entity_columns,
    read_outside_transaction,
)
from datacapt.errors import DatacaptException, ErrorCode, InternalCodes, forbidden, not_found
from datacapt.i18n import Message
from datacapt.identity.principal import Principal, current_principal
from datacapt.identity.secrets import digest
from datacapt.identity.sessions import (
    SESSION_COLUMNS,
    TOKEN_HASH,
    resolve_session,
    session_principal,
)
from datacapt.permissions.models import Role, granted_by
from datacapt.permissions.registry import permissions_registry
from datacapt.studies.models import (
    Study,
    StudyCenterAssociation,
    StudyScopedMixin,
    StudyUser,
    study_user_centers,
)

STUDY_HEADER = "Study-Uuid"
M = TypeVar("M", bound=StudyScopedMixin)


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
    return _study_access(principal, tuple(row) if row is not None else None)


def _study_access(
    principal: Principal, found: tuple[Any, ...] | None
) -> tuple[Study, Membership, frozenset[str]]:
    """``resolve_study``'s checks on (study or None, member id, all centers, role name,
    role is default, role permissions); None or no study: 404."""
    if found is None or found[0] is None:
        raise not_found(Message("No such study."), internal_code=InternalCodes.STUDY_NOT_FOUND)
    study, member_id, all_centers, role_name, role_default, role_permissions = found
    if member_id is None or not principal.reaches_study(study.uuid):
        raise forbidden(
            InternalCodes.USER_DOES_NOT_BELONG_TO_STUDY, Message("You do not belong to this study.")
        )
    registry = permissions_registry()
    granted = registry.expand(granted_by(role_name, role_default, role_permissions))
    if principal.api_key is not None:
        granted &= registry.expand(principal.api_key.permissions)
    return study, Membership(member_id, all_centers), granted


_STUDY_PREFIX = "study_"
# The tenant schema's session_in_study() (migrations/tenant/versions/0012_tenant): the
# session's row, then the study's columns (for ``attach_loaded``) and the session user's
# membership in it, so that a study-scoped request authenticates and enters its study in
# one round trip.
SESSION_IN_STUDY = TenantFunction(
    "session_in_study",
    (TOKEN_HASH, sa.bindparam("study", type_=sa.Uuid)),
    SESSION_COLUMNS
    + entity_columns(Study, _STUDY_PREFIX)
    + columns_of(
        {
            "member_id": StudyUser.id,
            "all_centers": StudyUser.all_centers,
            "study_role_name": Role.name,
            "study_role_is_default": Role.is_default,
            "study_role_permissions": Role.permissions,
        }
    ),
)


def _request_study_uuid(from_url: Any) -> uuid.UUID:
    return _study_uuid(from_url if from_url is not None else request.headers.get(STUDY_HEADER))


def _enter(study: Study, membership: Membership, granted: frozenset[str]) -> frozenset[str]:
    request_globals = g._get_current_object()  # one lookup
    request_globals.study, request_globals.membership = study, membership
    request_globals.study_permissions = granted
    return granted


def enter_study(principal: Principal, from_url: Any = None) -> frozenset[str]:
    """Resolve the request's study and the caller's place in it; returns the permissions."""
    return _enter(*resolve_study(principal, _request_study_uuid(from_url)))


def enter_study_with_session(token: str, from_url: Any = None) -> tuple[Principal, frozenset[str]]:
    """``resolve_session`` and ``enter_study`` in one statement: the bearer token's
    principal and its permissions in the request's study (401 before 404 or 403, as in
    two steps)."""
    try:
        study_uuid = _request_study_uuid(from_url)
    except DatacaptException:
        resolve_session(token)  # a caller without a live session hears 401 first
        raise
    row = read_outside_transaction(
        SESSION_IN_STUDY.call(), {"token_hash": digest(token), "study": study_uuid}
    ).one_or_none()
    principal = session_principal(row)
    assert row is not None  # session_principal refuses a missing token
    found = row._mapping
    study = (
        attach_loaded(Study, found, _STUDY_PREFIX)
        if found[_STUDY_PREFIX + "id"] is not None
        else None
    )
    access = (
        study,
        row.member_id,
        row.all_centers,
        row.study_role_name,
        row.study_role_is_default,
        row.study_role_permissions,
    )
    return principal, _enter(*_study_access(principal, access))


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


@dataclass(frozen=True)
class CallerMembership:
    """A membership of the caller in a study it reaches, with what it grants there."""

    study_id: int
    study_uuid: uuid.UUID
    member_id: int
    all_centers: bool
    granted: frozenset[str]  # the role's permissions, within an API key's own


def caller_memberships(
    principal: Principal, include_deleted: bool = False
) -> list[CallerMembership]:
    """The caller's memberships, in the studies it reaches (a key: those of its scope),
    each with its role's permissions expanded and kept within an API key's."""
    rows = db.session.execute(
        sa.select(
            Study.id,
            Study.uuid,
            StudyUser.id,
            StudyUser.all_centers,
            Role.name,
            Role.is_default,
            Role.permissions,
        )
        .join(StudyUser, StudyUser.study_id == Study.id)
        .join(Role, Role.id == StudyUser.role_id)
        .where(StudyUser.user_id == principal.acting_user_id)
        .execution_options(include_deleted=include_deleted)
    )
    registry = permissions_registry()
    key = registry.expand(principal.api_key.permissions) if principal.api_key else None
    found = []
    for study_id, study_uuid, member_id, all_centers, name, default, granted_names in rows:
        if not principal.reaches_study(study_uuid):
            continue
        granted = registry.expand(granted_by(name, default, granted_names))
        found.append(
            CallerMembership(
                study_id,
                study_uuid,
                member_id,
                all_centers,
                frozenset(granted & key if key is not None else granted),
            )
        )
    return found


def studies_granting(permission: str) -> dict[int, set[int] | None]:
    """The studies (by id) where the request's caller holds ``permission``, each with the
    centers the caller sees there (None: all): for views that work across studies, such as
    finance's. Reached as ``resolve_study`` reaches one: membership, role, an API key's
    scope and permissions."""
    return {
        membership.study_id: membership_center_ids(
            Membership(membership.member_id, membership.all_centers)
        )
        for membership in caller_memberships(current_principal())
        if permission in membership.granted
    }


def restrict_to_visible_centers(
    statement: sa.Select, center_column: sa.SQLColumnExpression[int | None]
) -> sa.Select:
    """Filter a query of study records by their center to what the caller may see."""
    visible = visible_center_ids()
    if visible is None:
        return statement
    return statement.where(center_column.in_(visible))


def study_query(model: type[M], study: Study | None = None) -> sa.Select[M]:
    """A select of ``model``'s rows in ``study`` (default: the request's) at the centers the
    caller sees there (``model.study_center``)."""
    request_study = g.get("study")
    if study is None:
        study = current_study()
    elif request_study is not None and request_study.id != study.id:
        # The caller's centers are those of their membership in the request's study.
        raise RuntimeError(f"study_query of {model.__name__} outside the request's study")
    statement = sa.select(model).where(model.study_id == study.id)
    visible = visible_center_ids()
    criterion = model.at_centers(visible) if visible is not None else None
    return statement.where(criterion) if criterion is not None else statement


def get_in_study(
    model: type[M],
    public_id: Any,
    message: str | Message | None = None,
    *,
    study: Study | None = None,
) -> M:
    """The row of ``model`` with this public id in the study, at a center the caller sees;
    404 (OBJECT_NOT_FOUND, ``message``) otherwise, as for a row that does not exist."""
    return one_or_404(study_query(model, study).where(model.uuid == public_id), message)  # type: ignore[attr-defined]


def study_center_ids(study: Study) -> set[int]:
    return set(
        db.session.execute(
            sa.select(StudyCenterAssociation.center_id).where(
                StudyCenterAssociation.study_id == study.id
            )
        ).scalars()
    )


def permissions_overview(principal: Principal) -> dict[str, Any]:
    """What the frontend needs to show or hide: tenant-wide and per-study permissions."""
    registry = permissions_registry()
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
