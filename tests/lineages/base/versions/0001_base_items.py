"""Base items: the table of the in-test plugin "base".

Revision ID: 0001_base
Revises:
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_base"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("base_items", sa.Column("id", sa.Integer, primary_key=True))
    op.execute("INSERT INTO base_items (id) VALUES (1)")


def downgrade() -> None:
    op.drop_table("base_items")
