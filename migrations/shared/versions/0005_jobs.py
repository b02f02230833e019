"""The jobs' transactional outbox and run records.

Revision ID: 0005_shared
Revises: 0004_shared
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005_shared"
down_revision = "0004_shared"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job_outbox",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("job_id", sa.String(32), nullable=False, unique=True),
        sa.Column("tenant_schema", sa.String(63)),
        sa.Column("func", sa.String(300), nullable=False),
        sa.Column("args", postgresql.JSONB, nullable=False),
        sa.Column("kwargs", postgresql.JSONB, nullable=False),
        sa.Column("queue", sa.String(60), nullable=False),
        sa.Column("idempotency_key", sa.String(200)),
        sa.Column("retries", sa.Integer, nullable=False),
        sa.Column("backoff", postgresql.JSONB, nullable=False),
        sa.Column("timeout", sa.Integer),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("dispatched_at", sa.DateTime(timezone=True), index=True),
        sa.Column("dispatch_error", sa.Text),
    )
    # One job per idempotency key and tenant (platform jobs: the empty tenant).
    op.create_index(
        "uq_job_outbox_idempotency",
        "job_outbox",
        [sa.text("coalesce(tenant_schema, '')"), "idempotency_key"],
        unique=True,
        postgresql_where=sa.text("idempotency_key IS NOT NULL"),
    )
    op.create_table(
        "job_runs",
        sa.Column("job_id", sa.String(32), primary_key=True),
        sa.Column("tenant_schema", sa.String(63), index=True),
        sa.Column("func", sa.String(300), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True)),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.Column("error", sa.Text),
    )


def downgrade() -> None:
    op.drop_table("job_runs")
    op.drop_table("job_outbox")
