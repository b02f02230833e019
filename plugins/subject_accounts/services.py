"""A volunteer's account: registration from a link, email verification, login with the
staff lockout rules, passwordless login links, logout, password change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import (
    Channel,
    DatacaptException,
    ErrorCode,
    InternalCodes,
    Message,
    Recipient,
    RecipientKind,
    check_password_policy,
    current_tenant,
    db,
    digest,
    get_tenant_settings,
    hash_password,
    invalid,
    keep_on_error,
    needs_rehash,
    new_secret,
    notify,
    utcnow,
    verify_password,
)
from plugins.subject_accounts import messages
from plugins.subject_accounts.errors import SubjectAccountsCodes
from plugins.subject_accounts.links import registration_link_for
from plugins.subject_accounts.models import (
    AccountStatus,
    AccountToken,
    SubjectAccount,
    TokenPurpose,
)
from plugins.subject_accounts.sessions import as_subject, end_sessions, open_session
from plugins.subject_repository.api import give_consent, register_volunteer
from plugins.subjects.api import SubjectPersonalData

VERIFICATION_LIFETIME = dt.timedelta(hours=48)
LOGIN_LINK_LIFETIME = dt.timedelta(minutes=15)
LIFETIMES = {
    TokenPurpose.VERIFY_EMAIL: VERIFICATION_LIFETIME,
    TokenPurpose.LOGIN_LINK: LOGIN_LINK_LIFETIME,
}

# One answer for every failed login: never says whether the email exists or is locked.
INVALID_LOGIN = Message("Invalid email or password, or the account is locked.")


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_account(email: str, for_update: bool = False) -> SubjectAccount | None:
    statement = sa.select(SubjectAccount).where(
        sa.func.lower(SubjectAccount.email) == normalize_email(email)
    )
    if for_update:
        statement = statement.with_for_update(of=SubjectAccount).execution_options(
            populate_existing=True
        )
    return db.session.execute(statement).scalar_one_or_none()


def _serialize_email(email: str) -> None:
    """Registrations of one email wait for each other until the transaction ends, so two
    at once never make two accounts (the unique index would answer a 500)."""
    db.session.execute(
        sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext(f"subject-account:{email}")))
    )


def register(data: Mapping[str, Any]) -> None:
    """A volunteer signs up from a registration link: a panel member (the repository finds
    the one of that email, or makes one) with a pending account, and an email to verify.
    An email that already has an account gets a login link instead, and the answer is the
    same: it never says whether the email is known."""
    link = registration_link_for(data["token"])
    email = normalize_email(data["email"])
    password = data.get("password")
    if password is not None:
        check_password_policy(password, [email, data["first_name"], data["last_name"]])
    # Hashed whatever follows, so a known email answers as slowly as a new one.
    password_hash = hash_password(password) if password else None
    _serialize_email(email)
    existing = find_account(email)
    if existing is not None:
        send_link(existing, TokenPurpose.LOGIN_LINK)
        return
    subject = register_volunteer(
        first_name=data["first_name"],
        last_name=data["last_name"],
        email=email,
        phone=data.get("phone"),
        birth_date=data.get("birth_date"),
        language=data["language"],
        source=f"registration link: {link.name}",
    )
    known = db.session.execute(
        sa.select(SubjectAccount).where(SubjectAccount.subject_id == subject.id)
    ).scalar_one_or_none()
    if known is not None:  # the person has an account under an earlier address
        send_link(known, TokenPurpose.LOGIN_LINK)
        return
    account = SubjectAccount(
        subject_id=subject.id,
        email=email,
        language=data["language"],
        registration_link_id=link.id,
        status=AccountStatus.PENDING,
    )
    db.session.add(account)
    db.session.flush()
    send_link(
        account,
        TokenPurpose.VERIFY_EMAIL,
        password_hash=password_hash,
        consents=sorted(set(data["consents"])),
    )


def send_link(
    account: SubjectAccount,
    purpose: TokenPurpose,
    *,
    password_hash: str | None = None,
    consents: Sequence[str] = (),
) -> None:
    """Email a single-use link of ``purpose`` (at once: someone is waiting for it)."""
    nonce = new_secret()
    lifetime = LIFETIMES[purpose]
    db.session.add(
        AccountToken(
            token_hash=digest(messages.link_token(purpose, nonce)),
            account_id=account.id,
            purpose=purpose,
            password_hash=password_hash,
            consents=list(consents),
            expires_at=utcnow() + lifetime,
        )
    )
    template = (
        messages.VERIFY_EMAIL if purpose == TokenPurpose.VERIFY_EMAIL else messages.LOGIN_LINK
    )
    notify(
        template,
        Channel.EMAIL,
        Recipient(RecipientKind.SUBJECT, account.subject.uuid, account.email, account.language),
        {
            "name": " ".join(_names(account)).strip() or account.email,
            "tenant": current_tenant().name,
            "hours": int(lifetime.total_seconds() // 3600),
            "minutes": int(lifetime.total_seconds() // 60),
            "nonce": nonce,
        },
    )
    db.session.flush()


def _names(account: SubjectAccount) -> list[str]:
    """The volunteer's first and last names (none once erased)."""
    personal = db.session.execute(
        sa.select(SubjectPersonalData).where(SubjectPersonalData.subject_id == account.subject_id)
    ).scalar_one_or_none()
    return [personal.first_name, personal.last_name] if personal else []


