"""The product database: the catalogue's details, formula versions, batch records and
imports.

Revision ID: 0002_product_database
Revises: 0001_product_database
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_product_database"
down_revision = "0001_product_database"
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
    op.add_column("products", sa.Column("code", sa.String(60), unique=True))
    op.add_column("products", sa.Column("manufacturer", sa.String(200)))
    op.add_column("products", sa.Column("description", sa.Text))
    op.create_table(
        "product_documents",
        *base_columns(),
        reference("product_id", "products", index=True),
        sa.Column("file_uuid", sa.Uuid, nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.UniqueConstraint("product_id", "file_uuid"),
    )
    op.create_table(
        "formula_versions",
        *base_columns(),
        reference("product_id", "products", index=True),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("notes", sa.Text),
        reference("approved_by_id", "users", nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True)),
        sa.Column("retired_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("product_id", "number"),
    )
    op.create_index(
        "ix_formula_versions_one_draft",
        "formula_versions",
        ["product_id"],
        unique=True,
        postgresql_where=sa.text("status = 'draft'"),
    )
    op.create_table(
        "formula_ingredients",
        *base_columns(),
        reference("version_id", "formula_versions", index=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("inci_name", sa.String(200), nullable=False),
        sa.Column("cas_number", sa.String(12)),
        sa.Column("percentage", sa.Numeric(7, 4)),
        sa.Column("quantum_satis", sa.Boolean, nullable=False),
    )
    op.add_column(
        "product_batches", reference("formula_version_id", "formula_versions", nullable=True)
    )
    op.add_column("product_batches", sa.Column("manufacture_date", sa.Date))
    op.add_column("product_batches", sa.Column("period_after_opening_days", sa.Integer))
    op.add_column("product_batches", sa.Column("storage_conditions", sa.String(500)))
    op.add_column("product_batches", sa.Column("quantity", sa.Numeric(14, 3)))
    op.add_column("product_batches", sa.Column("unit", sa.String(20)))
    # The expiry job looks for batches still usable past their date.
    op.create_index(
        "ix_product_batches_status_expiry", "product_batches", ["status", "expiry_date"]
    )
    op.create_table(
        "batch_certificates",
        *base_columns(),
        reference("batch_id", "product_batches", index=True),
        sa.Column("file_uuid", sa.Uuid, nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.UniqueConstraint("batch_id", "file_uuid"),
    )
    op.create_table(
        "batch_status_changes",
        *base_columns(),
        reference("batch_id", "product_batches", index=True),
        sa.Column("from_status", sa.String(20)),
        sa.Column("to_status", sa.String(20), nullable=False),
        sa.Column("reason", sa.String(1000)),
        reference("changed_by_id", "users", nullable=True),
    )


def downgrade() -> None:
    op.drop_table("batch_status_changes")
    op.drop_table("batch_certificates")
    op.drop_index("ix_product_batches_status_expiry", "product_batches")
    for column in (
        "unit",
        "quantity",
        "storage_conditions",
        "period_after_opening_days",
        "manufacture_date",
        "formula_version_id",
    ):
        op.drop_column("product_batches", column)
    op.drop_table("formula_ingredients")
    op.drop_index("ix_formula_versions_one_draft", "formula_versions")
    op.drop_table("formula_versions")
    op.drop_table("product_documents")
    for column in ("description", "manufacturer", "code"):
        op.drop_column("products", column)
