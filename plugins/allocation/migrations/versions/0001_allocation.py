"""Allocation: kit types, kits and depots.

Revision ID: 0001_allocation
Revises:
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_allocation"
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


def reference(name: str, table: str, nullable: bool = False, **options) -> sa.Column:
    return sa.Column(
        name, sa.BigInteger, sa.ForeignKey(f"{table}.id"), nullable=nullable, **options
    )


def study() -> sa.Column:
    return reference("study_id", "studies", index=True)


def upgrade() -> None:
    op.create_table(
        "allocation_depots",
        *base_columns(),
        study(),
        sa.Column("code", sa.String(30), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.UniqueConstraint("study_id", "code"),
    )
    op.create_table(
        "allocation_kit_types",
        *base_columns(),
        study(),
        sa.Column("code", sa.String(30), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        reference("study_product_id", "study_products"),
        sa.Column("quantity", sa.Numeric(12, 3), nullable=False),
        sa.Column("unit", sa.String(20), nullable=False),
        sa.UniqueConstraint("study_id", "code"),
    )
    op.create_table(
        "allocation_kits",
        *base_columns(),
        study(),
        reference("kit_type_id", "allocation_kit_types", index=True),
        sa.Column("inventory", sa.String(20), nullable=False),
        sa.Column("number", sa.String(40), nullable=False),
        sa.Column("sequence", sa.BigInteger, nullable=False),
        reference("batch_id", "product_batches", nullable=True, index=True),
        sa.Column("expiry_date", sa.Date),
        sa.Column("status", sa.String(20), nullable=False),
        reference("center_id", "study_centers", nullable=True, index=True),
        reference("depot_id", "allocation_depots", nullable=True, index=True),
        sa.UniqueConstraint("study_id", "inventory", "number"),
    )
    op.create_index(
        "allocation_kits_available",
        "allocation_kits",
        ["kit_type_id", "inventory", "center_id", "sequence"],
        postgresql_where=sa.text("status = 'available'"),
    )


def downgrade() -> None:
    op.drop_table("allocation_kits")
    op.drop_table("allocation_kit_types")
    op.drop_table("allocation_depots")
