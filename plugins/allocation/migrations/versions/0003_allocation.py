"""Allocation: supply (stock levels per kit type and center, shipments and what was
received).

Revision ID: 0003_allocation
Revises: 0002_allocation
Create Date: 2026-12-01
"""

revision = "0003_allocation"
down_revision = "0002_allocation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
