"""What a signature signs: the canonical snapshot of a record (its identity, each answer's
value and audit head, each zone's answers of a section filled once per zone too, and the
signature's manifestation) and its SHA-256; the answers and their heads read for many
subjects in one statement; what changed since a snapshot."""

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
#: Format 2 signs the zone answers too (an answer of a zone names its ``instance``);
#: format 1 signed the plain answers only.
SNAPSHOT_FORMAT = 2
PLAIN_ONLY_FORMAT = 1

#: An answer: its question's code and its instance (PLAIN, or a zone).
Key = tuple[str, str]


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


def answers_with_heads(participation_ids: Collection[int]) -> dict[int, dict[Key, Head]]:
    """Every answer of these subjects with its audit head, by subject id and (code,
    instance)."""
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
            Answer.subject_in_study_id,
            Answer.code,
            Answer.instance,
            Answer.value,
            head.c.sequence,
            head.c.hash,
        )
        .outerjoin(head, sa.true())
        .where(Answer.subject_in_study_id.in_(list(participation_ids)))
    )
    found: dict[int, dict[Key, Head]] = {pid: {} for pid in participation_ids}
    for pid, code, instance, value, sequence, hash_ in rows:
        found[pid][(code, instance)] = Head(value, sequence, hash_)
    return found


def covered(
    answers: Mapping[Key, Head], section_codes: Collection[str] | None, snapshot_format: int
) -> dict[Key, Head]:
    """The answers a signature of ``snapshot_format`` covers: those of the section's codes
    (each zone's), or (None) all; a format 1 signature, the plain ones only."""
    codes = None if section_codes is None else set(section_codes)
    return {
        key: head
        for key, head in answers.items()
        if (codes is None or key[0] in codes)
        and (snapshot_format != PLAIN_ONLY_FORMAT or key[1] == PLAIN)
    }


def timestamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _entry(key: Key, head: Head) -> dict[str, Any]:
    """An answer as signed: a plain one as format 1 wrote it, a zone's with its instance."""
    code, instance = key
    entry = {
        "code": code,
        "value": head.value,
        "audit_sequence": head.sequence,
        "audit_hash": head.hash,
    }
    return entry if instance == PLAIN else {**entry, "instance": instance}


def snapshot(
    record: Record,
    signature: Signature,
    answers: Mapping[Key, Head],
    snapshot_format: int = SNAPSHOT_FORMAT,
) -> dict[str, Any]:
    """The canonical content of a signature: what it covers, as it is in ``answers``, and
    who signed it, when, meaning and declaring what."""
    return {
        "format": snapshot_format,
        "tenant": str(record.tenant),
        "study": str(record.study),
        "subject": str(record.subject),
        "scope": Scope.CASEBOOK if record.section is None else Scope.SECTION,
        "section": str(record.section) if record.section else None,
        "answers": [_entry(key, head) for key, head in sorted(answers.items())],
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
    content: Mapping[str, Any], now: Mapping[Key, Head], section_of: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """Each answer whose value or audit head differs from the snapshot's (answered since,
    or no longer there), with the value signed and the value now, in code then zone
    order."""
    signed = {
        (answer["code"], answer.get("instance", PLAIN)): answer
        for answer in content.get("answers", [])
    }
    changed = []
    for key in sorted(signed.keys() | now.keys()):
        code, instance = key
        then, current = signed.get(key), now.get(key)
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
                "instance": instance,
                "section": section_of.get(code),
                "signed": then is not None,
                "value_signed": then["value"] if then is not None else None,
                "value_now": current.value if current is not None else None,
                "audit_sequence": current.sequence if current is not None else None,
            }
        )
    return changed
