"""Allocation: kit imports, the inventories and going live, the allocation configuration,
dispensings, corrections and returns.

Revision ID: 0002_allocation
Revises: 0001_allocation
Create Date: 2026-12-01
"""

revision = "0002_allocation"
down_revision = "0001_allocation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
