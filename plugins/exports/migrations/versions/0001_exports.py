"""Exports: definitions, runs with their progress, and the files they stored.

Revision ID: 0001_exports
Revises:
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001_exports"
down_revision = None
branch_labels = None
depends_on = None


def base_columns() -> list[sa.Column]:
    return [
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("uuid", sa.Uuid, nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("modified_at", sa.DateTime(timezone=True), nullable=False),
    ]


def reference(name: str, table: str, nullable: bool = False, **options) -> sa.Column:
    return sa.Column(
        name, sa.BigInteger, sa.ForeignKey(f"{table}.id"), nullable=nullable, **options
    )


def upgrade() -> None:
    op.create_table(
        "export_definitions",
        *base_columns(),
        reference("study_id", "studies", index=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("sections", JSONB, nullable=False),
        sa.Column("questions", JSONB, nullable=False),
        sa.Column("centers", JSONB, nullable=False),
        sa.Column("statuses", JSONB, nullable=False),
        sa.Column("included_from", sa.Date),
        sa.Column("included_to", sa.Date),
        sa.Column("values", sa.String(10), nullable=False),
        sa.Column("layout", sa.String(10), nullable=False),
        sa.Column("extras", JSONB, nullable=False),
        sa.UniqueConstraint("study_id", "name"),
    )
    op.create_table(
        "export_runs",
        *base_columns(),
        reference("study_id", "studies", index=True),
        reference("definition_id", "export_definitions", index=True),
        sa.Column("settings", JSONB, nullable=False),
        sa.Column("format", sa.String(10), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        reference("requested_by_id", "users", index=True),
        sa.Column("center_uuids", JSONB),
        sa.Column("arm_visible", sa.Boolean, nullable=False),
        sa.Column("ecrf_version", sa.Integer),
        sa.Column("ecrf_revision", sa.Integer),
        sa.Column("audit_head", sa.BigInteger),
        sa.Column("audit_head_hash", sa.String(64)),
        sa.Column("data_sha256", sa.String(64)),
        sa.Column("changed_while_running", sa.Boolean),
        sa.Column("lock_uuid", sa.Uuid),
        reference("reproduces_id", "export_runs", nullable=True),
        sa.Column("identical", sa.Boolean),
        sa.Column("failure", sa.Text),
        sa.Column("started_at", sa.DateTime(timezone=True)),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.Column("expires_at", sa.DateTime(timezone=True)),
    )
    # The expiry sweep reads done runs past their time.
    op.create_index("export_runs_state_expires_at_idx", "export_runs", ["state", "expires_at"])
    op.create_table(
        "export_files",
        *base_columns(),
        reference("export_id", "export_runs", index=True),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("file_uuid", sa.Uuid),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("rows", sa.Integer),
    )
    op.create_table(
        "export_progress",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        reference("export_id", "export_runs", unique=True),
        sa.Column("rows", sa.BigInteger, nullable=False),
        sa.Column("steps_done", sa.Integer, nullable=False),
        sa.Column("steps_total", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("export_progress")
    op.drop_table("export_files")
    op.drop_table("export_runs")
    op.drop_table("export_definitions")
