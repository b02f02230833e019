"""What the platform tells people: emergency unblindings (asked, done), strata running low,
simulations done. No message ever names an arm."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from datacapt.toolkit import (
    Channel,
    MessageTemplate,
    MessageText,
    Recipient,
    Study,
    StudyCenter,
    notify,
    study_members,
)

UNBLINDED = "randomizations.unblinded"
UNBLINDING_REQUESTED = "randomizations.unblinding_requested"
LOW_SLOTS = "randomizations.low_slots"
SIMULATION_DONE = "randomizations.simulation_done"

TEMPLATES = [
    MessageTemplate(
        UNBLINDED,
        Channel.EMAIL,
        {
            "en": MessageText(
                subject="Emergency unblinding in {study}",
                body="Subject {subject} of {study} ({design}) was unblinded by {requester} at"
                " {time} (UTC).\nReason: {reason}",
            ),
            "fr": MessageText(
                subject="Levée d'aveugle en urgence dans {study}",
                body="L'aveugle du sujet {subject} de {study} ({design}) a été levé par"
                " {requester} le {time} (UTC).\nMotif : {reason}",
            ),
        },
    ),
    MessageTemplate(
        UNBLINDING_REQUESTED,
        Channel.EMAIL,
        {
            "en": MessageText(
                subject="Emergency unblinding to approve in {study}",
                body="{requester} asks to unblind subject {subject} of {study} ({design}).\n"
                "Reason: {reason}\nA second person's approval is needed.",
            ),
            "fr": MessageText(
                subject="Levée d'aveugle en urgence à approuver dans {study}",
                body="{requester} demande la levée d'aveugle du sujet {subject} de {study}"
                " ({design}).\nMotif : {reason}\nL'approbation d'une seconde personne est"
                " requise.",
            ),
        },
    ),
    MessageTemplate(
        LOW_SLOTS,
        Channel.EMAIL,
        {
            "en": MessageText(
                subject="Randomization list running low in {study}",
                body="The list of {design} has {remaining} slots left in stratum {stratum}.",
            ),
            "fr": MessageText(
                subject="Liste de randomisation bientôt épuisée dans {study}",
                body="La liste de {design} n'a plus que {remaining} places dans la strate"
                " {stratum}.",
            ),
        },
    ),
    MessageTemplate(
        SIMULATION_DONE,
        Channel.EMAIL,
        {
            "en": MessageText(
                subject="Randomization simulation done in {study}",
                body="The simulation of {design} version {version} ({trials} trials) is {status}.",
            ),
            "fr": MessageText(
                subject="Simulation de randomisation terminée dans {study}",
                body="La simulation de {design} version {version} ({trials} essais) s'est"
                " terminée ; statut : {status}.",
            ),
        },
    ),
]


def tell_roles(
    study: Study,
    roles: Iterable[str],
    template: str,
    params: Mapping[str, Any],
    center: StudyCenter | None = None,
) -> int:
    """Email ``template`` to the study's members of ``roles`` (who see ``center``, if given)."""
    members = study_members(study, roles=roles, center=center)
    for user in members:
        notify(
            template,
            Channel.EMAIL,
            Recipient.of_user(user),
            {"study": study.reference, **params},
            study_id=study.id,
            center_id=center.id if center else None,
        )
    return len(members)
