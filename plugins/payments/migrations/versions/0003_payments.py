"""Payments: debtor accounts, batch files and the bank's reports.

Revision ID: 0003_payments
Revises: 0002_payments
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0003_payments"
down_revision = "0002_payments"
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


def stored_file() -> sa.Column:
    return sa.Column(
        "file_uuid", sa.Uuid, sa.ForeignKey("stored_files.uuid"), nullable=False, unique=True
    )


def upgrade() -> None:
    op.create_table(
        "payment_debtor_accounts",
        *base_columns(),
        sa.Column("name", sa.String(70), nullable=False, unique=True),
        sa.Column("iban", sa.String(34), nullable=False),
        sa.Column("bic", sa.String(11)),
        sa.Column("street_name", sa.String(70)),
        sa.Column("building_number", sa.String(16)),
        sa.Column("postal_code", sa.String(16)),
        sa.Column("town_name", sa.String(35), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
    )
    # No batch exists before this revision: the plugin's tables are new.
    op.add_column("payment_batches", reference("debtor_account_id", "payment_debtor_accounts"))
    op.create_index(
        "ix_payment_batches_debtor_account_id", "payment_batches", ["debtor_account_id"]
    )
    op.add_column("payment_batches", sa.Column("execution_date", sa.Date, nullable=False))
    op.add_column("payment_batches", reference("created_by_id", "users"))
    op.add_column("payment_batches", reference("exported_by_id", "users", nullable=True))
    op.add_column(
        "payment_batches", sa.Column("exported_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("payment_batches", sa.Column("export_failure", JSONB, nullable=True))
    op.create_table(
        "payment_batch_files",
        *base_columns(),
        reference("batch_id", "payment_batches", index=True),
        sa.Column("format", sa.String(10), nullable=False),
        sa.Column("schema", sa.String(30)),
        stored_file(),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.UniqueConstraint("batch_id", "format"),
    )
    op.create_table(
        "payment_bank_reports",
        *base_columns(),
        sa.Column("format", sa.String(10), nullable=False),
        stored_file(),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False, index=True),
        reference("imported_by_id", "users"),
        sa.Column("lines", JSONB, nullable=False),
        sa.Column("marked_paid", sa.Integer, nullable=False),
        sa.Column("marked_returned", sa.Integer, nullable=False),
        sa.Column("unchanged", sa.Integer, nullable=False),
        sa.Column("unmatched", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("payment_bank_reports")
    op.drop_table("payment_batch_files")
    for column in (
        "export_failure",
        "exported_at",
        "exported_by_id",
        "created_by_id",
        "execution_date",
        "debtor_account_id",
    ):
        op.drop_column("payment_batches", column)
    op.drop_table("payment_debtor_accounts")
