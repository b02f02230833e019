"""The audit trail: append-only records in a hash chain, appended by one SQL function.

Revision ID: 0004_tenant
Revises: 0003_tenant
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004_tenant"
down_revision = "0003_tenant"
branch_labels = None
depends_on = None

# hash = sha256(sequence || '|' || previous_hash || '|' || payload), payload being the
# canonical JSON of the record's fields made by the application (datacapt.audit.chain).
# The function takes the tenant's audit lock, then reads the tail with a fresh snapshot,
# so concurrent writers append one after the other and the chain never forks.
APPEND = """
CREATE FUNCTION audit_append(records jsonb) RETURNS void
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    record jsonb;
    last_sequence bigint;
    last_hash text;
    new_hash text;
BEGIN
    PERFORM pg_advisory_xact_lock(229092423, hashtext(current_schema() || '.audit'));
    SELECT sequence, hash INTO last_sequence, last_hash
        FROM audit_records ORDER BY sequence DESC LIMIT 1;
    last_sequence := coalesce(last_sequence, 0);
    last_hash := coalesce(last_hash, '');
    FOR record IN SELECT * FROM jsonb_array_elements(records) LOOP
        last_sequence := last_sequence + 1;
        new_hash := encode(sha256(convert_to(
            last_sequence::text || '|' || last_hash || '|' || (record->>'payload'), 'UTF8')), 'hex');
        INSERT INTO audit_records (
            sequence, previous_hash, hash, created_at, actor_type, actor_id, actor_name,
            object_type, object_id, study_id, action, changes, reason, request_id, client_ip)
        VALUES (
            last_sequence, last_hash, new_hash, (record->>'created_at')::timestamptz,
            record->>'actor_type', record->>'actor_id', record->>'actor_name',
            record->>'object_type', record->>'object_id', record->>'study_id',
            record->>'action', record->'changes', record->>'reason',
            record->>'request_id', record->>'client_ip');
        last_hash := new_hash;
    END LOOP;
END
$$;
"""

APPEND_ONLY = """
CREATE FUNCTION audit_records_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit records are append-only: % refused', TG_OP;
END
$$;
CREATE TRIGGER audit_records_no_update_delete BEFORE UPDATE OR DELETE ON audit_records
    FOR EACH ROW EXECUTE FUNCTION audit_records_append_only();
CREATE TRIGGER audit_records_no_truncate BEFORE TRUNCATE ON audit_records
    FOR EACH STATEMENT EXECUTE FUNCTION audit_records_append_only();
"""


def upgrade() -> None:
    op.create_table(
        "audit_records",
        sa.Column("sequence", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("previous_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_type", sa.String(20), nullable=False),
        sa.Column("actor_id", sa.String(100), nullable=False),
        sa.Column("actor_name", sa.String(300), nullable=False),
        sa.Column("object_type", sa.String(80), nullable=False),
        sa.Column("object_id", sa.String(64), nullable=False),
        sa.Column("study_id", sa.String(36)),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("changes", postgresql.JSONB, nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("request_id", sa.String(64)),
        sa.Column("client_ip", sa.String(64)),
    )
    for columns in (["object_type", "object_id"], ["study_id"], ["actor_id"], ["created_at"]):
        op.create_index(f"ix_audit_records_{'_'.join(columns)}", "audit_records", columns)
    op.execute(APPEND)
    op.execute(APPEND_ONLY)


def downgrade() -> None:
    op.execute("DROP TRIGGER audit_records_no_truncate ON audit_records")
    op.execute("DROP TRIGGER audit_records_no_update_delete ON audit_records")
    op.execute("DROP FUNCTION audit_records_append_only()")
    op.execute("DROP FUNCTION audit_append(jsonb)")
    op.drop_table("audit_records")
