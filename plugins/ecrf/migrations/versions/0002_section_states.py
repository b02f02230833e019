"""Per subject and section: the version of its answers and its completion.

Revision ID: 0002_ecrf
Revises: 0001_ecrf
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_ecrf"
down_revision = "0001_ecrf"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ecrf_section_states",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column(
            "subject_in_study_id",
            sa.BigInteger,
            sa.ForeignKey("subjects_in_studies.id"),
            nullable=False,
            index=True,
        ),
        sa.Column(
            "section_id",
            sa.BigInteger,
            sa.ForeignKey("ecrf_sections.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("required", sa.Integer, nullable=False),
        sa.Column("answered", sa.Integer, nullable=False),
        sa.UniqueConstraint("subject_in_study_id", "section_id"),
    )


def downgrade() -> None:
    op.drop_table("ecrf_section_states")
