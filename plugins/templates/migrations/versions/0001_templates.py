"""Templates: its first tables.

Revision ID: 0001_templates
Revises:
Create Date: 2026-12-02
"""

revision = "0001_templates"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
