"""The hash chain: the canonical payload of a record and the hash linking it to the last.

hash = sha256(f"{sequence}|{previous_hash}|{payload}"), payload being the canonical JSON
(sorted keys, no spaces) of the record's own fields. The database function audit_append
computes the same formula when it appends; the verifier recomputes it from stored rows.

The fields of ``CONTEXT_FIELDS`` came later: they enter the payload only when set, so the
records written before them keep the payload, and the hash, they were written with.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

PAYLOAD_FIELDS = (
    "created_at",
    "actor_type",
    "actor_id",
    "actor_name",
    "object_type",
    "object_id",
    "study_id",
    "action",
    "changes",
    "reason",
    "request_id",
    "client_ip",
)
# Where the record belongs (center, subject, section, question) and which of its fields are
# sensitive ({permission: [field, ...]}): in the payload only when set.
CONTEXT_FIELDS = ("center_id", "subject_id", "section_id", "question", "sensitive")


def timestamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def payload(fields: dict[str, Any]) -> str:
    """The canonical JSON of a record's fields (created_at as produced by ``timestamp``)."""
    canonical = {name: fields.get(name) for name in PAYLOAD_FIELDS}
    canonical.update(
        (name, fields[name]) for name in CONTEXT_FIELDS if fields.get(name) is not None
    )
    return json.dumps(
        canonical,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )


def chain_hash(sequence: int, previous_hash: str, canonical: str) -> str:
    return hashlib.sha256(f"{sequence}|{previous_hash}|{canonical}".encode()).hexdigest()
