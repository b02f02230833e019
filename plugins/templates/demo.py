"""The demo library: a vital signs section in two versions, a single question and a
visit reminder, added once."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import Study, db
from plugins.templates import kinds, services
from plugins.templates.models import Template, TemplateKind


def _question(code: str, kind: str, label: str, **fields: Any) -> dict[str, Any]:
    return {"kind": "question", "code": code, "type": kind, "label": {"en": label}, **fields}


VITAL_SIGNS: dict[str, Any] = {
    "title": {"en": "Vital signs", "fr": "Signes vitaux"},
    "subsections": [
        {
            "title": {"en": "Measurements", "fr": "Mesures"},
            "blocks": [
                _question("vs_weight", "decimal", "Weight (kg)", required=True),
                _question("vs_height", "decimal", "Height (m)", required=True),
                _question("vs_heart_rate", "integer", "Heart rate (bpm)"),
            ],
        }
    ],
}
VITAL_SIGNS_2 = {
    **VITAL_SIGNS,
    "subsections": [
        {
            **VITAL_SIGNS["subsections"][0],
            "blocks": [
                *VITAL_SIGNS["subsections"][0]["blocks"],
                _question("vs_temperature", "decimal", "Temperature (°C)"),
            ],
        }
    ],
}
SMOKER = _question(
    "smoker",
    "single_choice",
    "Smoking status",
    options={"choices": [{"value": "never"}, {"value": "former"}, {"value": "current"}]},
)
REMINDER = {
    "channel": "email",
    "texts": {
        "en": {"subject": "Your visit tomorrow", "body": "We look forward to seeing you."},
        "fr": {"subject": "Votre visite demain", "body": "Nous vous attendons."},
    },
}


def add_demo_library(study: Study) -> None:
    if db.session.execute(sa.select(Template.id).limit(1)).first():
        return
    vital = services.create_template(
        {"name": "Vital signs", "kind": TemplateKind.ECRF_SECTION, "tags": ["standard"]},
        kinds.checked_content(TemplateKind.ECRF_SECTION, VITAL_SIGNS),
    )
    services.add_version(
        vital,
        kinds.checked_content(TemplateKind.ECRF_SECTION, VITAL_SIGNS_2),
        "Temperature added",
    )
    for name, kind, content in (
        ("Smoking status", TemplateKind.ECRF_QUESTION, SMOKER),
        ("Visit reminder", TemplateKind.MESSAGE_TEMPLATE, REMINDER),
    ):
        services.create_template(
            {"name": name, "kind": kind, "tags": ["standard"]}, kinds.checked_content(kind, content)
        )
