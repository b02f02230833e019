"""The product database: the catalogue's details, formula versions, batch records and
imports.

Revision ID: 0002_product_database
Revises: 0001_product_database
Create Date: 2026-12-01
"""

revision = "0002_product_database"
down_revision = "0001_product_database"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
