"""Authentication (/api/auth/...) and users (/api/users/...)."""

from __future__ import annotations

from datacapt.api.blueprint import Blueprint
from datacapt.api.limits import RATE_LIMITED, client_address, enforce
from datacapt.api.pagination import paginate
from datacapt.api.views import ApiView
from datacapt.errors import DatacaptException, ErrorCode, InternalCodes
from datacapt.i18n import Message
from datacapt.identity import services
from datacapt.identity.principal import current_principal
from datacapt.identity.schemas import (
    LoginReadSchema,
    LoginWriteSchema,
    PasswordChangeWriteSchema,
    PasswordResetConfirmWriteSchema,
    PasswordResetReadSchema,
    PasswordResetWriteSchema,
    PermissionsReadSchema,
    ProfileUpdateSchema,
    UserReadSchema,
    UserSearchSchema,
    UserUpdateSchema,
)
from datacapt.identity.sessions import session_expiry
from datacapt.permissions.mixin import AUTHENTICATED
from datacapt.permissions.registry import USERS_ACCESS, USERS_EDIT, USERS_UNLOCK
from datacapt.permissions.routes import GRANT_BEYOND_OWN, OWN_ACCESS
from datacapt.studies.context import permissions_overview
from datacapt.tenancy.context import current_tenant

# The refusal of session_user() to an API key.
SESSION_ONLY = {403: "An API key has no user session (PERMISSION_DENIED)."}
PASSWORD_POLICY = {422: "The password breaks the policy (PASSWORD_POLICY)."}

auth_blp = Blueprint("auth", __name__, url_prefix="/api/auth", description="Authentication")
users_blp = Blueprint("users", __name__, url_prefix="/api/users", description="Users")


def limit_public_auth() -> None:
    """The rate limit of logins, resets and invitation acceptances: per address and tenant."""
    enforce("auth", current_tenant().schema_name, client_address())


def session_user():
    """The logged-in user (an API key has no profile, password or session)."""
    principal = current_principal()
    if principal.user_id is None:
        raise DatacaptException(
            ErrorCode.FORBIDDEN,
            InternalCodes.PERMISSION_DENIED,
            Message("This needs a user session."),
        )
    return principal


@auth_blp.route("/login")
class Login(ApiView):
    PUBLIC = True

    @auth_blp.arguments(LoginWriteSchema)
    @auth_blp.errors(
        {401: "Unknown email, wrong password or locked account (INVALID_CREDENTIALS)."},
        RATE_LIMITED,
    )
    @auth_blp.response(200, LoginReadSchema)
    def post(self, data):
        """Exchange email and password for a bearer token (Authorization: Bearer ...)."""
        limit_public_auth()
        user, token = services.login(data["email"], data["password"])
        return {"token": token, "user": user, **session_expiry(token)}


@auth_blp.route("/logout")
class Logout(ApiView):
    REQUIRES_STUDY = False
    permissions_registry = {"default": AUTHENTICATED}

    @auth_blp.errors(SESSION_ONLY)
    @auth_blp.response(204)
    def post(self):
        """End this session: its token stops working at once."""
        services.logout(session_user())


@auth_blp.route("/password-reset")
class PasswordReset(ApiView):
    PUBLIC = True

    @auth_blp.arguments(PasswordResetWriteSchema)
    @auth_blp.errors(RATE_LIMITED)
    @auth_blp.response(202, PasswordResetReadSchema)
    def post(self, data):
        """Email a reset link if the account exists; the answer is the same either way."""
        limit_public_auth()
        enforce(
            "password-reset", current_tenant().schema_name, services.normalize_email(data["email"])
        )
        services.request_password_reset(data["email"])
        return {"status": "accepted"}


@auth_blp.route("/password-reset/confirm")
class PasswordResetConfirm(ApiView):
    PUBLIC = True

    @auth_blp.arguments(PasswordResetConfirmWriteSchema)
    @auth_blp.errors(
        {422: "The token is unknown, used or expired (RESET_TOKEN_INVALID)."},
        PASSWORD_POLICY,
        RATE_LIMITED,
    )
    @auth_blp.response(204)
    def post(self, data):
        """Choose a new password with a reset link's token (single use, expiring)."""
        limit_public_auth()
        services.reset_password(data["token"], data["password"])


@users_blp.route("/me")
class Me(ApiView):
    REQUIRES_STUDY = False
    permissions_registry = {"default": AUTHENTICATED}

    @users_blp.errors(SESSION_ONLY)
    @users_blp.response(200, UserReadSchema)
    def get(self):
        """The logged-in user."""
        return session_user().user

    @users_blp.arguments(ProfileUpdateSchema)
    @users_blp.errors(SESSION_ONLY)
    @users_blp.response(200, UserReadSchema)
    def patch(self, data):
        """Change one's own names or language (nothing else)."""
        return services.update_profile(session_user().user, data)


@users_blp.route("/me/password")
class MyPassword(ApiView):
    REQUIRES_STUDY = False
    permissions_registry = {"default": AUTHENTICATED}

    @users_blp.arguments(PasswordChangeWriteSchema)
    @users_blp.errors(
        SESSION_ONLY, {422: "The current password is wrong (WRONG_PASSWORD)."}, PASSWORD_POLICY
    )
    @users_blp.response(204)
    def post(self, data):
        """Change one's password (the current one is needed); every session ends."""
        services.change_password(
            session_user().user, data["current_password"], data["new_password"]
        )


@users_blp.route("/me/permissions")
class MyPermissions(ApiView):
    REQUIRES_STUDY = False
    permissions_registry = {"default": AUTHENTICATED}

    @users_blp.response(200, PermissionsReadSchema)
    def get(self):
        """What the caller may do tenant-wide, and in each study with the study role."""
        return permissions_overview(current_principal())


@users_blp.route("/")
class Users(ApiView):
    REQUIRES_STUDY = False
    permissions_registry = {"GET": USERS_ACCESS}

    @users_blp.arguments(UserSearchSchema, location="query")
    @users_blp.response(200, UserReadSchema(many=True))
    @users_blp.paginate()
    def get(self, filters, pagination_parameters):
        """The tenant's users (filters: search in names and email, status)."""
        return paginate(services.list_users(**filters), pagination_parameters)


@users_blp.route("/<uuid:user_uuid>")
class UserDetail(ApiView):
    REQUIRES_STUDY = False
    permissions_registry = {"GET": USERS_ACCESS, "PATCH": USERS_EDIT}

    @users_blp.response(200, UserReadSchema)
    def get(self, user_uuid):
        return services.get_user(user_uuid)

    @users_blp.arguments(UserUpdateSchema)
    @users_blp.errors(GRANT_BEYOND_OWN, OWN_ACCESS)
    @users_blp.response(200, UserReadSchema)
    def patch(self, data, user_uuid):
        """Change a user's names, language, platform role, or (de)activate the account."""
        return services.update_user(current_principal(), services.get_user(user_uuid), data)


@users_blp.route("/<uuid:user_uuid>/unlock")
class UnlockUser(ApiView):
    REQUIRES_STUDY = False
    action = "unlock"
    permissions_registry = {"unlock": USERS_UNLOCK}

    @users_blp.response(200, UserReadSchema)
    def post(self, user_uuid):
        """Unlock an account locked by failed logins."""
        return services.unlock_user(services.get_user(user_uuid), current_principal().actor)
