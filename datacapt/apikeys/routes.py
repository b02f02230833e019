"""API keys: created by an administrator, shown once, revocable."""

from __future__ import annotations

from datacapt.api.blueprint import Blueprint
from datacapt.api.pagination import paginate
from datacapt.api.views import ApiView
from datacapt.apikeys import services
from datacapt.apikeys.schemas import ApiKeyCreatedSchema, ApiKeyReadSchema, ApiKeyWriteSchema
from datacapt.identity.principal import current_principal
from datacapt.identity.routes import SESSION_ONLY, session_user
from datacapt.permissions.registry import API_KEYS_ACCESS, API_KEYS_ADD, API_KEYS_DELETE
from datacapt.permissions.routes import GRANT_BEYOND_OWN

blp = Blueprint("api_keys", __name__, url_prefix="/api/api-keys", description="API keys")


@blp.route("/")
class ApiKeys(ApiView):
    REQUIRES_STUDY = False
    permissions_registry = {"GET": API_KEYS_ACCESS, "POST": API_KEYS_ADD}

    @blp.response(200, ApiKeyReadSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """Every key (without its secret)."""
        return paginate(services.list_api_keys(), pagination_parameters)

    @blp.arguments(ApiKeyWriteSchema)
    @blp.errors(SESSION_ONLY, GRANT_BEYOND_OWN)
    @blp.response(201, ApiKeyCreatedSchema)
    def post(self, data):
        """A new key; its secret (`key`) is in this response and never again."""
        principal = session_user()
        key, secret = services.create_api_key(
            principal.user,
            data["name"],
            data["permissions"],
            data["expires_at"],
            data["all_studies"],
            data["studies"],
            principal.actor,
            held=principal.platform_permissions,
        )
        key.secret = secret  # not a column: answered this once, never stored
        return key


@blp.route("/<uuid:key_uuid>")
class ApiKeyDetail(ApiView):
    REQUIRES_STUDY = False
    permissions_registry = {"DELETE": API_KEYS_DELETE}

    @blp.response(204)
    def delete(self, key_uuid):
        """Revoke a key: it stops working at once."""
        principal = current_principal()
        services.revoke_api_key(key_uuid, principal.user, principal.actor)
