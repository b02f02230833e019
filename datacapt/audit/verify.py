"""Verifying a tenant's audit chain: sequence, links and hashes, and the recorded heads."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from datacapt.audit.chain import CONTEXT_FIELDS, PAYLOAD_FIELDS, chain_hash, payload, timestamp
from datacapt.audit.models import AuditChainHead, AuditRecord
from datacapt.database.session import translated_engine

BATCH = 2000


@dataclass(frozen=True)
class ChainReport:
    schema: str
    records: int
    broken_at: int | None = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.broken_at is None and self.problem is None


def verify_chain(engine: sa.Engine, tenant_id: int, schema: str) -> ChainReport:
    """Recompute the whole chain; name the first record that does not fit."""
    expected, previous, count, tail_hashes = 1, "", 0, {}
    columns = [
        getattr(AuditRecord, name)
        for name in ("sequence", "previous_hash", "hash", *PAYLOAD_FIELDS, *CONTEXT_FIELDS)
    ]
    with translated_engine(engine, schema).connect() as connection:
        heads = connection.execute(
            sa.select(AuditChainHead.sequence, AuditChainHead.hash).where(
                AuditChainHead.tenant_id == tenant_id
            )
        ).all()
        wanted = {sequence for sequence, _ in heads}
        rows = connection.execution_options(yield_per=BATCH).execute(
            sa.select(*columns).order_by(AuditRecord.sequence)
        )
        for row in rows:
            count += 1
            if row.sequence != expected:
                return ChainReport(schema, count, expected, f"record {expected} is missing")
            if row.previous_hash != previous:
                return ChainReport(
                    schema, count, row.sequence, "its link to the previous record is broken"
                )
            fields = row._asdict()
            fields["created_at"] = timestamp(row.created_at)
            if chain_hash(row.sequence, previous, payload(fields)) != row.hash:
                return ChainReport(
                    schema, count, row.sequence, "its content does not match its hash"
                )
            if row.sequence in wanted:
                tail_hashes[row.sequence] = row.hash
            previous, expected = row.hash, expected + 1
    for sequence, recorded in heads:
        if tail_hashes.get(sequence) != recorded:
            return ChainReport(
                schema,
                count,
                sequence,
                "the chain does not contain the head recorded outside the tenant (table replaced or cut)",
            )
    return ChainReport(schema, count)
