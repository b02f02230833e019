"""Questionnaires: a revision for If-Match, and when they were last activated (planning
leaves out the days that closed before).

Revision ID: 0003_epro
Revises: 0002_epro
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_epro"
down_revision = "0002_epro"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "epro_questionnaires",
        sa.Column("revision", sa.Integer, nullable=False, server_default="1"),
    )
    op.add_column("epro_questionnaires", sa.Column("activated_at", sa.DateTime(timezone=True)))
    # What exists was planned from its creation on: keep it that way.
    op.execute("UPDATE epro_questionnaires SET activated_at = created_at WHERE active")


def downgrade() -> None:
    op.drop_column("epro_questionnaires", "activated_at")
    op.drop_column("epro_questionnaires", "revision")
