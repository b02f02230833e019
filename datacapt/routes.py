"""The core's API blueprints, in the order they appear in the API description."""

from datacapt.apikeys.routes import blp as api_keys_blp
from datacapt.audit.routes import blp as audit_blp
from datacapt.customer import routes as _customer_routes  # noqa: F401  (adds its views)
from datacapt.files.routes import blp as files_blp
from datacapt.identity.routes import auth_blp, users_blp
from datacapt.invitations.routes import accept_blp
from datacapt.invitations.routes import blp as invitations_blp
from datacapt.notifications.routes import blp as notifications_blp
from datacapt.operators import routes as _operator_routes  # noqa: F401  (adds its views)
from datacapt.operators.blueprint import operator_blp
from datacapt.permissions.routes import blp as roles_blp
from datacapt.plugins.routes import blp as plugins_blp
from datacapt.studies.routes import centers_blp, studies_blp, study_centers_blp, study_users_blp
from datacapt.tenancy.routes import blp as tenant_blp

CORE_BLUEPRINTS = (
    tenant_blp,
    auth_blp,
    accept_blp,
    users_blp,
    roles_blp,
    api_keys_blp,
    studies_blp,
    centers_blp,
    study_centers_blp,
    study_users_blp,
    invitations_blp,
    notifications_blp,
    audit_blp,
    files_blp,
    plugins_blp,
    operator_blp,
)
