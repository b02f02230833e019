"""Operator accounts: created from the CLI, authenticated by password (CLI) or token (API)."""

from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa

from datacapt.database import db, keep_on_error, utcnow
from datacapt.errors import DatacaptException, ErrorCode, InternalCodes
from datacapt.i18n import Message
from datacapt.identity.passwords import check_policy, hash_password, verify_password
from datacapt.identity.secrets import digest, new_secret
from datacapt.operators.models import Operator, OperatorToken

log = logging.getLogger(__name__)

SESSION_LIFETIME = dt.timedelta(hours=8)
MAX_FAILED_LOGINS = 5
LOCKOUT = dt.timedelta(minutes=30)


def operator_refused() -> DatacaptException:
    return DatacaptException(
        ErrorCode.UNAUTHORIZED,
        InternalCodes.OPERATOR_AUTHENTICATION_REQUIRED,
        Message("Operator authentication required"),
    )


def find_operator(email: str) -> Operator | None:
    return db.session.execute(
        sa.select(Operator).where(sa.func.lower(Operator.email) == email.strip().lower())
    ).scalar_one_or_none()


def create_operator(email: str, password: str, name: str = "") -> Operator:
    email = email.strip().lower()
    if find_operator(email) is not None:
        raise DatacaptException(
            ErrorCode.CONFLICT, InternalCodes.USER_ALREADY_EXISTS, f"Operator {email} exists"
        )
    check_policy(password, [email, name])
    operator = Operator(
        email=email, name=name, password_hash=hash_password(password), failed_login_count=0
    )
    db.session.add(operator)
    db.session.flush()
    return operator


def verify_operator(email: str, password: str) -> Operator:
    """The operator with these credentials; failures count, 5 lock the account for 30 min."""
    operator = find_operator(email)
    now = utcnow()
    locked = (
        operator is not None
        and operator.locked_at is not None
        and now - operator.locked_at < LOCKOUT
    )
    if (
        operator is None
        or locked
        or not verify_password(operator.password_hash if operator else None, password)
    ):
        if operator is not None and not locked:
            operator.failed_login_count += 1
            if operator.failed_login_count >= MAX_FAILED_LOGINS:
                operator.locked_at, operator.failed_login_count = now, 0
                log.warning("Operator %s locked after failed logins", operator.email)
            keep_on_error()  # the failure counts although the answer is a refusal
        log.warning("Operator authentication failed for %s", email)
        raise operator_refused()
    operator.failed_login_count, operator.locked_at = 0, None
    db.session.flush()
    return operator


def open_operator_session(operator: Operator) -> str:
    token = new_secret()
    db.session.add(
        OperatorToken(
            token_hash=digest(token),
            operator_id=operator.id,
            expires_at=utcnow() + SESSION_LIFETIME,
        )
    )
    db.session.flush()
    return token


def resolve_operator_token(token: str) -> Operator:
    session = db.session.execute(
        sa.select(OperatorToken).where(OperatorToken.token_hash == digest(token))
    ).scalar_one_or_none()
    if session is None or session.revoked_at is not None or session.expires_at <= utcnow():
        raise operator_refused()
    return session.operator


def close_operator_session(token: str) -> None:
    db.session.execute(
        sa.update(OperatorToken)
        .where(OperatorToken.token_hash == digest(token))
        .values(revoked_at=utcnow())
    )
    db.session.flush()
