"""Identity and access: roles, users, sessions, password resets, security events, API keys,
emails, and the tenant's authentication settings.

Revision ID: 0002_tenant
Revises: 0001_tenant
Create Date: 2026-11-26
"""

import datetime
import uuid

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002_tenant"
down_revision = "0001_tenant"
branch_labels = None
depends_on = None

# Frozen at this revision: the rows of the default roles (what they grant lives in code).
DEFAULT_ROLES = {
    "administrator": "Administrator: everything in the tenant",
    "study_manager": "Study manager: sets up studies, centers and study teams",
    "investigator": "Investigator: enters and signs the data of a site",
    "monitor": "Monitor (clinical research associate): reviews and verifies data",
    "data_manager": "Data manager: cleans and exports data",
    "viewer": "Viewer: reads",
}


def base_columns() -> list[sa.Column]:
    return [
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("uuid", sa.Uuid, nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("modified_at", sa.DateTime(timezone=True), nullable=False),
    ]


def timestamp(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    roles = op.create_table(
        "roles",
        *base_columns(),
        sa.Column("name", sa.String(60), nullable=False, unique=True),
        sa.Column("description", sa.String(300), nullable=False),
        sa.Column("permissions", postgresql.JSONB, nullable=False),
        sa.Column("is_default", sa.Boolean, nullable=False),
    )
    now = datetime.datetime.now(datetime.UTC)
    op.bulk_insert(
        roles,
        [
            {
                "uuid": uuid.uuid4(),
                "created_at": now,
                "modified_at": now,
                "name": name,
                "description": description,
                "permissions": [],
                "is_default": True,
            }
            for name, description in DEFAULT_ROLES.items()
        ],
    )
    op.create_table(
        "users",
        *base_columns(),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("first_name", sa.String(100), nullable=False),
        sa.Column("last_name", sa.String(100), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("platform_role_id", sa.BigInteger, sa.ForeignKey("roles.id"), nullable=False),
        sa.Column("password_hash", sa.String(255)),
        timestamp("password_changed_at"),
        sa.Column("failed_login_count", sa.Integer, nullable=False),
        timestamp("locked_at"),
        timestamp("last_login_at"),
    )
    op.create_index("uq_users_email_lower", "users", [sa.text("lower(email)")], unique=True)
    op.create_table(
        "password_history",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("user_id", sa.BigInteger, sa.ForeignKey("users.id"), nullable=False, index=True),
        sa.Column("password_hash", sa.String(255), nullable=False),
        timestamp("created_at", nullable=False),
    )
    op.create_table(
        "auth_tokens",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("user_id", sa.BigInteger, sa.ForeignKey("users.id"), nullable=False, index=True),
        timestamp("created_at", nullable=False),
        timestamp("last_seen_at", nullable=False),
        timestamp("expires_at", nullable=False),
        timestamp("revoked_at"),
        sa.Column("ip", sa.String(64)),
        sa.Column("user_agent", sa.String(300)),
    )
    op.create_table(
        "password_reset_tokens",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("user_id", sa.BigInteger, sa.ForeignKey("users.id"), nullable=False, index=True),
        timestamp("created_at", nullable=False),
        timestamp("expires_at", nullable=False),
        timestamp("used_at"),
    )
    op.create_table(
        "security_events",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        timestamp("created_at", nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("user_id", sa.BigInteger, sa.ForeignKey("users.id"), index=True),
        sa.Column("email", sa.String(254)),
        sa.Column("actor", sa.String(300)),
        sa.Column("ip", sa.String(64)),
        sa.Column("user_agent", sa.String(300)),
        sa.Column("details", postgresql.JSONB, nullable=False),
    )
    op.create_index("ix_security_events_created_at", "security_events", ["created_at"])
    op.create_table(
        "api_keys",
        *base_columns(),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("permissions", postgresql.JSONB, nullable=False),
        sa.Column("all_studies", sa.Boolean, nullable=False),
        sa.Column("study_uuids", postgresql.JSONB, nullable=False),
        timestamp("expires_at"),
        timestamp("revoked_at"),
        timestamp("last_used_at"),
        sa.Column("created_by_id", sa.BigInteger, sa.ForeignKey("users.id"), nullable=False),
    )
    op.create_table(
        "email_messages",
        *base_columns(),
        sa.Column("to_address", sa.String(254), nullable=False),
        sa.Column("template", sa.String(60), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("error", sa.Text),
        timestamp("sent_at"),
    )
    for name, default in (
        ("session_idle_minutes", 30),
        ("session_lifetime_hours", 12),
        ("max_failed_logins", 5),
        ("lockout_minutes", 30),
    ):
        op.add_column(
            "tenant_settings",
            sa.Column(name, sa.Integer, nullable=False, server_default=str(default)),
        )


def downgrade() -> None:
    for name in (
        "lockout_minutes",
        "max_failed_logins",
        "session_lifetime_hours",
        "session_idle_minutes",
    ):
        op.drop_column("tenant_settings", name)
    for table in (
        "email_messages",
        "api_keys",
        "security_events",
        "password_reset_tokens",
        "auth_tokens",
        "password_history",
        "users",
        "roles",
    ):
        op.drop_table(table)
