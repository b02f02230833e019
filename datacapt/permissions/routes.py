"""Roles: the default ones (read-only) and the tenant's custom roles."""

from __future__ import annotations

from flask.views import MethodView

from datacapt.api.pagination import Blueprint, paginate
from datacapt.identity.principal import current_principal
from datacapt.permissions import services
from datacapt.permissions.mixin import PermissionsRegistryMixin
from datacapt.permissions.registry import ROLES_ACCESS, ROLES_ADD, ROLES_DELETE, ROLES_EDIT
from datacapt.permissions.schemas import RoleReadSchema, RoleUpdateSchema, RoleWriteSchema

blp = Blueprint("roles", __name__, url_prefix="/api/roles", description="Roles")


@blp.route("/")
class Roles(PermissionsRegistryMixin, MethodView):
    REQUIRES_STUDY = False
    permissions_registry = {"GET": ROLES_ACCESS, "POST": ROLES_ADD}

    @blp.response(200, RoleReadSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """Default and custom roles with what each grants."""
        return paginate(services.list_roles(), pagination_parameters)

    @blp.arguments(RoleWriteSchema)
    @blp.response(201, RoleReadSchema)
    def post(self, data):
        """A custom role bundling permissions of the registry."""
        return services.create_role(
            current_principal(), data["name"], data["description"], data["permissions"]
        )


@blp.route("/<uuid:role_uuid>")
class RoleDetail(PermissionsRegistryMixin, MethodView):
    REQUIRES_STUDY = False
    permissions_registry = {"GET": ROLES_ACCESS, "PATCH": ROLES_EDIT, "DELETE": ROLES_DELETE}

    @blp.response(200, RoleReadSchema)
    def get(self, role_uuid):
        return services.get_role_by_uuid(role_uuid)

    @blp.arguments(RoleUpdateSchema)
    @blp.response(200, RoleReadSchema)
    def patch(self, data, role_uuid):
        """Change a custom role (default roles are read-only)."""
        return services.update_role(current_principal(), services.get_role_by_uuid(role_uuid), data)

    @blp.response(204)
    def delete(self, role_uuid):
        """Delete a custom role nobody holds."""
        services.delete_role(services.get_role_by_uuid(role_uuid))
