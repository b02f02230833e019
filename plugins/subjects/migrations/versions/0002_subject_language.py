"""The language a subject is written to in.

Revision ID: 0002_subjects
Revises: 0001_subjects
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_subjects"
down_revision = "0001_subjects"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "subject_personal_data",
        sa.Column("language", sa.String(8), nullable=False, server_default="en"),
    )


def downgrade() -> None:
    op.drop_column("subject_personal_data", "language")
