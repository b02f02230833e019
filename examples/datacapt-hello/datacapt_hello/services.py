"""Hello business rules."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from datacapt.toolkit import (
    Channel,
    Message,
    Notification,
    Recipient,
    Study,
    acting_user,
    current_settings,
    db,
    get_in_study,
    invalid,
    notify,
    study_query,
    study_settings,
)

from datacapt_hello.errors import HelloCodes
from datacapt_hello.messages import GREETING
from datacapt_hello.models import HelloRecord


def records(study: Study | None = None) -> sa.Select[HelloRecord]:
    """The records of ``study`` (default: the request's), oldest first."""
    return study_query(HelloRecord, study).order_by(HelloRecord.id)


def get_record(record_uuid: uuid.UUID) -> HelloRecord:
    """A record of the request's study; 404 for one of another study."""
    return get_in_study(HelloRecord, record_uuid, Message("No such record."))


def _checked(text: str) -> str:
    if not text.strip():
        raise invalid(
            HelloCodes.HELLO_TEXT_BLANK, "A record needs a text that is not blank.", field="text"
        )
    return text


def add_record(study: Study, text: str | None = None) -> HelloRecord:
    """Store a record in ``study``; without a text, the tenant's ``default_text`` setting."""
    default = current_settings("hello")["default_text"]
    record = HelloRecord(study_id=study.id, text=default if text is None else _checked(text))
    db.session.add(record)
    db.session.flush()
    return record


def change_record(record: HelloRecord, text: str) -> HelloRecord:
    record.text = _checked(text)
    db.session.flush()
    return record


def _study_label(study: Study) -> str:
    """The study as its ``greet_by`` setting names it."""
    by_name = study_settings("hello", study)["greet_by"] == "name"
    return study.name if by_name else study.reference


def greeting(study: Study) -> Message:
    """A welcome in the caller's language (the catalog in locales/)."""
    return Message("Welcome to the study {study}.", study=_study_label(study))


def send_greeting(study: Study) -> Notification:
    """Email the welcome to the user behind the request, in their language (delivered once
    the request commits)."""
    user = acting_user()
    return notify(
        GREETING,
        Channel.EMAIL,
        Recipient.of_user(user),
        {"name": user.display_name, "study": _study_label(study)},
        study_id=study.id,
    )
