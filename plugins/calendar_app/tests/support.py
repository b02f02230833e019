"""A study with a calendar, shared by the calendar tests: centers at Paris and Lyon, an
eCRF of a screening section and two visits, a schedule (visit 1 two weeks after
inclusion within two days, visit 2 four weeks after visit 1 within three days), and its
team: a study manager, investigators at each center, a monitor and a viewer."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from flask import Flask

from datacapt.testing import TenantClient, run_tick
from datacapt.toolkit import TenantRef


def _section(title: str, code: str) -> dict[str, Any]:
    block = {"kind": "question", "code": code, "type": "yes_no", "label": {"en": code}}
    return {
        "title": {"en": title},
        "subsections": [{"title": {"en": title}, "blocks": [{**block, "required": True}]}],
    }


ECRF = {
    "sections": [
        _section("Screening", "eligible"),
        _section("Visit 1", "visit1_done"),
        _section("Visit 2", "visit2_done"),
    ]
}
QUESTIONS = {"Screening": "eligible", "Visit 1": "visit1_done", "Visit 2": "visit2_done"}
BASE = "/api/calendar"


def paris_today() -> dt.date:
    """The tenant's today (the tests' tenant is in Paris): a visit done now is done then."""
    return dt.datetime.now(ZoneInfo("Europe/Paris")).date()


def days(day: dt.date, offset: int) -> str:
    return (day + dt.timedelta(days=offset)).isoformat()


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


@dataclasses.dataclass
class Trial:
    app: Flask
    tenant: TenantRef
    headers: dict[str, str]
    centers: dict[str, str]  # code -> uuid
    sections: dict[str, str]  # title -> uuid
    manager: TenantClient
    investigator: TenantClient  # at PAR
    lyon_investigator: TenantClient  # at LYO only
    monitor: TenantClient
    viewer: TenantClient

    def site_client(self, center: str) -> TenantClient:
        return self.investigator if center == "PAR" else self.lyon_investigator

    def schedule_visits(self) -> list[dict[str, Any]]:
        return [
            {"section": self.sections["Screening"], "day": 0},
            {"section": self.sections["Visit 1"], "day": 14, "days_before": 2, "days_after": 2},
            {
                "section": self.sections["Visit 2"],
                "day": 28,
                "relative_to": self.sections["Visit 1"],
                "days_before": 3,
                "days_after": 3,
            },
        ]

    def schedule(self, visits: list[dict[str, Any]] | None = None) -> Any:
        visits = visits if visits is not None else self.schedule_visits()
        saved: Any = self.manager.put(
            f"{BASE}/schedule", json={"visits": visits}, headers=self.headers
        )
        assert saved.status_code == 200, saved.json
        return saved.json

    def subject(
        self, center: str = "PAR", inclusion: str | None = "2030-03-04", **personal: Any
    ) -> str:
        client = self.site_client(center)
        added: Any = client.post(
            "/api/subjects/",
            json={"center": self.centers[center], "personal_data": personal},
            headers=self.headers,
        )
        assert added.status_code == 201, added.json
        if inclusion:
            self.include(added.json["uuid"], inclusion, center)
        return added.json["uuid"]

    def include(self, subject: str, inclusion: str, center: str = "PAR") -> Any:
        change: Any = self.site_client(center).patch(
            f"/api/subjects/{subject}",
            json={"status": "included", "inclusion_date": inclusion},
            headers=self.headers,
        )
        assert change.status_code == 200, change.json
        return change.json

    def answer(self, subject: str, section: str, center: str = "PAR", value: bool = True) -> Any:
        client = self.site_client(center)
        url = f"/api/ecrf/subjects/{subject}/sections/{self.sections[section]}"
        etag = client.get(url, headers=self.headers).headers["ETag"]
        saved: Any = client.put(
            url,
            json={"answers": {QUESTIONS[section]: value}},
            headers={**self.headers, "If-Match": etag, "Reason-For-Change": "correction"},
        )
        assert saved.status_code == 200, saved.json
        return saved.json

    def visits(self, subject: str, client: TenantClient | None = None) -> dict[str, Any]:
        """The subject's planned visits by section title."""
        answer: Any = (client or self.manager).get(
            f"{BASE}/visits/?subject={subject}", headers=self.headers
        )
        assert answer.status_code == 200, answer.json
        titles = {uuid: title for title, uuid in self.sections.items()}
        return {titles[v["section"]]: v for v in answer.json}

    def resource(self, name: str = "Room 1", center: str = "PAR", kind: str = "room") -> str:
        added: Any = self.manager.post(
            f"{BASE}/resources/",
            json={"center": self.centers[center], "kind": kind, "name": name},
            headers=self.headers,
        )
        assert added.status_code == 201, added.json
        return added.json["uuid"]

    def book(self, client: TenantClient | None = None, **fields: Any) -> Any:
        body = {"starts_at": "2030-03-18T09:00:00", "duration_minutes": 30, **fields}
        return (client or self.investigator).post(
            f"{BASE}/appointments/", json=body, headers=self.headers
        )


def make_trial(app: Flask, client_as, make_study, join_study, tenant: TenantRef) -> Trial:
    admin = client_as(tenant)
    admin.patch("/api/tenant/settings", json={"time_zone": "Europe/Paris"})
    manager = client_as(tenant, "study_manager")
    study = make_study(manager, "PAR", "LYO", reference="CAL-1")
    headers = study.headers
    etag = manager.get("/api/ecrf/", headers=headers).headers["ETag"]
    ecrf: Any = manager.put("/api/ecrf/", json=ECRF, headers={**headers, "If-Match": etag})
    assert ecrf.status_code == 200, ecrf.json
    return Trial(
        app=app,
        tenant=tenant,
        headers=headers,
        centers=study.centers,
        sections={section["title"]["en"]: section["uuid"] for section in ecrf.json["sections"]},
        manager=manager,
        investigator=join_study(headers, tenant, "investigator", [study.centers["PAR"]]),
        lyon_investigator=join_study(headers, tenant, "investigator", [study.centers["LYO"]]),
        monitor=join_study(headers, tenant, "monitor"),
        viewer=join_study(headers, tenant, "viewer"),
    )


def tick(app: Flask, at: str) -> None:
    """One cron tick of the calendar's reminders at a UTC time (fan-out, then delivery)."""
    with time_machine.travel(utc(at), tick=False), app.app_context():
        run_tick(
            "datacapt.jobs.cron.tick",
            "plugins.calendar_app.reminders.services.send_due",
            "calendar_app",
            "default",
        )
