"""Exports: its first tables.

Revision ID: 0001_exports
Revises:
Create Date: 2026-12-01
"""

revision = "0001_exports"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
