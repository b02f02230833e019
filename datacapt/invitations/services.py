"""Invitations: invite by email (to the tenant, optionally to a study), resend, revoke,
accept with a single-use expiring token that sets the password under the policy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa

from datacapt.database import db, utcnow
from datacapt.errors import InternalCodes, conflict, forbidden, invalid, not_found
from datacapt.i18n import Message
from datacapt.identity.models import User
from datacapt.identity.principal import Principal
from datacapt.identity.secrets import digest, new_secret
from datacapt.identity.services import (
    create_user,
    find_user,
    get_role,
    normalize_email,
)
from datacapt.invitations.messages import INVITATION, invitation_token
from datacapt.invitations.models import Invitation, InvitationStatus
from datacapt.notifications.models import Channel, RecipientKind
from datacapt.notifications.services import Recipient, notify
from datacapt.permissions.registry import STUDY_USERS_ADD
from datacapt.permissions.services import ensure_may_grant
from datacapt.studies.context import resolve_study, study_center_ids
from datacapt.studies.models import Study, StudyCenter, StudyUser
from datacapt.studies.services import centers_of_study
from datacapt.tenancy.services import get_tenant_settings

INVITATION_LIFETIME = dt.timedelta(days=7)


def list_invitations(status: str | None = None) -> sa.Select:
    statement = sa.select(Invitation).order_by(Invitation.id.desc())
    return statement.where(Invitation.status == status) if status else statement


def get_invitation(invitation_uuid) -> Invitation:
    invitation = db.session.execute(
        sa.select(Invitation).where(Invitation.uuid == invitation_uuid)
    ).scalar_one_or_none()
    if invitation is None:
        raise not_found(Message("No such invitation."))
    return invitation


def _study_for_inviter(principal: Principal, study_uuid) -> tuple[Study, frozenset[str]]:
    """The study and what the inviter holds in it, if the inviter may add people to its team."""
    study = db.session.execute(
        sa.select(Study).where(Study.uuid == study_uuid)
    ).scalar_one_or_none()
    if study is None:
        raise invalid(InternalCodes.STUDY_NOT_FOUND, Message("No such study."), field="study")
    _, _, held = resolve_study(principal, study.uuid)
    if STUDY_USERS_ADD not in held:
        raise forbidden(
            InternalCodes.USER_DOES_NOT_BELONG_TO_STUDY,
            Message("You cannot add people to this study."),
        )
    return study, held


def _send(invitation: Invitation, nonce: str, inviter: str) -> None:
    """Email the invitation with the link of ``nonce`` (sent at once, like every email
    someone waits for)."""
    invitation.sent_count += 1
    notify(
        INVITATION,
        Channel.EMAIL,
        Recipient(RecipientKind.INVITEE, invitation.uuid, invitation.email, invitation.language),
        {
            "name": invitation.first_name or invitation.email,
            "inviter": inviter,
            "study": f" ({invitation.study.reference})" if invitation.study else "",
            "days": INVITATION_LIFETIME.days,
            "nonce": nonce,
        },
        study_id=invitation.study_id,
    )


def _inviter_name(principal: Principal) -> str:
    user = principal.user
    if user is not None:
        return user.display_name
    assert principal.api_key is not None  # a principal is a user or an API key
    return principal.api_key.name


def invite(principal: Principal, data: Mapping[str, Any]) -> Invitation:
    email = normalize_email(data["email"])
    if find_user(email) is not None:
        raise conflict(
            InternalCodes.USER_ALREADY_EXISTS,
            Message("A user with this email exists."),
            field="email",
        )
    if db.session.execute(
        sa.select(Invitation).where(
            Invitation.email == email,
            Invitation.status == InvitationStatus.PENDING,
            Invitation.expires_at > utcnow(),
        )
    ).first():
        raise conflict(
            InternalCodes.INVITATION_ALREADY_PENDING,
            Message("An invitation to this email is pending."),
            field="email",
        )
    platform_role = get_role(data["platform_role"])
    ensure_may_grant(principal.platform_permissions, platform_role.granted)
    study, held = (
        _study_for_inviter(principal, data["study"]) if data.get("study") else (None, frozenset())
    )
    if study and not data.get("study_role"):
        raise invalid(
            InternalCodes.VALIDATION_FAILED, Message("A study role is needed."), field="study_role"
        )
    study_role = get_role(data["study_role"]) if study else None
    if study_role is not None:
        ensure_may_grant(held, study_role.granted)
    centers = (
        centers_of_study(study, data.get("centers", ()))
        if study and not data.get("all_centers", True)
        else []
    )
    nonce = new_secret()
    invitation = Invitation(
        email=email,
        first_name=data.get("first_name", ""),
        last_name=data.get("last_name", ""),
        language=data.get("language") or get_tenant_settings().default_language,
        platform_role_id=platform_role.id,
        study_id=study.id if study else None,
        study_role_id=study_role.id if study_role else None,
        all_centers=data.get("all_centers", True),
        center_ids=[c.id for c in centers],
        token_hash=digest(invitation_token(nonce)),
        expires_at=utcnow() + INVITATION_LIFETIME,
        sent_count=0,
        invited_by_id=principal.user_id if principal.user else None,
        status=InvitationStatus.PENDING,
    )
    db.session.add(invitation)
    db.session.flush()
    _send(invitation, nonce, _inviter_name(principal))
    return invitation


def _pending(invitation: Invitation) -> Invitation:
    if invitation.status != InvitationStatus.PENDING:
        raise conflict(
            InternalCodes.INVITATION_INVALID, Message("This invitation is no longer pending.")
        )
    return invitation


def resend(principal: Principal, invitation: Invitation) -> Invitation:
    """A new token (the old link stops working) and a new expiry, sent again."""
    _pending(invitation)
    nonce = new_secret()
    invitation.token_hash = digest(invitation_token(nonce))
    invitation.expires_at = utcnow() + INVITATION_LIFETIME
    _send(invitation, nonce, _inviter_name(principal))
    return invitation


def revoke(invitation: Invitation) -> None:
    _pending(invitation)
    invitation.status, invitation.revoked_at = InvitationStatus.REVOKED, utcnow()
    db.session.flush()


def accept(token: str, password: str, names: Mapping[str, str]) -> User:
    """Create the account (active, with the password) and its study membership, once."""
    invitation = db.session.execute(
        sa.select(Invitation).where(Invitation.token_hash == digest(token))
    ).scalar_one_or_none()
    if (
        invitation is None
        or invitation.status != InvitationStatus.PENDING
        or invitation.expires_at <= utcnow()
    ):
        raise invalid(
            InternalCodes.INVITATION_INVALID,
            Message("This invitation is invalid or has expired."),
            field="token",
        )
    user = create_user(
        invitation.email,
        names.get("first_name") or invitation.first_name,
        names.get("last_name") or invitation.last_name,
        invitation.platform_role,
        password,
        invitation.language,
    )
    if invitation.study is not None:
        centers = (
            []
            if invitation.all_centers
            else _still_in_study(invitation.study, invitation.center_ids)
        )
        db.session.add(
            StudyUser(
                study_id=invitation.study_id,
                user_id=user.id,
                role_id=invitation.study_role_id,
                all_centers=invitation.all_centers,
                centers=centers,
            )
        )
    invitation.status, invitation.accepted_at, invitation.user_id = (
        InvitationStatus.ACCEPTED,
        utcnow(),
        user.id,
    )
    db.session.flush()
    return user


def _still_in_study(study: Study, center_ids: Iterable[int]) -> list:
    kept = study_center_ids(study) & set(center_ids)
    return list(
        db.session.execute(sa.select(StudyCenter).where(StudyCenter.id.in_(kept))).scalars()
    )
