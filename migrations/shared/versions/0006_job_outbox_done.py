"""Outbox rows are kept until their job has run: ``done_at``.

Revision ID: 0006_shared
Revises: 0005_shared
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_shared"
down_revision = "0005_shared"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("job_outbox", sa.Column("done_at", sa.DateTime(timezone=True)))
    # Jobs that already ran are done; the others are checked against Redis by the relay.
    op.execute(
        "UPDATE job_outbox SET done_at = job_runs.finished_at FROM job_runs"
        " WHERE job_runs.job_id = job_outbox.job_id"
        " AND job_runs.status IN ('succeeded', 'refused')"
    )
    # What the relay watches: jobs sent but not yet run.
    op.create_index(
        "ix_job_outbox_in_flight",
        "job_outbox",
        ["dispatched_at"],
        postgresql_where=sa.text("dispatched_at IS NOT NULL AND done_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_job_outbox_in_flight", table_name="job_outbox")
    op.drop_column("job_outbox", "done_at")
