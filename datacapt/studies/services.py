"""Studies, the tenant's centers, their association to studies, and study teams."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from flask import Flask
from sqlalchemy import orm

from datacapt.api.search import contains_text
from datacapt.database import db, get_by_uuid
from datacapt.errors import InternalCodes, conflict, invalid, not_found
from datacapt.i18n import Message
from datacapt.identity.models import User, UserStatus
from datacapt.identity.principal import Principal
from datacapt.identity.services import get_role, get_user
from datacapt.permissions.models import Role
from datacapt.permissions.services import ensure_may_grant, ensure_not_own
from datacapt.slots import Slot
from datacapt.studies.context import (
    get_in_study,
    restrict_to_visible_centers,
    study_center_ids,
    study_permissions,
    study_query,
)
from datacapt.studies.models import (
    Study,
    StudyCenter,
    StudyCenterAssociation,
    StudyStatus,
    StudyUser,
    study_user_centers,
)

# Studies


def visible_studies(
    principal: Principal, search: str | None = None, status: str | None = None
) -> sa.Select:
    """The studies a principal belongs to (an API key: those it is scoped to where its
    creator belongs)."""
    statement = (
        sa.select(Study)
        .join(StudyUser, StudyUser.study_id == Study.id)
        .where(StudyUser.user_id == principal.acting_user_id)
        .order_by(Study.reference)
    )
    if principal.study_scope is not None:
        statement = statement.where(sa.cast(Study.uuid, sa.String).in_(principal.study_scope))
    if search:
        statement = statement.where(contains_text(search, Study.reference, Study.name))
    if status:
        statement = statement.where(Study.status == status)
    return statement


def create_study(principal: Principal, reference: str, name: str, description: str) -> Study:
    """A draft study; a user who creates it joins it with their platform role (nothing
    beyond what they hold), seeing all centers."""
    # Deleted studies keep their reference: it names them in the audit trail.
    taken = db.session.execute(
        sa.select(Study.reference)
        .where(sa.func.lower(Study.reference) == reference.lower())
        .execution_options(include_deleted=True)
    ).scalar_one_or_none()
    if taken is not None:
        raise conflict(
            InternalCodes.CONFLICT,
            Message("A study with this reference exists: {existing}.", existing=taken),
            field="reference",
            existing=taken,
        )
    study = Study(reference=reference, name=name, description=description, status=StudyStatus.DRAFT)
    db.session.add(study)
    db.session.flush()
    user = principal.user
    if user is not None:
        db.session.add(
            StudyUser(
                study_id=study.id,
                user_id=user.id,
                role_id=user.platform_role_id,
                all_centers=True,
            )
        )
    db.session.flush()
    return study


def update_study(study: Study, changes: Mapping[str, Any]) -> Study:
    for name in ("name", "description"):
        if name in changes:
            setattr(study, name, changes[name])
    if "status" in changes:
        study.transition_to(changes["status"])
    db.session.flush()
    return study


def delete_study(study: Study) -> None:
    """Only a draft study can go (soft delete); a live one holds evidence."""
    if study.status != StudyStatus.DRAFT:
        raise conflict(
            InternalCodes.STUDY_NOT_DELETABLE, Message("Only a draft study can be deleted.")
        )
    study.soft_delete()
    db.session.flush()


# Centers


def list_centers(search: str | None = None, country: str | None = None) -> sa.Select:
    statement = sa.select(StudyCenter).order_by(StudyCenter.code)
    if search:
        statement = statement.where(contains_text(search, StudyCenter.code, StudyCenter.name))
    if country:
        statement = statement.where(StudyCenter.country == country.upper())
    return statement


def get_center(center_uuid: Any) -> StudyCenter:
    return get_by_uuid(StudyCenter, center_uuid, Message("No such center."))


def _refuse_taken_center_code(code: str, center: StudyCenter | None = None) -> None:
    """Codes are unique whatever their case: ``walk-001`` is ``WALK-001``."""
    statement = sa.select(StudyCenter.code).where(sa.func.lower(StudyCenter.code) == code.lower())
    if center is not None:
        statement = statement.where(StudyCenter.id != center.id)
    taken = db.session.execute(statement).scalar_one_or_none()
    if taken is not None:
        raise conflict(
            InternalCodes.CONFLICT,
            Message("A center with this code exists: {existing}.", existing=taken),
            field="code",
            existing=taken,
        )


def create_center(code: str, name: str, country: str) -> StudyCenter:
    _refuse_taken_center_code(code)
    center = StudyCenter(code=code, name=name, country=country.upper())
    db.session.add(center)
    db.session.flush()
    return center


def update_center(center: StudyCenter, changes: Mapping[str, Any]) -> StudyCenter:
    if "code" in changes and changes["code"] != center.code:
        _refuse_taken_center_code(changes["code"], center)
        center.code = changes["code"]
    for name in ("name", "country"):
        if name in changes:
            setattr(center, name, changes[name].upper() if name == "country" else changes[name])
    db.session.flush()
    return center


def study_centers(study: Study) -> list[StudyCenter]:
    """The study's centers that the caller may see."""
    statement = (
        sa.select(StudyCenter)
        .join(StudyCenterAssociation, StudyCenterAssociation.center_id == StudyCenter.id)
        .where(StudyCenterAssociation.study_id == study.id)
        .order_by(StudyCenter.code)
    )
    return list(
        db.session.execute(restrict_to_visible_centers(statement, StudyCenter.id)).scalars()
    )


