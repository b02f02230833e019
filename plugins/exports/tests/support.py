"""A study whose data leaves through exports, shared by the exports tests: centers at Paris
and Lyon, an eCRF of a screening section (numbers, a yes/no, choices, a text) and a visit
(a repeating group, a date, a date and time, a multiple choice, a long summary), two
subjects entered through the API with their personal data, and a team: a data manager who defines, runs and downloads, an investigator at Paris, a
Lyon data manager who sees Lyon only, and a monitor who only reads."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from flask import Flask

from datacapt.testing import TenantClient
from datacapt.toolkit import TenantRef


def _question(code: str, kind: str, label: str, **fields: Any) -> dict[str, Any]:
    return {"kind": "question", "code": code, "type": kind, "label": {"en": label}, **fields}


ECRF = {
    "sections": [
        {
            "title": {"en": "Screening"},
            "subsections": [
                {
                    "title": {"en": "Screening"},
                    "blocks": [
                        _question("age", "integer", "Age (years)"),
                        _question("weight", "decimal", "Weight (kg)"),
                        _question("smoker", "yes_no", "Smoker"),
                        _question(
                            "sex",
                            "single_choice",
                            "Sex",
                            options={
                                "choices": [
                                    {"value": "F", "label": {"en": "Female"}},
                                    {"value": "M", "label": {"en": "Male"}},
                                ]
                            },
                        ),
                        _question(
                            "severity",
                            "single_choice",
                            "Severity",
                            options={
                                "choices": [
                                    {"value": 1, "label": {"en": "Mild"}},
                                    {"value": 2, "label": {"en": "Severe"}},
                                ]
                            },
                        ),
                        _question("notes", "long_text", "Investigator's notes on the subject"),
                    ],
                }
            ],
        },
        {
            "title": {"en": "Visit 1"},
            "subsections": [
                {
                    "title": {"en": "Treatments"},
                    "blocks": [
                        _question(
                            "conmeds",
                            "repeating_group",
                            "Concomitant medications",
                            columns=[
                                {"code": "drug", "type": "short_text", "label": {"en": "Drug"}},
                                {"code": "dose", "type": "decimal", "label": {"en": "Dose (mg)"}},
                            ],
                        ),
                        _question("visit_date", "date", "Date of the visit"),
                        _question("seen_at", "datetime", "Seen at"),
                        _question(
                            "symptoms",
                            "multiple_choice",
                            "Symptoms",
                            options={
                                "choices": [
                                    {"value": "cough", "label": {"en": "Cough"}},
                                    {"value": "fever", "label": {"en": "Fever"}},
                                    {"value": "rash", "label": {"en": "Rash"}},
                                ]
                            },
                        ),
                        _question(
                            "sides",
                            "multiple_choice",
                            "Sides",
                            options={
                                "choices": [
                                    {"value": 1, "label": {"en": "Left"}},
                                    {"value": 2, "label": {"en": "Right"}},
                                ]
                            },
                        ),
                        _question("summary", "long_text", "Summary", options={"max_length": 40000}),
                    ],
                }
            ],
        },
    ]
}

#: What each subject's site enters, and the personal data that must never leave.
ENTRIES: dict[str, dict[str, Any]] = {
    "PAR": {
        "personal": {"first_name": "Amelie", "last_name": "Poulain", "email": "amelie@example.org"},
        "screening": {
            "age": 34,
            "weight": "61.50",
            "smoker": False,
            "sex": "F",
            "severity": 2,
            "notes": "Nothing to report",
        },
        "visit": {
            "conmeds": [
                {"drug": "Paracetamol", "dose": "500"},
                {"drug": "Ibuprofen", "dose": "200.5"},
            ],
            "visit_date": "2026-11-10",
            "seen_at": "2026-11-10T09:30:00+01:00",
            "symptoms": ["fever", "cough"],
            "sides": [2, 1],
        },
    },
    "LYO": {
        "personal": {"first_name": "Jules", "last_name": "Maigret", "email": "jules@example.org"},
        "screening": {"age": 58, "weight": "82", "smoker": True, "sex": "M", "severity": 1},
        "visit": {},
    },
}
PERSONAL_TEXTS = (
    "Amelie",
    "Poulain",
    "amelie@example.org",
    "Jules",
    "Maigret",
    "jules@example.org",
)
DEFINITIONS = "/api/exports/definitions/"
RUNS = "/api/exports/runs/"


@dataclasses.dataclass
class Trial:
    app: Flask
    tenant: TenantRef
    headers: dict[str, str]
    study: str
    centers: dict[str, str]
    sections: list[str]
    manager: TenantClient
    data_manager: TenantClient
    investigator: TenantClient  # at PAR
    lyon_investigator: TenantClient  # at LYO
    lyon_data_manager: TenantClient  # at LYO only
    monitor: TenantClient
    subjects: dict[str, str] = dataclasses.field(default_factory=dict)  # center -> uuid
    labels: dict[str, str] = dataclasses.field(default_factory=dict)  # center -> subject id

    def site(self, center: str) -> TenantClient:
        return self.investigator if center == "PAR" else self.lyon_investigator

    def save(
        self, center: str, section: int, answers: dict[str, Any], reason: str | None = None
    ) -> Any:
        client = self.site(center)
        url = f"/api/ecrf/subjects/{self.subjects[center]}/sections/{self.sections[section]}"
        etag = client.get(url, headers=self.headers).headers["ETag"]
        headers = {**self.headers, "If-Match": etag}
        if reason:
            headers["Reason-For-Change"] = reason
        saved: Any = client.put(url, json={"answers": answers}, headers=headers)
        assert saved.status_code == 200, saved.json
        return saved.json

    def define(self, client: TenantClient | None = None, **fields: Any) -> Any:
        body = {"name": fields.pop("name", "All data"), **fields}
        made: Any = (client or self.data_manager).post(DEFINITIONS, json=body, headers=self.headers)
        assert made.status_code == 201, made.json
        return made.json

    def run(
        self, definition: str, file_format: str, client: TenantClient | None = None, **extra: Any
    ) -> Any:
        return (client or self.data_manager).post(
            f"{DEFINITIONS}{definition}/runs",
            json={"format": file_format, **extra},
            headers=self.headers,
        )

    def export(self, definition: str, file_format: str, client: TenantClient | None = None) -> Any:
        """A run done (jobs run in process without Redis): its answer as read back."""
        asked = self.run(definition, file_format, client)
        assert asked.status_code == 202, asked.json
        read: Any = (client or self.data_manager).get(
            f"{RUNS}{asked.json['uuid']}", headers=self.headers
        )
        assert read.status_code == 200, read.json
        return read.json

    def download(self, export: Any, name: str, client: TenantClient | None = None) -> Any:
        (made,) = [f for f in export["files"] if f["name"] == name]
        return (client or self.data_manager).get(
            f"{RUNS}{export['uuid']}/files/{made['uuid']}", headers=self.headers
        )

    def content(self, export: Any, name: str) -> bytes:
        answer = self.download(export, name)
        assert answer.status_code == 200, answer.json
        return answer.data


def make_trial(app: Flask, client_as, make_study, join_study, tenant: TenantRef) -> Trial:
    manager = client_as(tenant, "study_manager")
    study = make_study(manager, "PAR", "LYO", reference="EXP-1")
    headers = study.headers
    etag = manager.get("/api/ecrf/", headers=headers).headers["ETag"]
    ecrf: Any = manager.put("/api/ecrf/", json=ECRF, headers={**headers, "If-Match": etag})
    assert ecrf.status_code == 200, ecrf.json
    trial = Trial(
        app=app,
        tenant=tenant,
        headers=headers,
        study=headers["Study-Uuid"],
        centers=study.centers,
        sections=[section["uuid"] for section in ecrf.json["sections"]],
        manager=manager,
        data_manager=join_study(headers, tenant, "data_manager"),
        investigator=join_study(headers, tenant, "investigator", [study.centers["PAR"]]),
        lyon_investigator=join_study(headers, tenant, "investigator", [study.centers["LYO"]]),
        lyon_data_manager=join_study(headers, tenant, "data_manager", [study.centers["LYO"]]),
        monitor=join_study(headers, tenant, "monitor"),
    )
    for center, entry in ENTRIES.items():
        client = trial.site(center)
        added: Any = client.post(
            "/api/subjects/",
            json={"center": trial.centers[center], "personal_data": entry["personal"]},
            headers=headers,
        )
        assert added.status_code == 201, added.json
        trial.subjects[center] = added.json["uuid"]
        trial.labels[center] = added.json["study_subject_id"]
        included: Any = client.patch(
            f"/api/subjects/{added.json['uuid']}",
            json={"status": "included", "inclusion_date": dt.date(2026, 11, 2).isoformat()},
            headers=headers,
        )
        assert included.status_code == 200, included.json
        trial.save(center, 0, entry["screening"])
        if entry["visit"]:
            trial.save(center, 1, entry["visit"])
    return trial
