"""Reports: the study's reports as printed, with their files of record.

Revision ID: 0001_reports
Revises:
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

revision = "0001_reports"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_runs",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("uuid", sa.Uuid, nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("modified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "study_id", sa.BigInteger, sa.ForeignKey("studies.id"), nullable=False, index=True
        ),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("layout", sa.String(10)),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("subject_in_study_id", sa.BigInteger, sa.ForeignKey("subjects_in_studies.id")),
        sa.Column("center_ids", ARRAY(sa.BigInteger), nullable=False),
        sa.Column("reveals_arm", sa.Boolean, nullable=False),
        sa.Column("language", sa.String(10), nullable=False),
        sa.Column(
            "requested_by_id", sa.BigInteger, sa.ForeignKey("users.id"), nullable=False, index=True
        ),
        sa.Column("total", sa.Integer, nullable=False),
        sa.Column("printed", sa.Integer, nullable=False),
        sa.Column("failure", JSONB),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.Column("file_uuid", sa.Uuid, sa.ForeignKey("stored_files.uuid"), unique=True),
        sa.Column("name", sa.String(255)),
        sa.Column("content_type", sa.String(100)),
        sa.Column("size", sa.BigInteger),
        sa.Column("sha256", sa.String(64)),
    )


def downgrade() -> None:
    op.drop_table("report_runs")
