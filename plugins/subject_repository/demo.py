"""The demo panel: profile questions of a cosmetics unit and a few volunteers answering
them, with their consents (added once: registration finds a volunteer by email)."""

from __future__ import annotations

from typing import Any

from datacapt.toolkit import Study
from plugins.subject_repository import panel


def _choices(*values: str) -> dict[str, Any]:
    return {"choices": [{"value": v, "label": {"en": v.replace("_", " ").title()}} for v in values]}


PROFILE_BLOCKS: list[dict[str, Any]] = [
    {
        "kind": "question",
        "code": "skin_type",
        "type": "single_choice",
        "label": {"en": "Skin type", "fr": "Type de peau"},
        "options": _choices("dry", "normal", "oily", "combination"),
    },
    {
        "kind": "question",
        "code": "phototype",
        "type": "integer",
        "label": {"en": "Phototype (Fitzpatrick)", "fr": "Phototype (Fitzpatrick)"},
        "options": {"min": 1, "max": 6},
    },
    {
        "kind": "question",
        "code": "allergies",
        "type": "multiple_choice",
        "label": {"en": "Known allergies", "fr": "Allergies connues"},
        "options": _choices("nickel", "fragrance", "latex", "none"),
    },
    {
        "kind": "question",
        "code": "availability",
        "type": "multiple_choice",
        "label": {"en": "Available", "fr": "Disponible"},
        "options": _choices("mornings", "afternoons", "saturdays"),
    },
]

VOLUNTEERS = [
    ("Camille", "Martin", {"skin_type": "dry", "phototype": 2, "allergies": ["none"]}),
    ("Léa", "Bernard", {"skin_type": "oily", "phototype": 3, "allergies": ["nickel"]}),
    ("Hugo", "Petit", {"skin_type": "combination", "phototype": 4, "allergies": ["fragrance"]}),
]


def add_demo_panel(study: Study) -> None:
    """The demo's profile questions and volunteers (the study is not needed: the panel is
    the tenant's)."""
    if panel.profile_form() is None:
        panel.save_profile_form(PROFILE_BLOCKS)
    for first_name, last_name, answers in VOLUNTEERS:
        email = f"{first_name.lower().replace('é', 'e')}.{last_name.lower()}@demo.example.org"
        subject = panel.register_volunteer(
            first_name=first_name, last_name=last_name, email=email, language="fr", source="demo"
        )
        if not panel.volunteer_profile(subject):
            panel.update_volunteer_profile(subject, answers)
            panel.give_consent(subject, "contact_for_studies")
