"""Invitations (/api/invitations/) and their acceptance (/api/auth/invitations/accept)."""

from __future__ import annotations

from datacapt.api.blueprint import Blueprint
from datacapt.api.limits import RATE_LIMITED
from datacapt.api.pagination import paginate
from datacapt.api.views import ApiView
from datacapt.identity.principal import current_principal
from datacapt.identity.routes import PASSWORD_POLICY, limit_public_auth
from datacapt.identity.schemas import UserReadSchema
from datacapt.invitations import services
from datacapt.invitations.schemas import (
    InvitationAcceptWriteSchema,
    InvitationReadSchema,
    InvitationSearchSchema,
    InvitationWriteSchema,
)
from datacapt.permissions.registry import (
    INVITATIONS_ACCESS,
    INVITATIONS_ADD,
    INVITATIONS_DELETE,
    INVITATIONS_RESEND,
)
from datacapt.permissions.routes import GRANT_BEYOND_OWN

NOT_PENDING = {409: "The invitation is no longer pending (INVITATION_INVALID)."}

blp = Blueprint("invitations", __name__, url_prefix="/api/invitations", description="Invitations")
accept_blp = Blueprint(
    "invitation_accept",
    __name__,
    url_prefix="/api/auth/invitations",
    description="Accepting an invitation",
)


@blp.route("/")
class Invitations(ApiView):
    REQUIRES_STUDY = False
    permissions_registry = {"GET": INVITATIONS_ACCESS, "POST": INVITATIONS_ADD}

    @blp.arguments(InvitationSearchSchema, location="query")
    @blp.response(200, InvitationReadSchema(many=True))
    @blp.paginate()
    def get(self, filters, pagination_parameters):
        return paginate(services.list_invitations(**filters), pagination_parameters)

    @blp.arguments(InvitationWriteSchema)
    @blp.errors(
        GRANT_BEYOND_OWN,
        {403: "The inviter is not in the study (USER_DOES_NOT_BELONG_TO_STUDY)."},
        {409: "A user with this email exists (USER_ALREADY_EXISTS)."},
        {409: "An invitation to this email is pending (INVITATION_ALREADY_PENDING)."},
        {404: "No such study (STUDY_NOT_FOUND)."},
    )
    @blp.response(201, InvitationReadSchema)
    def post(self, data):
        """Invite a person by email to the tenant, and to a study with a role if given."""
        return services.invite(current_principal(), data)


@blp.route("/<uuid:invitation_uuid>")
class InvitationDetail(ApiView):
    REQUIRES_STUDY = False
    permissions_registry = {"GET": INVITATIONS_ACCESS, "DELETE": INVITATIONS_DELETE}

    @blp.response(200, InvitationReadSchema)
    def get(self, invitation_uuid):
        return services.get_invitation(invitation_uuid)

    @blp.errors(NOT_PENDING)
    @blp.response(204)
    def delete(self, invitation_uuid):
        """Revoke a pending invitation: its link stops working."""
        services.revoke(services.get_invitation(invitation_uuid))


@blp.route("/<uuid:invitation_uuid>/resend")
class ResendInvitation(ApiView):
    REQUIRES_STUDY = False
    action = "resend"
    permissions_registry = {"resend": INVITATIONS_RESEND}

    @blp.errors(NOT_PENDING)
    @blp.response(200, InvitationReadSchema)
    def post(self, invitation_uuid):
        """Send again with a new link (the previous one stops working) and a new expiry."""
        return services.resend(current_principal(), services.get_invitation(invitation_uuid))


@accept_blp.route("/accept")
class AcceptInvitation(ApiView):
    PUBLIC = True

    @accept_blp.arguments(InvitationAcceptWriteSchema)
    @accept_blp.errors(
        {409: "The invitation is no longer pending (INVITATION_INVALID)."},
        {422: "The token is unknown or expired (INVITATION_INVALID)."},
        PASSWORD_POLICY,
        RATE_LIMITED,
    )
    @accept_blp.response(201, UserReadSchema)
    def post(self, data):
        """Accept with the emailed token and a password meeting the policy."""
        limit_public_auth()
        return services.accept(data["token"], data["password"], data)
