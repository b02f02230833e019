"""Data analysis: its first tables.

Revision ID: 0001_data_analysis
Revises:
Create Date: 2026-12-01
"""

revision = "0001_data_analysis"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
