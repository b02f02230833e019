"""A volunteer's own data, reached from their session only: their panel profile and
consents, their questionnaires, appointments and payments in the modules the tenant enabled, their
requests for access or erasure. Every read names the subject of the session, never a
subject given by the request."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import (
    DatacaptException,
    ErrorCode,
    Message,
    db,
    plugin_enabled,
)
from plugins.calendar_app.api import subject_appointments
from plugins.epro.api import OccurrenceStatus, subject_occurrences
from plugins.payments.api import subject_payments
from plugins.subject_accounts.errors import SubjectAccountsCodes
from plugins.subject_accounts.models import SubjectAccount
from plugins.subject_repository.api import give_consent as repository_give_consent
from plugins.subject_repository.api import (
    request_access,
    request_erasure,
    update_volunteer_profile,
    volunteer_consents,
    volunteer_profile,
)
from plugins.subject_repository.api import withdraw_consent as repository_withdraw_consent
from plugins.subjects.api import SubjectInStudy


def _participations(account: SubjectAccount) -> list[SubjectInStudy]:
    return list(
        db.session.execute(
            sa.select(SubjectInStudy)
            .where(SubjectInStudy.subject_id == account.subject_id)
            .order_by(SubjectInStudy.id)
        ).scalars()
    )


def _require(module: str) -> None:
    if not plugin_enabled(module):
        raise DatacaptException(
            ErrorCode.NOT_FOUND,
            SubjectAccountsCodes.SUBJECT_ACCOUNTS_MODULE_UNAVAILABLE,
            Message("This is not offered here."),
        )


def questionnaires(account: SubjectAccount) -> list[dict[str, Any]]:
    """The volunteer's ePRO questionnaires, every study, planned or sent (not cancelled)."""
    _require("epro")
    return [
        {
            "uuid": occurrence.uuid,
            "title": _in_language(occurrence.questionnaire.title, account.language),
            "status": occurrence.status,
            "opens_at": occurrence.opens_at,
            "due_at": occurrence.due_at,
            "closes_at": occurrence.closes_at,
            "completed_at": occurrence.completed_at,
        }
        for participation in _participations(account)
        for occurrence in subject_occurrences(participation)
        if occurrence.status != OccurrenceStatus.CANCELLED
    ]


def appointments(account: SubjectAccount) -> list[dict[str, Any]]:
    """The volunteer's appointments, every study."""
    _require("calendar_app")
    return [
        {
            "uuid": appointment.uuid,
            "title": appointment.title,
            "starts_at": appointment.starts_at,
            "ends_at": appointment.ends_at,
            "status": appointment.status,
            "center": appointment.center.name,
        }
        for participation in _participations(account)
        for appointment in subject_appointments(participation)
    ]


def payments(account: SubjectAccount) -> list[dict[str, Any]]:
    """What the volunteer is paid, or will be, in every study."""
    _require("payments")
    return [
        {
            "uuid": order.uuid,
            "kind": order.kind,
            "amount": order.amount,
            "currency": order.currency,
            "status": order.status,
            "paid_at": order.paid_at,
        }
        for participation in _participations(account)
        for order in subject_payments(participation)
    ]


def _in_language(texts: Mapping[str, str], language: str) -> str:
    return texts.get(language) or texts.get("en") or next(iter(texts.values()), "")


def profile(account: SubjectAccount) -> dict[str, Any]:
    return volunteer_profile(account.subject)


def update_profile(account: SubjectAccount, answers: dict[str, Any]) -> dict[str, Any]:
    return update_volunteer_profile(account.subject, answers)


def consents(account: SubjectAccount) -> list[Any]:
    return volunteer_consents(account.subject)


def give_consent(account: SubjectAccount, purpose: str) -> None:
    repository_give_consent(account.subject, purpose)


def withdraw_consent(account: SubjectAccount, purpose: str) -> None:
    repository_withdraw_consent(account.subject, purpose)


def gdpr_request(account: SubjectAccount, kind: str, reason: str) -> Any:
    """The volunteer's own request: the repository routes it to the data protection officer."""
    if kind == "access":
        return request_access(account.subject, by_subject=True)
    return request_erasure(account.subject, reason, by_subject=True)
