"""The product database: products, batches and the products of each study.

Revision ID: 0001_product_database
Revises:
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_product_database"
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


def upgrade() -> None:
    op.create_table(
        "products",
        *base_columns(),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
    )
    op.create_table(
        "product_batches",
        *base_columns(),
        reference("product_id", "products", index=True),
        sa.Column("number", sa.String(60), nullable=False),
        sa.Column("expiry_date", sa.Date),
        sa.Column("status", sa.String(20), nullable=False),
        sa.UniqueConstraint("product_id", "number"),
    )
    op.create_table(
        "study_products",
        *base_columns(),
        reference("study_id", "studies", index=True),
        reference("product_id", "products", index=True),
        sa.Column("blinding_code", sa.String(40)),
        sa.UniqueConstraint("study_id", "product_id"),
        sa.UniqueConstraint("study_id", "blinding_code"),
    )


def downgrade() -> None:
    op.drop_table("study_products")
    op.drop_table("product_batches")
    op.drop_table("products")
