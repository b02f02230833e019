"""What the subject receives about their room, in their language: the invitation and a
new time with the link to join (filled in at delivery: its token is never stored), and
the cancellation."""

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

INVITATION = "econsult.invitation"
RESCHEDULED = "econsult.rescheduled"
CANCELLED = "econsult.cancelled"


def link_token(room_uuid: uuid.UUID | str) -> str:
    """The subject's token for a room: derived from the secret key, so each message can
    carry it while only its hash is stored."""
    return derived_secret(f"econsult-link:{current_tenant().schema_name}:{room_uuid}")


def subject_link(frontend: str, token: str) -> str:
    """The frontend's page where a subject joins (it sends the token as Consult-Token)."""
    return f"{frontend}/econsult/{token}"


def _link(context: Mapping[str, Any]) -> dict[str, str]:
    return {"link": subject_link(frontend_url(), link_token(context["room"]))}


TEMPLATES = [
    MessageTemplate(
        INVITATION,
        Channel.EMAIL,
        {
            "en": MessageText(
                subject="Your video consultation on {starts}",
                body="Hello,\n\nA video consultation with your study team is booked on"
                " {starts} for {duration} minutes. The room opens a few minutes before:"
                "\n\n{link}\n\nThis link is personal: do not share it.",
            ),
            "fr": MessageText(
                subject="Votre consultation vidéo le {starts}",
                body="Bonjour,\n\nUne consultation vidéo avec votre équipe d'étude est prévue"
                " le {starts} pour {duration} minutes. La salle ouvre quelques minutes"
                " avant :\n\n{link}\n\nCe lien est personnel : ne le partagez pas.",
            ),
        },
        secret_params=frozenset({"link"}),
        secrets=_link,
    ),
    MessageTemplate(
        RESCHEDULED,
        Channel.EMAIL,
        {
            "en": MessageText(
                subject="Your video consultation moves to {starts}",
                body="Hello,\n\nYour video consultation now takes place on {starts} for"
                " {duration} minutes. Join with the same link:\n\n{link}\n\nThis link is"
                " personal: do not share it.",
            ),
            "fr": MessageText(
                subject="Votre consultation vidéo est déplacée au {starts}",
                body="Bonjour,\n\nVotre consultation vidéo a désormais lieu le {starts} pour"
                " {duration} minutes. Rejoignez-la avec le même lien :\n\n{link}\n\nCe lien"
                " est personnel : ne le partagez pas.",
            ),
        },
        secret_params=frozenset({"link"}),
        secrets=_link,
    ),
    MessageTemplate(
        CANCELLED,
        Channel.EMAIL,
        {
            "en": MessageText(
                subject="Your video consultation on {starts} is cancelled",
                body="Hello,\n\nYour video consultation planned on {starts} is cancelled."
                " Your study team will contact you.",
            ),
            "fr": MessageText(
                subject="Votre consultation vidéo du {starts} est annulée",
                body="Bonjour,\n\nVotre consultation vidéo prévue le {starts} est annulée."
                " Votre équipe d'étude vous contactera.",
            ),
        },
    ),
]
