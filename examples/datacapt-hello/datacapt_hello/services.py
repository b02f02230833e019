"""Hello business rules."""

from __future__ import annotations

import sqlalchemy as sa
from datacapt.toolkit import Message, Study, current_settings, db, invalid, study_settings

from datacapt_hello.errors import HelloCodes
from datacapt_hello.models import HelloRecord


def list_records() -> list[HelloRecord]:
    return list(db.session.execute(sa.select(HelloRecord).order_by(HelloRecord.id)).scalars())


def add_record(text: str | None = None) -> HelloRecord:
    """Store a record; without a text, the tenant's ``default_text`` setting."""
    if text is not None and not text.strip():
        raise invalid(
            HelloCodes.HELLO_TEXT_BLANK, "A record needs a text that is not blank.", field="text"
        )
    record = HelloRecord(text=text or current_settings("hello")["default_text"])
    db.session.add(record)
    db.session.flush()
    return record


def greeting(study: Study) -> Message:
    """A welcome in the caller's language (the catalog in locales/), naming the study as
    its ``greet_by`` setting says."""
    by_name = study_settings("hello", study)["greet_by"] == "name"
    return Message(
        "Welcome to the study {study}.", study=study.name if by_name else study.reference
    )
