"""The invitation email, in every language it is written in."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from datacapt.identity.secrets import derived_secret
from datacapt.notifications.models import Channel
from datacapt.notifications.templates import MessageTemplate, MessageText
from datacapt.tenancy.services import frontend_url

INVITATION = "invitation"


def invitation_token(nonce: str) -> str:
    """The token of one sending's link (only its digest is stored, on the invitation)."""
    return derived_secret(f"invitation:{nonce}")


def _invitation_link(context: Mapping[str, Any]) -> dict[str, str]:
    token = invitation_token(context["nonce"])
    return {"link": f"{frontend_url()}/accept-invitation?token={token}"}


TEMPLATES = [
    MessageTemplate(
        INVITATION,
        Channel.EMAIL,
        {
            "en": MessageText(
                subject="You are invited to {brand_name}",
                body="Hello {name},\n\n{inviter} invites you to join {brand_name}{study}."
                " To accept and choose your password, open this link within {days} days:"
                "\n\n{link}",
            ),
            "fr": MessageText(
                subject="Vous êtes invité sur {brand_name}",
                body="Bonjour {name},\n\n{inviter} vous invite à rejoindre"
                " {brand_name}{study}. Pour accepter et choisir votre mot de passe, ouvrez ce lien"
                " dans les {days} jours :\n\n{link}",
            ),
        },
        secret_params=frozenset({"link"}),
        secrets=_invitation_link,
    )
]
