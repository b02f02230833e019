"""Payments: what plans, orders and payees need beyond the first revision.

Revision ID: 0002_payments
Revises: 0001_payments
Create Date: 2026-12-01
"""

revision = "0002_payments"
down_revision = "0001_payments"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
