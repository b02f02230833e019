"""The password reset email, in every language it is written in."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from datacapt.identity.secrets import derived_secret
from datacapt.notifications.models import Channel
from datacapt.notifications.templates import MessageTemplate, MessageText
from datacapt.tenancy.services import frontend_url

PASSWORD_RESET = "password_reset"


def reset_token(nonce: str) -> str:
    """The token of a reset link (only its digest is stored, on the reset)."""
    return derived_secret(f"password-reset:{nonce}")


def _reset_link(context: Mapping[str, Any]) -> dict[str, str]:
    return {"link": f"{frontend_url()}/reset-password?token={reset_token(context['nonce'])}"}


TEMPLATES = [
    MessageTemplate(
        PASSWORD_RESET,
        Channel.EMAIL,
        {
            "en": MessageText(
                subject="Reset your {brand_name} password",
                body="Hello {name},\n\nSomeone asked to reset the password of your account at"
                " {brand_name}. To choose a new password, open this link within {minutes}"
                " minutes:\n\n{link}\n\nIf it was not you, ignore this email: your password"
                " stays as it is.",
            ),
            "fr": MessageText(
                subject="Réinitialisez votre mot de passe {brand_name}",
                body="Bonjour {name},\n\nQuelqu'un a demandé la réinitialisation du mot de passe"
                " de votre compte chez {brand_name}. Pour choisir un nouveau mot de passe, ouvrez ce"
                " lien dans les {minutes} minutes :\n\n{link}\n\nSi ce n'était pas vous, ignorez"
                " cet e-mail : votre mot de passe reste inchangé.",
            ),
        },
        secret_params=frozenset({"link"}),
        secrets=_reset_link,
    )
]
