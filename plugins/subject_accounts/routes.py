"""The subject_accounts endpoints (/api/subject-accounts/...): staff's registration links;
the public ways in (registration, verification, login, login links); and the volunteer's
realm (/me/...), reached with a volunteer session only."""

from __future__ import annotations

from typing import Any

from datacapt.toolkit import (
    RATE_LIMITED,
    ApiView,
    Blueprint,
    client_address,
    current_tenant,
    enforce_limit,
    paginate,
)
from plugins.subject_accounts import links, own, permissions, services
from plugins.subject_accounts.schemas import (
    RegistrationLinkReadSchema,
    RegistrationLinkUpdateSchema,
    RegistrationLinkWriteSchema,
    RegistrationQrCodeReadSchema,
    SubjectAccountAcceptedSchema,
    SubjectAccountAppointmentReadSchema,
    SubjectAccountConsentReadSchema,
    SubjectAccountGdprRequestReadSchema,
    SubjectAccountGdprRequestWriteSchema,
    SubjectAccountLinkTokenWriteSchema,
    SubjectAccountLoginLinkWriteSchema,
    SubjectAccountLoginWriteSchema,
    SubjectAccountPasswordWriteSchema,
    SubjectAccountPaymentReadSchema,
    SubjectAccountProfileReadSchema,
    SubjectAccountProfileWriteSchema,
    SubjectAccountPurposeWriteSchema,
    SubjectAccountQuestionnaireReadSchema,
    SubjectAccountReadSchema,
    SubjectAccountSessionReadSchema,
    SubjectAccountSignUpWriteSchema,
    SubjectAccountVerifyWriteSchema,
)
from plugins.subject_accounts.sessions import (
    SCHEME,
    SECURITY_SCHEMES,
    SESSION_REFUSED,
    as_subject,
    current_account,
    end_current_session,
)

blp = Blueprint(
    "subject_accounts",
    __name__,
    url_prefix="/api/subject-accounts",
    description="Volunteers' accounts: registration links, sign-up and login, their own data",
    security_schemes=SECURITY_SCHEMES,
)

PASSWORD_POLICY = {422: "The password breaks the policy (PASSWORD_POLICY)."}
LINK_REFUSED = {401: "The registration link opens nothing (REGISTRATION_LINK_INVALID)."}
ERASED = {409: "The volunteer's data was erased (VOLUNTEER_ERASED)."}
UNAVAILABLE = {404: "The tenant does not offer this module (SUBJECT_ACCOUNTS_MODULE_UNAVAILABLE)."}


def limit_public() -> None:
    """The staff login's rule, per address and tenant, on every public way in: counted
    apart from the staff's, so volunteers signing up on a site's network lock no staff out."""
    enforce_limit("auth", current_tenant().schema_name, "subject", client_address())


def limit_emails(email: str) -> None:
    """The staff reset's rate limit, per email: links sent to one address."""
    enforce_limit(
        "password-reset",
        current_tenant().schema_name,
        "subject",
        services.normalize_email(email),
    )


def _link_view(link: Any) -> dict[str, Any]:
    return {
        "uuid": link.uuid,
        "name": link.name,
        "study": link.study.uuid if link.study else None,
        "active": link.active,
        "expires_at": link.expires_at,
        "created_at": link.created_at,
        "url": links.link_url(link),
    }


# Staff: registration links


