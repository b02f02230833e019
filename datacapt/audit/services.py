"""Reading the audit trail: filters, cursor pages, and the rows of a CSV export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator, Mapping
from typing import Any

import sqlalchemy as sa

from datacapt.audit.models import AuditRecord
from datacapt.database import db
from datacapt.tenancy.context import TenantRef, tenant_context

CSV_COLUMNS = (
    "sequence",
    "created_at",
    "actor_type",
    "actor_id",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "study_id",
    "changes",
    "reason",
    "request_id",
    "client_ip",
    "hash",
)


def filtered(filters: Mapping[str, Any]) -> sa.Select:
    statement = sa.select(AuditRecord).order_by(AuditRecord.sequence)
    equal = {
        "study": AuditRecord.study_id,
        "object": AuditRecord.object_id,
        "object_type": AuditRecord.object_type,
        "actor": AuditRecord.actor_id,
        "action": AuditRecord.action,
    }
    for name, column in equal.items():
        if filters.get(name) is not None:
            statement = statement.where(column == str(filters[name]))
    if filters.get("since"):
        statement = statement.where(AuditRecord.created_at >= filters["since"])
    if filters.get("until"):
        statement = statement.where(AuditRecord.created_at < filters["until"])
    return statement


def page(filters: Mapping[str, Any], after: int | None, limit: int) -> dict[str, Any]:
    """Records after the cursor (a sequence number), and the cursor of the next page."""
    statement = filtered(filters)
    if after is not None:
        statement = statement.where(AuditRecord.sequence > after)
    records = list(db.session.execute(statement.limit(limit + 1)).scalars())
    more = len(records) > limit
    records = records[:limit]
    return {"records": records, "next_cursor": records[-1].sequence if more else None}


def csv_lines(filters: Mapping[str, Any], tenant: TenantRef) -> Iterator[str]:
    """The export, line by line, read in batches so memory stays flat.

    The response streams after the view returned, so the generator enters the tenant
    itself, with a session of its own.
    """
    with tenant_context(tenant):
        yield from _csv_lines(filters)


def _csv_lines(filters: Mapping[str, Any]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(values: list[Any]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(values)
        return buffer.getvalue()

    yield line(list(CSV_COLUMNS))
    rows = db.session.execute(filtered(filters).execution_options(yield_per=1000)).scalars()
    for record in rows:
        values = []
        for column in CSV_COLUMNS:
            value = getattr(record, column)
            if isinstance(value, dt.datetime):
                value = value.astimezone(dt.UTC).isoformat()
            elif column == "changes":
                value = json.dumps(value, ensure_ascii=False, sort_keys=True)
            values.append("" if value is None else value)
        yield line(values)
