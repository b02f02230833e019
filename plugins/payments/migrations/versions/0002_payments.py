"""Payments: approval of plan versions, orders made exactly once (per plan and occurrence
among the orders that stand), undone orders, and visits confirmed as done.

Revision ID: 0002_payments
Revises: 0001_payments
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_payments"
down_revision = "0001_payments"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "payment_plan_versions",
        sa.Column("status", sa.String(20), nullable=False, server_default="draft"),
    )
    op.alter_column("payment_plan_versions", "status", server_default=None)
    op.add_column(
        "payment_plan_versions",
        sa.Column("revision", sa.Integer, nullable=False, server_default="1"),
    )
    op.alter_column("payment_plan_versions", "revision", server_default=None)
    op.add_column("payment_plan_versions", sa.Column("approved_at", sa.DateTime(timezone=True)))
    op.add_column(
        "payment_plan_versions",
        sa.Column("approved_by_id", sa.BigInteger, sa.ForeignKey("users.id")),
    )
    # Orders are only ever made under a plan version: the table is empty before this.
    op.add_column(
        "payment_orders",
        sa.Column("plan_id", sa.BigInteger, sa.ForeignKey("payment_plans.id"), nullable=False),
    )
    op.create_index("ix_payment_orders_plan_id", "payment_orders", ["plan_id"])
    op.add_column("payment_orders", sa.Column("undone_at", sa.DateTime(timezone=True)))
    op.create_index(
        "payment_orders_once",
        "payment_orders",
        ["subject_in_study_id", "plan_id", "occurrence"],
        unique=True,
        postgresql_where=sa.text(
            "reverses_id IS NULL AND (undone_at IS NULL OR status = 'rejected')"
        ),
    )
    op.create_index(
        "payment_orders_reversed_once",
        "payment_orders",
        ["reverses_id"],
        unique=True,
        postgresql_where=sa.text("reverses_id IS NOT NULL"),
    )
    # A section removed from a draft eCRF leaves its orders (their occurrence still names it).
    op.drop_constraint("payment_orders_section_id_fkey", "payment_orders", type_="foreignkey")
    op.create_foreign_key(
        "payment_orders_section_id_fkey",
        "payment_orders",
        "ecrf_sections",
        ["section_id"],
        ["id"],
        ondelete="SET NULL",
    )
    op.create_table(
        "payment_visit_confirmations",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("uuid", sa.Uuid, nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("modified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "study_id", sa.BigInteger, sa.ForeignKey("studies.id"), nullable=False, index=True
        ),
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
        ),
        sa.Column("confirmed_by_id", sa.BigInteger, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("subject_in_study_id", "section_id"),
    )


def downgrade() -> None:
    op.drop_table("payment_visit_confirmations")
    op.drop_constraint("payment_orders_section_id_fkey", "payment_orders", type_="foreignkey")
    op.create_foreign_key(
        "payment_orders_section_id_fkey", "payment_orders", "ecrf_sections", ["section_id"], ["id"]
    )
    op.drop_index("payment_orders_reversed_once", "payment_orders")
    op.drop_index("payment_orders_once", "payment_orders")
    op.drop_column("payment_orders", "undone_at")
    op.drop_index("ix_payment_orders_plan_id", "payment_orders")
    op.drop_column("payment_orders", "plan_id")
    op.drop_column("payment_plan_versions", "approved_by_id")
    op.drop_column("payment_plan_versions", "approved_at")
    op.drop_column("payment_plan_versions", "revision")
    op.drop_column("payment_plan_versions", "status")
