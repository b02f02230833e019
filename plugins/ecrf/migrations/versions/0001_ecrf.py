"""The eCRF design and its answers.

Revision ID: 0001_ecrf
Revises:
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001_ecrf"
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


def reference(name: str, table: str, **options) -> sa.Column:
    return sa.Column(name, sa.BigInteger, sa.ForeignKey(f"{table}.id"), nullable=False, **options)


def json(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, postgresql.JSONB, nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "ecrfs",
        *base_columns(),
        reference("study_id", "studies", unique=True),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "ecrf_sections",
        *base_columns(),
        reference("ecrf_id", "ecrfs", index=True),
        sa.Column("position", sa.Integer, nullable=False),
        json("title"),
    )
    op.create_table(
        "ecrf_subsections",
        *base_columns(),
        reference("section_id", "ecrf_sections", index=True),
        sa.Column("position", sa.Integer, nullable=False),
        json("title"),
        json("visible_if", True),
    )
    op.create_table(
        "ecrf_blocks",
        *base_columns(),
        reference("ecrf_id", "ecrfs", index=True),
        reference("subsection_id", "ecrf_subsections", index=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("code", sa.String(40)),
        sa.Column("type", sa.String(30)),
        json("label"),
        json("help"),
        sa.Column("required", sa.Boolean, nullable=False),
        json("options"),
        json("visible_if", True),
        json("calculation", True),
        json("validations"),
        json("columns"),
        json("content"),
        sa.UniqueConstraint("ecrf_id", "code"),
    )
    op.create_table(
        "ecrf_answers",
        *base_columns(),
        reference("subject_in_study_id", "subjects_in_studies", index=True),
        sa.Column("code", sa.String(40), nullable=False),
        json("value", True),
        sa.UniqueConstraint("subject_in_study_id", "code"),
    )


def downgrade() -> None:
    for table in ("ecrf_answers", "ecrf_blocks", "ecrf_subsections", "ecrf_sections", "ecrfs"):
        op.drop_table(table)
