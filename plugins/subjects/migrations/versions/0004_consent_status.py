"""Where each participation's informed consent stands (recorded by the eConsent module).

Revision ID: 0004_subjects
Revises: 0003_subjects
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_subjects"
down_revision = "0003_subjects"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("subjects_in_studies", sa.Column("consent_status", sa.String(20)))


def downgrade() -> None:
    op.drop_column("subjects_in_studies", "consent_status")
