"""What a volunteer receives: the link verifying their email, and a passwordless login
link, in each language they are written in. The links' tokens are derived from the secret
key and a nonce of the message, filled in at delivery: only their digests are stored."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from datacapt.toolkit import (
    Channel,
    MessageTemplate,
    MessageText,
    current_tenant,
    derived_secret,
    frontend_url,
)
from plugins.subject_accounts.models import TokenPurpose

VERIFY_EMAIL = "subject_accounts.verify_email"
LOGIN_LINK = "subject_accounts.login_link"
_LINK = frozenset({"link"})

# The frontend's page each link opens (it posts the token back to the API).
PAGES = {TokenPurpose.VERIFY_EMAIL: "verify-email", TokenPurpose.LOGIN_LINK: "login-link"}


def link_token(purpose: str, nonce: str) -> str:
    """The token of an emailed link of ``purpose``."""
    return derived_secret(f"subject-accounts-{purpose}:{current_tenant().schema_name}:{nonce}")


def registration_token(link_uuid: str) -> str:
    """The token of a registration link: made again whenever staff show it."""
    return derived_secret(
        f"subject-accounts-registration:{current_tenant().schema_name}:{link_uuid}"
    )


def registration_url(token: str) -> str:
    return f"{frontend_url()}/panel/register?token={token}"


def _secrets(purpose: TokenPurpose):
    def link(context: Mapping[str, Any]) -> dict[str, str]:
        token = link_token(purpose, context["nonce"])
        return {"link": f"{frontend_url()}/panel/{PAGES[purpose]}?token={token}"}

    return link


TEMPLATES = [
    MessageTemplate(
        VERIFY_EMAIL,
        Channel.EMAIL,
        {
            "en": MessageText(
                subject="Confirm your email address",
                body="Hello {name},\n\nThank you for joining the volunteer panel of {tenant}."
                " To confirm your email address and open your account, follow this link within"
                " {hours} hours:\n\n{link}\n\nIf you did not sign up, ignore this email.",
            ),
            "fr": MessageText(
                subject="Confirmez votre adresse e-mail",
                body="Bonjour {name},\n\nMerci de rejoindre le panel de volontaires de {tenant}."
                " Pour confirmer votre adresse e-mail et ouvrir votre compte, suivez ce lien"
                " dans les {hours} heures :\n\n{link}\n\nSi vous ne vous êtes pas inscrit,"
                " ignorez cet e-mail.",
            ),
        },
        secret_params=_LINK,
        secrets=_secrets(TokenPurpose.VERIFY_EMAIL),
    ),
    MessageTemplate(
        LOGIN_LINK,
        Channel.EMAIL,
        {
            "en": MessageText(
                subject="Your login link",
                body="Hello {name},\n\nTo log in to your volunteer account at {tenant}, follow"
                " this link within {minutes} minutes (it works once):\n\n{link}\n\nIf you did"
                " not ask for it, ignore this email.",
            ),
            "fr": MessageText(
                subject="Votre lien de connexion",
                body="Bonjour {name},\n\nPour vous connecter à votre compte de volontaire chez"
                " {tenant}, suivez ce lien dans les {minutes} minutes (il ne sert qu'une"
                " fois) :\n\n{link}\n\nSi vous ne l'avez pas demandé, ignorez cet e-mail.",
            ),
        },
        secret_params=_LINK,
        secrets=_secrets(TokenPurpose.LOGIN_LINK),
    ),
]
