"""A revision counter on the eCRF, bumped by every saved design.

Revision ID: 0004_ecrf
Revises: 0003_ecrf
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_ecrf"
down_revision = "0003_ecrf"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("ecrfs", sa.Column("revision", sa.Integer, nullable=False, server_default="1"))


def downgrade() -> None:
    op.drop_column("ecrfs", "revision")