def add_study_center(study: Study, center_uuid) -> StudyCenter:
    center = get_center(center_uuid)
    if center.id not in study_center_ids(study):
        db.session.add(StudyCenterAssociation(study_id=study.id, center_id=center.id))
        db.session.flush()
    return center


CenterUse = Callable[[Study, StudyCenter], list[str]]
_CENTER_USE: Slot[CenterUse] = Slot("datacapt.center_use")


def register_center_use(app: Flask, modules_using: CenterUse) -> None:
    """Set what names the modules keeping records of a study at a center (while any
    does, the center stays in the study)."""
    _CENTER_USE.fill(app, modules_using)


def remove_study_center(study: Study, center_uuid: Any) -> None:
    """Take a center out of the study, and out of every study user's restriction; refused
    while a module keeps records of the study there (its subjects would lose their
    center, and members their access to them)."""
    center = get_center(center_uuid)
    if center.id not in study_center_ids(study):
        raise not_found(Message("No such center."))
    used_by = _CENTER_USE.get()(study, center)
    if used_by:
        raise conflict(
            InternalCodes.CENTER_IN_USE,
            Message(
                "The center {code} has records in this study: it stays in the study.",
                code=center.code,
            ),
            used_by=used_by,
        )
    member_ids = sa.select(StudyUser.id).where(StudyUser.study_id == study.id)
    db.session.execute(
        sa.delete(study_user_centers).where(
            study_user_centers.c.center_id == center.id,
            study_user_centers.c.study_user_id.in_(member_ids),
        )
    )
    db.session.execute(
        sa.delete(StudyCenterAssociation).where(
            StudyCenterAssociation.study_id == study.id,
            StudyCenterAssociation.center_id == center.id,
        )
    )
    db.session.flush()


def centers_of_study(
    study: Study, center_uuids: Iterable[Any], field: str = "centers"
) -> list[StudyCenter]:
    """The centers named, each of which must take part in the study (else 422 on ``field``)."""
    # Each once: a center named twice would be linked twice.
    centers = [get_center(u) for u in dict.fromkeys(center_uuids)]
    in_study = study_center_ids(study)
    outside = [c.code for c in centers if c.id not in in_study]
    if outside:
        raise invalid(
            InternalCodes.CENTER_NOT_IN_STUDY,
            Message("These centers are not in the study: {codes}", codes=", ".join(outside)),
            field=field,
        )
    return centers


# Study users


def list_study_users(study: Study) -> list[StudyUser]:
    """Members of the study; a member limited to some centers sees the members of those."""
    statement = (
        study_query(StudyUser, study)
        .options(orm.selectinload(StudyUser.centers))
        .order_by(StudyUser.id)
    )
    return list(db.session.execute(statement).scalars())


def study_members(
    study: Study, *, roles: Iterable[str] | None = None, center: StudyCenter | None = None
) -> list[User]:
    """The active users of the study's team, whoever asks (whom to tell of something):
    with one of ``roles`` (role names) if given, and seeing ``center`` if given."""
    statement = (
        sa.select(User)
        .join(StudyUser, StudyUser.user_id == User.id)
        .where(StudyUser.study_id == study.id, User.status == UserStatus.ACTIVE)
        .order_by(User.id)
    )
    if roles is not None:
        statement = statement.join(Role, Role.id == StudyUser.role_id).where(
            Role.name.in_(sorted(roles))
        )
    if center is not None:
        statement = statement.where(StudyUser.at_centers([center.id]))
    return list(db.session.execute(statement).scalars())


def read_study_user(study: Study, member_uuid: Any) -> StudyUser:
    """One member, as the list shows it to the caller (404 outside the caller's centers)."""
    return get_in_study(StudyUser, member_uuid, Message("No such study user."), study=study)


def add_study_user(
    principal: Principal,
    study: Study,
    user_uuid,
    role: str,
    all_centers: bool,
    center_uuids: Iterable[Any],
) -> StudyUser:
    """A member with a study role the adder holds in the study, other than the adder."""
    user = get_user(user_uuid)
    if db.session.execute(
        sa.select(StudyUser).where(StudyUser.study_id == study.id, StudyUser.user_id == user.id)
    ).scalar_one_or_none():
        raise conflict(
            InternalCodes.CONFLICT, Message("This user is already in the study."), field="user"
        )
    study_role = get_role(role)
    ensure_not_own(principal, user.id)
    ensure_may_grant(study_permissions(), study_role.granted)
    member = StudyUser(
        study_id=study.id,
        user_id=user.id,
        role_id=study_role.id,
        all_centers=all_centers,
        centers=[] if all_centers else centers_of_study(study, center_uuids),
    )
    db.session.add(member)
    db.session.flush()
    return member


def update_study_user(
    principal: Principal, study: Study, member: StudyUser, changes: Mapping[str, Any]
) -> StudyUser:
    """Change another member's role or centers: one whose role the changer holds, to a
    role the changer holds in the study."""
    if changes.keys() & {"role", "all_centers", "centers"}:
        ensure_not_own(principal, member.user_id)
    ensure_may_grant(study_permissions(), member.role.granted)
    if "role" in changes:
        study_role = get_role(changes["role"])
        ensure_may_grant(study_permissions(), study_role.granted)
        member.role = study_role
    if "all_centers" in changes:
        member.all_centers = changes["all_centers"]
    if "centers" in changes:
        member.centers = centers_of_study(study, changes["centers"])
    if member.all_centers:
        member.centers = []
    db.session.flush()
    return member


def remove_study_user(member: StudyUser) -> None:
    """Take a member out of the team: one whose role the remover holds in the study."""
    ensure_may_grant(study_permissions(), member.role.granted)
    db.session.delete(member)
    db.session.flush()