@blp.route("/registration-links/")
class RegistrationLinks(ApiView):
    REQUIRES_STUDY = False
    permissions_registry = {"GET": permissions.ACCESS, "POST": permissions.EDIT}

    @blp.response(200, RegistrationLinkReadSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """The registration links (panel and campaigns), with their URLs."""
        page = paginate(links.list_links(), pagination_parameters)
        return [_link_view(link) for link in page]

    @blp.arguments(RegistrationLinkWriteSchema)
    @blp.response(201, RegistrationLinkReadSchema)
    def post(self, data):
        """A new registration link, for the panel or a study's recruitment campaign."""
        return _link_view(links.create_link(data))


@blp.route("/registration-links/<uuid:link_uuid>")
class RegistrationLinkDetail(ApiView):
    REQUIRES_STUDY = False
    permissions_registry = {"GET": permissions.ACCESS, "PATCH": permissions.EDIT}

    @blp.response(200, RegistrationLinkReadSchema)
    def get(self, link_uuid):
        return _link_view(links.get_link(link_uuid))

    @blp.arguments(RegistrationLinkUpdateSchema)
    @blp.response(200, RegistrationLinkReadSchema)
    def patch(self, data, link_uuid):
        """Rename, close (active: false) or reopen a link, or change when it expires."""
        return _link_view(links.update_link(links.get_link(link_uuid), data))


@blp.route("/registration-links/<uuid:link_uuid>/qr-code")
class RegistrationLinkQrCode(ApiView):
    REQUIRES_STUDY = False
    permissions_registry = {"GET": permissions.ACCESS}

    @blp.response(200, RegistrationQrCodeReadSchema)
    def get(self, link_uuid):
        """The link's QR code (SVG), to print on a flyer or show on a screen."""
        link = links.get_link(link_uuid)
        return {"url": links.link_url(link), "svg": links.qr_code_svg(link)}


# Public: the ways in


@blp.route("/register")
class Register(ApiView):
    PUBLIC = True

    @blp.arguments(SubjectAccountSignUpWriteSchema)
    @blp.errors(LINK_REFUSED, PASSWORD_POLICY, RATE_LIMITED)
    @blp.response(202, SubjectAccountAcceptedSchema)
    def post(self, data):
        """Sign up from a registration link: an email to verify the address follows (or a
        login link, if the address has an account: the answer is the same)."""
        limit_public()
        limit_emails(data["email"])
        services.register(data)
        return {"status": "accepted"}


@blp.route("/verify-email")
class VerifyEmail(ApiView):
    PUBLIC = True

    @blp.arguments(SubjectAccountVerifyWriteSchema)
    @blp.errors(
        {422: "The link is unknown, used or expired (VERIFICATION_LINK_INVALID)."},
        {422: "Not the password chosen at sign-up (VERIFICATION_PASSWORD_WRONG)."},
        RATE_LIMITED,
    )
    @blp.response(200, SubjectAccountSessionReadSchema)
    def post(self, data):
        """Verify the email with the emailed link's token (and the password chosen at sign-up,
        if one was): the account opens, logged in."""
        limit_public()
        return services.verify_email(data["token"], data.get("password"))


@blp.route("/login")
class Login(ApiView):
    PUBLIC = True

    @blp.arguments(SubjectAccountLoginWriteSchema)
    @blp.errors(
        {401: "Unknown email, wrong password, unverified or locked account (INVALID_CREDENTIALS)."},
        RATE_LIMITED,
    )
    @blp.response(200, SubjectAccountSessionReadSchema)
    def post(self, data):
        """Exchange email and password for a volunteer session (never a staff one)."""
        limit_public()
        return services.login(data["email"], data["password"])


@blp.route("/login-link")
class LoginLink(ApiView):
    PUBLIC = True

    @blp.arguments(SubjectAccountLoginLinkWriteSchema)
    @blp.errors(RATE_LIMITED)
    @blp.response(202, SubjectAccountAcceptedSchema)
    def post(self, data):
        """Email a passwordless login link if the address has an account; the answer is the
        same either way."""
        limit_public()
        limit_emails(data["email"])
        services.request_login_link(data["email"])
        return {"status": "accepted"}


@blp.route("/login-link/confirm")
class LoginLinkConfirm(ApiView):
    PUBLIC = True

    @blp.arguments(SubjectAccountLinkTokenWriteSchema)
    @blp.errors({422: "The link is unknown, used or expired (LOGIN_LINK_INVALID)."}, RATE_LIMITED)
    @blp.response(200, SubjectAccountSessionReadSchema)
    def post(self, data):
        """Log in with the emailed link's token (single use, 15 minutes)."""
        limit_public()
        return services.use_login_link(data["token"])


# The volunteer's realm


class OwnView(ApiView):
    """A view of the volunteer's realm: their session is the credential, no staff one."""

    PUBLIC = True
    SECURITY = (SCHEME,)

    def dispatch_request(self, *args: Any, **kwargs: Any) -> Any:
        current_account()  # the session first: nothing of the request is read without one
        return super().dispatch_request(*args, **kwargs)


@blp.route("/logout")
class Logout(OwnView):
    @blp.errors(SESSION_REFUSED)
    @blp.response(204)
    def post(self):
        """End this session: its token stops working at once."""
        current_account()
        end_current_session()


@blp.route("/me")
class Me(OwnView):
    @blp.errors(SESSION_REFUSED)
    @blp.response(200, SubjectAccountReadSchema)
    def get(self):
        """The volunteer's account."""
        return current_account()


@blp.route("/me/password")
class MyPassword(OwnView):
    @blp.arguments(SubjectAccountPasswordWriteSchema)
    @blp.errors(
        SESSION_REFUSED,
        {422: "The current password is wrong (WRONG_PASSWORD)."},
        PASSWORD_POLICY,
    )
    @blp.response(204)
    def post(self, data):
        """Set a password (the current one needed where there is one); every session ends."""
        account = current_account()
        with as_subject(account):
            services.change_password(account, data["current_password"], data["new_password"])


@blp.route("/me/profile")
class MyProfile(OwnView):
    @blp.errors(SESSION_REFUSED)
    @blp.response(200, SubjectAccountProfileReadSchema)
    def get(self):
        """The volunteer's answers to the panel's profile questions."""
        return {"answers": own.profile(current_account())}

    @blp.arguments(SubjectAccountProfileWriteSchema)
    @blp.errors(SESSION_REFUSED, ERASED)
    @blp.response(200, SubjectAccountProfileReadSchema)
    def patch(self, data):
        """Change some answers (checked by the form engine: 422 with fields)."""
        account = current_account()
        with as_subject(account):
            answers = own.update_profile(account, data["answers"])
        return {"answers": answers}


@blp.route("/me/consents")
class MyConsents(OwnView):
    @blp.errors(SESSION_REFUSED)
    @blp.response(200, SubjectAccountConsentReadSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """The volunteer's consents: purpose, given or withdrawn, and when."""
        return paginate(own.consents(current_account()), pagination_parameters)


@blp.route("/me/consents/give")
class GiveConsent(OwnView):
    @blp.arguments(SubjectAccountPurposeWriteSchema)
    @blp.errors(SESSION_REFUSED, ERASED)
    @blp.response(200, SubjectAccountConsentReadSchema(many=True))
    def post(self, data):
        """Consent to one purpose (contact for studies, newsletter, data sharing)."""
        account = current_account()
        with as_subject(account):
            own.give_consent(account, data["purpose"])
        return own.consents(account)


@blp.route("/me/consents/withdraw")
class WithdrawConsent(OwnView):
    @blp.arguments(SubjectAccountPurposeWriteSchema)
    @blp.errors(SESSION_REFUSED, {409: "No consent stands for this purpose (CONSENT_NOT_GIVEN)."})
    @blp.response(200, SubjectAccountConsentReadSchema(many=True))
    def post(self, data):
        """Withdraw one consent (contact for studies, newsletter, data sharing)."""
        account = current_account()
        with as_subject(account):
            own.withdraw_consent(account, data["purpose"])
        return own.consents(account)


@blp.route("/me/gdpr-requests")
class MyGdprRequests(OwnView):
    @blp.arguments(SubjectAccountGdprRequestWriteSchema)
    @blp.errors(
        SESSION_REFUSED,
        {
            409: "A request of this kind is pending, or the data was erased (GDPR_REQUEST_PENDING, VOLUNTEER_ERASED)."
        },
    )
    @blp.response(201, SubjectAccountGdprRequestReadSchema)
    def post(self, data):
        """Ask for a copy of one's data (access) or for its erasure; the data protection
        officer handles it."""
        account = current_account()
        with as_subject(account):
            return own.gdpr_request(account, data["kind"], data["reason"])


@blp.route("/me/questionnaires")
class MyQuestionnaires(OwnView):
    @blp.errors(SESSION_REFUSED, UNAVAILABLE)
    @blp.response(200, SubjectAccountQuestionnaireReadSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """The volunteer's ePRO questionnaires in every study (where ePRO is enabled)."""
        return paginate(own.questionnaires(current_account()), pagination_parameters)


@blp.route("/me/appointments")
class MyAppointments(OwnView):
    @blp.errors(SESSION_REFUSED, UNAVAILABLE)
    @blp.response(200, SubjectAccountAppointmentReadSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """The volunteer's appointments in every study (where the calendar is enabled)."""
        return paginate(own.appointments(current_account()), pagination_parameters)


@blp.route("/me/payments")
class MyPayments(OwnView):
    @blp.errors(SESSION_REFUSED, UNAVAILABLE)
    @blp.response(200, SubjectAccountPaymentReadSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """What the volunteer is paid, or will be, in every study (where payments are
        enabled): amount, currency, status, when paid."""
        return paginate(own.payments(current_account()), pagination_parameters)
