"""A study with automations, shared by the tests: centers at Paris and Lyon, an eCRF of
a screening section (one required yes/no question and a weight) and a visit, and its
team: the study manager who writes the rules, an investigator at each center, a monitor."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from flask import Flask

from datacapt.testing import TenantClient
from datacapt.toolkit import TenantRef

RULES = "/api/automations/rules/"
RUNS = "/api/automations/runs/"
TASKS = "/api/automations/tasks/"

ECRF = {
    "sections": [
        {
            "title": {"en": "Screening"},
            "subsections": [
                {
                    "title": {"en": "Screening"},
                    "blocks": [
                        {
                            "kind": "question",
                            "code": "eligible",
                            "type": "yes_no",
                            "label": {"en": "Eligible"},
                            "required": True,
                        },
                        {
                            "kind": "question",
                            "code": "weight",
                            "type": "integer",
                            "label": {"en": "Weight"},
                        },
                    ],
                }
            ],
        },
        {
            "title": {"en": "Visit 1"},
            "subsections": [
                {
                    "title": {"en": "Visit 1"},
                    "blocks": [
                        {
                            "kind": "question",
                            "code": "visit1_done",
                            "type": "yes_no",
                            "label": {"en": "Done"},
                            "required": True,
                        }
                    ],
                }
            ],
        },
    ]
}

TASK_ON_INCLUSION = {
    "name": "Welcome call",
    "trigger": {"kind": "subject_included"},
    "actions": [{"kind": "create_task", "role": "investigator", "title": "Call the subject"}],
}


@dataclasses.dataclass
class Site:
    app: Flask
    tenant: TenantRef
    headers: dict[str, str]
    centers: dict[str, str]
    sections: dict[str, str]
    manager: TenantClient
    investigator: TenantClient  # at PAR
    lyon_investigator: TenantClient  # at LYO
    monitor: TenantClient

    def rule(self, body: dict[str, Any]) -> Any:
        created: Any = self.manager.post(RULES, json=body, headers=self.headers)
        assert created.status_code == 201, created.json
        return created.json

    def subject(self, center: str = "PAR", include: bool = True) -> str:
        client = self.investigator if center == "PAR" else self.lyon_investigator
        added: Any = client.post(
            "/api/subjects/", json={"center": self.centers[center]}, headers=self.headers
        )
        assert added.status_code == 201, added.json
        if include:
            self.include(added.json["uuid"], client)
        return added.json["uuid"]

    def include(self, subject: str, client: TenantClient | None = None, days_ago: int = 0) -> Any:
        day = dt.date.today() - dt.timedelta(days=days_ago)
        included: Any = (client or self.investigator).patch(
            f"/api/subjects/{subject}",
            json={"status": "included", "inclusion_date": day.isoformat()},
            headers=self.headers,
        )
        assert included.status_code == 200, included.json
        return included.json

    def answer(self, subject: str, section: str, answers: dict[str, Any]) -> Any:
        url = f"/api/ecrf/subjects/{subject}/sections/{self.sections[section]}"
        etag = self.investigator.get(url, headers=self.headers).headers["ETag"]
        saved: Any = self.investigator.put(
            url,
            json={"answers": answers},
            headers={**self.headers, "If-Match": etag, "Reason-For-Change": "correction"},
        )
        assert saved.status_code == 200, saved.json
        return saved.json

    def runs(self, **filters: str) -> list[dict[str, Any]]:
        listed: Any = self.manager.get(RUNS, query_string=filters, headers=self.headers)
        assert listed.status_code == 200, listed.json
        return listed.json

    def tasks(self, client: TenantClient) -> list[dict[str, Any]]:
        listed: Any = client.get(TASKS, headers=self.headers)
        assert listed.status_code == 200, listed.json
        return listed.json


def make_site(app: Flask, client_as, make_study, join_study, tenant: TenantRef) -> Site:
    manager = client_as(tenant, "study_manager")
    study = make_study(manager, "PAR", "LYO", reference="AUTO-1")
    headers = study.headers
    etag = manager.get("/api/ecrf/", headers=headers).headers["ETag"]
    ecrf: Any = manager.put("/api/ecrf/", json=ECRF, headers={**headers, "If-Match": etag})
    assert ecrf.status_code == 200, ecrf.json
    return Site(
        app=app,
        tenant=tenant,
        headers=headers,
        centers=study.centers,
        sections={s["title"]["en"]: s["uuid"] for s in ecrf.json["sections"]},
        manager=manager,
        investigator=join_study(headers, tenant, "investigator", [study.centers["PAR"]]),
        lyon_investigator=join_study(headers, tenant, "investigator", [study.centers["LYO"]]),
        monitor=join_study(headers, tenant, "monitor"),
    )


#: An ePRO questionnaire sent on the day of inclusion, open for two days.
DIARY: dict[str, Any] = {
    "code": "DIARY",
    "title": {"en": "Diary"},
    "blocks": [{"kind": "question", "code": "pain", "type": "yes_no", "required": True}],
    "channels": ["email"],
    "schedule": {"days": [0], "send_time": "09:00", "window_hours": 24, "available_hours": 48},
    "reminders": {"every_hours": 6, "max": 1},
}
