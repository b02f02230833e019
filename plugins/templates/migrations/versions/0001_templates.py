"""Templates: the library, its versions and their uses in studies.

Revision ID: 0001_templates
Revises:
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001_templates"
down_revision = None
branch_labels = None
depends_on = None


def base_columns() -> list[sa.Column]:
    return [
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("uuid", sa.Uuid, nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("modified_at", sa.DateTime(timezone=True), nullable=False),
    ]


def reference(name: str, table: str) -> sa.Column:
    return sa.Column(name, sa.BigInteger, sa.ForeignKey(f"{table}.id"), nullable=False, index=True)


def upgrade() -> None:
    op.create_table(
        "templates",
        *base_columns(),
        sa.Column("name", sa.String(200), nullable=False, index=True),
        sa.Column("kind", sa.String(30), nullable=False, index=True),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("tags", JSONB, nullable=False),
        sa.Column("latest", sa.Integer, nullable=False),
    )
    op.create_table(
        "template_versions",
        *base_columns(),
        reference("template_id", "templates"),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("content", JSONB, nullable=False),
        sa.UniqueConstraint("template_id", "number"),
    )
    op.create_table(
        "template_uses",
        *base_columns(),
        reference("study_id", "studies"),
        reference("version_id", "template_versions"),
        sa.Column("piece_uuid", sa.Uuid, nullable=False),
        sa.UniqueConstraint("study_id", "piece_uuid"),
    )


def downgrade() -> None:
    op.drop_table("template_uses")
    op.drop_table("template_versions")
    op.drop_table("templates")
