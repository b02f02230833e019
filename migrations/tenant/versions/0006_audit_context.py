"""Audit records say where they belong (center, subject, section, question) and which of
their fields are sensitive; audit_append writes these columns too.

Revision ID: 0006_tenant
Revises: 0005_tenant
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0006_tenant"
down_revision = "0005_tenant"
branch_labels = None
depends_on = None

# The same chain as 0004_tenant (the payload, made by the application, names the new
# fields only when they are set, so older records verify as before).
APPEND = """
CREATE OR REPLACE FUNCTION audit_append(records jsonb) RETURNS void
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
            object_type, object_id, study_id, action, changes, reason, request_id, client_ip,
            center_id, subject_id, section_id, question, sensitive)
        VALUES (
            last_sequence, last_hash, new_hash, (record->>'created_at')::timestamptz,
            record->>'actor_type', record->>'actor_id', record->>'actor_name',
            record->>'object_type', record->>'object_id', record->>'study_id',
            record->>'action', record->'changes', record->>'reason',
            record->>'request_id', record->>'client_ip',
            record->>'center_id', record->>'subject_id', record->>'section_id',
            record->>'question', nullif(record->'sensitive', 'null'::jsonb));
        last_hash := new_hash;
    END LOOP;
END
$$;
"""

# 0004_tenant's function, for a downgrade.
PREVIOUS_APPEND = """
CREATE OR REPLACE FUNCTION audit_append(records jsonb) RETURNS void
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

COLUMNS = ("center_id", "subject_id", "section_id", "question", "sensitive")


def upgrade() -> None:
    for name in ("center_id", "subject_id", "section_id"):
        op.add_column("audit_records", sa.Column(name, sa.String(64)))
    op.add_column("audit_records", sa.Column("question", sa.Text))
    op.add_column("audit_records", sa.Column("sensitive", postgresql.JSONB))
    # A subject's history, a question's history within a study.
    op.create_index("ix_audit_records_subject_id", "audit_records", ["subject_id", "sequence"])
    op.create_index("ix_audit_records_study_id_question", "audit_records", ["study_id", "question"])
    op.execute(APPEND)


def downgrade() -> None:
    op.execute(PREVIOUS_APPEND)
    op.drop_index("ix_audit_records_study_id_question", "audit_records")
    op.drop_index("ix_audit_records_subject_id", "audit_records")
    for name in reversed(COLUMNS):
        op.drop_column("audit_records", name)
