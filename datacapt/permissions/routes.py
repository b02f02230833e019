"""Roles: the default ones (read-only) and the tenant's custom roles."""

from __future__ import annotations

from datacapt.api.blueprint import Blueprint
from datacapt.api.pagination import paginate
from datacapt.api.views import ApiView
from datacapt.identity.principal import current_principal
from datacapt.permissions import services
from datacapt.permissions.registry import ROLES_ACCESS, ROLES_ADD, ROLES_DELETE, ROLES_EDIT
from datacapt.permissions.schemas import RoleReadSchema, RoleUpdateSchema, RoleWriteSchema

# Refusals of granting, which every view that gives a role or permissions can answer.
GRANT_BEYOND_OWN = {
    403: "What is given includes permissions the caller does not hold there (GRANT_BEYOND_OWN)."
}
OWN_ACCESS = {403: "Nobody changes their own role, status or centers (OWN_ACCESS_UNCHANGEABLE)."}
ROLE_IS_DEFAULT = {409: "Default roles cannot be changed or deleted (ROLE_IS_DEFAULT)."}
NAME_TAKEN = {409: "A role with this name exists (CONFLICT)."}

blp = Blueprint("roles", __name__, url_prefix="/api/roles", description="Roles")


@blp.route("/")
class Roles(ApiView):
    REQUIRES_STUDY = False
    permissions_registry = {"GET": ROLES_ACCESS, "POST": ROLES_ADD}

    @blp.response(200, RoleReadSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """Default and custom roles with what each grants."""
        return paginate(services.list_roles(), pagination_parameters)

    @blp.arguments(RoleWriteSchema)
    @blp.errors(GRANT_BEYOND_OWN, NAME_TAKEN)
    @blp.response(201, RoleReadSchema)
    def post(self, data):
        """A custom role bundling permissions of the registry."""
        return services.create_role(
            current_principal(), data["name"], data["description"], data["permissions"]
        )


@blp.route("/<uuid:role_uuid>")
class RoleDetail(ApiView):
    REQUIRES_STUDY = False
    permissions_registry = {"GET": ROLES_ACCESS, "PATCH": ROLES_EDIT, "DELETE": ROLES_DELETE}

    @blp.response(200, RoleReadSchema)
    def get(self, role_uuid):
        return services.get_role_by_uuid(role_uuid)

    @blp.arguments(RoleUpdateSchema)
    @blp.errors(GRANT_BEYOND_OWN, ROLE_IS_DEFAULT, NAME_TAKEN)
    @blp.response(200, RoleReadSchema)
    def patch(self, data, role_uuid):
        """Change a custom role (default roles are read-only)."""
        return services.update_role(current_principal(), services.get_role_by_uuid(role_uuid), data)

    @blp.errors(ROLE_IS_DEFAULT, {409: "Someone holds the role (ROLE_IN_USE)."})
    @blp.response(204)
    def delete(self, role_uuid):
        """Delete a custom role nobody holds."""
        services.delete_role(services.get_role_by_uuid(role_uuid))
