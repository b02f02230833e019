"""Allocation: kit imports, the inventories and going live, the allocation configuration,
dispensings, corrections and returns.

Revision ID: 0002_allocation
Revises: 0001_allocation
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002_allocation"
down_revision = "0001_allocation"
branch_labels = None
depends_on = None


def base_columns() -> list[sa.Column]:
    return [
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("uuid", sa.Uuid, nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("modified_at", sa.DateTime(timezone=True), nullable=False),
    ]


def reference(name: str, table: str, nullable: bool = False, **options) -> sa.Column:
    return sa.Column(
        name, sa.BigInteger, sa.ForeignKey(f"{table}.id"), nullable=nullable, **options
    )


def upgrade() -> None:
    op.create_table(
        "allocation_kit_imports",
        *base_columns(),
        reference("study_id", "studies", index=True),
        sa.Column("inventory", sa.String(20), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("first_number", sa.String(40), nullable=False),
        sa.Column("last_number", sa.String(40), nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("problems", postgresql.JSONB),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
    )
    op.add_column(
        "allocation_kits", reference("import_id", "allocation_kit_imports", nullable=True)
    )
    op.create_index("ix_allocation_kits_import_id", "allocation_kits", ["import_id"])
    op.add_column("allocation_kits", sa.Column("invalid_reason", sa.Text))
    op.create_table(
        "allocation_production_starts",
        *base_columns(),
        reference("study_id", "studies", unique=True),
        reference("started_by_id", "users"),
        sa.Column("checked", sa.Integer, nullable=False),
    )
    op.create_table(
        "allocation_rules",
        *base_columns(),
        reference("study_id", "studies", index=True),
        reference("design_id", "randomization_designs", index=True),
        sa.Column("arm", sa.String(20), nullable=False),
        reference("section_id", "ecrf_sections", index=True),
        reference("kit_type_id", "allocation_kit_types", index=True),
        sa.Column("kits", sa.Integer, nullable=False),
        sa.UniqueConstraint("design_id", "arm", "section_id"),
    )
    op.create_table(
        "allocation_dispensings",
        *base_columns(),
        reference("study_id", "studies", index=True),
        reference("subject_in_study_id", "subjects_in_studies", index=True),
        reference("assignment_id", "randomization_assignments", index=True),
        reference("section_id", "ecrf_sections"),
        sa.Column("inventory", sa.String(20), nullable=False),
        reference("kit_id", "allocation_kits", index=True),
        reference("kit_type_id", "allocation_kit_types"),
        sa.Column("status", sa.String(20), nullable=False),
        reference("dispensed_by_id", "users"),
        sa.Column("dispensed_at", sa.DateTime(timezone=True), nullable=False),
        reference("replaces_id", "allocation_dispensings", nullable=True, unique=True),
        reference("corrected_by_id", "users", nullable=True),
        sa.Column("corrected_at", sa.DateTime(timezone=True)),
        sa.Column("correction_reason", sa.Text),
        sa.Column("returned_quantity", sa.Numeric(12, 3)),
        sa.Column("returned_at", sa.DateTime(timezone=True)),
        sa.Column("compliance", sa.Numeric(6, 2)),
    )
    # A kit is with at most one subject at a time.
    op.create_index(
        "allocation_dispensings_current_kit",
        "allocation_dispensings",
        ["kit_id"],
        unique=True,
        postgresql_where=sa.text("status = 'dispensed'"),
    )


def downgrade() -> None:
    op.drop_table("allocation_dispensings")
    op.drop_table("allocation_rules")
    op.drop_table("allocation_production_starts")
    op.drop_index("ix_allocation_kits_import_id", "allocation_kits")
    op.drop_column("allocation_kits", "invalid_reason")
    op.drop_column("allocation_kits", "import_id")
    op.drop_table("allocation_kit_imports")
