"""Fixtures of the translations tests: a study with an eCRF and an ePRO questionnaire in
English, a subject at Paris, and a team to read and translate them."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from datacapt.testing import TenantClient

SETTINGS = "/api/plugins/translations/study-settings"
FORMS = "/api/translations/forms/"

WEIGHT = {
    "kind": "question",
    "code": "weight",
    "type": "integer",
    "label": {"en": "Weight", "fr": "Poids", "de": "Gewicht"},
    "help": {"en": "In kilograms", "fr": "En kilogrammes"},
}
SMOKER = {
    "kind": "question",
    "code": "smoker",
    "type": "single_choice",
    "label": {"en": "Smoker"},
    "options": {
        "choices": [
            {"value": "Y", "label": {"en": "Yes", "de": "Ja"}},
            {"value": "N", "label": {"en": "No"}},
        ]
    },
}
DESIGN = {
    "sections": [
        {
            "title": {"en": "Baseline", "fr": "Inclusion", "de": "Einschluss"},
            "subsections": [
                {
                    "title": {"en": "Vitals"},
                    "blocks": [WEIGHT, SMOKER, {"kind": "static", "content": {"en": "Thanks."}}],
                }
            ],
        }
    ]
}
DIARY = {
    "code": "DIARY",
    "title": {"en": "Diary"},
    "blocks": [
        {"kind": "question", "code": "pain", "type": "yes_no", "label": {"en": "Any pain?"}}
    ],
    "channels": ["email"],
    "schedule": {"days": [0], "send_time": "09:00", "window_hours": 24, "available_hours": 48},
}


@dataclasses.dataclass
class Team:
    headers: dict[str, str]
    study: str
    manager: TenantClient
    data_manager: TenantClient
    investigator: TenantClient
    subject: str
    section: str
    questionnaire: str

    def section_read(self, **headers: str) -> Any:
        return self.investigator.get(
            f"/api/ecrf/subjects/{self.subject}/sections/{self.section}",
            headers={**self.headers, **headers},
        )


@pytest.fixture
def team(enable_plugins, client_as, make_study, join_study, tenant) -> Team:
    enable_plugins(tenant, "ecrf", "epro", "translations")
    manager = client_as(tenant, "study_manager")
    study = make_study(manager, "PAR", reference="TRANS-1")
    headers = study.headers
    etag = manager.get("/api/ecrf/", headers=headers).headers["ETag"]
    design = manager.put("/api/ecrf/", json=DESIGN, headers={**headers, "If-Match": etag})
    assert design.status_code == 200, design.json
    questionnaire = manager.post("/api/epro/questionnaires/", json=DIARY, headers=headers)
    assert questionnaire.status_code == 201, questionnaire.json
    investigator = join_study(headers, tenant, "investigator")
    subject = investigator.post(
        "/api/subjects/",
        json={"center": study.centers["PAR"], "personal_data": {"language": "fr"}},
        headers=headers,
    )
    assert subject.status_code == 201, subject.json
    return Team(
        headers=headers,
        study=study.uuid,
        manager=manager,
        data_manager=join_study(headers, tenant, "data_manager"),
        investigator=investigator,
        subject=subject.json["uuid"],
        section=design.json["sections"][0]["uuid"],
        questionnaire=questionnaire.json["uuid"],
    )
