"""Occurrences another module scheduled for a subject outside the questionnaire's
schedule (an automation's): re-planning keeps them.

Revision ID: 0006_epro
Revises: 0005_epro
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_epro"
down_revision = "0005_epro"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "epro_occurrences",
        sa.Column("extra", sa.Boolean, nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    op.drop_column("epro_occurrences", "extra")
