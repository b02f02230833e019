"""Reading the audit trail: filters, cursor pages, and the rows of a CSV export, all
limited to what the reader may see (datacapt.audit.access)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator, Mapping
from typing import Any

import sqlalchemy as sa

from datacapt.audit.access import PUBLIC_FIELDS, AuditReader
from datacapt.audit.models import AuditRecord
from datacapt.database import db
from datacapt.tenancy.context import TenantRef, tenant_context

EXPORT_BATCH = 1000
_EQUAL = {
    "study": AuditRecord.study_id,
    "object": AuditRecord.object_id,
    "object_type": AuditRecord.object_type,
    "actor": AuditRecord.actor_id,
    "action": AuditRecord.action,
    "subject": AuditRecord.subject_id,
    "section": AuditRecord.section_id,
    "question": AuditRecord.question,
}


def filtered(filters: Mapping[str, Any], reader: AuditReader) -> sa.Select:
    """The records matching ``filters`` that ``reader`` may see, in order."""
    if filters.get("study") is not None:
        reader.check_study(str(filters["study"]))
    statement = sa.select(AuditRecord).where(reader.condition()).order_by(AuditRecord.sequence)
    for name, column in _EQUAL.items():
        if filters.get(name) is not None:
            statement = statement.where(column == str(filters[name]))
    if filters.get("since"):
        statement = statement.where(AuditRecord.created_at >= filters["since"])
    if filters.get("until"):
        statement = statement.where(AuditRecord.created_at < filters["until"])
    return statement


def _batch(statement: sa.Select, after: int | None, limit: int) -> list[AuditRecord]:
    if after is not None:
        statement = statement.where(AuditRecord.sequence > after)
    return list(db.session.execute(statement.limit(limit)).scalars())


def page(
    filters: Mapping[str, Any], reader: AuditReader, after: int | None, limit: int
) -> dict[str, Any]:
    """Records after the cursor (a sequence number), and the cursor of the next page."""
    records = _batch(filtered(filters, reader), after, limit + 1)
    more = len(records) > limit
    records = records[:limit]
    return {
        "records": [reader.present(record) for record in records],
        "next_cursor": records[-1].sequence if more else None,
    }


def export(filters: Mapping[str, Any], reader: AuditReader, tenant: TenantRef) -> Iterator[str]:
    """The CSV export, line by line, read in batches so memory stays flat.

    The filters are checked and the first batch read here, before any byte is sent, so a
    refused or failing export answers an error rather than a truncated file. The rest
    streams after the view returned: that part enters the tenant itself, with a session
    of its own, and goes on from the last record sent.
    """
    statement = filtered(filters, reader)
    records = _batch(statement, None, EXPORT_BATCH)
    first = [_csv_line(reader.present(record)) for record in records]
    after = records[-1].sequence if len(records) == EXPORT_BATCH else None
    return _export_lines(first, statement, reader, tenant, after)


def _export_lines(
    first: list[str],
    statement: sa.Select,
    reader: AuditReader,
    tenant: TenantRef,
    after: int | None,
) -> Iterator[str]:
    yield _csv_line({name: name for name in PUBLIC_FIELDS})
    yield from first
    if after is None:
        return
    with tenant_context(tenant):
        rows = db.session.execute(
            statement.where(AuditRecord.sequence > after).execution_options(yield_per=EXPORT_BATCH)
        ).scalars()
        for record in rows:
            yield _csv_line(reader.present(record))


def _csv_line(shown: Mapping[str, Any]) -> str:
    values = []
    for name in PUBLIC_FIELDS:
        value = shown[name]
        if isinstance(value, dt.datetime):
            value = value.astimezone(dt.UTC).isoformat()
        elif isinstance(value, dict):
            value = json.dumps(value, ensure_ascii=False, sort_keys=True)
        values.append("" if value is None else value)
    buffer = io.StringIO()
    csv.writer(buffer).writerow(values)
    return buffer.getvalue()
