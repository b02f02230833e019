"""Translations: the source hash of each imported translation of a form's text.

Revision ID: 0001_translations
Revises:
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_translations"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "translations_texts",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("uuid", sa.Uuid, nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("modified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "study_id", sa.BigInteger, sa.ForeignKey("studies.id"), nullable=False, index=True
        ),
        sa.Column("form_kind", sa.String(20), nullable=False),
        sa.Column("form_uuid", sa.Uuid, nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("language", sa.String(35), nullable=False),
        sa.Column("source_sha256", sa.String(64), nullable=False),
        sa.UniqueConstraint("study_id", "form_kind", "form_uuid", "path", "language"),
    )


def downgrade() -> None:
    op.drop_table("translations_texts")
