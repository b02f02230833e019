"""The hash chain: the canonical payload of a record and the hash linking it to the last.

hash = sha256(f"{sequence}|{previous_hash}|{payload}"), payload being the canonical JSON
(sorted keys, no spaces) of the record's own fields. The database function audit_append
computes the same formula when it appends; the verifier recomputes it from stored rows.
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


def timestamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def payload(fields: dict[str, Any]) -> str:
    """The canonical JSON of a record's fields (created_at as produced by ``timestamp``)."""
    return json.dumps(
        {name: fields.get(name) for name in PAYLOAD_FIELDS},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )


def chain_hash(sequence: int, previous_hash: str, canonical: str) -> str:
    return hashlib.sha256(f"{sequence}|{previous_hash}|{canonical}".encode()).hexdigest()
