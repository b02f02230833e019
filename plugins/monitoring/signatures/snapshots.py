"""What a signature signs: the canonical snapshot of a record (its identity, each answer's
value and audit head, and the signature's manifestation) and its SHA-256; the answers and
their heads read for many subjects in one statement; what changed since a snapshot."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Collection, Mapping
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import AuditRecord, db
from plugins.ecrf.api import PLAIN, Answer
from plugins.monitoring.signatures.models import Scope, Signature

#: Bumped if the snapshot's shape ever changes; verification reads the format it finds.
SNAPSHOT_FORMAT = 1


@dataclasses.dataclass(frozen=True)
class Head:
    """An answer as stored now, with its latest audit record: that record's sequence and
    hash in the tenant's chain (None for an answer written without an audit record)."""

    value: Any
    sequence: int | None
    hash: str | None


@dataclasses.dataclass(frozen=True)
class Record:
    """The identity of what is signed: a subject's section, or (section None) casebook."""

    tenant: uuid.UUID
    study: uuid.UUID
    subject: uuid.UUID
    section: uuid.UUID | None


def answers_with_heads(participation_ids: Collection[int]) -> dict[int, dict[str, Head]]:
    """Every answer of these subjects with its audit head, by subject id and code."""
    head = (
        sa.select(AuditRecord.sequence, AuditRecord.hash)
        .where(
            AuditRecord.object_type == Answer.__tablename__,
            AuditRecord.object_id == sa.cast(Answer.uuid, sa.String),
        )
        .order_by(AuditRecord.sequence.desc())
        .limit(1)
        .lateral("head")
    )
    rows = db.session.execute(
        sa.select(
            Answer.subject_in_study_id, Answer.code, Answer.value, head.c.sequence, head.c.hash
        )
        .outerjoin(head, sa.true())
        # Plain answers only: one per code (a zone's answers are not signed per zone yet).
        .where(Answer.subject_in_study_id.in_(list(participation_ids)), Answer.instance == PLAIN)
    )
    found: dict[int, dict[str, Head]] = {pid: {} for pid in participation_ids}
    for pid, code, value, sequence, hash_ in rows:
        found[pid][code] = Head(value, sequence, hash_)
    return found


def covered(answers: Mapping[str, Head], section_codes: Collection[str] | None) -> dict[str, Head]:
    """The answers a signature covers: those of the section's codes, or (None) all."""
    if section_codes is None:
        return dict(answers)
    return {code: answers[code] for code in section_codes if code in answers}


def timestamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def snapshot(record: Record, signature: Signature, answers: Mapping[str, Head]) -> dict[str, Any]:
    """The canonical content of a signature: what it covers, as it is in ``answers``, and
    who signed it, when, meaning and declaring what."""
    return {
        "format": SNAPSHOT_FORMAT,
        "tenant": str(record.tenant),
        "study": str(record.study),
        "subject": str(record.subject),
        "scope": Scope.CASEBOOK if record.section is None else Scope.SECTION,
        "section": str(record.section) if record.section else None,
        "answers": [
            {
                "code": code,
                "value": head.value,
                "audit_sequence": head.sequence,
                "audit_hash": head.hash,
            }
            for code, head in sorted(answers.items())
        ],
        "signer": str(signature.signer.uuid),
        "printed_name": signature.printed_name,
        "meaning": signature.meaning,
        "declaration": signature.declaration,
        "signed_at": timestamp(signature.signed_at),
    }


def snapshot_hash(content: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical JSON (sorted keys, no spaces, UTF-8)."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def changes_since(
    content: Mapping[str, Any], now: Mapping[str, Head], section_of: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """Each answer whose value or audit head differs from the snapshot's (answered since,
    or no longer there), with the value signed and the value now, in code order."""
    signed = {answer["code"]: answer for answer in content.get("answers", [])}
    changed = []
    for code in sorted(signed.keys() | now.keys()):
        then, current = signed.get(code), now.get(code)
        if (
            then is not None
            and current is not None
            and then["value"] == current.value
            and then["audit_sequence"] == current.sequence
        ):
            continue
        changed.append(
            {
                "code": code,
                "section": section_of.get(code),
                "signed": then is not None,
                "value_signed": then["value"] if then is not None else None,
                "value_now": current.value if current is not None else None,
                "audit_sequence": current.sequence if current is not None else None,
            }
        )
    return changed
