"""Allocation: supply (stock levels per kit type and center, shipments and what was
received, the episodes in which a center ran low).

Revision ID: 0003_allocation
Revises: 0002_allocation
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_allocation"
down_revision = "0002_allocation"
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
        "allocation_stock_levels",
        *base_columns(),
        study(),
        reference("center_id", "study_centers", index=True),
        reference("kit_type_id", "allocation_kit_types", index=True),
        sa.Column("inventory", sa.String(20), nullable=False),
        sa.Column("minimum", sa.Integer, nullable=False),
        sa.Column("target", sa.Integer, nullable=False),
        sa.UniqueConstraint("study_id", "inventory", "center_id", "kit_type_id"),
        sa.CheckConstraint(
            "minimum >= 0 AND target >= 1 AND target >= minimum",
            name="ck_allocation_stock_levels_ordered",
        ),
    )
    op.create_table(
        "allocation_shipments",
        *base_columns(),
        study(),
        sa.Column("number", sa.Integer, nullable=False),
        reference("center_id", "study_centers", index=True),
        sa.Column("inventory", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("trigger", sa.String(20), nullable=False),
        reference("depot_id", "allocation_depots", nullable=True, index=True),
        sa.Column("tracking_number", sa.String(100)),
        sa.Column("shipped_at", sa.DateTime(timezone=True)),
        reference("shipped_by_id", "users", nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True)),
        reference("received_by_id", "users", nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True)),
        sa.Column("cancel_reason", sa.Text),
        sa.UniqueConstraint("study_id", "number"),
    )
    op.create_index(
        "allocation_shipments_one_requested",
        "allocation_shipments",
        ["study_id", "center_id", "inventory"],
        unique=True,
        postgresql_where=sa.text("status = 'requested'"),
    )
    op.create_table(
        "allocation_shipment_lines",
        *base_columns(),
        study(),
        reference("shipment_id", "allocation_shipments", index=True),
        reference("kit_type_id", "allocation_kit_types"),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.UniqueConstraint("shipment_id", "kit_type_id"),
    )
    op.create_table(
        "allocation_shipment_kits",
        *base_columns(),
        study(),
        reference("shipment_id", "allocation_shipments", index=True),
        reference("kit_id", "allocation_kits", index=True),
        sa.Column("condition", sa.String(20), nullable=False),
        sa.Column("note", sa.Text),
        sa.UniqueConstraint("shipment_id", "kit_id"),
    )
    op.create_table(
        "allocation_unexpected_kits",
        *base_columns(),
        study(),
        reference("shipment_id", "allocation_shipments", index=True),
        sa.Column("number", sa.String(40), nullable=False),
        sa.Column("note", sa.Text),
    )
    op.create_table(
        "allocation_stock_warnings",
        *base_columns(),
        study(),
        reference("center_id", "study_centers", index=True),
        sa.Column("inventory", sa.String(20), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("notified", sa.Integer, nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True)),
    )
    op.create_index(
        "allocation_stock_warnings_open",
        "allocation_stock_warnings",
        ["study_id", "center_id", "inventory"],
        unique=True,
        postgresql_where=sa.text("closed_at IS NULL"),
    )


def downgrade() -> None:
    for table in (
        "allocation_stock_warnings",
        "allocation_unexpected_kits",
        "allocation_shipment_kits",
        "allocation_shipment_lines",
        "allocation_shipments",
        "allocation_stock_levels",
    ):
        op.drop_table(table)
