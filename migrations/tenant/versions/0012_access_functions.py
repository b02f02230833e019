"""The access check of every request as functions of the tenant's schema: session_of (the
bearer token's session, user, platform role and idle timeout) and session_in_study (the same
with a study and the user's membership in it).

A statement sent as text is planned again on every request, and planning these joins costs
the database more than running them. A PL/pgSQL function keeps its plan in each database
connection that ran it, whichever client (or pooler) sent the call.

Their columns are the ones datacapt.identity.sessions and datacapt.studies.context read, in
that order: a revision that changes a column they return (a study's column above all) must
create the functions again with it.

Revision ID: 0012_tenant
Revises: 0011_tenant
Create Date: 2026-12-03
"""

from alembic import op

revision = "0012_tenant"
down_revision = "0011_tenant"
branch_labels = None
depends_on = None

SESSION_OF = """
CREATE FUNCTION session_of(sought_token_hash text) RETURNS TABLE (
    id bigint, last_seen_at timestamptz, expires_at timestamptz, revoked_at timestamptz,
    user_id bigint, uuid uuid, email varchar, first_name varchar, last_name varchar,
    status varchar, name varchar, is_default boolean, permissions jsonb,
    session_idle_minutes integer
)
LANGUAGE plpgsql STABLE SET search_path FROM CURRENT AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    SELECT auth_tokens.id, auth_tokens.last_seen_at, auth_tokens.expires_at,
        auth_tokens.revoked_at, users.id, users.uuid, users.email, users.first_name,
        users.last_name, users.status, roles.name, roles.is_default, roles.permissions,
        tenant_settings.session_idle_minutes
    FROM auth_tokens
    JOIN users ON users.id = auth_tokens.user_id
    JOIN roles ON roles.id = users.platform_role_id
    CROSS JOIN tenant_settings
    WHERE auth_tokens.token_hash = sought_token_hash;
END
$$;
"""

# A study deleted is left out, as ORM selects leave it out.
SESSION_IN_STUDY = """
CREATE FUNCTION session_in_study(sought_token_hash text, sought_study uuid) RETURNS TABLE (
    id bigint, last_seen_at timestamptz, expires_at timestamptz, revoked_at timestamptz,
    user_id bigint, uuid uuid, email varchar, first_name varchar, last_name varchar,
    status varchar, name varchar, is_default boolean, permissions jsonb,
    session_idle_minutes integer,
    study_reference varchar, study_name varchar, study_description text,
    study_status varchar, study_id bigint, study_uuid uuid, study_created_at timestamptz,
    study_modified_at timestamptz, study_deleted_at timestamptz,
    member_id bigint, all_centers boolean, study_role_name varchar,
    study_role_is_default boolean, study_role_permissions jsonb
)
LANGUAGE plpgsql STABLE SET search_path FROM CURRENT AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    SELECT session.*, studies.reference, studies.name, studies.description, studies.status,
        studies.id, studies.uuid, studies.created_at, studies.modified_at, studies.deleted_at,
        study_users.id, study_users.all_centers, study_roles.name, study_roles.is_default,
        study_roles.permissions
    FROM session_of(sought_token_hash) AS session
    LEFT JOIN studies ON studies.uuid = sought_study AND studies.deleted_at IS NULL
    LEFT JOIN study_users
        ON study_users.study_id = studies.id AND study_users.user_id = session.user_id
    LEFT JOIN roles AS study_roles ON study_roles.id = study_users.role_id;
END
$$;
"""


def upgrade() -> None:
    op.execute(SESSION_OF)
    op.execute(SESSION_IN_STUDY)


def downgrade() -> None:
    op.execute("DROP FUNCTION session_in_study(text, uuid)")
    op.execute("DROP FUNCTION session_of(text)")
