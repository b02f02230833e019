"""A monitored trial shared by the reports tests: a study at Paris and Lyon with a design
of two visits, its team (a study manager, investigators at each center, a monitor, a
viewer) and a subject at each center with answers entered, one of them corrected."""

from __future__ import annotations

import dataclasses
from typing import Any

from datacapt.testing import TenantClient

REPORTS = "/api/reports/"
AUDITOR = "auditor"


def question(code: str, kind: str, label: str, **fields: Any) -> dict[str, Any]:
    return {"kind": "question", "code": code, "type": kind, "label": {"en": label}, **fields}


SEX_CHOICES = [{"value": "F", "label": {"en": "Female"}}, {"value": "M", "label": {"en": "Male"}}]
DESIGN = {
    "sections": [
        {
            "title": {"en": "Screening"},
            "subsections": [
                {
                    "title": {"en": "Base"},
                    "blocks": [
                        question("sex", "single_choice", "Sex", options={"choices": SEX_CHOICES}),
                        question("weight", "decimal", "Weight (kg)", options={"precision": 1}),
                        question("smoker", "yes_no", "Smoker"),
                    ],
                }
            ],
        },
        {
            "title": {"en": "Week 4"},
            "subsections": [
                {
                    "title": {"en": "Follow-up"},
                    "blocks": [question("pain", "integer", "Pain score", options={"max": 10})],
                }
            ],
        },
    ]
}


@dataclasses.dataclass
class Trial:
    headers: dict[str, str]
    centers: dict[str, str]  # center uuid by code
    sections: list[str]
    manager: TenantClient
    investigator: TenantClient  # at PAR
    lyon_investigator: TenantClient  # at LYO only
    monitor: TenantClient
    viewer: TenantClient
    auditor: TenantClient  # reads the study's audit trail
    subject: str  # at PAR
    lyon_subject: str  # at LYO

    def save(
        self,
        client: TenantClient,
        subject: str,
        answers: dict[str, Any],
        section: int = 0,
        reason: str | None = None,
    ) -> None:
        url = f"/api/ecrf/subjects/{subject}/sections/{self.sections[section]}"
        headers = {
            **self.headers,
            "If-Match": client.get(url, headers=self.headers).headers["ETag"],
        }
        if reason:
            headers["Reason-For-Change"] = reason
        saved: Any = client.put(url, json={"answers": answers}, headers=headers)
        assert saved.status_code == 200, saved.json

    def casebook(self, client: TenantClient, subject: str | None = None) -> Any:
        return client.post(
            f"{REPORTS}subjects/{subject or self.subject}/casebook", headers=self.headers
        )

    def download(self, client: TenantClient, report: str) -> Any:
        return client.get(f"{REPORTS}{report}/file", headers=self.headers)


def make_trial(client_as, make_study, join_study, tenant) -> Trial:
    role: Any = client_as(tenant).post(
        "/api/roles/", json={"name": AUDITOR, "permissions": ["audit_trails.access"]}
    )
    assert role.status_code == 201, role.json
    manager = client_as(tenant, "study_manager")
    study = make_study(manager, "PAR", "LYO", reference="CASEBOOKS")
    headers, centers = study.headers, study.centers
    etag = manager.get("/api/ecrf/", headers=headers).headers["ETag"]
    design: Any = manager.put("/api/ecrf/", json=DESIGN, headers={**headers, "If-Match": etag})
    assert design.status_code == 200, design.json
    investigator = join_study(headers, tenant, "investigator", [centers["PAR"]])
    lyon = join_study(headers, tenant, "investigator", [centers["LYO"]])
    subjects = []
    for client, center in ((investigator, "PAR"), (lyon, "LYO")):
        added: Any = client.post(
            "/api/subjects/", json={"center": centers[center]}, headers=headers
        )
        assert added.status_code == 201, added.json
        subjects.append(added.json["uuid"])
    trial = Trial(
        headers=headers,
        centers=centers,
        sections=[s["uuid"] for s in design.json["sections"]],
        manager=manager,
        investigator=investigator,
        lyon_investigator=lyon,
        monitor=join_study(headers, tenant, "monitor"),
        viewer=join_study(headers, tenant, "viewer"),
        auditor=join_study(headers, tenant, AUDITOR),
        subject=subjects[0],
        lyon_subject=subjects[1],
    )
    trial.save(investigator, subjects[0], {"sex": "F", "weight": "71.5", "smoker": False})
    trial.save(investigator, subjects[0], {"weight": "72.5"}, reason="Scale recalibrated")
    trial.save(lyon, subjects[1], {"sex": "M", "weight": "88.0", "smoker": True})
    return trial