def _use_link(token: str, purpose: TokenPurpose) -> tuple[SubjectAccount, AccountToken]:
    """The account of an unused, unexpired link of ``purpose``, the link used up (its row
    locked: a link opens one session, however many requests bring it at once)."""
    row = db.session.execute(
        sa.select(AccountToken)
        .where(AccountToken.token_hash == digest(token), AccountToken.purpose == purpose)
        .with_for_update()
    ).scalar_one_or_none()
    if row is None or row.ended_at is not None or row.expires_at <= utcnow():
        code, message = (
            (
                SubjectAccountsCodes.VERIFICATION_LINK_INVALID,
                Message("This verification link is invalid or has expired."),
            )
            if purpose == TokenPurpose.VERIFY_EMAIL
            else (
                SubjectAccountsCodes.LOGIN_LINK_INVALID,
                Message("This login link is invalid or has expired."),
            )
        )
        raise invalid(code, message, field="token")
    row.ended_at = utcnow()
    account = db.session.execute(
        sa.select(SubjectAccount)
        .where(SubjectAccount.id == row.account_id)
        .with_for_update(of=SubjectAccount)
        .execution_options(populate_existing=True)
    ).scalar_one()
    return account, row


def _email_proven(account: SubjectAccount) -> None:
    """The volunteer opened a link sent to their address: verified, and unlocked (as a
    staff password reset unlocks)."""
    if account.email_verified_at is None:
        account.email_verified_at = utcnow()
    if account.status != AccountStatus.ACTIVE:
        account.transition_to(AccountStatus.ACTIVE)
    account.failed_login_count = 0
    account.locked_at = None


def verify_email(token: str, password: str | None = None) -> dict[str, object]:
    """Use a verification link: the email is verified, the account opens with the password
    chosen at that registration (if any), and a session starts.

    A sign-up that chose a password is verified with that password given again: anyone
    holding a registration link may sign up with someone else's email, and the owner
    opening the link must not install a stranger's password and consents.
    """
    account, link = _use_link(token, TokenPurpose.VERIFY_EMAIL)
    if link.password_hash is not None and not verify_password(link.password_hash, password or ""):
        raise invalid(
            SubjectAccountsCodes.VERIFICATION_PASSWORD_WRONG,
            Message("Give the password chosen when signing up."),
            field="password",
        )
    if account.email_verified_at is None:
        if link.password_hash is not None:
            account.password_hash = link.password_hash
        with as_subject(account):
            for purpose in link.consents:
                give_consent(account.subject, purpose)
    _email_proven(account)
    return _logged_in(account)


def use_login_link(token: str) -> dict[str, object]:
    """Log in with a passwordless link (single use, short-lived)."""
    account, _ = _use_link(token, TokenPurpose.LOGIN_LINK)
    _email_proven(account)
    return _logged_in(account)


def _logged_in(account: SubjectAccount) -> dict[str, object]:
    with as_subject(account):
        account.last_login_at = utcnow()
        session = open_session(account)
    return {"account": account, **session}


def _count_failure(account: SubjectAccount) -> None:
    account.failed_login_count += 1
    if account.failed_login_count >= get_tenant_settings().max_failed_logins:
        account.transition_to(AccountStatus.LOCKED)
        account.locked_at = utcnow()
        end_sessions(account)


def login(email: str, password: str) -> dict[str, object]:
    """Check the credentials under the staff rules: failures count towards the tenant's
    lockout, the answer is the same for an unknown email, a wrong password, a pending or a
    locked account (and takes as long), and the row is locked while its attempt is
    checked, so concurrent guesses are counted one after the other."""
    settings = get_tenant_settings()
    account = find_account(email, for_update=True)
    if (
        account is not None
        and account.status == AccountStatus.LOCKED
        and settings.lockout_minutes
        and account.locked_at
        and utcnow() - account.locked_at >= dt.timedelta(minutes=settings.lockout_minutes)
    ):
        account.transition_to(AccountStatus.ACTIVE)
        account.failed_login_count = 0
        account.locked_at = None
    password_ok = verify_password(account.password_hash if account else None, password)
    if account is None or account.status != AccountStatus.ACTIVE or not password_ok:
        if account is not None and account.status == AccountStatus.ACTIVE:
            _count_failure(account)
            db.session.flush()
        keep_on_error()  # the failure counts although the answer is 401
        raise DatacaptException(
            ErrorCode.UNAUTHORIZED, InternalCodes.INVALID_CREDENTIALS, INVALID_LOGIN
        )
    if account.password_hash and needs_rehash(account.password_hash):
        account.password_hash = hash_password(password)
    account.failed_login_count = 0
    return _logged_in(account)


def request_login_link(email: str) -> None:
    """Email a login link if the address has an account; the answer is the same either way."""
    account = find_account(email)
    if account is not None:
        send_link(account, TokenPurpose.LOGIN_LINK)


def change_password(account: SubjectAccount, current: str | None, new: str) -> None:
    """Set a new password (the current one needed where there is one); every session ends."""
    if account.password_hash is not None and not verify_password(
        account.password_hash, current or ""
    ):
        raise invalid(
            InternalCodes.WRONG_PASSWORD,
            Message("The current password is wrong."),
            field="current_password",
        )
    previous = [account.password_hash] if account.password_hash else []
    check_password_policy(new, [account.email, *_names(account)], previous)
    account.password_hash = hash_password(new)
    end_sessions(account)
    db.session.flush()
