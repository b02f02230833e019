"""Payments: debtor accounts, batch files and the bank's reports.

Revision ID: 0003_payments
Revises: 0002_payments
Create Date: 2026-12-01
"""

revision = "0003_payments"
down_revision = "0002_payments"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
