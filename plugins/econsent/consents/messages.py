"""What subjects receive: the invitation to read and sign (with their link), the one-time
code that checks their identity, and the copy of what they signed. Links and codes are
filled in at delivery from the secret key: the message's record never holds them."""

from __future__ import annotations

import uuid
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

INVITATION = "econsent.invitation"
CODE = "econsent.code"
COPY = "econsent.copy"


def link_token(consent_uuid: uuid.UUID | str) -> str:
    """The subject's token for a consent (only its digest is stored)."""
    return derived_secret(f"econsent-link:{current_tenant().schema_name}:{consent_uuid}")


def subject_link(token: str) -> str:
    """The frontend page where a subject reads and signs (it sends the token as
    Consent-Token)."""
    return f"{frontend_url()}/econsent/{token}"


def one_time_code(consent_uuid: uuid.UUID | str, nonce: str) -> str:
    """The six digits sent for one identity check (``nonce`` is new for each code)."""
    secret = derived_secret(f"econsent-code:{current_tenant().schema_name}:{consent_uuid}:{nonce}")
    return f"{int.from_bytes(secret.encode(), 'big') % 1_000_000:06d}"


def code_digest(consent_uuid: uuid.UUID | str, nonce: str, code: str) -> str:
    """What is kept of a code: keyed by the secret key, so the stored value alone cannot
    be tried against the million codes."""
    return derived_secret(f"econsent-code-check:{consent_uuid}:{nonce}:{code.strip()}")[:64]


def _link(context: Mapping[str, Any]) -> dict[str, str]:
    return {"link": subject_link(link_token(context["consent"]))}


def _code(context: Mapping[str, Any]) -> dict[str, str]:
    return {"code": one_time_code(context["consent"], context["nonce"])}


_INVITATION_TEXTS = {
    "en": MessageText(
        subject="Information and consent: {document}",
        body="Hello,\n\nPlease read the information about the study and, if you agree,"
        " sign the consent form:\n\n{link}\n\nThis link is personal: do not share it.",
    ),
    "fr": MessageText(
        subject="Information et consentement : {document}",
        body="Bonjour,\n\nMerci de lire l'information sur l'étude et, si vous êtes"
        " d'accord, de signer le formulaire de consentement :\n\n{link}\n\nCe lien est"
        " personnel : ne le partagez pas.",
    ),
}
_CODE_TEXTS = {
    "en": MessageText(
        subject="Your code to sign your consent",
        body="Your code: {code}. It is valid for {minutes} minutes. Never share it.",
    ),
    "fr": MessageText(
        subject="Votre code pour signer votre consentement",
        body="Votre code : {code}. Il est valable {minutes} minutes. Ne le communiquez jamais.",
    ),
}
_COPY_TEXTS = {
    "en": MessageText(
        subject="Your signed consent: {document}",
        body="Hello,\n\nYour consent form is signed by everyone. Your copy:\n\n{link}\n\n"
        "Keep this message.",
    ),
    "fr": MessageText(
        subject="Votre consentement signé : {document}",
        body="Bonjour,\n\nVotre formulaire de consentement est signé par tous. Votre"
        " exemplaire :\n\n{link}\n\nConservez ce message.",
    ),
}


def _sms(texts: Mapping[str, MessageText]) -> dict[str, MessageText]:
    return {language: MessageText(text.body) for language, text in texts.items()}


TEMPLATES = [
    MessageTemplate(
        INVITATION,
        Channel.EMAIL,
        _INVITATION_TEXTS,
        secret_params=frozenset({"link"}),
        secrets=_link,
    ),
    MessageTemplate(
        INVITATION,
        Channel.SMS,
        _sms(_INVITATION_TEXTS),
        secret_params=frozenset({"link"}),
        secrets=_link,
    ),
    MessageTemplate(
        CODE, Channel.EMAIL, _CODE_TEXTS, secret_params=frozenset({"code"}), secrets=_code
    ),
    MessageTemplate(
        CODE, Channel.SMS, _sms(_CODE_TEXTS), secret_params=frozenset({"code"}), secrets=_code
    ),
    MessageTemplate(
        COPY, Channel.EMAIL, _COPY_TEXTS, secret_params=frozenset({"link"}), secrets=_link
    ),
]
