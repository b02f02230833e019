"""A volunteer's account in the GDPR inventory: the account itself (personal data: the
email it logs in with); an erasure removes it with its tokens, so the person can no longer
log in and nothing here names them."""

from __future__ import annotations

import sqlalchemy as sa

from datacapt.toolkit import SubjectRecords, db
from plugins.subject_accounts.models import AccountToken, SubjectAccount


def _account(subject_id: int) -> SubjectAccount | None:
    return db.session.execute(
        sa.select(SubjectAccount).where(SubjectAccount.subject_id == subject_id)
    ).scalar_one_or_none()


def subject_records(subject_id: int) -> list[SubjectRecords]:
    account = _account(subject_id)
    if account is None:
        return []
    moments = ("created_at", "email_verified_at", "last_login_at")
    item = {
        "email": account.email,
        "status": account.status,
        "language": account.language,
        "has_password": account.password_hash is not None,
        **{
            name: value.isoformat() if (value := getattr(account, name)) else None
            for name in moments
        },
    }
    return [SubjectRecords("subject_accounts.account", 1, [item], personal=True)]


def erase_subject(subject_id: int) -> None:
    account = _account(subject_id)
    if account is None:
        return
    db.session.execute(sa.delete(AccountToken).where(AccountToken.account_id == account.id))
    db.session.delete(account)
    db.session.flush()
