"""Users and their authentication: login with lockout, logout, passwords, resets, unlock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from datacapt.api.search import contains_text
from datacapt.database import db, get_by_uuid, keep_on_error, utcnow
from datacapt.errors import DatacaptException, ErrorCode, InternalCodes, conflict, invalid
from datacapt.i18n import Message
from datacapt.identity import events
from datacapt.identity.messages import PASSWORD_RESET, reset_token
from datacapt.identity.models import (
    PasswordHistory,
    PasswordResetToken,
    SecurityEventKind,
    User,
    UserStatus,
)
from datacapt.identity.passwords import (
    HISTORY_DEPTH,
    check_policy,
    hash_password,
    needs_rehash,
    verify_password,
)
from datacapt.identity.principal import Principal
from datacapt.identity.secrets import digest, new_secret
from datacapt.identity.sessions import close_all_sessions, close_session, open_session
from datacapt.jobs import enqueue
from datacapt.notifications.models import Channel
from datacapt.notifications.services import Recipient, notify
from datacapt.permissions.models import Role
from datacapt.permissions.services import ensure_may_grant, ensure_not_own
from datacapt.tenancy.context import current_tenant
from datacapt.tenancy.services import get_tenant_settings

RESET_LIFETIME = dt.timedelta(minutes=60)

# One answer for every failed login: never says whether the email exists or is locked.
INVALID_LOGIN = Message("Invalid email or password, or the account is locked.")


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str, for_update: bool = False) -> User | None:
    """The user of this email; ``for_update`` locks the row until the transaction ends."""
    statement = sa.select(User).where(sa.func.lower(User.email) == normalize_email(email))
    if for_update:
        statement = statement.with_for_update(of=User).execution_options(populate_existing=True)
    return db.session.execute(statement).scalar_one_or_none()


def get_user(user_uuid: Any) -> User:
    return get_by_uuid(User, user_uuid, Message("No such user."))


def get_role(name_or_uuid: Any) -> Role:
    column = Role.uuid if not isinstance(name_or_uuid, str) else Role.name
    role = db.session.execute(sa.select(Role).where(column == name_or_uuid)).scalar_one_or_none()
    if role is None:
        raise invalid(InternalCodes.VALIDATION_FAILED, Message("No such role."), field="role")
    return role


def _personal(user: User) -> list[str]:
    return [user.email, user.first_name, user.last_name]


def _previous_hashes(user: User) -> list[str]:
    return list(
        db.session.execute(
            sa.select(PasswordHistory.password_hash)
            .where(PasswordHistory.user_id == user.id)
            .order_by(PasswordHistory.id.desc())
            .limit(HISTORY_DEPTH)
        ).scalars()
    )


def set_password(user: User, password: str) -> None:
    """Apply the policy (length, common, personal, history) and store the new hash."""
    check_policy(password, _personal(user), _previous_hashes(user))
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    db.session.add(PasswordHistory(user_id=user.id, password_hash=user.password_hash))


def create_user(
    email: str,
    first_name: str,
    last_name: str,
    role: Role,
    password: str | None,
    language: str = "en",
) -> User:
    """A user; active with a password, invited without one."""
    if find_user(email) is not None:
        raise conflict(
            InternalCodes.USER_ALREADY_EXISTS,
            Message("A user with this email exists."),
            field="email",
        )
    user = User(
        email=normalize_email(email),
        first_name=first_name,
        last_name=last_name,
        platform_role_id=role.id,
        status=UserStatus.INVITED,
        language=language,
    )
    db.session.add(user)
    db.session.flush()
    if password is not None:
        set_password(user, password)
        user.transition_to(UserStatus.ACTIVE)
    return user


def _lock(user: User, reason: str) -> None:
    user.transition_to(UserStatus.LOCKED)
    user.locked_at = utcnow()
    close_all_sessions(user)
    events.record(SecurityEventKind.ACCOUNT_LOCKED, user, reason=reason)


def _unlock(user: User, actor: str | None, reason: str) -> None:
    user.transition_to(UserStatus.ACTIVE)
    user.locked_at = None
    user.failed_login_count = 0
    events.record(SecurityEventKind.ACCOUNT_UNLOCKED, user, actor=actor, reason=reason)


def _count_failure(user: User) -> None:
    """One more wrong password for the lockout, whether at login or at a confirmation."""
    user.failed_login_count += 1
    if user.failed_login_count >= get_tenant_settings().max_failed_logins:
        _lock(user, reason=f"{user.failed_login_count} failed logins")


def _invalid_login() -> DatacaptException:
    return DatacaptException(
        ErrorCode.UNAUTHORIZED, InternalCodes.INVALID_CREDENTIALS, INVALID_LOGIN
    )


def login(email: str, password: str) -> tuple[User, str]:
    """Check the credentials; returns the user and a new bearer token.

    Failures count towards the lockout and every attempt is recorded; the answer to a
    failure is the same whether the email is unknown, the password wrong or the account
    locked (and takes as long: an unknown email is verified against a dummy hash).

    The user's row is locked while its attempt is checked, so concurrent attempts are
    counted one after the other: no more guesses than the limit are ever checked.
    """
    settings = get_tenant_settings()
    user = find_user(email, for_update=True)
    if user is not None and user.status == UserStatus.LOCKED and settings.lockout_minutes:
        delay = dt.timedelta(minutes=settings.lockout_minutes)
        if user.locked_at and utcnow() - user.locked_at >= delay:
            _unlock(user, actor="system", reason="lockout delay passed")
    password_ok = verify_password(user.password_hash if user else None, password)
    if user is None or user.status != UserStatus.ACTIVE or not password_ok:
        reason = (
            "unknown email"
            if user is None
            else ("not active" if user.status != UserStatus.ACTIVE else "wrong password")
        )
        events.record(SecurityEventKind.LOGIN_FAILED, user, email=email, reason=reason)
        if user is not None and user.status == UserStatus.ACTIVE:
            _count_failure(user)
        keep_on_error()  # the failure counts although the answer is 401
        raise _invalid_login()
    if needs_rehash(user.password_hash or ""):
        user.password_hash = hash_password(password)
    user.failed_login_count = 0
    user.last_login_at = utcnow()
    token = open_session(user)
    events.record(SecurityEventKind.LOGIN_SUCCEEDED, user)
    db.session.flush()
    return user, token


def confirm_password(user: User, password: str, purpose: str) -> None:
    """The user gives their password again for an act that binds them (an electronic
    signature, an emergency unblinding: 21 CFR 11.200). A wrong one counts towards the
    lockout as at login, and the failure is kept although the act is refused. The user's
    row is locked while the attempt is checked, as at login: concurrent attempts are
    counted one after the other."""
    db.session.execute(sa.select(User.id).where(User.id == user.id).with_for_update())
    db.session.refresh(user)  # as it is once the lock is ours
    if user.status == UserStatus.ACTIVE and verify_password(user.password_hash, password):
        user.failed_login_count = 0
        events.record(SecurityEventKind.PASSWORD_CONFIRMED, user, purpose=purpose)
        db.session.flush()
        return
    events.record(SecurityEventKind.PASSWORD_CONFIRMATION_FAILED, user, purpose=purpose)
    if user.status == UserStatus.ACTIVE:
        _count_failure(user)
    keep_on_error()
    raise invalid(
        InternalCodes.WRONG_PASSWORD,
        Message("The password is wrong, or the account is locked."),
        field="password",
    )


def logout(principal) -> None:
    close_session(principal)
    events.record(SecurityEventKind.LOGGED_OUT, principal.user)
    db.session.flush()


def unlock_user(user: User, actor: str) -> User:
    if user.status == UserStatus.LOCKED:
        _unlock(user, actor=actor, reason="unlocked by an administrator")
        db.session.flush()
    return user


def change_password(user: User, current: str, new: str) -> None:
    if not verify_password(user.password_hash, current):
        raise invalid(
            InternalCodes.WRONG_PASSWORD,
            Message("The current password is wrong."),
            field="current_password",
        )
    set_password(user, new)
    close_all_sessions(user)
    events.record(SecurityEventKind.PASSWORD_CHANGED, user)
    db.session.flush()


def request_password_reset(email: str) -> None:
    """Queue the reset of this email's account, if there is one: the request does the same
    work whatever the email, so neither its answer nor its timing reveals an account."""
    events.record(SecurityEventKind.PASSWORD_RESET_REQUESTED, None, email=email)
    enqueue(send_password_reset, normalize_email(email), tenant=current_tenant())
    db.session.flush()


def send_password_reset(email: str) -> None:
    """Job: email a single-use reset link to an existing, active or locked user (at once:
    a reset never waits for quiet hours)."""
    user = find_user(email)
    if user is None or user.status not in (UserStatus.ACTIVE, UserStatus.LOCKED):
        return
    nonce = new_secret()
    db.session.add(
        PasswordResetToken(
            token_hash=digest(reset_token(nonce)),
            user_id=user.id,
            expires_at=utcnow() + RESET_LIFETIME,
        )
    )
    notify(
        PASSWORD_RESET,
        Channel.EMAIL,
        Recipient.of_user(user),
        {
            "name": user.display_name,
            "minutes": int(RESET_LIFETIME.total_seconds() // 60),
            "nonce": nonce,
        },
    )


def reset_password(token: str, password: str) -> None:
    """Use a reset token once: new password, every session closed, account unlocked."""
    reset = db.session.execute(
        sa.select(PasswordResetToken).where(PasswordResetToken.token_hash == digest(token))
    ).scalar_one_or_none()
    if reset is None or reset.used_at is not None or reset.expires_at <= utcnow():
        raise invalid(
            InternalCodes.RESET_TOKEN_INVALID,
            Message("This reset link is invalid or has expired."),
            field="token",
        )
    user = reset.user
    set_password(user, password)
    reset.used_at = utcnow()
    close_all_sessions(user)
    if user.status == UserStatus.LOCKED:
        _unlock(user, actor=None, reason="password reset")
    events.record(SecurityEventKind.PASSWORD_RESET, user)
    db.session.flush()


def list_users(search: str | None = None, status: str | None = None) -> sa.Select:
    statement = sa.select(User).order_by(User.id)
    if search:
        statement = statement.where(
            contains_text(search, User.email, User.first_name + " " + User.last_name)
        )
    if status:
        statement = statement.where(User.status == status)
    return statement


def update_user(principal: Principal, user: User, changes: Mapping[str, Any]) -> User:
    """An administrator's change: names, language, platform role, (de)activation. Role and
    status change for someone else only, whose role the changer holds, and the new role
    is one the changer holds."""
    for name in ("first_name", "last_name", "language"):
        if name in changes:
            setattr(user, name, changes[name])
    role = get_role(changes["platform_role"]) if "platform_role" in changes else None
    changes_access = (role is not None and role.id != user.platform_role_id) or (
        "status" in changes and changes["status"] != user.status
    )
    if changes_access:
        ensure_not_own(principal, user.id)
        ensure_may_grant(principal.platform_permissions, user.platform_role.granted)
    if role is not None and role.id != user.platform_role_id:
        ensure_may_grant(principal.platform_permissions, role.granted)
        user.platform_role = role
    if "status" in changes and changes["status"] != user.status:
        user.transition_to(changes["status"])
        if user.status == UserStatus.DEACTIVATED:
            close_all_sessions(user)
    db.session.flush()
    return user


def update_profile(user: User, changes: Mapping[str, Any]) -> User:
    """A user's change to their own profile: names and language only."""
    for name in ("first_name", "last_name", "language"):
        if name in changes:
            setattr(user, name, changes[name])
    db.session.flush()
    return user
