"""What the supply tells people: a center running low. Its text never names a kit type
(what a center lacks of each type shows what its subjects were given), so it reads the
same to blinded and unblinded supply people."""

from __future__ import annotations

import sqlalchemy as sa

from datacapt.toolkit import (
    Channel,
    MessageTemplate,
    MessageText,
    Recipient,
    Role,
    Study,
    StudyCenter,
    User,
    db,
    notify,
    study_members,
    transaction_cached,
)
from plugins.allocation.permissions import MANAGE_SUPPLY

STOCK_LOW = "allocation.stock_low"

TEMPLATES = [
    MessageTemplate(
        STOCK_LOW,
        Channel.EMAIL,
        {
            "en": MessageText(
                subject="Kits running low at {center} in {study}",
                body="The stock of kits at {center} ({center_name}) in {study} ({inventory}"
                " inventory) is below its minimum for at least one kit type; {usable} usable"
                " kits are left in all. A resupply is requested: follow it in the study's"
                " supply.",
            ),
            "fr": MessageText(
                subject="Kits bientôt épuisés à {center} dans {study}",
                body="Le stock de kits de {center} ({center_name}) dans {study} (inventaire"
                " {inventory}) est sous son minimum pour au moins un type de kit ; il reste"
                " {usable} kits utilisables en tout. Un réapprovisionnement est demandé :"
                " suivez-le dans l'approvisionnement de l'étude.",
            ),
        },
    )
]


def _supply_roles() -> list[str]:
    return [
        role.name
        for role in db.session.execute(sa.select(Role)).scalars()
        if MANAGE_SUPPLY in role.granted
    ]


def supply_people(study: Study, center: StudyCenter) -> list[User]:
    """The members of the study who manage its supply and see ``center``."""
    # Read once per transaction: the periodic check may tell many centers at once.
    roles = transaction_cached("allocation.supply_roles", _supply_roles)
    return study_members(study, roles=roles, center=center) if roles else []


def tell_stock_low(study: Study, center: StudyCenter, inventory: str, usable: int) -> int:
    """Email the center's supply people that its stock went low; how many were told."""
    members = supply_people(study, center)
    for user in members:
        notify(
            STOCK_LOW,
            Channel.EMAIL,
            Recipient.of_user(user),
            {
                "study": study.reference,
                "center": center.code,
                "center_name": center.name,
                "inventory": inventory,
                "usable": usable,
            },
            study_id=study.id,
            center_id=center.id,
        )
    return len(members)
